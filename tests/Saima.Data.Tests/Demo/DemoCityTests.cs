using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Scoring;

namespace Saima.Data.Tests.Demo;

[Collection(StoresCollection.Name)]
public sealed class DemoCityTests(Stores stores)
{
    /// <summary>A quick build for most tests: six months, no stored results.</summary>
    private static readonly DemoOptions Small = DemoCopies.Small;

    /// <summary>The full two years, no stored results (the same options as <c>Small with { Months = 24 }</c>).</summary>
    private static readonly DemoOptions Full = new() { ComputeResults = false };

    /// <summary>
    /// A copy of the one <see cref="Small"/> build made for this provider in this test run (the
    /// build is the slow part; a copy is the same store, and each test may write to its own).
    /// </summary>
    private StoreOptions SmallCity(StoreProvider provider) => DemoCopies.SmallCity(stores, provider);

    /// <summary>A copy of the one <see cref="Full"/> build made for this provider in this test run, with what that build reported.</summary>
    private (StoreOptions Store, DemoSummary Summary) FullCity(StoreProvider provider) => stores.NewCopyOf(provider, "demo-city-full", s => DemoCity.Build(s, Full));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Build_TwiceWithTheSameSeed_GivesIdenticalTables(StoreProvider provider)
    {
        // Two builds with the same seed: the shared build and one of this test's own.
        StoreOptions a = SmallCity(provider), b = stores.NewMigrated(provider);

        DemoCity.Build(b, Small);

        Checksum(a).ShouldBe(Checksum(b));
        Checksum(a).Figures.ShouldBeGreaterThan(10_000);
    }

    [Fact]
    public void Build_AnotherSeed_GivesOtherFigures()
    {
        StoreOptions a = SmallCity(StoreProvider.Sqlite), b = stores.NewMigrated(StoreProvider.Sqlite);

        DemoCity.Build(b, Small with { Seed = 7 });

        Checksum(a).Hash.ShouldNotBe(Checksum(b).Hash);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Build_FullSize_HasTheCityOfTheMission(StoreProvider provider)
    {
        (StoreOptions store, DemoSummary summary) = FullCity(provider);

        using var db = SaimaDb.Open(store);
        db.Units.Count(u => u.Kind == UnitKind.County || u.Kind == UnitKind.District).ShouldBe(12);
        db.Units.Count(u => u.Kind == UnitKind.Township || u.Kind == UnitKind.Street).ShouldBe(150);
        db.Units.Count(u => u.Kind == UnitKind.Department).ShouldBe(40);
        db.Units.Count(u => u.Kind == UnitKind.Zone).ShouldBe(2);
        long county = db.Schemes.Single(s => s.Code == DemoCity.CountyScheme).Id;
        db.Indicators.Count(i => i.SchemeId == county).ShouldBe(50);
        db.Indicators.Where(i => i.SchemeId == county).Select(i => i.Dimension).Distinct().Count().ShouldBe(6);
        db.Indicators.Count(i => i.SchemeId == county && i.GrowthOfId != null).ShouldBe(2);
        db.Indicators.Count(i => i.SchemeId == county && i.IsPublic).ShouldBeInRange(8, 15);
        db.SchemeUnits.Where(su => su.SchemeId == county).Select(su => su.Track).Distinct().Count().ShouldBe(2);
        db.Periods.Count(p => p.SchemeId == county).ShouldBe(24);
        db.Periods.Count(p => p.SchemeId == county && p.Status == PeriodStatus.Open).ShouldBe(1);
        db.Periods.Single(p => p.SchemeId == county && p.Status == PeriodStatus.Open).Code.ShouldBe("2025-12");
        db.Targets.Count(t => t.SchemeId == county).ShouldBeGreaterThan(400);
        db.Adjustments.Count().ShouldBeGreaterThan(5);
        db.Figures.Count().ShouldBe(summary.Figures);
        db.Figures.Count(f => f.Status == FigureStatus.Returned && f.Comment != null).ShouldBe(summary.ReturnedFigures);
        summary.ReturnedFigures.ShouldBeGreaterThan(0);
        summary.LateFigures.ShouldBeGreaterThan(0);

        // The map: one feature per county and per township, keyed by unit code.
        using JsonDocument counties = JsonDocument.Parse(DemoGeo.Read(store, DemoGeo.CountiesMap)!);
        using JsonDocument townships = JsonDocument.Parse(DemoGeo.Read(store, DemoGeo.TownshipsMap)!);
        counties.RootElement.GetProperty("features").GetArrayLength().ShouldBe(12);
        townships.RootElement.GetProperty("features").GetArrayLength().ShouldBe(150);
        var codes = db.Units.Select(u => u.Code).ToHashSet();
        foreach (JsonElement f in townships.RootElement.GetProperty("features").EnumerateArray())
        {
            codes.ShouldContain(f.GetProperty("properties").GetProperty("code").GetString()!);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Build_Lists_HoldItemsOfEveryKindInEveryState(StoreProvider provider)
    {
        StoreOptions store = SmallCity(provider);

        using var db = SaimaDb.Open(store);
        var seen = db.ListItems.Select(i => new { i.Kind, i.State }).Distinct().ToList();
        foreach (ListKind kind in Enum.GetValues<ListKind>())
        {
            foreach (ListState state in Enum.GetValues<ListState>())
            {
                seen.ShouldContain(x => x.Kind == kind && x.State == state, $"{kind} {state}");
            }
        }

        db.ListMeasures.Count().ShouldBeGreaterThan(0);
        db.ListEvidence.Count().ShouldBeGreaterThan(0);
        db.Audit.Count(a => a.Entity == Saima.Data.Store.ListService.Entity && a.Action == "close").ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Build_SchemeVersions_ParseAndScoreAPeriod(StoreProvider provider)
    {
        StoreOptions store = SmallCity(provider);

        using var db = SaimaDb.Open(store);
        foreach (SchemeVersion v in db.SchemeVersions.ToList())
        {
            Scheme scheme = SchemeParser.Parse(v.Json);
            scheme.Indicators.Count.ShouldBe(db.Indicators.Count(i => i.SchemeId == v.SchemeId));
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Build_CumulativeFigures_NeverFallWithinAYear(StoreProvider provider)
    {
        StoreOptions store = FullCity(provider).Store; // Small with { Months = 24 } is Full

        using var db = SaimaDb.Open(store);
        var cumulative = db.Indicators.Where(i => i.Cumulative).Select(i => i.Id).ToHashSet();
        cumulative.Count.ShouldBeGreaterThan(10);
        var series = db.Figures.AsNoTracking().Where(f => f.IsCurrent && f.Value != null).ToList()
            .Where(f => cumulative.Contains(f.IndicatorId))
            .GroupBy(f => (f.UnitId, f.IndicatorId, Year: f.Period[..4]));
        int checkedSeries = 0;
        foreach (var s in series)
        {
            double previous = double.NegativeInfinity;
            foreach (Figure f in s.OrderBy(f => f.Period, StringComparer.Ordinal))
            {
                f.Value!.Value.ShouldBeGreaterThanOrEqualTo(previous, $"unit {f.UnitId} indicator {f.IndicatorId} {f.Period}");
                previous = f.Value.Value;
            }

            checkedSeries++;
        }

        checkedSeries.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Build_WithResults_StoresOneResultSetPerPublishedPeriod()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);

        DemoSummary summary = DemoCity.Build(store, new DemoOptions { Months = 4 });

        using var db = SaimaDb.Open(store);
        summary.PublishedPeriods.ShouldBe(3 + 3 + 0); // months 1–3 of two monthly schemes; the one quarter is open
        db.ResultSets.Count().ShouldBe(summary.PublishedPeriods);
        db.ResultRows.Count().ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Build_StoreHoldingUnits_Refused()
    {
        StoreOptions store = SmallCity(StoreProvider.Sqlite);

        Should.Throw<InvalidOperationException>(() => DemoCity.Build(store, Small)).Message.ShouldContain("already holds units");
    }

    /// <summary>Counts and a SHA-256 over every figure, target, unit and map, in a fixed order, with values to the bit.</summary>
    private static (int Figures, string Hash) Checksum(StoreOptions store)
    {
        using var db = SaimaDb.Open(store);
        var sb = new StringBuilder();
        var unitCode = db.Units.ToDictionary(u => u.Id, u => u.Code);
        var indicatorCode = db.Indicators.ToDictionary(i => i.Id, i => $"{i.SchemeId}/{i.Code}");
        var figures = db.Figures.AsNoTracking().ToList()
            .Select(f => $"{unitCode[f.UnitId]}|{indicatorCode[f.IndicatorId]}|{f.Period}|{(f.Value is { } v ? BitConverter.DoubleToInt64Bits(v) : -1)}|{f.Status}|{f.Comment}|{f.EnteredAt.UtcTicks}")
            .Order(StringComparer.Ordinal).ToList();
        figures.ForEach(l => sb.AppendLine(l));
        foreach (string l in db.Targets.AsNoTracking().ToList().Select(t => $"{unitCode[t.UnitId]}|{indicatorCode[t.IndicatorId]}|{t.Year}|{BitConverter.DoubleToInt64Bits(t.Value)}").Order(StringComparer.Ordinal))
        {
            sb.AppendLine(l);
        }

        foreach (Unit u in db.Units.AsNoTracking().OrderBy(u => u.Code))
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{u.Code}|{u.Name}|{u.NameEn}|{u.Kind}|{(u.ParentId is { } p ? unitCode[p] : "")}");
        }

        sb.AppendLine(DemoGeo.Read(store, DemoGeo.CountiesMap)).AppendLine(DemoGeo.Read(store, DemoGeo.TownshipsMap));
        foreach (SchemeVersion v in db.SchemeVersions.AsNoTracking().OrderBy(v => v.Id))
        {
            sb.AppendLine(v.Json);
        }

        return (figures.Count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))));
    }
}
