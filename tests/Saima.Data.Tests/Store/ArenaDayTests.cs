using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// On-site evaluation on both stores, the day's details and kinds: a session's date and place,
/// graded ballots (民主测评: a grade per ballot, its points the total, the share of each grade) and
/// bonus or penalty points by rank given at publication through the adjustment door.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ArenaDayTests(Stores stores)
{
    private const string Code = "2025-TOWN";

    private static ArenaSessionSpec Graded(ArenaRankPointsSpec? rank = null) => new(
        Code, "2025年镇街亮绩民主测评", "township", ["C01", "C02", "C03"], null,
        [new("LEAD", "市领导", 0.5, 1), new("PUB", "群众代表", 0.5, 0)],
        null, "2025-09-20", "市民中心一楼报告厅",
        [new("A", "优秀", 100), new("B", "良好", 80), new("C", "一般", 60), new("D", "较差", 40)],
        rank);

    private static ArenaSessionSpec Points(ArenaRankPointsSpec? rank = null, ArenaPointsSpec? points = null) => new(
        "2025Q2-COUNTY", "2025年二季度县区擂台比拼", "county", ["C01", "C02", "C03"],
        [new("Q", "比质量", 20), new("P", "比项目", 30)],
        [new("LEAD", "市领导", 1, 0)], points, RankPoints: rank);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task GradedSession_TakesOneGradePerBallot_ScoresTheTrimmedMeanOfGradePoints_WithEachGradesShare(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);

        ArenaSessionView s = await arena.CreateAsync(w.Office, Graded());
        s.Graded.ShouldBeTrue();
        s.Date.ShouldBe(new DateOnly(2025, 9, 20));
        s.Place.ShouldBe("市民中心一楼报告厅");
        s.Grades!.Select(g => (g.Code, g.Name, g.Points)).ShouldBe([("A", "优秀", 100.0), ("B", "良好", 80.0), ("C", "一般", 60.0), ("D", "较差", 40.0)]);
        s.Criteria.ShouldBeEmpty();
        s.FullMarks.ShouldBe(100);

        var lead = await arena.IssueJudgesAsync(w.Office, Code, new ArenaJudgeSpec("LEAD", 4, null, null));
        var pub = await arena.IssueJudgesAsync(w.Office, Code, new ArenaJudgeSpec("PUB", 2, null, null));
        await arena.OpenRoundAsync(w.Office, Code, "C01");
        var ballot = new ArenaBallotInput(Code, "C01", null, "A");
        (await arena.SubmitBallotAsync(lead[0].Token, ballot)).ShouldBe(new ArenaBallotReceipt(100, 1, false));
        (await arena.SubmitBallotAsync(lead[0].Token, ballot)).ShouldBe(new ArenaBallotReceipt(100, 1, true), "the same grade again changes nothing");
        (await arena.SubmitBallotAsync(lead[0].Token, ballot with { Grade = "B" })).ShouldBe(new ArenaBallotReceipt(80, 2, false), "a newer grade replaces the older");
        await arena.SubmitBallotAsync(lead[1].Token, ballot with { Grade = "A" });
        await arena.SubmitBallotAsync(lead[2].Token, ballot with { Grade = "C" });
        await arena.SubmitBallotAsync(lead[3].Token, ballot with { Grade = "D" });
        await arena.SubmitBallotAsync(pub[0].Token, ballot with { Grade = "A" });
        await arena.SubmitBallotAsync(pub[1].Token, ballot with { Grade = "B" });
        AuditTrail.For(w.Db, ArenaService.BallotEntity, $"{Code}/C01/{lead[0].Id}").Select(a => (a.Field, a.OldValue, a.NewValue))
            .ShouldBe([("grade", null, "A"), ("grade", "A", "B")]);

        // Malformed: no grade, an unknown grade, scores on a graded session.
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(lead[0].Token, ballot with { Grade = null }))).Errors.ShouldHaveSingleItem().Field.ShouldBe("grade");
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(lead[0].Token, ballot with { Grade = "E" }))).Errors.ShouldHaveSingleItem().Field.ShouldBe("grade");
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(lead[0].Token,
            ballot with { Scores = new Dictionary<string, double?>(StringComparer.Ordinal) { ["Q"] = 1 } }))).Errors.ShouldHaveSingleItem().Field.ShouldBe("scores");

        ArenaResults r = await arena.ResultsAsync(w.Office, Code);
        ArenaContestantResult c01 = r.Contestants[0];

        // LEAD: 80, 100, 60, 40 → trim 1 drops 40 and 100 → (60 + 80) / 2 = 70; PUB: 100, 80 → 90; 0.5·70 + 0.5·90 = 80.
        c01.Categories.Select(c => (c.Code, c.Used, c.Score)).ShouldBe([("LEAD", 2, 70.0), ("PUB", 2, 90.0)]);
        c01.Score.ShouldBe(80);
        c01.Grades!.Select(g => (g.Code, g.Count)).ShouldBe([("A", 2), ("B", 2), ("C", 1), ("D", 1)], "every valid ballot counts in the shares, trimmed or not");
        c01.Grades![0].Percent.ShouldBe(100.0 * 2 / 6, 1e-9);
        r.Contestants[1].Grades!.ShouldAllBe(g => g.Count == 0 && g.Percent == 0);

        ArenaJudgeView phone = await arena.JudgeViewAsync(lead[0].Token);
        phone.Graded.ShouldBeTrue();
        phone.Rounds[0].Grade.ShouldBe("B");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_RefusesMalformedGradesDateAndRankPoints_ByField(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        var arena = new ArenaService(w.Db, w.Clock);
        ArenaSessionSpec bad = Graded(new ArenaRankPointsSpec("S1", "2025-Q3", "NOPE", [2, double.NaN], null)) with
        {
            Criteria = [new("Q", "质量", 10)],
            Grades = [new("A", "优秀", 100), new("A", "重复", 80), new("C", "负分", -1)],
            Date = "2025/09/20",
        };

        var e = await Should.ThrowAsync<ArenaInvalidException>(() => arena.CreateAsync(w.Office, bad));

        e.Errors.Select(x => x.Field).ShouldBe(
            ["criteria", "grades[1].code", "grades[2].points", "date", "rankPoints.period", "rankPoints.indicator", "rankPoints.first[1]"], ignoreOrder: true);
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.CreateAsync(w.Office, Graded() with { Grades = [new("A", "优秀", 100)] })))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe("grades");
        w.Db.ArenaSessions.Count().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_WithRankPoints_GivesTheFirstAndTheLastTheirPoints_AsApprovedAdjustments(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        var arena = new ArenaService(w.Db, w.Clock);
        await arena.CreateAsync(w.Office, Points(new ArenaRankPointsSpec("S1", "2025-06", null, [2, 1.5], -1)));
        var judges = await arena.IssueJudgesAsync(w.Office, "2025Q2-COUNTY", new ArenaJudgeSpec("LEAD", 1, null, null));
        (string Unit, double Q)[] plan = [("C01", 10), ("C02", 20), ("C03", 5)];
        foreach ((string unit, double q) in plan)
        {
            await arena.OpenRoundAsync(w.Office, "2025Q2-COUNTY", unit);
            await arena.SubmitBallotAsync(judges[0].Token, new ArenaBallotInput("2025Q2-COUNTY", unit, new Dictionary<string, double?>(StringComparer.Ordinal) { ["Q"] = q, ["P"] = 10 }));
            await arena.CloseRoundAsync(w.Office, "2025Q2-COUNTY", unit);
        }

        ArenaResults r = await arena.PublishAsync(w.Office, "2025Q2-COUNTY");

        r.Contestants.Select(c => c.Rank).ShouldBe([2, 1, 3]);
        var items = w.Db.Adjustments.AsEnumerable().OrderBy(a => a.Id).ToList();
        items.Select(a => (w.Db.Units.Single(u => u.Id == a.UnitId).Code, a.Points, a.Reason, a.Period, a.Status)).ShouldBe(
        [
            ("C01", 1.5, "现场评议 2025Q2-COUNTY 第2名", "2025-06", AdjustmentStatus.Approved),
            ("C02", 2.0, "现场评议 2025Q2-COUNTY 第1名", "2025-06", AdjustmentStatus.Approved),
            ("C03", -1.0, "现场评议 2025Q2-COUNTY 第3名", "2025-06", AdjustmentStatus.Approved),
        ]);
        items.ShouldAllBe(a => a.ReviewedBy == "office.wang" && a.CreatedBy != a.ReviewedBy, "proposed under the session's name, approved by the publisher: four eyes");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_WithRankPoints_IsAllOrNothing(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        var arena = new ArenaService(w.Db, w.Clock);

        // Rank points and figures into 2025-06, which is not open: the figures are refused, so the adjustments must not stay.
        await arena.CreateAsync(w.Office, Points(new ArenaRankPointsSpec("S1", "2025-06", null, [2], -1), new ArenaPointsSpec("S1", "2025-06", World.Revenue)));
        var judges = await arena.IssueJudgesAsync(w.Office, "2025Q2-COUNTY", new ArenaJudgeSpec("LEAD", 1, null, null));
        foreach (string unit in new[] { "C01", "C02", "C03" })
        {
            await arena.OpenRoundAsync(w.Office, "2025Q2-COUNTY", unit);
            await arena.SubmitBallotAsync(judges[0].Token, new ArenaBallotInput("2025Q2-COUNTY", unit, new Dictionary<string, double?>(StringComparer.Ordinal) { ["Q"] = unit == "C01" ? 20 : 1, ["P"] = 1 }));
            await arena.CloseRoundAsync(w.Office, "2025Q2-COUNTY", unit);
        }

        (await Should.ThrowAsync<WorkflowException>(() => arena.PublishAsync(w.Office, "2025Q2-COUNTY"))).Code.ShouldBe(WorkflowCodes.ArenaPeriodNotOpen);
        using (SaimaDb read = SaimaDb.Open(w.Store))
        {
            read.Adjustments.Count().ShouldBe(0, "all or nothing");
            read.ArenaSessions.AsEnumerable().Single().PublishedAt.ShouldBeNull();
        }

        w.Open("2025-06");
        await arena.PublishAsync(w.Office, "2025Q2-COUNTY");
        w.Db.Adjustments.Count().ShouldBe(3, "C01 first (+2); C02 and C03 share the last rank (−1 each)");
    }
}
