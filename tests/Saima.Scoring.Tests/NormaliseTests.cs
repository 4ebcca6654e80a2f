namespace Saima.Scoring.Tests;

/// <summary>
/// One indicator X under the root R, scored by each normalisation method. Expected scores are worked
/// by hand from the contract's formulas in the comments.
/// </summary>
public class NormaliseTests
{
    private static ScoringResult One(string normalise, IEnumerable<Row> rows, string indicatorExtra = "") =>
        Fx.Score(Fx.Flat("{'code':'X','parent':'R','normalise':" + normalise + indicatorExtra + "}"), rows);

    private static IEnumerable<Row> WithTargets(string units, double[] values, double[] targets)
    {
        string[] us = units.Split(' ');
        for (int k = 0; k < us.Length; k++)
        {
            yield return new Row(us[k], "X", values[k], Target: targets[k]);
        }
    }

    [Fact]
    public void MinMax_DefaultRange_MapsMinToZeroAndMaxToHundred()
    {
        // min 2, max 10: A 0; B (4 − 2)/8·100 = 25; C 100; D missing.
        ScoringResult r = One("{'method':'minmax'}", Fx.Rows("X", "A B C D", 2, 4, 10, double.NaN));
        r.Scores("X", "A B C D", 0, 25, 100, double.NaN);
        r.Scores("R", "A B C D", 0, 25, 100, double.NaN);
    }

    [Fact]
    public void MinMax_DirectionMinusOneAndRange_ScoresTheSmallestBest()
    {
        // y = −x: −2, −4, −10; min −10, max −2; range [10, 20]:
        // A (−2 + 10)/8·10 + 10 = 20; B (−4 + 10)/8·10 + 10 = 17.5; C 10.
        ScoringResult r = One("{'method':'minmax','range':[10,20]}", Fx.Rows("X", "A B C", 2, 4, 10), ",'direction':-1");
        r.Scores("X", "A B C", 20, 17.5, 10);
    }

    [Fact]
    public void MinMax_NoSpread_GivesMissingScores()
    {
        ScoringResult r = One("{'method':'minmax'}", Fx.Rows("X", "A B", 3, 3));
        r.Scores("X", "A B", double.NaN, double.NaN);
        Assert.Equal(PeriodResult.NoRank, r.RankOf("X", "A"));
    }

    [Fact]
    public void ZScore_MeanAndSd_RescalesStandardScores()
    {
        // 2, 4, 6, 8: mean 5, sample sd √((9+1+1+9)/3) = √(20/3); mean 50, sd 10:
        // A (2 − 5)/√(20/3)·10 + 50, B (4 − 5)/√(20/3)·10 + 50, and symmetric above.
        double sd = Math.Sqrt(20.0 / 3);
        ScoringResult r = One("{'method':'zscore','mean':50,'sd':10}", Fx.Rows("X", "A B C D", 2, 4, 6, 8));
        r.Scores("X", "A B C D", 50 - (30 / sd), 50 - (10 / sd), 50 + (10 / sd), 50 + (30 / sd));
    }

    [Fact]
    public void ZScore_DirectionMinusOne_FlipsTheSign()
    {
        // y = −x: −2, −4, −6, −8, mean −5, same sd: A (−2 + 5)/sd = 3/√(20/3) (defaults mean 0, sd 1).
        double sd = Math.Sqrt(20.0 / 3);
        ScoringResult r = One("{'method':'zscore'}", Fx.Rows("X", "A B C D", 2, 4, 6, 8), ",'direction':-1");
        r.Scores("X", "A B C D", 3 / sd, 1 / sd, -1 / sd, -3 / sd);
    }

    [Fact]
    public void ZScore_NoSpread_GivesMissingScores()
    {
        ScoringResult r = One("{'method':'zscore'}", Fx.Rows("X", "A B C", 4, 4, 4));
        r.Scores("X", "A B C", double.NaN, double.NaN, double.NaN);
    }

    [Fact]
    public void Vector_DividesByTheEuclideanNorm()
    {
        // √(3² + 4² + 0²) = 5: A 0.6, B 0.8, C 0.
        ScoringResult r = One("{'method':'vector'}", Fx.Rows("X", "A B C", 3, 4, 0));
        r.Scores("X", "A B C", 0.6, 0.8, 0);
    }

    [Fact]
    public void Vector_DirectionMinusOne_NegatesAndAllZeroGivesMissing()
    {
        ScoringResult r = One("{'method':'vector'}", Fx.Rows("X", "A B", 3, 4), ",'direction':-1");
        r.Scores("X", "A B", -0.6, -0.8);
        ScoringResult z = One("{'method':'vector'}", Fx.Rows("X", "A B", 0, 0));
        z.Scores("X", "A B", double.NaN, double.NaN);
    }

    [Fact]
    public void Goalposts_Clamped_TruncatesToZeroAndScale()
    {
        // min 0, max 200, scale 100: 50 → 0.25·100 = 25; 250 → 1.25 → 1 → 100; −10 → −0.05 → 0 → 0.
        ScoringResult r = One("{'method':'goalposts','min':0,'max':200,'scale':100}", Fx.Rows("X", "A B C", 50, 250, -10));
        r.Scores("X", "A B C", 25, 100, 0);
    }

    [Fact]
    public void Goalposts_NotClamped_GoesBeyondTheGoalposts()
    {
        // 250 → 1.25·100 = 125; −10 → −0.05·100 = −5.
        ScoringResult r = One("{'method':'goalposts','min':0,'max':200,'scale':100,'clamp':false}", Fx.Rows("X", "A B", 250, -10));
        r.Scores("X", "A B", 125, -5);
    }

    [Fact]
    public void Goalposts_DirectionMinusOne_MeasuresFromMax()
    {
        // (x − max)/(min − max): 50 → (50 − 200)/(0 − 200) = 0.75; 250 → −0.25 → clamped 0; −10 → 1.05 → 1.
        ScoringResult r = One("{'method':'goalposts','min':0,'max':200}", Fx.Rows("X", "A B C", 50, 250, -10), ",'direction':-1");
        r.Scores("X", "A B C", 0.75, 0, 1);
    }

    [Fact]
    public void Goalposts_UnderTransform_UseTransformedGoalposts()
    {
        // sqrt: goalposts 4 → 2 and 100 → 10; x = 36 → 6: (6 − 2)/(10 − 2) = 0.5.
        ScoringResult r = One("{'method':'goalposts','min':4,'max':100}", Fx.Rows("X", "A", 36), ",'transform':'sqrt'");
        r.Scores("X", "A", 0.5);
        Fx.Near(r.ValueOf("X", "A"), 6);
    }

    [Fact]
    public void Rank_Ties_TakeTheLowestPercentile()
    {
        // Sorted 5 (E), 10 (A), 20 (B, C), 30 (D); n = 5, r from the worst, ties the lowest r:
        // E r1 → 0; A r2 → 25; B, C r3 → 50; D r5 → 100.
        ScoringResult r = One("{'method':'rank'}", Fx.Rows("X", "A B C D E F", 10, 20, 20, 30, 5, double.NaN));
        r.Scores("X", "A B C D E F", 25, 50, 50, 100, 0, double.NaN);
    }

    [Fact]
    public void Rank_DirectionMinusOne_RanksTheNegatedValues()
    {
        // y = −x: −30 (D) r1 → 0; −20 (B, C) r2 → 25; −10 (A) r4 → 75; −5 (E) r5 → 100.
        ScoringResult r = One("{'method':'rank'}", Fx.Rows("X", "A B C D E", 10, 20, 20, 30, 5), ",'direction':-1");
        r.Scores("X", "A B C D E", 75, 25, 25, 0, 100);
    }

    [Fact]
    public void Rank_OneValue_GivesMissing()
    {
        ScoringResult r = One("{'method':'rank'}", Fx.Rows("X", "A B", 10, double.NaN));
        r.Scores("X", "A B", double.NaN, double.NaN);
    }

    [Fact]
    public void Target_Capped_ScoresTheRatioTimesScale()
    {
        // cap 1.2, scale 100: 50/100 → 50; 150/100 = 1.5 → 1.2 → 120; 110/100 → 110;
        // target 0 → missing; no target → missing.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'target','cap':1.2}}"),
            WithTargets("A B C D E", [50, 150, 110, 80, 80], [100, 100, 100, 0, double.NaN]));
        r.Scores("X", "A B C D E", 50, 120, 110, double.NaN, double.NaN);
    }

    [Fact]
    public void Target_DirectionMinusOne_ScoresTargetOverValue()
    {
        // min(1, 100/150)·100 = 66.666…; min(1, 100/50) = 1 → 100.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','direction':-1,'normalise':{'method':'target'}}"),
            WithTargets("A B", [150, 50], [100, 100]));
        r.Scores("X", "A B", 100.0 * 100 / 150, 100);
    }

    [Fact]
    public void Target_UnderTransform_UsesTheUntransformedValue()
    {
        // ln transform: value stored as ln 50, but target scores 50/100·100 = 50.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','transform':'ln','normalise':{'method':'target'}}"),
            WithTargets("A", [50], [100]));
        r.Scores("X", "A", 50);
        Fx.Near(r.ValueOf("X", "A"), Math.Log(50));
    }

    [Fact]
    public void Completion_Ratio_CapsAndFloors()
    {
        // full 20, atTarget 0.8, perPoint 0.5, cap 1.2 (24 points), floor 0:
        // A 110/100 → pct 110 → 16 + 0.5·10 = 21; B pct 200 → 16 + 50 = 66 → 24;
        // C pct 50 → 16 − 25 = −9 → 0; D pct 100 → 16; E target 0 → missing.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2}}"),
            WithTargets("A B C D E", [110, 200, 50, 100, 100], [100, 100, 100, 100, 0]));
        r.Scores("X", "A B C D E", 21, 24, 0, 16, double.NaN);
    }

    [Fact]
    public void Completion_Floor_IsTheMinimumPoints()
    {
        // pct 50 → −9 → max(5, −9) = 5; pct 95 → 16 − 2.5 = 13.5.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2,'floor':5}}"),
            WithTargets("A B", [50, 95], [100, 100]));
        r.Scores("X", "A B", 5, 13.5);
    }

    [Fact]
    public void Completion_RatioDirectionMinusOne_CountsShortfallAsCompletion()
    {
        // pct = 100·(2 − x/target): 90/100 → 110 → 16 + 5 = 21; 120/100 → 80 → 16 − 10 = 6.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','direction':-1,'normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2}}"),
            WithTargets("A B", [90, 120], [100, 100]));
        r.Scores("X", "A B", 21, 6);
    }

    [Fact]
    public void Completion_Difference_CountsPercentagePoints()
    {
        // pct = 100 + (x − target): growth 7.5 against 6 → 101.5 → 16 + 0.75 = 16.75;
        // 4 against 6 → 98 → 15; a zero target is fine on this basis: 1 against 0 → 101 → 16.5.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2,'basis':'difference'}}"),
            WithTargets("A B C", [7.5, 4, 1], [6, 6, 0]));
        r.Scores("X", "A B C", 16.75, 15, 16.5);
    }

    [Fact]
    public void Completion_DifferenceDirectionMinusOne_RewardsBeingBelow()
    {
        // pct = 100 − (x − target): 5 against 6 → 101 → 16.5; 8 against 6 → 98 → 15.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','direction':-1,'normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2,'basis':'difference'}}"),
            WithTargets("A B", [5, 8], [6, 6]));
        r.Scores("X", "A B", 16.5, 15);
    }

    [Fact]
    public void Cumulative_MonthlyPeriods_ProrateTheTargetByTimeProgress()
    {
        // Full-year target 200. 2025-06: expected 50 → target used 100; 60 → target 60/100·100 = 60,
        // completion pct 60 → 16 − 20 = −4 → 0.  2025-03: expected 25 → target used 50;
        // 60/50 = 1.2 → cap 1.2 → 120; completion pct 120 → 16 + 10 = 26 → cap 24.
        Scheme s = Fx.Flat(
            "{'code':'X','parent':'R','cumulative':true,'normalise':{'method':'target','cap':1.2}}," +
            "{'code':'Y','parent':'R','cumulative':true,'normalise':{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.5,'cap':1.2}}");
        Row[] rows =
        [
            new("A", "X", 60, "2025-06", 200), new("A", "Y", 60, "2025-06", 200),
            new("A", "X", 60, "2025-03", 200), new("A", "Y", 60, "2025-03", 200),
        ];
        ScoringResult r = Fx.Score(s, rows, explain: true);
        Assert.Equal("2025-03", r.Periods[0].Data.Period.ToString());
        r.Scores(0, "X", "A", 120);
        r.Scores(0, "Y", "A", 24);
        r.Scores(1, "X", "A", 60);
        r.Scores(1, "Y", "A", 0);
        Fx.Near(r.Periods[1].Trace!.TargetUsed[0][0], 100);
    }

    [Fact]
    public void Cumulative_WithoutPeriods_UsesTheWholeTarget()
    {
        // No period: expected 100, target used 200: 60/200·100 = 30.
        ScoringResult r = Fx.Score(
            Fx.Flat("{'code':'X','parent':'R','cumulative':true,'normalise':{'method':'target'}}"),
            [new Row("A", "X", 60, Target: 200)]);
        r.Scores("X", "A", 30);
    }

    [Fact]
    public void RankPoints_TiesShareTheBestPlaceAndFloorHolds()
    {
        // first 10, step 2, floor 3: A place 1 → 10; B, C place 2 → 8; D place 4 → 4;
        // E place 5 → 2 → 3; F place 6 → 0 → 3.
        ScoringResult r = One("{'method':'rankPoints','first':10,'step':2,'floor':3}", Fx.Rows("X", "A B C D E F G", 30, 20, 20, 10, 5, 1, double.NaN));
        r.Scores("X", "A B C D E F G", 10, 8, 8, 4, 3, 3, double.NaN);
    }

    [Fact]
    public void RankPoints_DirectionMinusOne_PlacesTheSmallestFirst()
    {
        // y = −x: F 1st → 10; E 2nd → 8; D 3rd → 6; B, C 4th → 4; A 6th → 0 (default floor 0).
        ScoringResult r = One("{'method':'rankPoints','first':10,'step':2}", Fx.Rows("X", "A B C D E F", 30, 20, 20, 10, 5, 1), ",'direction':-1");
        r.Scores("X", "A B C D E F", 0, 4, 4, 6, 8, 10);
    }

    [Fact]
    public void Tiers_ValueEqualToABound_BelongsToTheBandAbove()
    {
        // bounds [60, 80], points [0, 5, 10]: 59.9 → 0; 60 → 5; 79.99 → 5; 80 → 10; 95 → 10.
        ScoringResult r = One("{'method':'tiers','bounds':[60,80],'points':[0,5,10]}", Fx.Rows("X", "A B C D E", 59.9, 60, 79.99, 80, 95));
        r.Scores("X", "A B C D E", 0, 5, 5, 10, 10);
    }

    [Fact]
    public void Tiers_DirectionMinusOne_IsNotApplied()
    {
        // The points say what is better: direction −1 changes nothing.
        ScoringResult r = One("{'method':'tiers','bounds':[60,80],'points':[10,5,0]}", Fx.Rows("X", "A B C", 50, 70, 90), ",'direction':-1");
        r.Scores("X", "A B C", 10, 5, 0);
    }

    [Fact]
    public void Tiers_UnderTransform_UseTransformedBounds()
    {
        // sqrt: bounds 4, 9 → 2, 3; value 9 → 3 equals the upper bound → top band; 5 → √5 → middle.
        ScoringResult r = One("{'method':'tiers','bounds':[4,9],'points':[0,5,10]}", Fx.Rows("X", "A B C", 9, 5, 1), ",'transform':'sqrt'");
        r.Scores("X", "A B C", 10, 5, 0);
    }

    [Fact]
    public void LeaderRatio_HigherIsBetter_DividesByTheBest()
    {
        // best 100: 50 → 50; 80 → 80; 100 → 100.
        ScoringResult r = One("{'method':'leaderRatio','full':100}", Fx.Rows("X", "A B C", 50, 80, 100));
        r.Scores("X", "A B C", 50, 80, 100);
    }

    [Fact]
    public void LeaderRatio_LowerIsBetter_DividesTheBestByTheValue()
    {
        // best = min = 50: 50 → 100; 80 → 100·50/80 = 62.5; 100 → 50.
        ScoringResult r = One("{'method':'leaderRatio','full':100}", Fx.Rows("X", "A B C", 50, 80, 100), ",'direction':-1");
        r.Scores("X", "A B C", 100, 62.5, 50);
    }

    [Fact]
    public void LeaderRatio_BestNotPositive_GivesMissing()
    {
        ScoringResult r = One("{'method':'leaderRatio','full':100}", Fx.Rows("X", "A B", -5, 0));
        r.Scores("X", "A B", double.NaN, double.NaN);
        ScoringResult low = One("{'method':'leaderRatio','full':100}", Fx.Rows("X", "A B", 0, 4), ",'direction':-1");
        low.Scores("X", "A B", double.NaN, double.NaN);
    }

    [Fact]
    public void None_KeepsTheValueAndIgnoresDirection()
    {
        ScoringResult r = One("{'method':'none'}", Fx.Rows("X", "A B", 7, -2), ",'direction':-1");
        r.Scores("X", "A B", 7, -2);
    }
}
