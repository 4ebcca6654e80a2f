using Saima.Data;
using Saima.Data.Demo;

namespace Saima.Data.Tests.Demo;

/// <summary>The synthetic stores of <c>saima demo --scale</c>, built small: their shape, publication and determinism.</summary>
[Collection(StoresCollection.Name)]
public sealed class DemoScaleTests(Stores stores)
{
    /// <summary>Counties × indicators and townships × indicators small enough for a test; more indicators than the catalogue holds, so it repeats.</summary>
    private static readonly DemoScaleSize Tiny = new(Counties: 9, CountyIndicators: 120, Townships: 20, TownshipIndicators: 30);

    private static readonly DemoOptions ThreeMonths = new() { Months = 3 };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void BuildScale_HasTheAskedSize_TwoTracks_AndEveryPeriodButTheLastPublishedAndScored(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);

        DemoSummary summary = DemoCity.BuildScale(store, Tiny, ThreeMonths);

        using var db = SaimaDb.Open(store);
        db.Units.Count(u => u.Kind == UnitKind.County || u.Kind == UnitKind.District).ShouldBe(9);
        db.Units.Count(u => u.Kind == UnitKind.Township || u.Kind == UnitKind.Street).ShouldBe(20);
        long county = db.Schemes.Single(s => s.Code == DemoCity.ScaleCountyScheme).Id;
        long town = db.Schemes.Single(s => s.Code == DemoCity.ScaleTownshipScheme).Id;
        db.Indicators.Count(i => i.SchemeId == county).ShouldBe(120);
        db.Indicators.Count(i => i.SchemeId == town).ShouldBe(30);
        db.Indicators.Where(i => i.SchemeId == county).Select(i => i.Code).Distinct().Count().ShouldBe(120);
        db.SchemeUnits.Where(su => su.SchemeId == county).Select(su => su.Track).Distinct().Count().ShouldBe(2);
        db.SchemeUnits.Count(su => su.SchemeId == town).ShouldBe(20);
        foreach (long scheme in new[] { county, town })
        {
            var periods = db.Periods.Where(p => p.SchemeId == scheme).OrderBy(p => p.Code).ToList();
            periods.Select(p => p.Code).ShouldBe(["2024-01", "2024-02", "2024-03"]);
            periods.Take(2).ShouldAllBe(p => p.Status == PeriodStatus.Published);
            periods[2].Status.ShouldBe(PeriodStatus.Open);
            db.ResultSets.Where(r => r.SchemeId == scheme).Select(r => r.Period).Distinct().OrderBy(p => p).ToList().ShouldBe(["2024-01", "2024-02"]);
        }

        summary.ResultSets.ShouldBe(4);
        summary.Figures.ShouldBe(db.Figures.Count());
        db.Figures.Count(f => f.SchemeId == county && f.Period == "2024-01").ShouldBeGreaterThan(9 * 100);
    }

    [Fact]
    public void BuildScale_TwiceWithTheSameSeed_GivesIdenticalFigures_AnotherSeedOthers()
    {
        var opts = ThreeMonths with { ComputeResults = false };
        StoreOptions a = stores.NewMigrated(StoreProvider.Sqlite), b = stores.NewMigrated(StoreProvider.Sqlite), c = stores.NewMigrated(StoreProvider.Sqlite);

        DemoCity.BuildScale(a, Tiny, opts);
        DemoCity.BuildScale(b, Tiny, opts);
        DemoCity.BuildScale(c, Tiny, opts with { Seed = 7 });

        Figures(a).ShouldBe(Figures(b));
        Figures(a).ShouldNotBe(Figures(c));
    }

    [Fact]
    public void BuildScale_RefusesAStoreThatHoldsUnits()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);
        DemoCity.BuildScale(store, Tiny with { Townships = 0 }, ThreeMonths with { ComputeResults = false });

        Should.Throw<InvalidOperationException>(() => DemoCity.BuildScale(store, Tiny, ThreeMonths)).Message.ShouldContain("already holds units");
    }

    /// <summary>
    /// The figures and targets a seed gives, as a SHA-256 of their content in key order (codes,
    /// not ids): the same on both providers, and the same whatever order the build writes them in.
    /// Recorded from the build that wrote figures unit by unit and targets through Entity
    /// Framework, before they were written period by period and in bulk.
    /// </summary>
    private const string TinyChecksum = "C0F52380AEAF0B0670A0AADC7398C1F286597778F124FE3D0F61A97E1486E593";

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void BuildScale_SameSeed_WritesTheSameFiguresAndTargetsAsRecorded(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);

        DemoSummary summary = DemoCity.BuildScale(store, Tiny, ThreeMonths with { ComputeResults = false });

        using var db = SaimaDb.Open(store);
        db.Figures.Count().ShouldBe(summary.Figures);
        db.Targets.Count().ShouldBe(summary.Targets);
        Checksum(store).ShouldBe(TinyChecksum);
    }

    /// <summary>SHA-256 (hex) of every figure and target, in order of scheme, unit, indicator and period or year.</summary>
    private static string Checksum(StoreOptions store)
    {
        using var db = SaimaDb.Open(store);
        var figures = (from f in db.Figures
                       join s in db.Schemes on f.SchemeId equals s.Id
                       join u in db.Units on f.UnitId equals u.Id
                       join i in db.Indicators on f.IndicatorId equals i.Id
                       select new { Scheme = s.Code, Unit = u.Code, Indicator = i.Code, f.Period, f.Value, f.Status, f.Revision, f.IsCurrent, f.Comment, f.EnteredBy, f.EnteredAt })
            .AsEnumerable()
            .OrderBy(f => f.Scheme, StringComparer.Ordinal).ThenBy(f => f.Unit, StringComparer.Ordinal).ThenBy(f => f.Indicator, StringComparer.Ordinal)
            .ThenBy(f => f.Period, StringComparer.Ordinal).ThenBy(f => f.Revision)
            .Select(f => string.Join('|', f.Scheme, f.Unit, f.Indicator, f.Period, (f.Value + 0.0)?.ToString("R", System.Globalization.CultureInfo.InvariantCulture), // SQLite keeps no −0
               
                (int)f.Status, f.Revision, f.IsCurrent, f.Comment, f.EnteredBy, f.EnteredAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        var targets = (from t in db.Targets
                       join s in db.Schemes on t.SchemeId equals s.Id
                       join u in db.Units on t.UnitId equals u.Id
                       join i in db.Indicators on t.IndicatorId equals i.Id
                       select new { Scheme = s.Code, Unit = u.Code, Indicator = i.Code, t.Year, t.Value })
            .AsEnumerable()
            .OrderBy(t => t.Scheme, StringComparer.Ordinal).ThenBy(t => t.Unit, StringComparer.Ordinal).ThenBy(t => t.Indicator, StringComparer.Ordinal).ThenBy(t => t.Year)
            .Select(t => string.Join('|', t.Scheme, t.Unit, t.Indicator, t.Year, t.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        string text = string.Join('\n', figures) + "\n--\n" + string.Join('\n', targets);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    private static List<string> Figures(StoreOptions store)
    {
        using var db = SaimaDb.Open(store);
        return (from f in db.Figures
                join u in db.Units on f.UnitId equals u.Id
                join i in db.Indicators on f.IndicatorId equals i.Id
                orderby u.Code, i.Code, f.Period
                select u.Code + "|" + i.Code + "|" + f.Period + "|" + f.Value).ToList();
    }
}
