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
