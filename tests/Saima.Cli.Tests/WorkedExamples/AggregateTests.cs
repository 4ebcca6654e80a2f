namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// Aggregations and weightings of score-cli.md: indicators X1..X3 with normalise none (score =
/// value) under root R. Hand arithmetic in comments unless marked "reference".
/// </summary>
public class AggregateTests
{
    internal static string Scheme(string aggregate, double[] weights, string groupExtra = "") => $$"""
        { "name": "agg", "steps": { "normalise": { "method": "none" } },
          "indicators": [ {{string.Join(", ", weights.Select((w, i) => $$"""{ "code": "X{{i + 1}}", "parent": "R", "weight": {{w.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }"""))}} ],
          "groups": [ { "code": "R", "aggregate": {{aggregate}}{{groupExtra}} } ] }
        """;

    internal static string Data(params (string Unit, string[] Values)[] rows) =>
        "unit,indicator,value\n" + string.Concat(rows.SelectMany(r => r.Values.Select((v, i) => $"{r.Unit},X{i + 1},{v}\n")));

    [Fact]
    public void Arithmetic_WeightedMean_MissingChildRescaled()
    {
        // weights 1, 2, 1: A (10·1 + 20·2 + 40·1)/4 = 90/4 = 22.5; B X3 missing: (10 + 40)/3
        using var c = ScoreCase.With(Scheme("""{ "method": "arithmetic" }""", [1, 2, 1]),
            Data(("A", ["10", "20", "40"]), ("B", ["10", "20", ""]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(22.5).Rank(1);
        c.Results.Get("B", "R").Score(50.0 / 3).Rank(2);
    }

    [Fact]
    public void Sum_PointsNotRescaled()
    {
        // 10 + 40 + 40 = 90; missing X3: 10 + 40 = 50 (no rescaling for sum)
        using var c = ScoreCase.With(Scheme("""{ "method": "sum" }""", [1, 2, 1]),
            Data(("A", ["10", "20", "40"]), ("B", ["10", "20", ""]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(90);
        c.Results.Get("B", "R").Score(50);
    }

    [Fact]
    public void Geometric_WeightedInLogs()
    {
        // weights 1, 1, 2; x 2, 8, 4: exp((ln 2 + ln 8 + 2 ln 4)/4) = (2·8·16)^(1/4) = 256^(1/4) = 4
        using var c = ScoreCase.With(Scheme("""{ "method": "geometric" }""", [1, 1, 2]), Data(("A", ["2", "8", "4"]), ("B", ["1", "1", "1"])))
            .Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(4);
        c.Results.Get("B", "R").Score(1);
    }

    [Fact]
    public void Geometric_NonPositiveChild_Exit2()
    {
        using var c = ScoreCase.With(Scheme("""{ "method": "geometric" }""", [1, 1, 1]), Data(("A", ["2", "0", "4"]), ("B", ["1", "1", "1"])))
            .Score();
        c.ExitCode.ShouldBe(2);
        File.Exists(c.PathOf("results.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Harmonic_WeightedInReciprocals()
    {
        // weights 1, 1, 2; x 2, 4, 8: Σw = 4; Σw/x = 0.5 + 0.25 + 0.25 = 1 → 4
        using var c = ScoreCase.With(Scheme("""{ "method": "harmonic" }""", [1, 1, 2]), Data(("A", ["2", "4", "8"]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(4);
    }

    [Fact]
    public void Median_Weighted_ExceedsAndExactHalf()
    {
        // weights 3, 1, 1 with x 1, 3, 5: sorted 1(3) 3(1) 5(1), total 5, half 2.5: 3 > 2.5 → 1
        using var c = ScoreCase.With(Scheme("""{ "method": "median" }""", [3, 1, 1]), Data(("A", ["1", "3", "5"]), ("B", ["5", "3", "1"])))
            .Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(1);
        c.Results.Get("B", "R").Score(5);
        // weights 1, 1, 2 with x 1, 3, 5: total 4, half 2: cum 1, then 2 = half → (3 + 5)/2 = 4;
        // weights 1, 1, 1 with x 5, 1, 3: sorted 1, 3, 5; cum 1, 2 > 1.5 → 3
        using var d = ScoreCase.With(Scheme("""{ "method": "median" }""", [1, 1, 2]), Data(("A", ["1", "3", "5"]))).Score().ShouldSucceed();
        d.Results.Get("A", "R").Score(4);
        using var e = ScoreCase.With(Scheme("""{ "method": "median" }""", [1, 1, 1]), Data(("A", ["5", "1", "3"]))).Score().ShouldSucceed();
        e.Results.Get("A", "R").Score(3);
    }

    [Fact]
    public void Topsis_DistancesToIdealAndAntiIdeal()
    {
        // two children, weights 1, 1 → w′ = 0.5; A (10, 2) → v (5, 1); B (8, 8) → (4, 4);
        // C (2, 10) → (1, 5). ideal (5, 5), anti-ideal (1, 1).
        // A: D+ = √(0 + 16) = 4, D− = √(16 + 0) = 4 → 0.5; C likewise 0.5;
        // B: D+ = √(1 + 1) = √2, D− = √(9 + 9) = 3√2 → 3√2/4√2 = 0.75
        var scheme = Scheme("""{ "method": "topsis" }""", [1, 1]);
        using var c = ScoreCase.With(scheme, Data(("A", ["10", "2"]), ("B", ["8", "8"]), ("C", ["2", "10"]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(0.5).Rank(2);
        c.Results.Get("B", "R").Score(0.75).Rank(1);
        c.Results.Get("C", "R").Score(0.5).Rank(2);
    }

    [Fact]
    public void Topsis_MissingChild_UsesUnitsOwnRescaledWeights()
    {
        // reference + hand: D has only X1 = 6 → w′ = 1, v = (6, –). Column 1 of v: 5, 4, 1, 6 →
        // ideal 6, anti 1; column 2: 1, 4, 5 → ideal 5, anti 1.
        // A: D+ = √(1 + 16) = √17, D− = √(16 + 0) = 4 → 4/(√17 + 4)
        // B: D+ = √(4 + 1) = √5, D− = √(9 + 9) = √18 → √18/(√5 + √18)
        // C: D+ = √(25 + 0) = 5, D− = √(0 + 16) = 4 → 4/9
        // D: D+ = √0 = 0, D− = √25 = 5 → 1
        var scheme = Scheme("""{ "method": "topsis" }""", [1, 1]);
        using var c = ScoreCase.With(scheme, Data(("A", ["10", "2"]), ("B", ["8", "8"]), ("C", ["2", "10"]), ("D", ["6", ""]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(4 / (Math.Sqrt(17) + 4));
        c.Results.Get("B", "R").Score(Math.Sqrt(18) / (Math.Sqrt(5) + Math.Sqrt(18)));
        c.Results.Get("C", "R").Score(4.0 / 9);
        c.Results.Get("D", "R").Score(1).Rank(1);
    }

    [Fact]
    public void Copeland_PairwiseWeightedMajority()
    {
        // weights 3, 1, 1. A (3,3,1) B (2,2,5) C (1,4,4) D (3,3,1).
        // A–B: A wins X1, X2 (3+1 = 4) vs X3 (1) → +1; A–C: X1 (3) vs X2+X3 (2) → +1; A–D all tied → 0
        //   → A = 2, D = 2 likewise.
        // B–A −1; B–C: X1 (3) + X3 (1) = 4 vs X2 (1) → +1; B–D −1 → B = −1.
        // C: −1 −1 −1 = −3.
        var scheme = Scheme("""{ "method": "copeland" }""", [3, 1, 1]);
        using var c = ScoreCase.With(scheme, Data(("A", ["3", "3", "1"]), ("B", ["2", "2", "5"]), ("C", ["1", "4", "4"]), ("D", ["3", "3", "1"])))
            .Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(2).Rank(1);
        c.Results.Get("D", "R").Score(2).Rank(1);
        c.Results.Get("B", "R").Score(-1).Rank(3);
        c.Results.Get("C", "R").Score(-3).Rank(4);
    }

    [Fact]
    public void MinDataShare_TooFewChildren_Missing()
    {
        // 3 children, minDataShare 0.6: A has 2/3 ≥ 0.6 → (10 + 20)/2 = 15; B has 1/3 < 0.6 → missing
        var scheme = Scheme("""{ "method": "arithmetic" }""", [1, 1, 1], """, "minDataShare": 0.6""");
        using var c = ScoreCase.With(scheme, Data(("A", ["10", "20", ""]), ("B", ["10", "", ""]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(15).Rank(1);
        c.Results.Get("B", "R").IsEmpty("score").IsEmpty("rank");
    }

    [Fact]
    public void PresentWeightsSumToZero_Missing()
    {
        // weights 0, 1: B lacks X2 → present weights sum to 0 → missing; A: (0·5 + 1·7)/1 = 7
        using var c = ScoreCase.With(Scheme("""{ "method": "arithmetic" }""", [0, 1]), Data(("A", ["5", "7"]), ("B", ["5", ""]))).Score().ShouldSucceed();
        c.Results.Get("A", "R").Score(7);
        c.Results.Get("B", "R").IsEmpty("score");
    }

    [Fact]
    public void EqualWeights_IgnoreGivenWeights()
    {
        // given 1, 3 ignored: (10 + 30)/2 = 20
        var scheme = Scheme("""{ "method": "arithmetic" }""", [1, 3], """, "weights": "equal" """);
        using var c = ScoreCase.With(scheme, Data(("A", ["10", "30"]))).Score(explain: true).ShouldSucceed();
        c.Results.Get("A", "R").Score(20);
        var w = c.Explain("weights.csv");
        w.Find(("node", "X2")).Is("weight", 1).Is("effective_weight", 0.5).IsText("parent", "R");
        w.Find(("node", "R")).Is("weight", 1).Is("effective_weight", 1);
    }

    [Fact]
    public void EntropyWeights_FromScores()
    {
        // X1 scores 1, 2, 3 (sum 6): p = 1/6, 1/3, 1/2; e1 = −Σp ln p / ln 3
        // X2 scores 1, 1, 1: p = 1/3 each, e2 = ln 3/ln 3 = 1 → weight 0, so w1 = 1 and R = X1.
        var scheme = Scheme("""{ "method": "arithmetic" }""", [1, 1], """, "weights": "entropy" """);
        using var c = ScoreCase.With(scheme, Data(("A", ["1", "1"]), ("B", ["2", "1"]), ("C", ["3", "1"]))).Score(explain: true).ShouldSucceed();
        c.Results.Get("A", "R").Score(1);
        c.Results.Get("C", "R").Score(3).Rank(1);
        var w = c.Explain("weights.csv");
        w.Find(("node", "X1")).Is("weight", 1).Is("effective_weight", 1);
        w.Find(("node", "X2")).Is("weight", 0);
    }

    [Fact]
    public void EntropyWeights_TwoInformativeChildren()
    {
        // X1: 1, 2, 3 → e1 = −(1/6 ln 1/6 + 1/3 ln 1/3 + 1/2 ln 1/2)/ln 3 = 1.0114042647/1.0986122887 = 0.920620
        // X2: 1, 1, 2 → p = 1/4, 1/4, 1/2 → e2 = (2·¼ ln 4 + ½ ln 2)/ln 3 = 1.0397207708/1.0986122887 = 0.946395
        // w1 = (1 − e1)/((1 − e1) + (1 − e2)); A: w1·1 + w2·1 = 1; C: 3w1 + 2w2 (reference agrees)
        double E(double[] x)
        {
            var s = x.Sum();
            return -x.Sum(v => v / s * Math.Log(v / s)) / Math.Log(x.Length);
        }

        var e1 = E([1, 2, 3]);
        var e2 = E([1, 1, 2]);
        var w1 = (1 - e1) / ((1 - e1) + (1 - e2));
        var w2 = (1 - e2) / ((1 - e1) + (1 - e2));
        var scheme = Scheme("""{ "method": "arithmetic" }""", [1, 1], """, "weights": "entropy" """);
        using var c = ScoreCase.With(scheme, Data(("A", ["1", "1"]), ("B", ["2", "1"]), ("C", ["3", "2"]))).Score(explain: true).ShouldSucceed();
        c.Results.Get("A", "R").Score(1);
        c.Results.Get("B", "R").Score((2 * w1) + w2);
        c.Results.Get("C", "R").Score((3 * w1) + (2 * w2));
        c.Explain("weights.csv").Find(("node", "X1")).Is("weight", w1);
    }

    [Fact]
    public void EntropyWeights_NegativeScore_Exit2()
    {
        var scheme = Scheme("""{ "method": "arithmetic" }""", [1, 1], """, "weights": "entropy" """);
        using var c = ScoreCase.With(scheme, Data(("A", ["-1", "1"]), ("B", ["2", "1"]), ("C", ["3", "2"]))).Score();
        c.ExitCode.ShouldBe(2);
        c.Stderr.ShouldContain("R");
    }

    [Fact]
    public void NestedGroups_EffectiveWeights()
    {
        // R ← P (weight 3) ← X1, X2 (1, 1); R ← X3 (weight 1). Effective: X1 = 0.5·0.75 = 0.375.
        // A: P = (10 + 30)/2 = 20; R = (3·20 + 1·40)/4 = 25
        var scheme = """
            { "name": "nest", "steps": { "normalise": { "method": "none" } },
              "indicators": [ { "code": "X1", "parent": "P" }, { "code": "X2", "parent": "P" }, { "code": "X3", "parent": "R" } ],
              "groups": [ { "code": "R" }, { "code": "P", "parent": "R", "weight": 3 } ] }
            """;
        using var c = ScoreCase.With(scheme, Data(("A", ["10", "30", "40"]))).Score(explain: true).ShouldSucceed();
        c.Results.Get("A", "P").Score(20);
        c.Results.Get("A", "R").Score(25);
        var w = c.Explain("weights.csv");
        w.Find(("node", "X1")).Is("effective_weight", 0.375).IsText("parent", "P");
        w.Find(("node", "P")).Is("weight", 3).Is("effective_weight", 0.75);
        w.Find(("node", "X3")).Is("effective_weight", 0.25);
        // rows: indicators in scheme order, then groups
        c.Results.Rows.Select(r => r[c.Results.Col("node")]).ShouldBe(["X1", "X2", "X3", "R", "P"]);
    }
}
