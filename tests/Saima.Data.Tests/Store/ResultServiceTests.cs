using System.Diagnostics;
using System.Globalization;
using Saima.Data.Store;
using Saima.Scoring;
using Xunit.Abstractions;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class ResultServiceTests(Stores stores, ITestOutputHelper output)
{
    /// <summary>
    /// Everything the bridge carries: tracks with a weight override and track-wise comparison, a
    /// cumulative completion rule with targets and warnings, a derived growth, a denominator,
    /// `previous` imputation, rounding before ranking, bonus and penalty points.
    /// </summary>
    private const string RichJson = """
        { "name": "复现检验",
          "steps": { "impute": { "method": "previous" } },
          "indicators": [
            { "code": "Rev", "parent": "Economy", "cumulative": true,
              "normalise": { "method": "completion", "full": 15, "atTarget": 0.8, "perPoint": 0.2, "cap": 1.2, "floor": 6 } },
            { "code": "RevG", "parent": "Economy" },
            { "code": "Rd", "parent": "Innovation", "denominator": "Gdp" } ],
          "groups": [
            { "code": "Total" },
            { "code": "Economy", "parent": "Total", "weight": 0.6 },
            { "code": "Innovation", "parent": "Total", "weight": 0.4 } ],
          "tracks": { "compare": "track", "overrides": { "城区": { "weights": { "RevG": 2 } } } },
          "ranking": { "roundTo": 2 },
          "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "yellow", "minGap": -10 }, { "level": "red" } ] } }
        """;

    private static readonly IndicatorSpec[] RichIndicators =
    [
        new("Rev", "一般公共预算收入（累计）") { Cumulative = true },
        new("RevG", "一般公共预算收入增速") { GrowthOf = "Rev" },
        new("Rd", "研发经费支出"),
        new("Gdp", "地区生产总值"),
    ];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Recompute_PublishedPeriods_GivesIdenticalNumbersToTheBit(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        var sets = new List<long>();
        using (var w = RichWorld(store))
        {
            foreach (string period in new[] { "2024-06", "2025-05", "2025-06" })
            {
                sets.Add(PublishRich(w, period).Results.Id);
            }
        }

        // A fresh context: everything is read back from the store.
        using SaimaDb db = SaimaDb.Open(store);
        var results = new ResultService(db, TimeProvider.System);
        foreach (long id in sets)
        {
            RecomputeReport r = results.Recompute(id);
            r.Differences.ShouldBeEmpty();
            r.Identical.ShouldBeTrue();
            r.SameInputs.ShouldBeTrue();
            r.RecomputedHash.ShouldBe(r.StoredHash);
            r.RowsCompared.ShouldBe(4 * 6);
        }

        // 2025-06 has targets (2025) for the cumulative Rev: one warning per unit.
        results.Recompute(sets[2]).WarningsCompared.ShouldBe(4);
        long c04 = db.Units.Single(u => u.Code == "C04").Id;

        // C04 reported no Rd in 2025-06: `previous` takes its 2025-05 Rd/Gdp = 8.1/770.2.
        db.ResultRows.Single(x => x.ResultSetId == sets[2] && x.UnitId == c04 && x.Node == "Rd").Value.ShouldBe(8.1 / 770.2);
        db.ResultRows.Where(x => x.ResultSetId == sets[2] && x.Node == "Total").ShouldAllBe(x => x.TrackRank != null && x.RankChange != null);
        db.ResultSets.Single(x => x.Id == sets[2]).ExplainJson!.ShouldContain("\"track\":\"城区\"");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Recompute_AfterTargetChanged_ReportsChangedInputsAndNumbers(StoreProvider provider)
    {
        using World w = RichPublished(provider, out Publication p);
        w.Clock.Advance(TimeSpan.FromDays(1));
        w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit("C01"), w.Indicator("Rev"), 2025, 300, "目标下调");

        RecomputeReport r = w.Results.Recompute(p.Results.Id);

        r.SameInputs.ShouldBeFalse();
        r.Identical.ShouldBeFalse();
        r.Differences.ShouldContain(d => d.Contains("node Rev", StringComparison.Ordinal));
        r.Differences.ShouldContain(d => d.Contains("inputs read now hash differently", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadInputs_SameStoreTwice_GivesSameCanonicalTextAndHash(StoreProvider provider)
    {
        using World w = RichPublished(provider, out Publication p);
        StoreOptions store = w.Store;

        ScoringInputs a = ScoringInputs.Load(w.Db, p.Results.SchemeVersionId, "2025-06", w.Clock.GetUtcNow());
        using SaimaDb other = SaimaDb.Open(store);
        ScoringInputs b = ScoringInputs.Load(other, p.Results.SchemeVersionId, "2025-06", p.Results.ComputedAt);

        b.CanonicalText.ShouldBe(a.CanonicalText);
        b.InputHash.ShouldBe(p.Results.InputHash);
        a.Dataset.Periods.Select(x => x.Period.ToString()).ShouldBe(new[] { "2024-06", "2025-06" });
        a.Dataset.UnitTracks.ShouldBe(new[] { "城区", "城区", "县", "县" });
        a.CanonicalText!.ShouldContain("figure 2025-06\tC01\tRev\t110.7\t220\n");
        a.CanonicalText!.ShouldContain("adjust C03\t2025-06\t*\t2\t省级表彰\n");
        a.CanonicalText!.ShouldContain("adjust C04\t*\tRev\t-1.5\t安全生产事故\n");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ResultRows_AwkwardDoubles_RoundTripToTheBit(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        double[] awkward =
        [
            0.1 + 0.2, 1.0 / 3, Math.PI, double.Epsilon, 2.2250738585072014E-308, 1e-310, double.MaxValue, -double.MaxValue,
            9007199254740993.0, 4503599627370497.5, 1e300, -123456789.123456789, 46.875, 3.0, -7.0, 1e20, 9.2233720368547758E+18,
        ];
        using (var w = RichWorld(store))
        {
            long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
            var set = new ResultSet { SchemeId = w.Scheme.Id, SchemeVersionId = version, Period = "2025-06", ComputedAt = w.Clock.GetUtcNow(), ComputedBy = "t", InputHash = "x" };
            w.Db.ResultSets.Add(set);
            w.Db.SaveChanges();
            ResultPartitions.AddEmpty(w.Db, set.Id);
            w.Db.ResultRows.AddRange(awkward.Select((v, i) => new ResultRow { ResultSetId = set.Id, UnitId = w.Unit("C01"), Node = "N" + i.ToString(CultureInfo.InvariantCulture), Value = v, Score = -v }));
            w.Db.SaveChanges();
        }

        using SaimaDb db = SaimaDb.Open(store);
        var back = db.ResultRows.ToList().OrderBy(r => int.Parse(r.Node[1..], CultureInfo.InvariantCulture)).ToList();
        back.Select(r => BitConverter.DoubleToInt64Bits(r.Value!.Value)).ShouldBe(awkward.Select(BitConverter.DoubleToInt64Bits));
        back.Select(r => BitConverter.DoubleToInt64Bits(r.Score!.Value)).ShouldBe(awkward.Select(v => BitConverter.DoubleToInt64Bits(-v)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Compute_150UnitsBy60Nodes_StoresEveryRowAndRecomputesIdentically(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        const int Units = 150, Indicators = 59;
        var clock = TestClocks.At(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
        Actor office = Actor.Office("office");
        using SaimaDb db = SaimaDb.Open(store);
        var codes = Enumerable.Range(1, Units).Select(i => "U" + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        db.Units.AddRange(codes.Select(c => new Unit { Code = c, Name = c, Kind = UnitKind.Township }));
        db.SaveChanges();
        var indicators = Enumerable.Range(1, Indicators).Select(i => "I" + i.ToString("D2", CultureInfo.InvariantCulture)).ToList();
        string json = "{ \"indicators\": [" + string.Join(", ", indicators.Select(c => $"{{ \"code\": \"{c}\", \"parent\": \"Total\" }}")) + "], \"groups\": [ { \"code\": \"Total\" } ] }";
        var schemes = new SchemeService(db, clock);
        AssessmentScheme scheme = schemes.CreateScheme(office, new NewScheme("BIG", "乡镇赛马", "month", codes.Select(c => new SchemeUnitSpec(c)).ToList(), indicators.Select(c => new IndicatorSpec(c, c)).ToList(), json));

        // Figures loaded in bulk as published (as an import of last year's books would be).
        var unitIds = db.Units.ToDictionary(u => u.Code, u => u.Id);
        var indicatorIds = db.Indicators.Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Code, i => i.Id);
        var random = new Random(7);
        db.Figures.AddRange(from u in codes
                            from i in indicators
                            select new Figure
                            {
                                SchemeId = scheme.Id, UnitId = unitIds[u], IndicatorId = indicatorIds[i], Period = "2025-06",
                                Value = Math.Round(random.NextDouble() * 1000, 3), Status = FigureStatus.Published, EnteredBy = "import", EnteredAt = clock.GetUtcNow(),
                            });
        db.SaveChanges();
        clock.Advance(TimeSpan.FromMinutes(1));

        var results = new ResultService(db, clock);
        var watch = Stopwatch.StartNew();
        ResultSet set = results.Compute(office, schemes.CurrentVersion(scheme.Id).Id, "2025-06");
        watch.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: scored and stored {Units}×{Indicators + 1} rows in {watch.ElapsedMilliseconds} ms"));

        using SaimaDb fresh = SaimaDb.Open(store);
        fresh.ResultRows.Count(r => r.ResultSetId == set.Id).ShouldBe(Units * (Indicators + 1));
        RecomputeReport report = new ResultService(fresh, clock).Recompute(set.Id);
        report.Identical.ShouldBeTrue();
        report.RowsCompared.ShouldBe(9000);
    }

    /// <summary>
    /// <see cref="RichWorld"/> with 2024-06 and 2025-06 published (2025-06's publication returned):
    /// seeded once per provider, a copy of its own for each test.
    /// </summary>
    private World RichPublished(StoreProvider provider, out Publication june)
    {
        (World w, june) = World.CopyOf(stores, provider, "rich-2024-06-2025-06", w =>
        {
            RichSetUp(w);
            PublishRich(w, "2024-06");
            return PublishRich(w, "2025-06");
        });
        return w;
    }

    /// <summary>C01–C02 in track 城区, C03–C04 in 县; targets for 2025; two bonus/penalty items.</summary>
    private static World RichWorld(StoreOptions store)
    {
        var w = new World(store);
        RichSetUp(w);
        return w;
    }

    private static void RichSetUp(World w)
    {
        w.CreateScheme(RichJson, RichIndicators, ["城区", "城区", "县", "县"]);
        double[] targets = [220, 420, 160, 120];
        string[] units = ["C01", "C02", "C03", "C04"];
        for (int u = 0; u < 4; u++)
        {
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(units[u]), w.Indicator("Rev"), 2025, targets[u]);
        }

        w.Adjust("C03", 2, "省级表彰", period: "2025-06");
        w.Adjust("C04", -1.5, "安全生产事故", node: "Rev");
    }

    private static readonly Dictionary<string, double?[][]> RichFigures = new(StringComparer.Ordinal)
    {
        // Per period, per unit C01..C04: Rev, Rd, Gdp.
        ["2024-06"] = [[101.3, 31.7, 1234.5], [203.7, 55.2, 2345.6], [77.9, 12.9, 987.6], [55.1, 8.8, 765.4]],
        ["2025-05"] = [[90.1, 30.2, 1250.3], [170.3, 50.7, 2401.9], [66.6, 13.3, 1001.1], [50.2, 8.1, 770.2]],
        ["2025-06"] = [[110.7, 33.9, 1301.7], [230.9, 57.4, 2460.2], [81.3, 14.2, 1010.8], [60.4, null, 780.9]],
    };

    private static Publication PublishRich(World w, string period)
    {
        w.Open(period);
        string[] units = ["C01", "C02", "C03", "C04"];
        string[] codes = ["Rev", "Rd", "Gdp"];
        for (int u = 0; u < 4; u++)
        {
            for (int c = 0; c < 3; c++)
            {
                if (RichFigures[period][u][c] is { } v)
                {
                    w.Report(units[u], codes[c], period, v);
                }
            }
        }

        w.Clock.Advance(TimeSpan.FromMinutes(1));
        return w.Figures.Publish(w.Office, w.Scheme.Id, period, MissingRules.Scheme);
    }
}
