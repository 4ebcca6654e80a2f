using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Peers and external benchmarks: the one peer rule (named by the office, else nearest by the
/// scheme's context indicators, else none), the doors that name peers and enter benchmarks, the
/// gaps to the peers' median and best, and the gap-closing target adopted through the target door.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class PeerServiceTests(Stores stores)
{
    // LeagueData's 2025-06 values, C01…C05.
    private static readonly double[] Gdp = [90, 100, 60, 70, 80];
    private static readonly double[] Emp = [10, 50, 20, 30, 40];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Peers_NoneWithoutContext_NearestByContext_NamedOverrideNearest_FeedbackAgrees(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        LeagueData.Seed(store);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long c01 = Id(db, "C01");
        long set = db.ResultSets.Where(r => r.SchemeId == scheme && r.Period == "2025-06").Max(r => r.Id);
        var peers = new PeerService(db, TimeProvider.System);
        Actor office = Actor.Office("office.wang");

        PeerComparison none = (await peers.CompareAsync(set, c01)).ShouldNotBeNull();
        none.Basis.ShouldBe(PeerBasis.None);
        none.Absence.ShouldBe(PeerAbsence.NoContextIndicators);
        none.Peers.ShouldBeEmpty();
        none.Indicators.ShouldAllBe(g => g.Median == null && g.GapToMedian == null);

        await new AnalysisService(db, TimeProvider.System).SetSettingsAsync(office, scheme, null, ["GDP", "EMP"]);
        PeerComparison nearest = (await peers.CompareAsync(set, c01)).ShouldNotBeNull();
        nearest.Basis.ShouldBe(PeerBasis.Nearest);
        nearest.ContextIndicators.ShouldBe(new[] { "GDP", "EMP" });
        // By hand: z-scores over the five units, Euclidean distance to C01, the four others by distance.
        var expected = NearestByHand(0, Gdp, Emp);
        nearest.Peers.Select(p => p.Code).ShouldBe(expected.Select(e => LeagueData.Codes[e.Unit]));
        nearest.Peers.Select(p => p.Distance!.Value).ShouldBe(expected.Select(e => e.Distance), tolerance: 1e-12);

        (await FeedbackPeers(db, "C01")).ShouldBe(nearest.Peers.Select(p => p.Code), "the feedback report uses the same rule");

        // Named peers take the place of the nearest ones.
        await peers.SetNamedPeersAsync(office, scheme, c01, ["C04", "C03"], "对标同类县");
        PeerComparison named = (await peers.CompareAsync(set, c01)).ShouldNotBeNull();
        named.Basis.ShouldBe(PeerBasis.Named);
        named.Peers.Select(p => p.Code).ShouldBe(new[] { "C03", "C04" });
        named.Peers.ShouldAllBe(p => p.Distance == null);
        (await FeedbackPeers(db, "C01")).ShouldBe(new[] { "C03", "C04" });
        FeedbackContent report = await new FeedbackReader(db, TimeProvider.System).ReadAsync("T", "2025-06", "C01");
        report.PeerBasis.ShouldBe(PeerBasis.Named);
        report.Text.ShouldContain("考核办确定的对标单位");

        // Gaps: C03 and C04 have REV 10 and 20 (median 15, best 20); C01 has 40, so it is ahead (negative gap).
        PeerGap rev = named.Indicators.Single(g => g.Indicator == "REV");
        rev.Value.ShouldBe(40);
        rev.Median.ShouldBe(15);
        rev.Best.ShouldBe(20);
        rev.BestUnit.ShouldBe("C04");
        rev.GapToMedian.ShouldBe(-25);
        rev.GapToBestPercent!.Value.ShouldBe(-50, 1e-12);
        rev.HasGap.ShouldBeFalse();

        // Named for C03 (the last on REV): C01 and C02, so the gaps are positive and the largest first.
        long c03 = Id(db, "C03");
        await peers.SetNamedPeersAsync(office, scheme, c03, ["C01", "C02"]);
        PeerComparison behind = (await peers.CompareAsync(set, c03)).ShouldNotBeNull();
        PeerGap rev3 = behind.Indicators.Single(g => g.Indicator == "REV");
        rev3.Median.ShouldBe(45);
        rev3.Best.ShouldBe(50);
        rev3.GapToMedian.ShouldBe(35);
        rev3.GapToMedianPercent!.Value.ShouldBe(350, 1e-9);
        rev3.GapToBest.ShouldBe(40);
        behind.Indicators.Select(g => g.GapToMedianPercent ?? double.MinValue).ShouldBeInOrder(SortDirection.Descending);

        // Clearing the named peers goes back to the nearest.
        await peers.SetNamedPeersAsync(office, scheme, c01, []);
        (await peers.CompareAsync(set, c01))!.Basis.ShouldBe(PeerBasis.Nearest);

        // Audited: old and new codes, with the reason.
        var audit = db.Audit.Where(a => a.Field == "named_peers" && a.EntityKey == "T/C01").OrderBy(a => a.Id).ToList();
        audit.Count.ShouldBe(2);
        audit[0].OldValue.ShouldBeNull();
        (audit[0].NewValue, audit[0].Reason, audit[0].User).ShouldBe(("C03,C04", "对标同类县", "office.wang"));
        audit[1].OldValue.ShouldBe("C03,C04");
        audit[1].NewValue.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NamedPeers_Refusals_StoreNothing(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        LeagueData.Seed(store);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long c01 = Id(db, "C01");
        new SchemeService(db, TimeProvider.System).AddUnit(Actor.Office("office.wang"), "X01", "外县", UnitKind.County);
        var peers = new PeerService(db, TimeProvider.System);
        Actor office = Actor.Office("office.wang");

        (await Should.ThrowAsync<WorkflowException>(() => peers.SetNamedPeersAsync(office, scheme, c01, ["C01"]))).Code.ShouldBe(WorkflowCodes.PeerSelf);
        var outside = await Should.ThrowAsync<WorkflowException>(() => peers.SetNamedPeersAsync(office, scheme, c01, ["C02", "X01"]));
        (outside.Code, outside.Args[0]).ShouldBe((WorkflowCodes.PeerNotInScheme, "X01"));
        var many = await Should.ThrowAsync<WorkflowException>(() => peers.SetNamedPeersAsync(office, scheme, c01,
            Enumerable.Range(1, PeerService.MaxNamedPeers + 1).Select(i => "P" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()));
        (many.Code, many.Args[1]).ShouldBe((WorkflowCodes.PeersTooMany, "20"));
        (await Should.ThrowAsync<AccessDeniedException>(() => peers.SetNamedPeersAsync(Actor.Reviewer("reviewer.zhao"), scheme, c01, ["C02"])))
            .Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<NotFoundException>(() => peers.SetNamedPeersAsync(office, scheme, Id(db, "X01"), ["C02"]))).Code.ShouldBe(WorkflowCodes.NoUnit);
        db.NamedPeers.Count().ShouldBe(0);
        db.Audit.Count(a => a.Field == "named_peers").ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Benchmarks_EnteredShownLatestNotAfterThePeriod_RemovedAudited_InvalidRefused(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        LeagueData.Seed(store);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long c01 = Id(db, "C01");
        long set = db.ResultSets.Where(r => r.SchemeId == scheme && r.Period == "2025-06").Max(r => r.Id);
        var peers = new PeerService(db, TimeProvider.System);
        Actor office = Actor.Office("office.wang");

        await peers.AddBenchmarkAsync(office, scheme, "先进城市甲", "REV", "2024", 45, "甲市2024年统计公报");
        ExternalBenchmark june = await peers.AddBenchmarkAsync(office, scheme, "先进城市甲", "REV", "2025-06", 55, "甲市统计月报");
        await peers.AddBenchmarkAsync(office, scheme, "先进城市甲", "REV", "2025-09", 70, "甲市统计月报");
        await peers.AddBenchmarkAsync(office, scheme, "先进城市乙", "REV", "2025-Q2", 35.5, "乙市统计季报");

        PeerComparison c = (await peers.CompareAsync(set, c01)).ShouldNotBeNull();
        var marks = c.Indicators.Single(g => g.Indicator == "REV").Benchmarks;
        marks.Select(b => $"{b.Name} {b.Period} {b.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {b.Gap!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            .ShouldBe(new[] { "先进城市乙 2025-Q2 35.5 -4.5", "先进城市甲 2025-06 55 15" });
        c.Indicators.Single(g => g.Indicator == "GDP").Benchmarks.ShouldBeEmpty();

        async Task Refused(string? name, string? indicator, string? period, double value, string? source)
        {
            (await Should.ThrowAsync<WorkflowException>(() => peers.AddBenchmarkAsync(office, scheme, name, indicator, period, value, source)))
                .Code.ShouldBe(WorkflowCodes.BenchmarkInvalid);
        }

        await Refused(" ", "REV", "2025", 1, "公报");
        await Refused("丙市", "NOPE", "2025", 1, "公报");
        await Refused("丙市", "REV", "2025-13", 1, "公报");
        await Refused("丙市", "REV", "2025", double.NaN, "公报");
        await Refused("丙市", "REV", "2025", 1, "  ");
        await Refused("先进城市甲", "REV", "2025-06", 1, "重复");
        (await Should.ThrowAsync<AccessDeniedException>(() => peers.AddBenchmarkAsync(Actor.Leader("leader"), scheme, "丙市", "REV", "2025", 1, "公报")))
            .Code.ShouldBe(WorkflowCodes.OfficeOnly);
        db.ExternalBenchmarks.Count().ShouldBe(4);

        await peers.RemoveBenchmarkAsync(office, scheme, june.Id, "数据有误");
        (await Should.ThrowAsync<NotFoundException>(() => peers.RemoveBenchmarkAsync(office, scheme, june.Id))).ShouldNotBeNull();
        (await peers.CompareAsync(set, c01))!.Indicators.Single(g => g.Indicator == "REV").Benchmarks
            .Single(b => b.Name == "先进城市甲").Period.ShouldBe("2024");
        var audit = db.Audit.Where(a => a.Field == "external_benchmark").OrderBy(a => a.Id).ToList();
        audit.Count.ShouldBe(5);
        audit[^1].Action.ShouldBe("delete");
        audit[^1].OldValue.ShouldBe("先进城市甲 REV 2025-06 = 55 (甲市统计月报)");
        audit[^1].Reason.ShouldBe("数据有误");
        var (rows, total) = await peers.BenchmarksAsync(scheme, 1, 2);
        (rows.Count, total).ShouldBe((2, 3));
    }

    [Fact]
    public void Gap_LowerIsBetter_MedianAndBestByHand()
    {
        // Lower is better: best is the lowest; behind means higher than the goal.
        PeerGap g = PeerService.Gap("PM", "PM2.5", null, null, -1, false, 5, [("A", 8), ("B", 3), ("C", 4), ("D", 3)], []);
        g.Median.ShouldBe(3.5); // sorted 3, 3, 4, 8
        g.Best.ShouldBe(3);
        g.BestUnit.ShouldBe("B", "the first of equal bests, in the order given");
        g.GapToMedian.ShouldBe(1.5);
        g.GapToMedianPercent!.Value.ShouldBe(30, 1e-12);
        g.GapToBest.ShouldBe(2);
        g.GapToBestPercent!.Value.ShouldBe(40, 1e-12);

        PeerGap up = PeerService.Gap("R", "收入", null, null, 1, false, 0, [("A", 8), ("B", 3), ("C", 4)], []);
        (up.Median, up.Best, up.GapToMedian).ShouldBe(((double?)4, (double?)8, (double?)4));
        up.GapToMedianPercent.ShouldBeNull("no percent of a value of 0");
    }

    [Fact]
    public void GapClosing_LinearPath_CumulativeByTimeProgress_RefusedWithoutGapOrBadDate()
    {
        PeerGap level = PeerService.Gap("R", "收入", null, null, 1, false, 40, [("A", 50), ("B", 60)], []);
        GapTarget t = PeerService.GapClosing(level, "2025-06", GapGoal.Median, 2025, 10);
        t.Target.ShouldBe(55);
        t.Year.ShouldBe(2025);
        t.Path.Select(p => p.Month).ShouldBe(new[] { "2025-07", "2025-08", "2025-09", "2025-10" });
        t.Path.Select(p => p.Value).ShouldBe(new[] { 43.75, 47.5, 51.25, 55 }, tolerance: 1e-12);

        // Cumulative: 60 year to date in June is a pace of 120 a year; the best peer's 90 is 180.
        PeerGap ytd = PeerService.Gap("G", "生产总值", null, null, 1, true, 60, [("A", 90), ("B", 70)], []);
        GapTarget c = PeerService.GapClosing(ytd, "2025-06", GapGoal.Best, 2026, 3);
        c.Target.ShouldBe(180);
        c.Year.ShouldBe(2026);
        c.Path.Count.ShouldBe(9);
        for (int k = 1; k <= 9; k++)
        {
            int month = ((5 + k) % 12) + 1;
            double pace = 120 + (60.0 * k / 9);
            c.Path[k - 1].Value.ShouldBe(pace * month / 12, 1e-9);
        }

        c.Path[^1].ShouldBe(new GapPathStep("2026-03", 45));
        PeerGap ahead = PeerService.Gap("R", "收入", null, null, 1, false, 70, [("A", 50), ("B", 60)], []);
        Should.Throw<WorkflowException>(() => PeerService.GapClosing(ahead, "2025-06", GapGoal.Best, 2025, 12)).Code.ShouldBe(WorkflowCodes.AnalysisInvalid);
        Should.Throw<WorkflowException>(() => PeerService.GapClosing(level, "2025-06", GapGoal.Median, 2025, 6)).Code.ShouldBe(WorkflowCodes.AnalysisInvalid);
        Should.Throw<WorkflowException>(() => PeerService.GapClosing(level, "2025-06", GapGoal.Median, 2027, 1)).Code.ShouldBe(WorkflowCodes.AnalysisInvalid);
        PeerService.GapClosing(level, "2025-Q2", GapGoal.Median, 2025, 7).Path.Single().Value.ShouldBe(55);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task GapClosingTarget_AdoptedThroughTheTargetDoor(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        LeagueData.Seed(store);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long c03 = Id(db, "C03");
        long set = db.ResultSets.Where(r => r.SchemeId == scheme && r.Period == "2025-06").Max(r => r.Id);
        var peers = new PeerService(db, TimeProvider.System);
        await peers.SetNamedPeersAsync(Actor.Office("office.wang"), scheme, c03, ["C01", "C02"]);
        PeerGap gdp = (await peers.CompareAsync(set, c03))!.Indicators.Single(g => g.Indicator == "GDP");
        GapTarget t = PeerService.GapClosing(gdp, "2025-06", GapGoal.Median, 2025, 12);
        t.Target.ShouldBe(190, "the median 95 by June is 190 a year");

        await new AnalysisService(db, TimeProvider.System).AdoptTargetAsync(Actor.Reviewer("reviewer.c03", c03), scheme, c03, "GDP", t.Year, t.Target, "closes the gap to the peers' median by 2025-12");
        db.Targets.Single(x => x.UnitId == c03 && x.Year == 2025 && x.IndicatorId == db.Indicators.Single(i => i.SchemeId == scheme && i.Code == "GDP").Id).Value.ShouldBe(190);
        db.Audit.Where(a => a.Entity == "target" && a.EntityKey == "T/C03/GDP/2025").OrderBy(a => a.Id).Last().Reason.ShouldBe("closes the gap to the peers' median by 2025-12");
    }

    private static long Id(SaimaDb db, string code) => db.Units.Single(u => u.Code == code).Id;

    private static async Task<IReadOnlyList<string>> FeedbackPeers(SaimaDb db, string unit) =>
        (await new FeedbackReader(db, TimeProvider.System).ReadAsync("T", "2025-06", unit)).Peers.Select(p => p.Code).ToList();

    /// <summary>Nearest peers worked out independently: population z-scores over all units, Euclidean distance, ties by index.</summary>
    private static List<(int Unit, double Distance)> NearestByHand(int unit, params double[][] columns)
    {
        int n = columns[0].Length;
        var z = columns.Select(c =>
        {
            double mean = c.Average();
            double sd = Math.Sqrt(c.Select(x => (x - mean) * (x - mean)).Sum() / n);
            return c.Select(x => (x - mean) / sd).ToArray();
        }).ToList();
        return Enumerable.Range(0, n).Where(u => u != unit)
            .Select(u => (u, Math.Sqrt(z.Sum(c => (c[u] - c[unit]) * (c[u] - c[unit])))))
            .OrderBy(p => p.Item2).ThenBy(p => p.u).Take(PeerService.NearestCount).ToList();
    }
}
