using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The arithmetic of on-site evaluation, worked by hand: trimming (only when n &gt; 2·trim),
/// weighting over the categories present, shared ranks, and the judge flags.
/// </summary>
public sealed class ArenaScoringTests
{
    public static TheoryData<int, double[], int, double, double[]> Trimming => new()
    {
        // trim, totals, used, score, dropped
        { 1, [40, 45, 50, 41, 44], 3, (41 + 44 + 45) / 3.0, [40, 50] },
        { 1, [40, 50], 2, 45, [] },                       // n = 2 = 2·trim: nothing dropped
        { 1, [40, 50, 47], 1, 47, [40, 50] },             // n = 3 > 2: one each end
        { 2, [10, 20, 30, 40], 4, 25, [] },               // n = 4 = 2·trim: keep all
        { 2, [10, 20, 30, 40, 100], 1, 30, [10, 20, 40, 100] },
        { 0, [33.5, 40], 2, 36.75, [] },
        { 1, [45, 45, 45, 45], 2, 45, [45, 45] },         // equal totals: one of each end still dropped
    };

    [Theory]
    [MemberData(nameof(Trimming))]
    public void CategoryScore_DropsTrimEachEnd_OnlyWhenMoreThanTwiceTrim(int trim, double[] totals, int used, double score, double[] dropped)
    {
        ArenaCategoryScore s = ArenaScoring.CategoryScore(new ArenaCategoryRule("LEAD", 1, trim), [.. totals.Order()]);

        s.Ballots.ShouldBe(totals.Length);
        s.Used.ShouldBe(used);
        s.Score.ShouldBe(score, 1e-12);
        s.Dropped.ShouldBe(dropped.Order().ToArray());
    }

    [Fact]
    public void Compute_WeightsOverTheCategoriesPresent_AndRanksWithSharedPlaces()
    {
        ArenaCategoryRule[] categories = [new("LEAD", 0.6, 1), new("PUB", 0.4, 0)];
        ArenaBallotTotal[] ballots =
        [
            // C01: LEAD 40, 44, 48 → drop 40 and 48 → 44; PUB 50, 30 → 40; score 0.6·44 + 0.4·40 = 42.4
            new("J1", "LEAD", "C01", 40), new("J2", "LEAD", "C01", 44), new("J3", "LEAD", "C01", 48),
            new("P1", "PUB", "C01", 50), new("P2", "PUB", "C01", 30),

            // C02: LEAD only (no public ballot): 42, 42.4, 43 → 42.4; the weights of the categories present: 42.4
            new("J1", "LEAD", "C02", 42), new("J2", "LEAD", "C02", 42.4), new("J3", "LEAD", "C02", 43),

            // C03: PUB only: 50 → 50
            new("P1", "PUB", "C03", 50),
        ];

        ArenaResults r = ArenaScoring.Compute("S", false, ["C01", "C02", "C03", "C04"], categories, ballots,
            [("J1", "LEAD", false), ("J2", "LEAD", false), ("J3", "LEAD", false), ("P1", "PUB", false), ("P2", "PUB", false)], 60);

        r.Contestants.Select(c => c.Unit).ShouldBe(["C01", "C02", "C03", "C04"], "presentation order");
        r.Contestants[0].Score!.Value.ShouldBe(42.4, 1e-12);
        r.Contestants[1].Score!.Value.ShouldBe(42.4, 1e-12);
        r.Contestants[2].Score.ShouldBe(50);
        r.Contestants[3].Score.ShouldBeNull("no ballot: no score");
        r.Contestants.Select(c => c.Rank).ShouldBe([2, 2, 1, null], "42.4 and 42.4 within 1e-9 share rank 2");
        r.Contestants[0].Categories.Select(c => (c.Code, c.Ballots, c.Used)).ShouldBe([("LEAD", 3, 1), ("PUB", 2, 2)]);
        r.Contestants[1].Categories.ShouldHaveSingleItem().Code.ShouldBe("LEAD", "a category without ballots is absent");
        r.Contestants[0].Ballots.ShouldBe(5);
    }

    [Fact]
    public void Rank_SharesTheLowestPlace_WithinOneBillionth()
    {
        ArenaScoring.Rank([90, 80, 80 + 5e-10, 70]).ShouldBe([1, 2, 2, 4]);
        ArenaScoring.Rank([50, 50, 50]).ShouldBe([1, 1, 1]);
        ArenaScoring.Rank([1, 2, 3]).ShouldBe([3, 2, 1]);
        ArenaScoring.Rank([80, 80.001]).ShouldBe([2, 1], "a thousandth apart is not a tie");
    }

    [Fact]
    public void JudgeFlags_Straight_Max_Far_AndVoided()
    {
        ArenaBallotTotal[] ballots =
        [
            new("S", "A", "C1", 45), new("S", "A", "C2", 45), new("S", "A", "C3", 45),
            new("M", "A", "C1", 50), new("M", "A", "C2", 50), new("M", "A", "C3", 50),
            new("N", "A", "C1", 40), new("N", "A", "C2", 44), new("N", "A", "C3", 30),
            new("T", "A", "C1", 45), new("T", "A", "C2", 46),
            new("F", "A", "C1", 5), new("F", "A", "C2", 4), new("F", "A", "C3", 46),
        ];
        ArenaResults r = ArenaScoring.Compute("S", false, ["C1", "C2", "C3"], [new("A", 1, 0)], ballots,
            [("S", "A", false), ("M", "A", false), ("N", "A", false), ("T", "A", false), ("F", "A", false), ("V", "A", true)], 50);
        var flags = r.Judges.ToDictionary(j => j.Id, j => j.Flags);

        flags["S"].ShouldBe(["straight"]);
        flags["M"].ShouldBe(["straight", "max", "far"], "50 every time, on average 13.7 from the others (more than 10)");
        flags["N"].ShouldBeEmpty("on average 9.5 from the others: within a fifth of 50");
        flags["T"].ShouldBeEmpty("two ballots are too few to call straight, even if equal");
        flags["F"].ShouldBe(["far"], "on average about 27 points from the others, more than a fifth of 50");
        flags["V"].ShouldBe(["voided"]);
        r.Judges.Single(j => j.Id == "T").Ballots.ShouldBe(2);
    }

    [Fact]
    public void Compute_Graded_CountsEachGradesShare_AmongTheValidBallots()
    {
        ArenaGradeRule[] grades = [new("A", 100), new("B", 80), new("C", 60)];
        ArenaBallotTotal[] ballots =
        [
            // C01: 100, 80, 80, 60 with trim 1 → (80 + 80) / 2 = 80; shares A 1/4, B 2/4, C 1/4.
            new("J1", "LEAD", "C01", 100, "A"), new("J2", "LEAD", "C01", 80, "B"), new("J3", "LEAD", "C01", 80, "B"), new("J4", "LEAD", "C01", 60, "C"),

            // C02: 60 → 60; C 100 %.
            new("J1", "LEAD", "C02", 60, "C"),
        ];

        ArenaResults r = ArenaScoring.Compute("S", false, ["C01", "C02"], [new("LEAD", 1, 1)], ballots,
            [("J1", "LEAD", false), ("J2", "LEAD", false), ("J3", "LEAD", false), ("J4", "LEAD", false)], 100, grades);

        r.Contestants[0].Score.ShouldBe(80);
        r.Contestants[0].Grades!.Select(g => (g.Code, g.Count, g.Percent)).ShouldBe([("A", 1, 25.0), ("B", 2, 50.0), ("C", 1, 25.0)]);
        r.Contestants[1].Score.ShouldBe(60);
        r.Contestants[1].Grades!.Select(g => g.Percent).ShouldBe([0.0, 0.0, 100.0]);
        ArenaScoring.Compute("S", false, ["C01"], [new("LEAD", 1, 1)], [], [], 100).Contestants[0].Grades.ShouldBeNull("a points session has no shares");
    }

    [Fact]
    public void RankBonuses_GiveTheFirstRanksAndTheLastTheirPoints_SharedRanksAlike()
    {
        static ArenaContestantResult C(string unit, int? rank) => new(unit, rank is null ? null : 100 - rank, rank, 1, []);

        // Ranks 1, 2, 2, 4, 5, none: first [2, 1.5, 1] → 2, 1.5, 1.5 (shared rank 2); rank 3 is nobody's; rank 5 is the last: −1.
        var bonuses = ArenaScoring.RankBonuses([C("A", 1), C("B", 2), C("C", 2), C("D", 4), C("E", 5), C("F", null)], [2, 1.5, 1], -1);

        bonuses.ShouldBe([("A", 1, 2.0), ("B", 2, 1.5), ("C", 2, 1.5), ("E", 5, -1.0)]);

        // Two contestants with first [2, 1.5] and last −1: the last rank already earned its points from first.
        ArenaScoring.RankBonuses([C("A", 1), C("B", 2)], [2, 1.5], -1).ShouldBe([("A", 1, 2.0), ("B", 2, 1.5)]);
    }
}
