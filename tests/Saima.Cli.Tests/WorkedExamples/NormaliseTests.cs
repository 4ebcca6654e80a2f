namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// Each normalise method of score-cli.md on a one-indicator scheme (indicator X under root R,
/// so R's score equals X's). Expected numbers are worked by hand from the contract's formulas
/// (arithmetic in the comments) unless a test says "reference" (tests/reference/saima_ref.py).
/// </summary>
public class NormaliseTests
{
    internal static string OneIndicator(string normalise, int direction = 1, string extra = "") => $$"""
        { "name": "one",
          "indicators": [ { "code": "X", "parent": "R", "direction": {{direction}}, "normalise": {{normalise}}{{extra}} } ],
          "groups": [ { "code": "R" } ] }
        """;

    internal static string Data(params (string Unit, string Value)[] rows) =>
        "unit,indicator,value\n" + string.Concat(rows.Select(r => $"{r.Unit},X,{r.Value}\n"));

    internal static string DataWithTargets(params (string Unit, string Value, string Target)[] rows) =>
        "unit,indicator,value,target\n" + string.Concat(rows.Select(r => $"{r.Unit},X,{r.Value},{r.Target}\n"));

    private static readonly string Four = Data(("A", "2"), ("B", "4"), ("C", "6"), ("D", "10"));

    [Fact]
    public void MinMax_HigherIsBetter_ScalesToRange()
    {
        // min 2, max 10: (x − 2)/8·100 → A 0, B 25, C 50, D 100
        using var c = ScoreCase.With(OneIndicator("""{ "method": "minmax", "range": [0, 100] }"""), Four).Score().ShouldSucceed();
        var r = c.Results;
        r.Get("A", "X").IsText("value", "2").Score(0).Rank(4);
        r.Get("B", "X").Score(25).Rank(3);
        r.Get("C", "X").Score(50).Rank(2);
        r.Get("D", "X").Score(100).Rank(1);
        r.Get("B", "R").Score(25).IsEmpty("value");
    }

    [Fact]
    public void MinMax_LowerIsBetter_UsesNegatedValues()
    {
        // y = −x: min −10, max −2; (y + 10)/8·99 + 1 → A (8/8)·99+1 = 100, B 0.75·99+1 = 75.25,
        // C 0.5·99+1 = 50.5, D 0·99+1 = 1
        using var c = ScoreCase.With(OneIndicator("""{ "method": "minmax", "range": [1, 100] }""", -1), Four).Score().ShouldSucceed();
        var r = c.Results;
        r.Get("A", "X").Score(100).Rank(1);
        r.Get("B", "X").Score(75.25);
        r.Get("C", "X").Score(50.5);
        r.Get("D", "X").Score(1).Rank(4);
    }

    [Fact]
    public void MinMax_NoSpread_GivesMissingScores()
    {
        using var c = ScoreCase.With(OneIndicator("""{ "method": "minmax", "range": [0, 100] }"""), Data(("A", "3"), ("B", "3"), ("C", "3")))
            .Score().ShouldSucceed();
        c.Results.Get("A", "X").IsText("value", "3").IsEmpty("score").IsEmpty("rank");
        c.Results.Get("C", "R").IsEmpty("score").IsEmpty("rank");
    }

    [Fact]
    public void ZScore_SampleSd_RescaledToMeanAndSd()
    {
        // y = 2, 4, 6, 10; mean 5.5; d = −3.5, −1.5, 0.5, 4.5; Σd² = 12.25+2.25+0.25+20.25 = 35;
        // sample sd = √(35/3) = 3.415650255319866; score = d/sd·10 + 50
        var sd = Math.Sqrt(35.0 / 3.0);
        using var c = ScoreCase.With(OneIndicator("""{ "method": "zscore", "mean": 50, "sd": 10 }"""), Four).Score().ShouldSucceed();
        var r = c.Results;
        r.Get("A", "X").Score((-3.5 / sd * 10) + 50);   // 39.75304923...
        r.Get("B", "X").Score((-1.5 / sd * 10) + 50);
        r.Get("C", "X").Score((0.5 / sd * 10) + 50);
        r.Get("D", "X").Score((4.5 / sd * 10) + 50).Rank(1);
    }

    [Fact]
    public void ZScore_Defaults_LowerIsBetter()
    {
        // direction −1: y = −x, d = 3.5, 1.5, −0.5, −4.5; default mean 0, sd 1 → d/√(35/3)
        var sd = Math.Sqrt(35.0 / 3.0);
        using var c = ScoreCase.With(OneIndicator("""{ "method": "zscore" }""", -1), Four).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(3.5 / sd).Rank(1);
        c.Results.Get("D", "X").Score(-4.5 / sd).Rank(4);
    }

    [Fact]
    public void Vector_DividesByEuclideanNorm()
    {
        // √(3² + 4² + 12²) = √169 = 13 → 3/13, 4/13, 12/13; direction −1 negates
        var data = Data(("A", "3"), ("B", "4"), ("C", "12"));
        using var c = ScoreCase.With(OneIndicator("""{ "method": "vector" }"""), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(3.0 / 13);
        c.Results.Get("C", "X").Score(12.0 / 13).Rank(1);
        using var d = ScoreCase.With(OneIndicator("""{ "method": "vector" }""", -1), data).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(-3.0 / 13).Rank(1);
        d.Results.Get("C", "X").Score(-12.0 / 13).Rank(3);
    }

    [Fact]
    public void Goalposts_ClampedAndScaled()
    {
        // (x − 0)/(20 − 0) clamped to [0,1] ·100: 2 → 10, 10 → 50, 25 → 1.25 → 100
        var data = Data(("A", "2"), ("B", "10"), ("C", "25"));
        using var c = ScoreCase.With(OneIndicator("""{ "method": "goalposts", "min": 0, "max": 20, "scale": 100 }"""), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(10);
        c.Results.Get("B", "X").Score(50);
        c.Results.Get("C", "X").Score(100);
        // direction −1: (x − 20)/(0 − 20): 2 → 0.9 → 90; 10 → 0.5 → 50; 25 → −0.25 → 0
        using var d = ScoreCase.With(OneIndicator("""{ "method": "goalposts", "min": 0, "max": 20, "scale": 100 }""", -1), data).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(90);
        d.Results.Get("B", "X").Score(50);
        d.Results.Get("C", "X").Score(0);
        // clamp false, default scale 1: 25 → 1.25
        using var e = ScoreCase.With(OneIndicator("""{ "method": "goalposts", "min": 0, "max": 20, "clamp": false }"""), data).Score().ShouldSucceed();
        e.Results.Get("C", "X").Score(1.25);
        e.Results.Get("A", "X").Score(0.1);
    }

    [Fact]
    public void Rank_PercentileFromWorst_TiesTakeLowest()
    {
        // y = 2, 4, 4, 10: r from the worst = 1, 2, 2, 4 → (r − 1)/3·100 = 0, 33.33, 33.33, 100
        var data = Data(("A", "2"), ("B", "4"), ("C", "4"), ("D", "10"));
        using var c = ScoreCase.With(OneIndicator("""{ "method": "rank" }"""), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(0).Rank(4);
        c.Results.Get("B", "X").Score(1.0 / 3 * 100).Rank(2);
        c.Results.Get("C", "X").Score(1.0 / 3 * 100).Rank(2);
        c.Results.Get("D", "X").Score(100).Rank(1);
    }

    [Fact]
    public void Rank_FewerThanTwoValues_Missing()
    {
        using var c = ScoreCase.With(OneIndicator("""{ "method": "rank" }"""), Data(("A", "2"), ("B", ""))).Score().ShouldSucceed();
        c.Results.Get("A", "X").IsEmpty("score");
        c.Results.Get("B", "X").IsEmpty("value").IsEmpty("score");
    }

    [Fact]
    public void Target_CappedRatio()
    {
        // target 4, cap 1.2, scale 100: 2 → 0.5·100 = 50; 4 → 100; 6 → min(1.2, 1.5) = 120;
        // empty target → missing; zero target → missing
        var data = DataWithTargets(("A", "2", "4"), ("B", "4", "4"), ("C", "6", "4"), ("D", "5", ""), ("E", "5", "0"));
        using var c = ScoreCase.With(OneIndicator("""{ "method": "target", "cap": 1.2 }"""), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(50);
        c.Results.Get("B", "X").Score(100);
        c.Results.Get("C", "X").Score(120).Rank(1);
        c.Results.Get("D", "X").IsEmpty("score");
        c.Results.Get("E", "X").IsEmpty("score");
        // direction −1: target/x: 4/2 = 2 → 1.2 → 120; 4/4 → 100; 4/8 → 50
        var low = DataWithTargets(("A", "2", "4"), ("B", "4", "4"), ("C", "8", "4"));
        using var d = ScoreCase.With(OneIndicator("""{ "method": "target", "cap": 1.2 }""", -1), low).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(120);
        d.Results.Get("B", "X").Score(100);
        d.Results.Get("C", "X").Score(50);
    }

    [Fact]
    public void Completion_RatioBasis_CapAndFloor()
    {
        // full 10, atTarget 0.8, perPoint 0.1, cap 1.2, floor 2; target 100:
        // 100 → pct 100 → 8; 110 → 8 + 0.1·10 = 9; 150 → 8 + 5 = 13 → cap 1.2·10 = 12;
        // 50 → 8 − 5 = 3; 10 → 8 − 9 = −1 → floor 2
        var data = DataWithTargets(("A", "100", "100"), ("B", "110", "100"), ("C", "150", "100"), ("D", "50", "100"), ("E", "10", "100"));
        const string Rule = """{ "method": "completion", "full": 10, "atTarget": 0.8, "perPoint": 0.1, "cap": 1.2, "floor": 2 }""";
        using var c = ScoreCase.With(OneIndicator(Rule), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(8);
        c.Results.Get("B", "X").Score(9);
        c.Results.Get("C", "X").Score(12).Rank(1);
        c.Results.Get("D", "X").Score(3);
        c.Results.Get("E", "X").Score(2).Rank(5);
        // direction −1: pct = 100·(2 − x/target): 90 → 110 → 9; 120 → 80 → 6
        var low = DataWithTargets(("A", "90", "100"), ("B", "120", "100"));
        using var d = ScoreCase.With(OneIndicator(Rule, -1), low).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(9);
        d.Results.Get("B", "X").Score(6);
    }

    [Fact]
    public void Completion_DifferenceBasis_ForGrowthRates()
    {
        // pct = 100 + direction·(x − target), target 6 (%): 8 → 102 → 8 + 0.2 = 8.2; 5 → 99 → 7.9;
        // default floor 0: −100 → pct −6 → 8 − 10.6 = −2.6 → 0
        const string Rule = """{ "method": "completion", "full": 10, "atTarget": 0.8, "perPoint": 0.1, "cap": 1.2, "basis": "difference" }""";
        var data = DataWithTargets(("A", "8", "6"), ("B", "5", "6"), ("C", "-100", "6"));
        using var c = ScoreCase.With(OneIndicator(Rule), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(8.2);
        c.Results.Get("B", "X").Score(7.9);
        c.Results.Get("C", "X").Score(0);
        // direction −1: 8 → 100 − 2 = 98 → 7.8
        using var d = ScoreCase.With(OneIndicator(Rule, -1), DataWithTargets(("A", "8", "6"))).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(7.8);
    }

    [Fact]
    public void RankPoints_TiesShareBestPlace_Floor()
    {
        // first 10, step 2, floor 3; values 10, 4, 4, 2, 1 → places 1, 2, 2, 4, 5
        // → 10, 8, 8, max(3, 10 − 6) = 4, max(3, 10 − 8) = 3
        var data = Data(("A", "10"), ("B", "4"), ("C", "4"), ("D", "2"), ("E", "1"));
        const string Rule = """{ "method": "rankPoints", "first": 10, "step": 2, "floor": 3 }""";
        using var c = ScoreCase.With(OneIndicator(Rule), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(10);
        c.Results.Get("B", "X").Score(8).Rank(2);
        c.Results.Get("C", "X").Score(8).Rank(2);
        c.Results.Get("D", "X").Score(4).Rank(4);
        c.Results.Get("E", "X").Score(3);
        // direction −1: 1 → place 1 (10), 2 → 2 (8), 4, 4 → 3 (6), 10 → 5 (max(3, 2) = 3)
        using var d = ScoreCase.With(OneIndicator(Rule, -1), data).Score().ShouldSucceed();
        d.Results.Get("E", "X").Score(10);
        d.Results.Get("D", "X").Score(8);
        d.Results.Get("B", "X").Score(6);
        d.Results.Get("A", "X").Score(3);
    }

    [Fact]
    public void Tiers_BoundBelongsToBandAbove_DirectionIgnored()
    {
        // bounds [3, 6], points [0, 5, 10]: 2 → 0; 3 → 5; 5.9 → 5; 6 → 10; 7 → 10
        var data = Data(("A", "2"), ("B", "3"), ("C", "5.9"), ("D", "6"), ("E", "7"));
        foreach (var dir in new[] { 1, -1 })
        {
            using var c = ScoreCase.With(OneIndicator("""{ "method": "tiers", "bounds": [3, 6], "points": [0, 5, 10] }""", dir), data).Score().ShouldSucceed();
            c.Results.Get("A", "X").Score(0);
            c.Results.Get("B", "X").Score(5);
            c.Results.Get("C", "X").Score(5);
            c.Results.Get("D", "X").Score(10).Rank(1);
            c.Results.Get("E", "X").Score(10).Rank(1);
        }
    }

    [Fact]
    public void LeaderRatio_RelativeToBest()
    {
        // full 100; best 5: 2 → 40, 4 → 80, 5 → 100; direction −1, best 2: 100·2/x → 100, 50, 40
        var data = Data(("A", "2"), ("B", "4"), ("C", "5"));
        using var c = ScoreCase.With(OneIndicator("""{ "method": "leaderRatio", "full": 100 }"""), data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(40);
        c.Results.Get("B", "X").Score(80);
        c.Results.Get("C", "X").Score(100);
        using var d = ScoreCase.With(OneIndicator("""{ "method": "leaderRatio", "full": 100 }""", -1), data).Score().ShouldSucceed();
        d.Results.Get("A", "X").Score(100);
        d.Results.Get("B", "X").Score(50);
        d.Results.Get("C", "X").Score(40);
        // best ≤ 0 → missing
        using var e = ScoreCase.With(OneIndicator("""{ "method": "leaderRatio", "full": 100 }"""), Data(("A", "-1"), ("B", "0"))).Score().ShouldSucceed();
        e.Results.Get("A", "X").IsEmpty("score");
    }

    [Fact]
    public void None_IsTheValue_DirectionNotApplied()
    {
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", -1), Four).Score().ShouldSucceed();
        c.Results.Get("A", "X").Score(2).Rank(4);
        c.Results.Get("D", "X").Score(10).Rank(1);
    }

    [Fact]
    public void DefaultNormalise_IsMinMax0To100()
    {
        var scheme = """{ "name": "d", "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        using var c = ScoreCase.With(scheme, Four).Score().ShouldSucceed();
        c.Results.Get("B", "X").Score(25);
    }
}
