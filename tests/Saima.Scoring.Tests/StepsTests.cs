namespace Saima.Scoring.Tests;

/// <summary>
/// Engine-level examples of the steps around normalising: denominators, screening, imputation,
/// tracks, adjustments, warnings, rank changes and explanations. Expected numbers by hand.
/// </summary>
public class StepsTests
{
    private const int NoRank = PeriodResult.NoRank;

    // ---- denominators -------------------------------------------------------------------------

    [Fact]
    public void Denominator_MissingOrZero_GivesMissingValue()
    {
        // X/Pop: A 100/50 = 2; B Pop 0 → missing; C no Pop row → missing; D Pop empty → missing.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','denominator':'Pop','normalise':{'method':'none'}}");
        Row[] rows = [.. Fx.Rows("X", "A B C D", 100, 100, 100, 100), .. Fx.Rows("Pop", "A B D", 50, 0, double.NaN)];
        ScoringResult r = Fx.Score(s, rows);
        Fx.Near(r.ValueOf("X", "A"), 2);
        Assert.True(double.IsNaN(r.ValueOf("X", "B")));
        Assert.True(double.IsNaN(r.ValueOf("X", "C")));
        Assert.True(double.IsNaN(r.ValueOf("X", "D")));
        r.Scores("R", "A B C D", 2, double.NaN, double.NaN, double.NaN);
    }

    [Fact]
    public void Denominator_ThenTransform_AppliesInThatOrder()
    {
        // ln(200/2) = ln 100.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','denominator':'Pop','transform':'ln','normalise':{'method':'none'}}");
        ScoringResult r = Fx.Score(s, [new Row("A", "X", 200), new Row("A", "Pop", 2)]);
        Fx.Near(r.ValueOf("X", "A"), Math.Log(100));
    }

    [Fact]
    public void Transform_ValueOutsideDomain_IsAnErrorNamingUnitAndIndicator()
    {
        Scheme s = Fx.Flat("{'code':'X','parent':'R','transform':'ln'}");
        ScoringException ex = Assert.Throws<ScoringException>(() => Fx.Score(s, Fx.Rows("X", "A B", 1, -1)));
        Assert.Contains("'B'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'X'", ex.Message, StringComparison.Ordinal);
    }

    // ---- screening ----------------------------------------------------------------------------

    [Fact]
    public void Screen_UnitBelowMinDataShare_IsLeftOutWithEmptyResults()
    {
        // Three indicators, minDataShare 0.5. A: X, Y, Z present (3/3); B: X, Y (2/3);
        // C: X only (1/3 < 0.5, screened); D: X only (screened). D's X of 1000 would be the max if D counted.
        // X minmax over A, B: 0 → 0, 10 → 100. Y over A, B: 1 → 0, 3 → 100. Z: only A → no spread → missing.
        // R: A (0 + 0)/2 = 0; B (100 + 100)/2 = 100.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'},{'code':'Y','parent':'R'},{'code':'Z','parent':'R'}", "'steps':{'screen':{'minDataShare':0.5}}");
        Row[] rows = [.. Fx.Rows("X", "A B C D", 0, 10, 20, 1000), .. Fx.Rows("Y", "A B C D", 1, 3, double.NaN, double.NaN), .. Fx.Rows("Z", "A B C D", 7, double.NaN, double.NaN, double.NaN)];
        ScoringResult r = Fx.Score(s, rows);
        PeriodResult p = r.Periods[0];
        Assert.Equal(new[] { false, false, true, true }, p.Screened);
        r.Scores("X", "A B C D", 0, 100, double.NaN, double.NaN);
        r.Scores("R", "A B C D", 0, 100, double.NaN, double.NaN);
        Assert.Equal(NoRank, r.RankOf("R", "C"));
        Assert.Equal(NoRank, r.RankOf("X", "D"));
        Assert.True(double.IsNaN(r.ValueOf("X", "C")));
        Assert.Equal(1, r.RankOf("R", "B"));
    }

    [Fact]
    public void Screen_CountsValuesAfterDenominating()
    {
        // X/Pop with Pop 0 for B: B's X is missing after denominating; with Y that is 1 of 2 < 0.6 → screened.
        Scheme s = Fx.Flat(
            "{'code':'X','parent':'R','denominator':'Pop','normalise':{'method':'none'}},{'code':'Y','parent':'R','normalise':{'method':'none'}}",
            "'steps':{'screen':{'minDataShare':0.6}}");
        Row[] rows = [.. Fx.Rows("X", "A B", 10, 10), .. Fx.Rows("Y", "A B", 1, 1), .. Fx.Rows("Pop", "A B", 2, 0)];
        ScoringResult r = Fx.Score(s, rows);
        Assert.Equal(new[] { false, true }, r.Periods[0].Screened);
        r.Scores("R", "A B", 3, double.NaN);
    }

    // ---- imputation ---------------------------------------------------------------------------

    private static ScoringResult Imputed(string impute, IEnumerable<Row> rows, IReadOnlyList<UnitRow>? units = null, IReadOnlyList<string>? attrs = null) =>
        Fx.Score(Fx.Flat("{'code':'X','parent':'R','impute':" + impute + ",'normalise':{'method':'none'}}"), rows, units, attrs, explain: true);

    [Theory]
    // Present 1, 2, 6: mean 3, median 2, zero 0.
    [InlineData("mean", 3.0)]
    [InlineData("median", 2.0)]
    [InlineData("zero", 0.0)]
    public void Impute_MeanMedianZero_FillTheMissingValue(string method, double expected)
    {
        ScoringResult r = Imputed("{'method':'" + method + "'}", Fx.Rows("X", "A B C D", 1, 2, 6, double.NaN));
        Fx.Near(r.ValueOf("X", "D"), expected);
        r.Scores("X", "D", expected);
        Assert.True(r.Periods[0].Trace!.Imputed[0][3]);
        Assert.False(r.Periods[0].Trace!.Imputed[0][0]);
    }

    [Fact]
    public void Impute_None_LeavesTheValueMissing()
    {
        ScoringResult r = Imputed("{'method':'none'}", Fx.Rows("X", "A B", 1, double.NaN));
        Assert.True(double.IsNaN(r.ValueOf("X", "B")));
    }

    [Fact]
    public void Impute_GroupMean_UsesTheUnitsOfTheSameAttributeValue()
    {
        // region: A north 1, B north 3, C south 10, D north missing → (1 + 3)/2 = 2; E south missing → 10;
        // F west missing, no west value → stays missing.
        UnitRow[] units = [new("A", null, "north"), new("B", null, "north"), new("C", null, "south"), new("D", null, "north"), new("E", null, "south"), new("F", null, "west")];
        ScoringResult r = Imputed(
            "{'method':'groupMean','group':'region'}",
            Fx.Rows("X", "A B C D E F", 1, 3, 10, double.NaN, double.NaN, double.NaN),
            units,
            ["region"]);
        Fx.Near(r.ValueOf("X", "D"), 2);
        Fx.Near(r.ValueOf("X", "E"), 10);
        Assert.True(double.IsNaN(r.ValueOf("X", "F")));
    }

    [Fact]
    public void Impute_GroupMedian_UsesTheMedianOfTheGroup()
    {
        // north: 1, 3, 8 → median 3 (mean would be 4).
        UnitRow[] units = [new("A", null, "north"), new("B", null, "north"), new("C", null, "north"), new("D", null, "north"), new("E", null, "south")];
        ScoringResult r = Imputed(
            "{'method':'groupMedian','group':'region'}",
            Fx.Rows("X", "A B C D E", 1, 3, 8, double.NaN, 100),
            units,
            ["region"]);
        Fx.Near(r.ValueOf("X", "D"), 3);
    }

    [Fact]
    public void Impute_Previous_TakesTheLatestEarlierValueOfTheUnit()
    {
        // A: Jan 5, Feb 7, Mar missing → 7. B: Jan 4, absent in Feb, Mar missing → 4.
        // C: never has a value → missing. Jan values are not imputed.
        Row[] rows =
        [
            .. Fx.Rows("X", "A B C", 5, 4, double.NaN).InPeriod("2025-01"),
            .. Fx.Rows("X", "A C", 7, double.NaN).InPeriod("2025-02"),
            .. Fx.Rows("X", "A B C", double.NaN, double.NaN, double.NaN).InPeriod("2025-03"),
        ];
        ScoringResult r = Imputed("{'method':'previous'}", rows);
        Fx.Near(r.ValueOf("X", "A", 2), 7);
        Fx.Near(r.ValueOf("X", "B", 2), 4);
        Assert.True(double.IsNaN(r.ValueOf("X", "C", 2)));
        Assert.True(double.IsNaN(r.ValueOf("X", "C", 0)));
    }

    [Fact]
    public void Impute_Previous_TakesTheTransformedNotTheImputedValue()
    {
        // sqrt: Jan 16 → 4. Feb missing → 4 (imputed). Mar missing: the latest earlier period that
        // *has* a value is Jan (Feb's was imputed), so again 4; with mean imputation in Feb the
        // imputed mean would not carry over.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','transform':'sqrt','impute':{'method':'previous'},'normalise':{'method':'none'}}");
        Row[] rows =
        [
            .. Fx.Rows("X", "A B", 16, 100).InPeriod("2025-01"),
            .. Fx.Rows("X", "A B", double.NaN, 81).InPeriod("2025-02"),
            .. Fx.Rows("X", "A B", double.NaN, double.NaN).InPeriod("2025-03"),
        ];
        ScoringResult r = Fx.Score(s, rows);
        Fx.Near(r.ValueOf("X", "A", 1), 4);
        Fx.Near(r.ValueOf("X", "A", 2), 4);
        Fx.Near(r.ValueOf("X", "B", 2), 9);
    }

    [Fact]
    public void Impute_Mean_IsOverComparedUnitsOnly()
    {
        // minDataShare 0.6 over X, Y, Z: D has X only (1/3) and is screened; E lacks X but has Y, Z (2/3).
        // Mean of X over the compared units A, B, C = (2 + 4 + 9)/3 = 5; D's 1000 does not count.
        Scheme s = Fx.Flat(
            "{'code':'X','parent':'R','impute':{'method':'mean'},'normalise':{'method':'none'}},{'code':'Y','parent':'R'},{'code':'Z','parent':'R'}",
            "'steps':{'screen':{'minDataShare':0.6}}");
        Row[] rows =
        [
            .. Fx.Rows("X", "A B C D E", 2, 4, 9, 1000, double.NaN),
            .. Fx.Rows("Y", "A B C D E", 1, 2, 3, double.NaN, 4),
            .. Fx.Rows("Z", "A B C D E", 1, 2, 3, double.NaN, 4),
        ];
        ScoringResult r = Fx.Score(s, rows);
        Assert.True(r.Periods[0].Screened[3]);
        Fx.Near(r.ValueOf("X", "E"), 5);
        Assert.True(double.IsNaN(r.ValueOf("X", "D")));
    }

    // ---- tracks -------------------------------------------------------------------------------

    private static readonly UnitRow[] Tracked = [new("A", "city"), new("B", "city"), new("C", "county"), new("D", "county")];

    private static IEnumerable<Row> TrackRows() =>
        [.. Fx.Rows("X", "A B C D", 0, 10, 20, 40), .. Fx.Rows("Y", "A B C D", 5, 15, 7, 3)];

    private const string Overrides = "'overrides':{'county':{'weights':{'X':3},'indicators':{'Y':{'normalise':{'method':'none'}}}}}";

    [Fact]
    public void Tracks_CompareTrack_NormalisesWithinEachTrackWithOverrides()
    {
        // city: X minmax over A, B: 0, 100; Y minmax over A, B: 0, 100; R = A 0, B 100.
        // county: X minmax over C, D: 0, 100; Y none: 7, 3; weights X 3, Y 1:
        // C (3·0 + 7)/4 = 1.75; D (3·100 + 3)/4 = 75.75.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'},{'code':'Y','parent':'R'}", "'tracks':{'compare':'track'," + Overrides + "}");
        ScoringResult r = Fx.Score(s, TrackRows(), Tracked);
        r.Scores("X", "A B C D", 0, 100, 0, 100);
        r.Scores("Y", "A B C D", 0, 100, 7, 3);
        r.Scores("R", "A B C D", 0, 100, 1.75, 75.75);
        // Overall: B 100, D 75.75, C 1.75, A 0. Within tracks: B 1, A 2; D 1, C 2.
        Assert.Equal(new[] { 4, 1, 3, 2 }, "A B C D".Split(' ').Select(u => r.RankOf("R", u)));
        Assert.Equal(new[] { 2, 1, 2, 1 }, "A B C D".Split(' ').Select(u => r.TrackRankOf("R", u)));
    }

    [Fact]
    public void Tracks_CompareAll_NormalisesOverAllUnitsWithOverrides()
    {
        // X minmax over all: 0, 10, 20, 40 → 0, 25, 50, 100.
        // Y for city by minmax over all units (3..15): A (5 − 3)/12·100 = 50/3; B 100. County none: 7, 3.
        // R: A (0 + 50/3)/2 = 25/3; B (25 + 100)/2 = 62.5; C (3·50 + 7)/4 = 39.25; D (300 + 3)/4 = 75.75.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'},{'code':'Y','parent':'R'}", "'tracks':{'compare':'all'," + Overrides + "}");
        ScoringResult r = Fx.Score(s, TrackRows(), Tracked);
        r.Scores("X", "A B C D", 0, 25, 50, 100);
        r.Scores("Y", "A B C D", 50.0 / 3, 100, 7, 3);
        r.Scores("R", "A B C D", 25.0 / 3, 62.5, 39.25, 75.75);
        Assert.Equal(new[] { 4, 2, 3, 1 }, "A B C D".Split(' ').Select(u => r.RankOf("R", u)));
        Assert.Equal(new[] { 2, 1, 2, 1 }, "A B C D".Split(' ').Select(u => r.TrackRankOf("R", u)));
    }

    [Fact]
    public void Tracks_CompareTrackWithoutTrackColumn_ActsAsAll()
    {
        // No tracks in the units: X minmax over all four: 0, 25, 50, 100.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'}", "'tracks':{'compare':'track'}");
        ScoringResult r = Fx.Score(s, Fx.Rows("X", "A B C D", 0, 10, 20, 40));
        r.Scores("X", "A B C D", 0, 25, 50, 100);
        Assert.Null(r.Periods[0].TrackRanks);
    }

    [Fact]
    public void Tracks_GroupOverride_ChangesAggregationForThatTrackOnly()
    {
        // county: R aggregates by sum with equal weights. normalise none.
        // city A: (1 + 2)/2 = 1.5; county C: 1 + 2 = 3.
        Scheme s = Fx.Flat(
            "{'code':'X','parent':'R','normalise':{'method':'none'}},{'code':'Y','parent':'R','weight':3,'normalise':{'method':'none'}}",
            "'tracks':{'overrides':{'county':{'groups':{'R':{'aggregate':{'method':'sum'},'weights':'equal'}}}}}",
            "{'code':'R','weights':'equal'}");
        UnitRow[] units = [new("A", "city"), new("C", "county")];
        ScoringResult r = Fx.Score(s, [.. Fx.Rows("X", "A C", 1, 1), .. Fx.Rows("Y", "A C", 2, 2)], units);
        r.Scores("R", "A C", 1.5, 3);
    }

    // ---- adjustments --------------------------------------------------------------------------

    [Fact]
    public void Adjustment_OnIndicator_PropagatesToTheRoot()
    {
        // normalise none, R = (X + Y)/2. A: X 10 + 5 = 15, Y 20 → (15 + 20)/2 = 17.5, then root −1 → 16.5.
        // B: X missing: its +5 is ignored; R = Y = 8.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'none'}},{'code':'Y','parent':'R','normalise':{'method':'none'}}");
        Row[] rows = [.. Fx.Rows("X", "A B", 10, double.NaN), .. Fx.Rows("Y", "A B", 20, 8)];
        ScoringResult r = Fx.Score(s, rows, adjustments: [new Adj("A", 5, Node: "X"), new Adj("A", -1), new Adj("B", 5, Node: "X")], explain: true);
        r.Scores("X", "A B", 15, double.NaN);
        r.Scores("R", "A B", 16.5, 8);
        Fx.Near(r.Periods[0].Trace!.ScoreBeforeAdjustment[0][0], 10);
        Fx.Near(r.Periods[0].Trace!.ScoreBeforeAdjustment[2][0], 17.5);
    }

    [Fact]
    public void Adjustment_OnGroupAndPeriod_AppliesToThatGroupInThatPeriodOnly()
    {
        // G = X (arithmetic of one child); R = (G + Y)/2. 2025-02: G of A 4 + 2 = 6 → R (6 + 0)/2 = 3.
        // 2025-01: no adjustment: R = (4 + 0)/2 = 2. Adjustment without period: +10 to R in both.
        Scheme s = Fx.Parse(
            "{'steps':{'normalise':{'method':'none'}},'indicators':[{'code':'X','parent':'G'},{'code':'Y','parent':'R'}]," +
            "'groups':[{'code':'R'},{'code':'G','parent':'R'}]}");
        Row[] rows = [.. Fx.Rows("X", "A", 4).InPeriod("2025-01"), .. Fx.Rows("Y", "A", 0).InPeriod("2025-01"), .. Fx.Rows("X", "A", 4).InPeriod("2025-02"), .. Fx.Rows("Y", "A", 0).InPeriod("2025-02")];
        ScoringResult r = Fx.Score(s, rows, adjustments: [new Adj("A", 2, "2025-02", "G"), new Adj("A", 10)]);
        r.Scores(0, "G", "A", 4);
        r.Scores(0, "R", "A", 12);
        r.Scores(1, "G", "A", 6);
        r.Scores(1, "R", "A", 13);
    }

    [Fact]
    public void Adjustment_OrderOfRows_ChangesNoScore()
    {
        // Three items of 0.1, 0.2 and 0.3 points on the root of a unit scoring 0. Summed in row order they give
        // (0.1 + 0.2) + 0.3 = 0.6000000000000001, in reverse order 0.6: the result must not depend
        // on the order of rows ("Results must not depend on the order of rows ... in the input").
        Scheme s = Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'none'}}");
        Adj[] items = [new("A", 0.1), new("A", 0.2), new("A", 0.3)];
        // A's score before adjustment is 0, so nothing absorbs the difference in the last bit.
        ScoringResult forward = Fx.Score(s, Fx.Rows("X", "A B", 0, 2), adjustments: items);
        ScoringResult backward = Fx.Score(s, Fx.Rows("X", "A B", 0, 2), adjustments: items.Reverse());
        Assert.Equal(Fx.T(forward.ScoreOf("R", "A")), Fx.T(backward.ScoreOf("R", "A")));
        Fx.Near(forward.ScoreOf("R", "A"), 0.6);
    }

    [Fact]
    public void Adjustment_OnScreenedUnit_IsIgnored()
    {
        Scheme s = Fx.Flat("{'code':'X','parent':'R'},{'code':'Y','parent':'R'}", "'steps':{'screen':{'minDataShare':1}}");
        Row[] rows = [.. Fx.Rows("X", "A B C", 1, 2, 3), .. Fx.Rows("Y", "A B C", 1, 2, double.NaN)];
        ScoringResult r = Fx.Score(s, rows, adjustments: [new Adj("C", 50)]);
        Assert.True(double.IsNaN(r.ScoreOf("R", "C")));
    }

    // ---- warnings -----------------------------------------------------------------------------

    private const string Rules = "'warnings':{'rules':[{'level':'green','minGap':0},{'level':'yellow','minGap':-10},{'level':'red'}]}";

    [Fact]
    public void Warnings_LevelsApplyTopToBottom()
    {
        // Cumulative X, 2025-06: expected 50. completion = 100·x/target:
        // A 60 → gap 10 → green; B 45 → gap −5 → yellow; C 40 → gap −10 → yellow (−10 ≤ −10);
        // D 30 → gap −20 → red; E target 0 → empty; F value missing → empty; G no target → no row.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','cumulative':true}", Rules);
        double[] values = [60, 45, 40, 30, 30, double.NaN, 50];
        double[] targets = [100, 100, 100, 100, 0, 100, double.NaN];
        string[] units = ["A", "B", "C", "D", "E", "F", "G"];
        ScoringResult r = Fx.Score(s, units.Select((u, k) => new Row(u, "X", values[k], "2025-06", targets[k])));
        IReadOnlyList<WarningRow> w = r.Periods[0].Warnings;
        Assert.Equal(6, w.Count);
        Assert.Equal(new[] { "green", "yellow", "yellow", "red", null, null }, w.Select(x => x.Level));
        double[] gaps = [10, -5, -10, -20];
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(50, w[k].Expected);
            Fx.Near(w[k].Gap, gaps[k]);
            Fx.Near(w[k].Completion, gaps[k] + 50);
        }

        Assert.True(double.IsNaN(w[4].Completion) && double.IsNaN(w[4].Gap));
        Assert.Equal(0, w[4].Target);
        Assert.True(double.IsNaN(w[5].Value) && double.IsNaN(w[5].Completion));
    }

    [Fact]
    public void Warnings_NotCumulativeAndDirectionMinusOne_ExpectHundredAndInvertCompletion()
    {
        // Y (not cumulative), direction −1: completion 100·(2 − 90/100) = 110, expected 100, gap 10 → green.
        // Z: value 95 of 100 → 95, gap −5 → yellow.
        Scheme s = Fx.Flat("{'code':'Y','parent':'R','direction':-1},{'code':'Z','parent':'R'}", Rules);
        ScoringResult r = Fx.Score(s, [new Row("A", "Y", 90, "2025-Q2", 100), new Row("A", "Z", 95, "2025-Q2", 100)]);
        WarningRow y = r.Periods[0].Warnings.Single(x => x.Indicator == 0);
        WarningRow z = r.Periods[0].Warnings.Single(x => x.Indicator == 1);
        Fx.Near(y.Completion, 110);
        Assert.Equal(100, y.Expected);
        Fx.Near(y.Gap, 10);
        Assert.Equal("green", y.Level);
        Assert.Equal("yellow", z.Level);
    }

    [Fact]
    public void Warnings_UseTheDenominatedValueAndIncludeScreenedUnits()
    {
        // X/Pop = 150/2 = 75 against target 100 → completion 75, gap −25 → red. B is screened but keeps its row.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','denominator':'Pop','transform':'sqrt'},{'code':'Y','parent':'R'}", "'steps':{'screen':{'minDataShare':1}}," + Rules);
        Row[] rows = [new("A", "X", 150, Target: 100), new("A", "Pop", 2), new("A", "Y", 1), new("B", "X", 150, Target: 100), new("B", "Pop", 2)];
        ScoringResult r = Fx.Score(s, rows);
        Assert.True(r.Periods[0].Screened[1]);
        Assert.Equal(2, r.Periods[0].Warnings.Count);
        foreach (WarningRow w in r.Periods[0].Warnings)
        {
            Fx.Near(w.Value, 75);
            Fx.Near(w.Completion, 75);
            Assert.Equal("red", w.Level);
        }
    }

    [Fact]
    public void Warnings_NoMatchingRule_LeavesLevelEmpty()
    {
        Scheme s = Fx.Flat("{'code':'X','parent':'R'}", "'warnings':{'rules':[{'level':'ok','minGap':0}]}");
        ScoringResult r = Fx.Score(s, [new Row("A", "X", 50, Target: 100)]);
        Assert.Null(r.Periods[0].Warnings.Single().Level);
    }

    // ---- rank changes -------------------------------------------------------------------------

    [Fact]
    public void RankChange_IsPreviousRankMinusThisRank()
    {
        // Jan: A 30, B 20, C 10 → ranks 1, 2, 3. Feb: A 10, B 30, C 20, D 25 → 4, 1, 3, 2.
        // Changes in Feb: A 1 − 4 = −3; B 2 − 1 = +1; C 3 − 3 = 0; D new → empty. Jan: all empty.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'none'}}");
        Row[] rows = [.. Fx.Rows("X", "A B C", 30, 20, 10).InPeriod("2025-01"), .. Fx.Rows("X", "A B C D", 10, 30, 20, 25).InPeriod("2025-02")];
        ScoringResult r = Fx.Score(s, rows);
        Assert.Equal(new[] { NoRank, NoRank, NoRank }, "A B C".Split(' ').Select(u => r.RankChangeOf("R", u, 0)));
        Assert.Equal(new[] { -3, 1, 0, NoRank }, "A B C D".Split(' ').Select(u => r.RankChangeOf("R", u, 1)));
        Assert.Equal(new[] { -3, 1, 0, NoRank }, "A B C D".Split(' ').Select(u => r.RankChangeOf("X", u, 1)));
    }

    [Fact]
    public void RankChange_ComparesWithThePreviousPeriodPresent()
    {
        // Periods 2025-01 and 2025-03 (no February): March compares with January.
        // Jan: A 1, B 2. Mar: A 2, B 1 → A −1, B +1.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','normalise':{'method':'none'}}");
        Row[] rows = [.. Fx.Rows("X", "A B", 1, 2).InPeriod("2025-03"), .. Fx.Rows("X", "A B", 2, 1).InPeriod("2025-01")];
        ScoringResult r = Fx.Score(s, rows);
        Assert.Equal("2025-01", r.Periods[0].Data.Period.ToString());
        Assert.Equal(new[] { -1, 1 }, "A B".Split(' ').Select(u => r.RankChangeOf("R", u, 1)));
    }

    [Fact]
    public void RankChange_AbsentWithoutPeriods()
    {
        ScoringResult r = Fx.Score(Fx.Flat("{'code':'X','parent':'R'}"), Fx.Rows("X", "A B", 1, 2));
        Assert.Null(r.Periods[0].RankChanges);
    }

    // ---- explanations -------------------------------------------------------------------------

    [Fact]
    public void Explain_EffectiveWeights_AreProductsOfRescaledWeightsAndSumToOne()
    {
        // R ← G1 (weight 2) ← X (1), Y (3); R ← G2 (weight 1) ← Z (1).
        // Effective: X = 2/3·1/4 = 1/6; Y = 2/3·3/4 = 1/2; Z = 1/3·1 = 1/3; G1 2/3; G2 1/3; R 1.
        Scheme s = Fx.Parse(
            "{'indicators':[{'code':'X','parent':'G1'},{'code':'Y','parent':'G1','weight':3},{'code':'Z','parent':'G2'}]," +
            "'groups':[{'code':'R'},{'code':'G1','parent':'R','weight':2},{'code':'G2','parent':'R'}]}");
        ScoringResult r = Fx.Score(s, [.. Fx.Rows("X", "A B", 1, 2), .. Fx.Rows("Y", "A B", 1, 2), .. Fx.Rows("Z", "A B", 1, 2)], explain: true);
        IReadOnlyList<WeightRow> rows = r.Periods[0].Weights;
        Assert.Equal(6, rows.Count);
        double[] weight = [1, 3, 1, 1, 2, 1];
        double[] effective = [1.0 / 6, 0.5, 1.0 / 3, 1, 2.0 / 3, 1.0 / 3];
        foreach (WeightRow w in rows)
        {
            Assert.Null(w.Track);
            Fx.Near(w.Weight, weight[w.Node], $"weight of node {w.Node}");
            Fx.Near(w.EffectiveWeight, effective[w.Node], $"effective weight of node {w.Node}");
        }

        Fx.Near(rows.Where(w => w.Node < 3).Sum(w => w.EffectiveWeight), 1);
    }

    [Fact]
    public void Explain_WithTracks_GivesWeightRowsPerTrackWithOverrides()
    {
        // county overrides X's weight to 3: effective X 3/4, Y 1/4; city X 1/2, Y 1/2.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'},{'code':'Y','parent':'R'}", "'tracks':{" + Overrides + "}");
        ScoringResult r = Fx.Score(s, TrackRows(), Tracked, explain: true);
        IReadOnlyList<WeightRow> rows = r.Periods[0].Weights;
        WeightRow cx = rows.Single(w => w.Track == "county" && w.Node == 0);
        WeightRow cy = rows.Single(w => w.Track == "county" && w.Node == 1);
        WeightRow tx = rows.Single(w => w.Track == "city" && w.Node == 0);
        Assert.Equal(3, cx.Weight);
        Fx.Near(cx.EffectiveWeight, 0.75);
        Fx.Near(cy.EffectiveWeight, 0.25);
        Fx.Near(tx.EffectiveWeight, 0.5);
    }

    [Fact]
    public void Explain_TreatmentRows_ReportTheWinsorisation()
    {
        // X: {1..9,100} over units U01..U10: skew 3.1189, kurtosis 9.799 (see StatisticsTests): one point capped.
        // Y untreated: a row with treatment none and 0 points.
        Scheme s = Fx.Flat("{'code':'X','parent':'R','treat':{'method':'winsorise'}},{'code':'Y','parent':'R'}");
        string units = string.Join(' ', Enumerable.Range(1, 10).Select(i => "U" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)));
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];
        ScoringResult r = Fx.Score(s, [.. Fx.Rows("X", units, x), .. Fx.Rows("Y", units, x)], explain: true);
        TreatmentRow tx = r.Periods[0].Treatments.Single(t => t.Indicator == 0);
        Assert.Equal(TreatmentKind.Winsorised, tx.Treatment);
        Assert.Equal(1, tx.Points);
        Assert.Null(tx.Track);
        Fx.Near(tx.SkewBefore, 3.118895745239087);
        Fx.Near(tx.KurtosisBefore, 9.799244716163662);
        Assert.True(Math.Abs(tx.SkewAfter) < 2);
        TreatmentRow ty = r.Periods[0].Treatments.Single(t => t.Indicator == 1);
        Assert.Equal(TreatmentKind.None, ty.Treatment);
        Assert.Equal(0, ty.Points);
        // The treated value of U10 is 9, and minmax then scores it 100 like U09.
        Fx.Near(r.ValueOf("X", "U10"), 9);
        r.Scores("X", "U09 U10", 100, 100);
    }

    [Fact]
    public void Explain_Off_LeavesWeightsTreatmentsAndTraceEmpty()
    {
        ScoringResult r = Fx.Score(Fx.Flat("{'code':'X','parent':'R'}"), Fx.Rows("X", "A B", 1, 2));
        Assert.Empty(r.Periods[0].Weights);
        Assert.Empty(r.Periods[0].Treatments);
        Assert.Null(r.Periods[0].Trace);
    }
}
