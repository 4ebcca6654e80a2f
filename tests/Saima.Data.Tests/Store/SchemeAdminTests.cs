using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The office's scheme administration on both stores: proposed rules validated (nothing stored
/// when refused), previewed with the ranks the engine gives (checked against ranks computed here
/// by hand), applied as a new version that leaves published periods and their results alone;
/// tracks, indicators, targets and maps, each audited.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class SchemeAdminTests(Stores stores)
{
    /// <summary>Two indicators under Total, min-max to [0, 100], equal weights.</summary>
    private const string Json = """
        { "indicators": [ { "code": "A", "parent": "Total" }, { "code": "B", "parent": "Total" } ],
          "groups": [ { "code": "Total" } ] }
        """;

    private static readonly IndicatorSpec[] Indicators = [new("A", "指标甲"), new("B", "指标乙")];
    private static readonly string[] Units = ["C01", "C02", "C03", "C04"];
    private static readonly double[] AValues = [10, 20, 30, 40];
    private static readonly double[] BValues = [40, 10, 25, 30];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Preview_GivesTheEnginesRanks_AsComputedByHand(StoreProvider provider)
    {
        using var w = Published(provider);
        var admin = new SchemeAdmin(w.Db, w.Clock);
        string proposed = SchemeAdmin.WithWeights(Json, [new WeightEdit("B", null, 2)]);

        SchemePreview preview = admin.Preview(w.Scheme.Id, proposed)!;

        preview.Period.ShouldBe("2025-06");
        preview.Published.ShouldBeTrue();
        (preview.CurrentVersion, preview.ProposedVersion).ShouldBe((1, 2));
        int[] before = HandRanks(1), after = HandRanks(2);
        before.ShouldBe(new[] { 3, 4, 2, 1 }, "by hand: C04 83.3, C03 58.3, C01 50, C02 16.7");
        after.ShouldBe(new[] { 2, 4, 3, 1 }, "by hand: C04 77.8, C01 66.7, C03 55.6, C02 11.1");
        foreach (PreviewRow r in preview.Rows)
        {
            int k = Array.IndexOf(Units, r.UnitCode);
            (r.CurrentRank, r.ProposedRank).ShouldBe((before[k], after[k]), r.UnitCode);
            r.ProposedScore!.Value.ShouldBe(HandScore(k, 2), 1e-9, r.UnitCode);
        }

        // Largest move first: C01 up one, C03 down one, then the unmoved by proposed rank.
        preview.Rows.Select(r => r.UnitCode).ShouldBe(new[] { "C01", "C03", "C04", "C02" });
        preview.Rows[0].Move.ShouldBe(1);
        preview.Rows[1].Move.ShouldBe(-1);

        // Nothing stored by a preview.
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeVersions.Count().ShouldBe(1);
        fresh.ResultSets.Count().ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void BadRules_AreRefusedWithThePath_AndNothingIsStored(StoreProvider provider)
    {
        using var w = Published(provider);
        var admin = new SchemeAdmin(w.Db, w.Clock);
        int audit = w.Db.Audit.Count();

        var negative = Should.Throw<SchemeException>(() => admin.Preview(w.Scheme.Id, SchemeAdmin.WithWeights(Json, [new WeightEdit("A", null, -1)])));
        negative.Path.ShouldBe("$.indicators[0].weight");
        Should.Throw<SchemeException>(() => admin.Apply(w.Office, w.Scheme.Id, SchemeAdmin.WithWeights(Json, [new WeightEdit("A", null, -1)]), null))
            .Path.ShouldBe("$.indicators[0].weight");
        Should.Throw<SchemeException>(() => admin.Apply(w.Office, w.Scheme.Id, "{ \"indicators\": [", null)).Path.ShouldBe("$");
        Should.Throw<SchemeException>(() => admin.Apply(w.Office, w.Scheme.Id, Json.Replace("\"B\"", "\"X\"", StringComparison.Ordinal), null))
            .Path.ShouldBe("$.indicators[1].code");

        // A track override when the units have no tracks.
        Should.Throw<SchemeException>(() => admin.Validate(w.Scheme.Id, SchemeAdmin.WithWeights(Json, [new WeightEdit("A", "县", 2)])))
            .Path.ShouldBe("$.tracks.overrides.县");

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeVersions.Count().ShouldBe(1);
        fresh.Audit.Count().ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Apply_AddsAVersion_PublishedPeriodKeepsItsVersionAndResults(StoreProvider provider)
    {
        using var w = Published(provider);
        var admin = new SchemeAdmin(w.Db, w.Clock);
        long v1 = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
        ResultSet set = w.Db.ResultSets.Single();
        var before = Totals(w, set.Id);
        string proposed = SchemeAdmin.WithWeights(Json, [new WeightEdit("B", null, 2)]);

        w.Clock.Advance(TimeSpan.FromHours(1));
        SchemeVersion v2 = admin.Apply(w.Office, w.Scheme.Id, proposed, "乙指标权重加倍");

        v2.Version.ShouldBe(2);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeVersions.OrderBy(v => v.Version).Select(v => v.Json).ToList().ShouldBe(new[] { Json, proposed });
        fresh.Periods.Single(p => p.Code == "2025-06").SchemeVersionId.ShouldBe(v1);
        fresh.ResultSets.Count().ShouldBe(1);
        Totals(w, set.Id).ShouldBe(before);
        w.Results.Recompute(set.Id).Identical.ShouldBeTrue();

        AuditEntry json = fresh.Audit.Where(a => a.Entity == "scheme" && a.Field == "json").OrderBy(a => a.Id).ToList()[^1];
        (json.User, json.Action, json.OldValue, json.NewValue, json.Reason, json.At).ShouldBe(("office.wang", "update", Json, proposed, "乙指标权重加倍", w.Clock.GetUtcNow()));
        fresh.Audit.Any(a => a.Entity == "scheme" && a.Field == "version" && a.OldValue == "1" && a.NewValue == "2").ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void WithWeights_TrackOverrides_AreSetAndRemoved(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators, tracks: ["城区", "县", "县", "县"]);
        var admin = new SchemeAdmin(w.Db, w.Clock);

        string set = SchemeAdmin.WithWeights(Json, [new WeightEdit("A", "县", 3), new WeightEdit("B", null, 0.5)]);
        Scheme parsed = admin.Validate(w.Scheme.Id, set);
        parsed.Tracks!.Overrides["县"].Weights["A"].ShouldBe(3);
        parsed.Indicators[1].Weight.ShouldBe(0.5);
        SchemeAdmin.Weights(parsed).Single(n => n.Code == "A").TrackWeights.ShouldBe(new Dictionary<string, double> { ["县"] = 3 });

        string removed = SchemeAdmin.WithWeights(set, [new WeightEdit("A", "县", null), new WeightEdit("B", null, null)]);
        Scheme back = admin.Validate(w.Scheme.Id, removed);
        back.Tracks.ShouldBeNull();
        back.Indicators[1].Weight.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void MoveUnit_ChangesTheTrack_RefusesLeavingOneWithout_AndAudits(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators, tracks: ["城区", "县", "县", "县"]);
        var admin = new SchemeAdmin(w.Db, w.Clock);

        admin.MoveUnit(w.Office, w.Scheme.Id, "C02", "城区");
        Should.Throw<WorkflowException>(() => admin.MoveUnit(w.Office, w.Scheme.Id, "C03", ""))
            .Message.ShouldContain("expected a track for every unit or for none");
        Should.Throw<AccessDeniedException>(() => admin.MoveUnit(w.ReporterOf("C01"), w.Scheme.Id, "C03", "城区"));

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.SchemeUnits.Where(s => s.SchemeId == w.Scheme.Id).OrderBy(s => s.UnitId).Select(s => s.Track).ToList().ShouldBe(new[] { "城区", "城区", "县", "县" });
        AuditEntry a = fresh.Audit.Single(x => x.Entity == "scheme_unit");
        (a.EntityKey, a.Field, a.OldValue, a.NewValue, a.User).ShouldBe(("S1/C02", "track", "县", "城区", "office.wang"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void UpdateIndicator_AuditsEachField_AndADirectionChangeAddsAVersion(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators);
        var admin = new SchemeAdmin(w.Db, w.Clock);

        admin.UpdateIndicator(w.Office, w.Scheme.Id, "B", new IndicatorChange("指标乙", "Indicator B", "比质量", -1, "%", true, 0, 100));
        Should.Throw<WorkflowException>(() => admin.UpdateIndicator(w.Office, w.Scheme.Id, "A", new IndicatorChange("指标甲", null, null, 1, null, false, 5, 1)));

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        Indicator b = fresh.Indicators.Single(i => i.Code == "B");
        (b.NameEn, b.Dimension, b.Direction, b.UnitOfMeasure, b.IsPublic, b.MinPlausible, b.MaxPlausible).ShouldBe(("Indicator B", "比质量", -1, "%", true, 0.0, 100.0));
        fresh.Audit.Where(a => a.Entity == "indicator").Select(a => a.Field).ToList().ShouldBe(
            new[] { "name_en", "dimension", "unit_of_measure", "is_public", "min_plausible", "max_plausible", "direction" }, ignoreOrder: true);
        fresh.Audit.Single(a => a.Entity == "indicator" && a.Field == "direction").NewValue.ShouldBe("-1");
        SchemeVersion v2 = fresh.SchemeVersions.OrderBy(v => v.Version).ToList()[^1];
        v2.Version.ShouldBe(2);
        SchemeParser.Parse(v2.Json).Indicators[1].Direction.ShouldBe(-1);
        fresh.Indicators.Single(i => i.Code == "A").MinPlausible.ShouldBeNull("the refused change stored nothing");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ImportTargets_AllOrNothing_WithLineNumbers(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators);
        var admin = new SchemeAdmin(w.Db, w.Clock);

        var bad = Should.Throw<TargetImportException>(() => admin.ImportTargets(w.Office, w.Scheme.Id,
            new StringReader("unit,indicator,year,target\nC01,A,2025,100\nC02,A,2025,12x5\nC03,A,20x5,1\n"), null));
        bad.Errors.ShouldBe(new[]
        {
            "line 3: target '12x5' is not a number; expected a number with '.' as decimal point",
            "line 4: year '20x5' is not a year; expected e.g. 2025",
        });
        Should.Throw<TargetImportException>(() => admin.ImportTargets(w.Office, w.Scheme.Id, new StringReader("unit,indicator,year,target\nC01,A,2025,100\nTJJ,A,2025,1\n"), null))
            .Errors.ShouldBe(new[] { "unit 'TJJ' does not take part in scheme 'S1'" });
        w.Db.Targets.Count().ShouldBe(0);

        TargetImport first = admin.ImportTargets(w.Office, w.Scheme.Id, new StringReader("\uFEFFUnit,Indicator,Year,Target\nC01,A,2025,100\nC02,B,2025,7.5\n"), null);
        first.ShouldBe(new TargetImport(2, 0, 0));
        TargetImport second = admin.SetTargets(w.Office, w.Scheme.Id, [new("C01", "A", 2025, 100), new("C02", "B", 2025, 8)], null);
        second.ShouldBe(new TargetImport(0, 1, 1));

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Targets.OrderBy(t => t.Value).Select(t => t.Value).ToList().ShouldBe(new[] { 8.0, 100 });
        AuditEntry a = fresh.Audit.Where(x => x.Entity == "target").OrderBy(x => x.Id).ToList()[^1];
        (a.EntityKey, a.OldValue, a.NewValue).ShouldBe(("S1/C02/B/2025", "7.5", "8"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void GeoMap_GoodIsStoredAndReplaced_BadIsRefusedAndNothingStored(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var maps = new GeoMapAdmin(w.Db, w.Clock);

        Should.Throw<GeoMapException>(() => maps.Save(w.Office, "counties", "县区", "{\"type\": \"Feature\"}")).Message.ShouldContain("not a GeoJSON FeatureCollection");
        Should.Throw<GeoMapException>(() => maps.Save(w.Office, "counties", "县区", "not json")).Message.ShouldContain("not JSON");
        Should.Throw<GeoMapException>(() => maps.Save(w.Office, "counties", "县区", Geo("C01", null))).Message.ShouldContain("features[1] has no properties.code");
        Should.Throw<GeoMapException>(() => maps.Save(w.Office, "counties", "县区", Geo("X1", "X2"))).Message.ShouldContain("none of the 2 features names a unit");
        Count(w).ShouldBe(0);
        w.Db.Audit.Count(a => a.Entity == "geo_map").ShouldBe(0);

        GeoMapCheck check = maps.Save(w.Office, "counties", "县区", Geo("C01", "C02", "X9"));
        (check.Features, check.Matched.Count, check.Unmatched.Single()).ShouldBe((3, 2, "X9"));
        maps.Save(w.Office, "counties", "县区（新）", Geo("C01", "C02", "C03"));
        Count(w).ShouldBe(1);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        var audit = fresh.Audit.Where(a => a.Entity == "geo_map").OrderBy(a => a.Id).ToList();
        audit.Select(a => a.Action).ShouldBe(new[] { "create", "update" });
        audit[0].NewValue!.ShouldStartWith("features=3 sha256=");
        audit[1].OldValue.ShouldBe(audit[0].NewValue);
    }

    private static string Geo(params string?[] codes) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", codes.Select(c =>
            "{\"type\":\"Feature\",\"properties\":{" + (c is null ? "\"name\":\"x\"" : $"\"code\":\"{c}\"") + "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}")) + "]}";

    private static long Count(World w)
    {
        var c = w.Db.Database.GetDbConnection();
        bool open = c.State == System.Data.ConnectionState.Open;
        if (!open)
        {
            c.Open();
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM geo_maps";
        long n = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (!open)
        {
            c.Close();
        }

        return n;
    }

    /// <summary>S1 with A and B published for 2025-06 (the values above): seeded once per provider, a copy of its own for each test.</summary>
    private World Published(StoreProvider provider) => World.CopyOf(stores, provider, "scheme-admin-published", Publish);

    private static void Publish(World w)
    {
        w.CreateScheme(Json, Indicators);
        w.Open("2025-06");
        for (int k = 0; k < Units.Length; k++)
        {
            w.Report(Units[k], "A", "2025-06", AValues[k]);
            w.Report(Units[k], "B", "2025-06", BValues[k]);
        }

        w.Clock.Advance(TimeSpan.FromMinutes(1));
        w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06");
    }

    /// <summary>Min-max to [0, 100] of each indicator, then the weighted mean (A weight 1, B <paramref name="bWeight"/>).</summary>
    private static double HandScore(int k, double bWeight)
    {
        static double MinMax(double[] v, int i) => (v[i] - v.Min()) / (v.Max() - v.Min()) * 100;
        return (MinMax(AValues, k) + (bWeight * MinMax(BValues, k))) / (1 + bWeight);
    }

    /// <summary>Competition ranks of the hand scores: 1 + the number of units with a higher score.</summary>
    private static int[] HandRanks(double bWeight)
    {
        double[] s = Enumerable.Range(0, Units.Length).Select(k => HandScore(k, bWeight)).ToArray();
        return s.Select(x => 1 + s.Count(y => y > x)).ToArray();
    }

    private static Dictionary<string, (double?, int?)> Totals(World w, long set)
    {
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        return fresh.ResultRows.Where(r => r.ResultSetId == set && r.Node == "Total").ToList()
            .ToDictionary(r => Units[Array.IndexOf(Units.Select(w.Unit).ToArray(), r.UnitId)], r => (r.Score, r.Rank));
    }
}
