using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class SchemeServiceTests(Stores stores)
{
    private const string TwoTrackJson = """
        { "indicators": [ { "code": "Rev", "parent": "Total" }, { "code": "RevG", "parent": "Total" } ],
          "groups": [ { "code": "Total" } ],
          "tracks": { "compare": "track", "overrides": { "城区": { "weights": { "RevG": 2 } } } } }
        """;

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void CreateScheme_WithTracksAndGrowth_StoresUnitsIndicatorsAndFirstVersion(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(TwoTrackJson, tracks: ["城区", "县", "县", "县"]);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeUnits.OrderBy(u => u.UnitId).Select(u => u.Track).ToList().ShouldBe(new[] { "城区", "县", "县", "县" });
        var indicators = fresh.Indicators.OrderBy(i => i.SortOrder).ToList();
        indicators.Select(i => (i.Code, i.Frequency, i.UnitOfMeasure)).ShouldBe(new[] { ("Rev", "month", (string?)"亿元"), ("RevG", "month", "%") });
        indicators[1].GrowthOfId.ShouldBe(indicators[0].Id);
        SchemeVersion v = fresh.SchemeVersions.Single();
        (v.Version, v.Json, v.CreatedBy).ShouldBe((1, TwoTrackJson, "office.wang"));
        fresh.Audit.Where(a => a.Entity == "scheme").Select(a => a.Field).ToList().ShouldBe(new[] { "name", "version" });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AddVersion_ValidJson_AppendsAndKeepsEarlierVersions(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        string v2 = World.GrowthSchemeJson.Replace("\"parent\": \"Total\" },", "\"parent\": \"Total\", \"weight\": 2 },", StringComparison.Ordinal);
        v2.ShouldNotBe(World.GrowthSchemeJson);

        w.Clock.Advance(TimeSpan.FromDays(1));
        SchemeVersion added = w.Schemes.AddVersion(w.Office, w.Scheme.Id, v2, "收入权重加倍");

        added.Version.ShouldBe(2);
        w.Schemes.CurrentVersion(w.Scheme.Id).Id.ShouldBe(added.Id);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeVersions.OrderBy(v => v.Version).Select(v => v.Json).ToList().ShouldBe(new[] { World.GrowthSchemeJson, v2 });
        AuditEntry audit = fresh.Audit.Where(a => a.Entity == "scheme").OrderBy(a => a.Id).ToList()[^1];
        (audit.Field, audit.OldValue, audit.NewValue, audit.Reason, audit.At).ShouldBe(("version", "1", "2", "收入权重加倍", w.Clock.GetUtcNow()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AddVersion_JsonNotMatchingIndicators_IsRefusedWithThePath(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();

        // An indicator the scheme does not have.
        var unknown = Should.Throw<SchemeException>(() => w.Schemes.AddVersion(w.Office, w.Scheme.Id, """
            { "indicators": [ { "code": "Rev", "parent": "T" }, { "code": "RevG", "parent": "T" }, { "code": "GDP", "parent": "T" } ],
              "groups": [ { "code": "T" } ] }
            """));
        unknown.Path.ShouldBe("$.indicators[2].code");
        unknown.Message.ShouldContain("'GDP' is not an indicator of scheme 'S1'; expected one of Rev, RevG");

        var direction = Should.Throw<SchemeException>(() => w.Schemes.AddVersion(w.Office, w.Scheme.Id, """
            { "indicators": [ { "code": "Rev", "parent": "T", "direction": -1 }, { "code": "RevG", "parent": "T" } ], "groups": [ { "code": "T" } ] }
            """));
        direction.Path.ShouldBe("$.indicators[0].direction");

        var track = Should.Throw<SchemeException>(() => w.Schemes.AddVersion(w.Office, w.Scheme.Id, TwoTrackJson));
        track.Path.ShouldBe("$.tracks.overrides.城区");

        // The engine's own validation, with its JSON path.
        Should.Throw<SchemeException>(() => w.Schemes.AddVersion(w.Office, w.Scheme.Id, """{ "indicators": [] }"""))
            .Path.ShouldBe("$.indicators");

        // Scoring only the growth still uses the level it is derived from: accepted.
        w.Schemes.AddVersion(w.Office, w.Scheme.Id, """
            { "indicators": [ { "code": "RevG", "parent": "T" } ], "groups": [ { "code": "T" } ] }
            """).Version.ShouldBe(2);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeVersions.Count().ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void CreateScheme_RefusedRules_LeaveNothingStored(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));

        // A reported indicator the rules forget.
        var forgotten = Should.Throw<SchemeException>(() => w.CreateScheme(
            """{ "indicators": [ { "code": "Rev", "parent": "T" } ], "groups": [ { "code": "T" } ] }""",
            [new("Rev", "一般公共预算收入"), new("Jobs", "城镇新增就业")]));
        forgotten.Message.ShouldBe("$.indicators: indicator 'Jobs' of scheme 'S1' is reported but the scheme neither scores it nor uses it as a denominator or growth level; add it to the JSON or remove it from the scheme");
        Should.Throw<WorkflowException>(() => w.CreateScheme(tracks: ["城区", null!, "县", "县"]))
            .Message.ShouldContain("unit 'C02' of scheme 'S1' has no track while others have");
        Should.Throw<AccessDeniedException>(() => w.Schemes.CreateScheme(Actor.Leader("mayor"), new NewScheme("S2", "x", "month", [], [], "{}")));

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Schemes.Count().ShouldBe(0);
        fresh.Indicators.Count().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void SetTarget_OfAYearWithPublishedPeriod_NeedsAReason(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        long c01 = w.Unit("C01"), rev = w.Indicator(World.Revenue);
        w.Schemes.SetTarget(w.Office, w.Scheme.Id, c01, rev, 2025, 250);
        w.Schemes.SetTarget(w.Office, w.Scheme.Id, c01, rev, 2025, 260.5);
        w.PublishRevenue("2025-06", ("C01", 125), ("C02", 300));

        Should.Throw<WorkflowException>(() => w.Schemes.SetTarget(w.Office, w.Scheme.Id, c01, rev, 2025, 240))
            .Message.ShouldBe("the 2025 target of C01/Rev was used by published period(s) 2025-06; changing it needs a reason");
        w.Schemes.SetTarget(w.Office, w.Scheme.Id, c01, rev, 2026, 280);
        w.Schemes.SetTarget(w.Office, w.Scheme.Id, c01, rev, 2025, 240, "年中目标调整");

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Targets.Where(t => t.Year == 2025).Single().Value.ShouldBe(240);
        fresh.Audit.Where(a => a.Entity == "target" && a.EntityKey == "S1/C01/Rev/2025").OrderBy(a => a.Id).ToList()
            .Select(a => (a.Action, a.OldValue, a.NewValue, a.Reason)).ToList()
            .ShouldBe(new (string, string?, string?, string?)[]
            {
                ("create", null, "250", null),
                ("update", "250", "260.5", null),
                ("update", "260.5", "240", "年中目标调整"),
            });
    }
}
