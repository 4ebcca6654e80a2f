namespace Saima.Scoring.Tests;

/// <summary>
/// Aggregation methods over indicator scores taken as they are (normalise none), so that every
/// expected number is worked from the children's scores and weights alone.
/// </summary>
public class AggregateTests
{
    private static Scheme Scheme(string aggregate, string weights, string groupExtra = "")
    {
        double[] w = weights.Split(' ').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string[] codes = ["X", "Y", "Z", "W"];
        string inds = string.Join(",", w.Select((v, k) => "{'code':'" + codes[k] + "','parent':'R','weight':" + Fx.T(v) + "}"));
        return Fx.Parse(
            "{'steps':{'normalise':{'method':'none'},'aggregate':{'method':'" + aggregate + "'}},'indicators':[" + inds +
            "],'groups':[{'code':'R'" + groupExtra + "}]}");
    }

    /// <summary>Rows for X, Y, Z, W (as many as given) of one unit.</summary>
    private static IEnumerable<Row> Unit(string unit, params double[] scores)
    {
        string[] codes = ["X", "Y", "Z", "W"];
        for (int k = 0; k < scores.Length; k++)
        {
            yield return new Row(unit, codes[k], scores[k]);
        }
    }

    [Fact]
    public void Arithmetic_MissingChild_RescalesTheOtherWeights()
    {
        // Weights 1, 3, 1. A: (10 + 3·20 + 40)/5 = 22. B (Y missing): (10 + 40)/(1 + 1) = 25.
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 3 1"), Unit("A", 10, 20, 40).Concat(Unit("B", 10, double.NaN, 40)));
        r.Scores("R", "A B", 22, 25);
    }

    [Fact]
    public void Arithmetic_PresentWeightsSumToZero_GivesMissing()
    {
        // Weights 0, 2: B has only X (weight 0) → missing; A: (0·5 + 2·7)/2 = 7.
        ScoringResult r = Fx.Score(Scheme("arithmetic", "0 2"), Unit("A", 5, 7).Concat(Unit("B", 5, double.NaN)));
        r.Scores("R", "A B", 7, double.NaN);
    }

    [Fact]
    public void Arithmetic_AllChildrenMissing_GivesMissing()
    {
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 1"), Unit("A", 5, 7).Concat(Unit("B", double.NaN, double.NaN)));
        r.Scores("R", "A B", 6, double.NaN);
        Assert.Equal(PeriodResult.NoRank, r.RankOf("R", "B"));
    }

    [Fact]
    public void Sum_MissingChild_IsNotRescaled()
    {
        // Weights 1, 3, 1: A 10 + 60 + 40 = 110; B 10 + 40 = 50.
        ScoringResult r = Fx.Score(Scheme("sum", "1 3 1"), Unit("A", 10, 20, 40).Concat(Unit("B", 10, double.NaN, 40)));
        r.Scores("R", "A B", 110, 50);
    }

    [Fact]
    public void Geometric_WeightedMeanOfLogs()
    {
        // Weights 1, 1, 2. A: exp((ln 2 + ln 8 + 2 ln 4)/4) = (2·8·16)^(1/4) = 256^(1/4) = 4.
        // B (Y missing): (2·4²)^(1/3) = 32^(1/3).
        ScoringResult r = Fx.Score(Scheme("geometric", "1 1 2"), Unit("A", 2, 8, 4).Concat(Unit("B", 2, double.NaN, 4)));
        r.Scores("R", "A B", 4, Math.Cbrt(32));
    }

    [Fact]
    public void Harmonic_WeightSumOverWeightedReciprocals()
    {
        // Weights 1, 1, 2. A: 4/(1/2 + 1/8 + 2/4) = 4/1.125 = 32/9. B (Z missing): 2/(1/2 + 1/8) = 3.2.
        ScoringResult r = Fx.Score(Scheme("harmonic", "1 1 2"), Unit("A", 2, 8, 4).Concat(Unit("B", 2, 8, double.NaN)));
        r.Scores("R", "A B", 32.0 / 9, 3.2);
    }

    [Theory]
    [InlineData("geometric")]
    [InlineData("harmonic")]
    public void GeometricOrHarmonic_ChildNotPositive_IsAnErrorNamingUnitNodeAndPeriod(string method)
    {
        Row[] rows = [new("A", "X", 2, "2025-06"), new("A", "Y", 3, "2025-06"), new("B", "X", 2, "2025-06"), new("B", "Y", 0, "2025-06")];
        ScoringException ex = Assert.Throws<ScoringException>(() => Fx.Score(Scheme(method, "1 1"), rows));
        Assert.Contains("'B'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'R'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Y'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2025-06", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Sorted 10, 20, 30, 40 with weights 1 each: cumulative 1, 2 = half of 4 at 20 → (20 + 30)/2 = 25.
    [InlineData("1 1 1 1", 25.0)]
    // Y (40) weight 2: total 5, half 2.5; cumulative 1, 2, 3 > 2.5 at 30 → 30.
    [InlineData("1 2 1 1", 30.0)]
    // X (10) weight 3: total 6, half 3; cumulative 3 = half at 10 → (10 + 20)/2 = 15.
    [InlineData("3 1 1 1", 15.0)]
    // X (10) weight 4: cumulative 4 > 3.5 at 10 → 10.
    [InlineData("4 1 1 1", 10.0)]
    public void Median_WeightedMedian_IncludingTheExactlyHalfCase(string weights, double expected)
    {
        // A: X 10, Y 40, Z 20, W 30.
        ScoringResult r = Fx.Score(Scheme("median", weights), Unit("A", 10, 40, 20, 30));
        r.Scores("R", "A", expected);
    }

    [Fact]
    public void Median_DecimalWeightsReachingExactlyHalf_TakeTheMeanOfTheTwoScores()
    {
        // Weights X 0.3, Y 0.2, Z 0.1; scores X 30, Y 20, Z 10. Sorted: Z 10 (0.1), Y 20 (0.2), X 30 (0.3).
        // Total 0.6, half 0.3; the cumulative weight after Y is 0.1 + 0.2 = 0.3 = half exactly,
        // so the median is (20 + 30)/2 = 25. (In binary floating point 0.1 + 0.2 = 0.30000000000000004
        // while 0.3 + 0.2 + 0.1 = 0.6, half 0.3: a plain comparison misses the exactly-half case.)
        ScoringResult r = Fx.Score(Scheme("median", "0.3 0.2 0.1"), Unit("A", 30, 20, 10));
        r.Scores("R", "A", 25);
    }

    [Fact]
    public void Median_MissingChild_IsLeftOut()
    {
        // A without Y: 10, 20, 30 with weights 1: half 1.5, cumulative 2 > 1.5 at 20.
        ScoringResult r = Fx.Score(Scheme("median", "1 1 1 1"), Unit("A", 10, double.NaN, 20, 30));
        r.Scores("R", "A", 20);
    }

    [Fact]
    public void Topsis_DistancesToIdealAndAntiIdeal()
    {
        // Weights X 3, Y 1 → w′ = 0.75, 0.25.
        // v: A (0.15, 0.2); B (0.45, 0.1); C (0.75, 0); D has only X → w′ = 1 → (0.6, –).
        // Ideal (0.75, 0.2), anti-ideal (0.15, 0).
        // A: D+ = 0.6, D− = 0.2 → 0.2/0.8 = 0.25.
        // B: D+ = √(0.3² + 0.1²) = √0.1, D− = √(0.3² + 0.1²) = √0.1 → 0.5.
        // C: D+ = 0.2, D− = 0.6 → 0.75.
        // D: over its present child only: D+ = 0.15, D− = 0.45 → 0.75.
        Row[] rows = [.. Unit("A", 0.2, 0.8), .. Unit("B", 0.6, 0.4), .. Unit("C", 1.0, 0.0), .. Unit("D", 0.6, double.NaN)];
        ScoringResult r = Fx.Score(Scheme("topsis", "3 1"), rows);
        r.Scores("R", "A B C D", 0.25, 0.5, 0.75, 0.75);
    }

    [Fact]
    public void Topsis_AllUnitsEqual_GivesMissing()
    {
        // Ideal = anti-ideal = every unit: D+ + D− = 0.
        ScoringResult r = Fx.Score(Scheme("topsis", "1 1"), Unit("A", 5, 5).Concat(Unit("B", 5, 5)));
        r.Scores("R", "A B", double.NaN, double.NaN);
    }

    [Fact]
    public void Copeland_PairwiseWinsWeightedByTheScoredUnitsWeights()
    {
        // Weights X 3, Y 1, Z 1. A (3,1,2), B (2,2,2), C (1,3,3).
        // A–B: A wins X (3), B wins Y (1), Z tie (½ each) → 3.5 : 1.5 → A wins.
        // A–C: A wins X (3), C wins Y, Z (2) → A wins.  B–C: B wins X (3), C wins Y, Z (2) → B wins.
        // A: +1 +1 = 2; B: −1 +1 = 0; C: −1 −1 = −2.
        Row[] rows = [.. Unit("A", 3, 1, 2), .. Unit("B", 2, 2, 2), .. Unit("C", 1, 3, 3)];
        ScoringResult r = Fx.Score(Scheme("copeland", "3 1 1"), rows);
        r.Scores("R", "A B C", 2, 0, -2);
        Assert.Equal(new[] { 1, 2, 3 }, new[] { r.RankOf("R", "A"), r.RankOf("R", "B"), r.RankOf("R", "C") });
    }

    [Fact]
    public void Copeland_EqualWeights_TiesCountZero()
    {
        // Equal weights: A–B: X A, Y B, Z tie → 1.5 : 1.5 → 0. A–C: C wins Y, Z → −1. B–C: −1.
        // A −1, B −1, C +2.
        Row[] rows = [.. Unit("A", 3, 1, 2), .. Unit("B", 2, 2, 2), .. Unit("C", 1, 3, 3)];
        ScoringResult r = Fx.Score(Scheme("copeland", "1 1 1"), rows);
        r.Scores("R", "A B C", -1, -1, 2);
    }

    [Fact]
    public void Copeland_OnlySharedChildrenDecide()
    {
        // Weights 1, 1. A (5, –), B (1, 9): only X is shared: A beats B on X. A +1, B −1.
        Row[] rows = [.. Unit("A", 5, double.NaN), .. Unit("B", 1, 9)];
        ScoringResult r = Fx.Score(Scheme("copeland", "1 1"), rows);
        r.Scores("R", "A B", 1, -1);
    }

    [Fact]
    public void Equal_IgnoresGivenWeights()
    {
        // Weights 1, 3 given but equal used: A (10 + 20)/2 = 15.
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 3", ",'weights':'equal'"), Unit("A", 10, 20));
        r.Scores("R", "A", 15);
    }

    [Fact]
    public void Entropy_WeightsFromTheChildrensSpread()
    {
        // Units A, B, C, D. X: 1, 0, 0, 0 → p = (1, 0, 0, 0), e = 0, 1 − e = 1.
        // Y: 1, 1, 0, 0 → p = (½, ½, 0, 0), e = ln 2/ln 4 = ½, 1 − e = ½.
        // w = (1, ½)/1.5 = (2/3, 1/3). R: A 2/3 + 1/3 = 1; B 1/3; C 0; D 0.
        Row[] rows = [.. Unit("A", 1, 1), .. Unit("B", 0, 1), .. Unit("C", 0, 0), .. Unit("D", 0, 0)];
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 1", ",'weights':'entropy'"), rows, explain: true);
        r.Scores("R", "A B C D", 1, 1.0 / 3, 0, 0);
        WeightRow x = r.Periods[0].Weights.Single(w => w.Node == 0);
        WeightRow y = r.Periods[0].Weights.Single(w => w.Node == 1);
        Fx.Near(x.Weight, 2.0 / 3);
        Fx.Near(y.Weight, 1.0 / 3);
    }

    [Fact]
    public void Entropy_GeneralCase_MatchesTheFormula()
    {
        // X: 1, 1, 2 → p = ¼, ¼, ½; Y: 1, 2, 3 → p = 1/6, 1/3, 1/2; m = 3.
        // e = −Σ p ln p / ln 3; w = (1 − e)/Σ(1 − e).
        static double E(params double[] p) => -p.Sum(v => v * Math.Log(v)) / Math.Log(3);
        double dx = 1 - E(0.25, 0.25, 0.5), dy = 1 - E(1.0 / 6, 1.0 / 3, 0.5);
        double wx = dx / (dx + dy), wy = dy / (dx + dy);
        Row[] rows = [.. Unit("A", 1, 1), .. Unit("B", 1, 2), .. Unit("C", 2, 3)];
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 1", ",'weights':'entropy'"), rows);
        r.Scores("R", "A B C", (wx * 1) + (wy * 1), (wx * 1) + (wy * 2), (wx * 2) + (wy * 3));
    }

    [Theory]
    [InlineData(new double[] { 1, 1 }, new double[] { 2, 2 }, "entropy 1")] // every e = 1
    [InlineData(new double[] { -1, 1 }, new double[] { 2, 3 }, "≥ 0")] // negative score
    [InlineData(new double[] { 0, 0 }, new double[] { 2, 3 }, "non-zero sum")]
    public void Entropy_Undefined_IsAnErrorNamingTheGroup(double[] x, double[] y, string fragment)
    {
        Row[] rows = [.. Unit("A", x[0], y[0]), .. Unit("B", x[1], y[1])];
        ScoringException ex = Assert.Throws<ScoringException>(() => Fx.Score(Scheme("arithmetic", "1 1", ",'weights':'entropy'"), rows));
        Assert.Contains("group 'R'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entropy_FewerThanTwoUnitsWithAScore_IsAnError()
    {
        Row[] rows = [.. Unit("A", 1, 2), .. Unit("B", double.NaN, 3)];
        ScoringException ex = Assert.Throws<ScoringException>(() => Fx.Score(Scheme("arithmetic", "1 1", ",'weights':'entropy'"), rows));
        Assert.Contains("at least 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MinDataShare_TooFewChildren_GivesMissing()
    {
        // minDataShare 0.6 of 3 children: A has 1 (0.33) → missing; B has 2 (0.67) → (10 + 30)/2 = 20; C all → 20.
        Row[] rows = [.. Unit("A", 10, double.NaN, double.NaN), .. Unit("B", 10, double.NaN, 30), .. Unit("C", 10, 20, 30)];
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 1 1", ",'minDataShare':0.6"), rows);
        r.Scores("R", "A B C", double.NaN, 20, 20);
    }

    [Fact]
    public void MinDataShare_ExactlyTheShare_IsEnough()
    {
        // 2 of 4 children = 0.5 ≥ 0.5: (10 + 30)/2 = 20.
        ScoringResult r = Fx.Score(Scheme("arithmetic", "1 1 1 1", ",'minDataShare':0.5"), Unit("A", 10, double.NaN, 30, double.NaN));
        r.Scores("R", "A", 20);
    }

    [Fact]
    public void Hierarchy_GroupsAggregateLeavesUp()
    {
        // R (arithmetic) ← G1 (sum: X + 2Y, weight 1), G2 (geometric: √(Z·W), weight 3).
        // A: X 1, Y 2, Z 4, W 9: G1 = 1 + 4 = 5; G2 = √36 = 6; R = (5 + 3·6)/4 = 5.75.
        Scheme s = Fx.Parse(
            "{'steps':{'normalise':{'method':'none'}},'indicators':[{'code':'X','parent':'G1'},{'code':'Y','parent':'G1','weight':2}," +
            "{'code':'Z','parent':'G2'},{'code':'W','parent':'G2'}],'groups':[{'code':'R'},{'code':'G1','parent':'R','aggregate':{'method':'sum'}}," +
            "{'code':'G2','parent':'R','weight':3,'aggregate':{'method':'geometric'}}]}");
        ScoringResult r = Fx.Score(s, Unit("A", 1, 2, 4, 9));
        r.Scores("G1", "A", 5);
        r.Scores("G2", "A", 6);
        r.Scores("R", "A", 5.75);
    }
}
