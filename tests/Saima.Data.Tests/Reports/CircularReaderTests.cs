using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Reports;

/// <summary>
/// The circular's content read from the store (<see cref="CircularReader"/>) on the league seed:
/// 2025-06 totals C02 95, C01 65, C05 55, C04 30, C03 5 with changes ▲1, ▼1, ▲2, –, ▼2, and red
/// GDP warnings for C04 and C03; 2025-07 open with a result set of its own.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class CircularReaderTests(Stores stores)
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_PublishedPeriod_HoldsTheStoredTotalRows_InRankOrder(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);

        CircularContent content = await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06");

        long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        var stored = (from r in db.ResultRows
                      join u in db.Units on r.UnitId equals u.Id
                      where r.ResultSetId == set && r.Node == "Total"
                      orderby r.Rank
                      select new { u.Code, u.Name, r.Score, r.Rank, r.RankChange }).ToList();
        content.ResultSetId.ShouldBe(set);
        content.Rows.Select(r => r.Code).ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        content.Rows.Select(r => (r.Code, r.Name, r.Score, r.Rank, r.RankChange)).ShouldBe(stored.Select(s => (s.Code, s.Name, s.Score, s.Rank, s.RankChange)));
        content.Rows.Select(r => r.ScoreText).ShouldBe(["95.00", "65.00", "55.00", "30.00", "5.00"]);
        content.Rows.Select(r => r.RedWarnings).ShouldBe([0, 0, 0, 1, 1]);
        content.RedWarnings.ShouldBe(2);
        content.Risers.Select(m => (m.Code, m.Change)).ShouldBe([("C05", 2), ("C02", 1)]);
        content.Fallers.Select(m => (m.Code, m.Change)).ShouldBe([("C03", -2), ("C01", -1)]);
        content.PeriodText.ShouldBe("2025年6月");
        content.Title.ShouldBe("关于2025年6月测试赛马考核排名情况的通报");
        content.Office.ShouldBe(CircularReader.DefaultOffice);
        var head = db.Audit.Where(a => a.ChainSeq != null).OrderByDescending(a => a.ChainSeq).Select(a => new { a.ChainSeq, a.Hash }).First();
        content.GeneratedLine.ShouldBe($"生成时间：2026-01-05 12:00（Asia/Shanghai）　操作日志哈希链：第 {head.ChainSeq} 位 {head.Hash}");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_Dimensions_HoldTheStoredRowsOfEachGroupUnderTheTotal_InRankOrder(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);

        CircularContent content = await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06");

        content.Dimensions.Select(d => (d.Code, d.Name, d.Weight)).ShouldBe([("Econ", "经济发展", 0.6), ("Eco", "生态民生", 0.4)]);
        long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        foreach (CircularDimension d in content.Dimensions)
        {
            var stored = (from r in db.ResultRows
                          join u in db.Units on r.UnitId equals u.Id
                          where r.ResultSetId == set && r.Node == d.Code
                          select new { r.Rank, u.Code, u.Name, r.Score }).ToList()
                .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
            stored.Count.ShouldBe(5);
            d.Rows.Select(r => (r.Rank, r.Code, r.Name, r.Score)).ShouldBe(stored.Select(s => (s.Rank, s.Code, s.Name, s.Score)), d.Code);
            d.Units.ShouldBe(5);
            d.Cut.ShouldBeFalse();
            d.Heading.ShouldBe(d.Name + "排名");
        }

        content.Dimensions[0].Rows.Select(r => r.Code).ShouldNotBe(content.Dimensions[1].Rows.Select(r => r.Code), "each dimension has its own order");
    }

    [Fact]
    public void Dimension_WithMoreUnitsThanItsLines_SaysItIsCut()
    {
        var d = new CircularDimension("Econ", "经济发展", 0.6, [new CircularDimensionRow(1, "C01", "甲县", 90.126)], 120);
        d.Cut.ShouldBeTrue();
        d.CutText.ShouldBe("仅列前1名，共120个单位。");
        d.Rows[0].ScoreText.ShouldBe("90.13");
        d.Rows[0].ShownScore.ShouldBe(90.13);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_Draft_StatesLeaderRunnersUpTracksMoversAndRedWarnings(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);

        string june = (await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06", "测试市考核办")).Draft;
        string may = (await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-05")).Draft;

        june.ShouldContain("2025年6月测试赛马考核结果已经发布，共5个单位参加排名（按综合得分）。");
        june.ShouldContain("乙区以95.00分位列第一；其后依次为甲县（第二名，65.00分）、戊区（第三名，55.00分）。");
        june.ShouldNotContain("连续");
        june.ShouldContain("分赛道看，县赛道第一为甲县；城区赛道第一为乙区。");
        june.ShouldContain("进位较多的有戊区（上升2位）、乙区（上升1位）");
        june.ShouldContain("退位较多的有<script>alert(1)</script>（下降2位）、甲县（下降1位）。");
        june.ShouldContain("本期共有2个单位出现红色预警（2项）：丁县（1项）、<script>alert(1)</script>（1项）");
        may.ShouldContain("甲县以");
        may.ShouldContain("位列第一");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_SameLeaderTwoPeriodsRunning_SaysSecondMonthRunning(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using (SaimaDb write = SaimaDb.Open(store))
        {
            // Make June's leader (C02) first in May as well: the stored rows are what the circular reads.
            long may = write.ResultSets.Where(r => r.Period == "2025-05").Max(r => r.Id);
            long c02 = write.Units.Single(u => u.Code == "C02").Id;
            long c01 = write.Units.Single(u => u.Code == "C01").Id;
            write.ResultRows.Single(r => r.ResultSetId == may && r.Node == "Total" && r.UnitId == c02).Rank = 1;
            write.ResultRows.Single(r => r.ResultSetId == may && r.Node == "Total" && r.UnitId == c01).Rank = 2;
            write.SaveChanges();
        }

        using SaimaDb db = SaimaDb.Open(store);
        string draft = (await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06")).Draft;

        draft.ShouldContain("乙区以95.00分位列第一，连续第二个月位居榜首");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Read_UnpublishedPeriodOrUnknownScheme_IsRefusedWithItsCode(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var reader = new CircularReader(db, TestClocks.At(Noon));

        var open = await Should.ThrowAsync<WorkflowException>(() => reader.ReadAsync("T", "2025-07"));
        open.Code.ShouldBe(WorkflowCodes.PeriodNotPublished);
        open.Args.ShouldBe(["2025-07", "T"]);
        (await Should.ThrowAsync<WorkflowException>(() => reader.ReadAsync("T", "2025-08"))).Code.ShouldBe(WorkflowCodes.PeriodNotPublished);
        (await Should.ThrowAsync<NotFoundException>(() => reader.ReadAsync("NOPE", "2025-06"))).Code.ShouldBe(WorkflowCodes.NoScheme);
    }

    [Theory]
    [InlineData("2025-06", "2025年6月")]
    [InlineData("2025-12", "2025年12月")]
    [InlineData("2025-Q2", "2025年第二季度")]
    [InlineData("2025", "2025年度")]
    [InlineData("2025-13", "2025-13")]
    public void PeriodText_NamesThePeriodInChinese(string period, string text) => CircularReader.PeriodText(period).ShouldBe(text);
}
