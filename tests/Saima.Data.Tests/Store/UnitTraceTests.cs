using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>Each unit's trace is stored with its result set; a set stored before traces were kept gets them once, on first read.</summary>
[Collection(StoresCollection.Name)]
public sealed class UnitTraceTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_StoresOneTracePerScoredUnit_ThatTheUnitsScoresMatch(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 50), ("C04", 80));
        Publication june = w.PublishRevenue("2025-06", ("C01", 110), ("C02", 190), ("C03", 70), ("C04", 80));

        using SaimaDb db = SaimaDb.Open(w.Store);
        db.UnitTraces.Count(t => t.ResultSetId == june.Results.Id).ShouldBe(4);
        UnitTrace c03 = (await UnitTrace.ReadAsync(db, june.Results, w.Unit("C03")))!;

        // Nodes in scheme order: Rev, RevG, Total; the raw growth of C03 is (70 / 50 − 1) × 100.
        c03.Raw[1].ShouldBe(((70.0 / 50) - 1) * 100);
        c03.Scores[2].ShouldBe(w.Row(june.Results.Id, "C03", "Total").Score);
        c03.Scores[0].ShouldBe(w.Row(june.Results.Id, "C03", "Rev").Score);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_SetWithoutTraces_DerivesThemOnceAndStoresTheSame(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 50), ("C04", 80));
        Publication june = w.PublishRevenue("2025-06", ("C01", 110), ("C02", 190), ("C03", 70), ("C04", 80));
        using SaimaDb db = SaimaDb.Open(w.Store);
        string stored = db.UnitTraces.AsNoTracking().Single(t => t.ResultSetId == june.Results.Id && t.UnitId == w.Unit("C02")).Trace;
        await db.UnitTraces.Where(t => t.ResultSetId == june.Results.Id).ExecuteDeleteAsync();

        UnitTrace derived = (await UnitTrace.ReadAsync(db, june.Results, w.Unit("C02")))!;

        derived.ToJson().ShouldBe(stored);
        db.UnitTraces.Count(t => t.ResultSetId == june.Results.Id).ShouldBe(4);
        (await UnitTrace.ReadAsync(db, june.Results, w.Unit("TJJ"))).ShouldBeNull();
    }
}
