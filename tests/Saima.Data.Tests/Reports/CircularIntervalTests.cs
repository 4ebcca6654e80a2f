using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Reports;

/// <summary>The circular's list of units not clearly ahead: those whose stored rank interval overlaps a neighbour's.</summary>
[Collection(StoresCollection.Name)]
public sealed class CircularIntervalTests(Stores stores)
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_OverlappingIntervals_ListsTheUnitsNotClearlyAhead(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);

        // June ranks C02, C01, C05, C04, C03 far apart: nothing overlaps as stored.
        CircularContent clear = await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06");
        clear.NotClearlyAhead.ShouldBeEmpty();
        clear.NotClearlyAheadText.ShouldBeNull();
        CircularWriters.Html(clear).ShouldNotContain("名次未明显领先");

        // As a closer race would store them: C01 (2nd) and C05 (3rd) both 2–3; C04 (4th) stays 4–4.
        long set = clear.ResultSetId;
        Widen(db, set, "C01", 2, 3);
        Widen(db, set, "C05", 2, 3);
        CircularContent content = await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06");

        content.NotClearlyAhead.Select(u => u.Code).ShouldBe(["C01", "C05"]);
        content.NotClearlyAhead[0].Text.ShouldBe("甲县（第2名，区间2–3）");
        string html = CircularWriters.Html(content);
        html.ShouldContain("名次未明显领先或落后：甲县（第2名，区间2–3）、戊区（第3名，区间2–3）。");
        using var docx = new MemoryStream();
        CircularWriters.WriteDocx(content, docx);
        docx.Length.ShouldBeGreaterThan(0);
    }

    private static void Widen(SaimaDb db, long set, string unit, int low, int high)
    {
        long unitId = db.Units.Single(u => u.Code == unit).Id;
        RankInterval row = db.RankIntervals.Single(r => r.ResultSetId == set && r.UnitId == unitId);
        (row.RankLow, row.RankHigh) = (low, high);
        db.SaveChanges();
    }
}
