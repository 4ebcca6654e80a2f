namespace Saima.Scoring.Tests.Analysis;

public class WhatItTakesTests
{
    private static IReadOnlyList<WhatIfRow> Search(Scheme scheme, Dataset data, string unit, int rank, string? node = null, bool track = false, params string[] indicators) =>
        WhatItTakes.Search(scheme, data, new WhatIfQuery
        {
            Period = data.Periods.Length - 1,
            Unit = unit,
            Rank = rank,
            Node = node is null ? null : scheme.NodeIndex(node),
            Track = track,
            Indicators = indicators.Length == 0 ? null : indicators.Select(scheme.NodeIndex).ToList(),
        });

    /// <summary>The unit's rank at <paramref name="node"/> with one raw figure replaced, scored from scratch.</summary>
    private static int RankWith(Scheme scheme, IEnumerable<Row> rows, string unit, string indicator, double value, string node = "R", IReadOnlyList<UnitRow>? units = null, bool track = false)
    {
        var moved = rows.Where(r => !(r.Unit == unit && r.Code == indicator)).Append(new Row(unit, indicator, value)).ToList();
        try
        {
            ScoringResult s = Fx.Score(scheme, moved, units);
            int r = track ? s.TrackRankOf(node, unit) : s.RankOf(node, unit);
            return r == PeriodResult.NoRank ? int.MaxValue : r;
        }
        catch (ScoringException)
        {
            return int.MaxValue;
        }
    }

    // Min-max [0,100] then a weighted arithmetic mean: the closed form x = min + (Σw·T − Σ_{j≠i} w_j·s_j)/w_i · range/100,
    // valid while x stays inside the other units' [min, max] (so that min and max do not move).
    private const string Linear = "{'code':'A','parent':'R','weight':2},{'code':'B','parent':'R','weight':1},{'code':'C','parent':'R','weight':1,'direction':-1}";

    private static IEnumerable<Row> LinearRows() =>
        Fx.Rows("A", "P Q S T V", 0, 20, 50, 100, 60)
            .Concat(Fx.Rows("B", "P Q S T V", 100, 60, 30, 0, 10))
            .Concat(Fx.Rows("C", "P Q S T V", 5, 7, 6, 9, 1));

    [Theory]
    [InlineData("Q", 1)]
    [InlineData("Q", 2)]
    [InlineData("Q", 3)]
    [InlineData("S", 1)]
    public void WhatIf_MinMaxArithmetic_MatchesTheClosedForm(string unit, int rank)
    {
        Scheme scheme = Fx.Flat(Linear);
        List<Row> rows = LinearRows().ToList();
        ScoringResult s = Fx.Score(scheme, rows);

        // Independently: the totals of the others, the rank-th best of them is the total to match.
        double[] w = [2, 1, 1];
        string[] codes = ["A", "B", "C"];
        double Total(string u) => Enumerable.Range(0, 3).Sum(j => w[j] * s.ScoreOf(codes[j], u)) / w.Sum();
        double[] others = new[] { "P", "Q", "S", "T", "V" }.Where(u => u != unit).Select(Total).OrderByDescending(t => t).ToArray();
        double goal = others[rank - 1];
        double rest = (w[1] * s.ScoreOf("B", unit)) + (w[2] * s.ScoreOf("C", unit));
        double closed = 0 + ((((goal * w.Sum()) - rest) / w[0]) * (100 - 0) / 100);
        closed.ShouldBeInRange(0.0, 100.0, "the closed form holds while min and max stay put");

        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), unit, rank, indicators: "A").Single();
        row.Reachable.ShouldBeTrue();
        row.Needed.ShouldBe(closed, 1e-6 * Math.Max(1, Math.Abs(closed)));
        row.Value.ShouldBe(rows.Single(r => r.Unit == unit && r.Code == "A").Value);
    }

    [Fact]
    public void WhatIf_LowerIsBetter_MovesDownToTheThreshold()
    {
        Scheme scheme = Fx.Flat(Linear);
        List<Row> rows = LinearRows().ToList();
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "Q", 2, indicators: "C").Single();
        row.Reachable.ShouldBeTrue();
        row.Needed.ShouldBeLessThan(row.Value);
        Threshold(scheme, rows, "Q", "C", row.Needed, 2, direction: -1);
    }

    /// <summary>The contract's two sides: the needed value reaches R; one a hair short of it (1e-6 relative) does not.</summary>
    private static void Threshold(Scheme scheme, List<Row> rows, string unit, string indicator, double needed, int rank, int direction, string node = "R", IReadOnlyList<UnitRow>? units = null, bool track = false)
    {
        RankWith(scheme, rows, unit, indicator, needed, node, units, track).ShouldBeLessThanOrEqualTo(rank, $"{indicator} at {Fx.T(needed)}");
        double shortOf = needed - (direction * 1.0000001e-6 * Math.Max(1, Math.Abs(needed)));
        RankWith(scheme, rows, unit, indicator, shortOf, node, units, track).ShouldBeGreaterThan(rank, $"{indicator} at {Fx.T(shortOf)}");
    }

    [Fact]
    public void WhatIf_AlreadyThere_NeedsTheCurrentValue()
    {
        Scheme scheme = Fx.Flat(Linear);
        WhatIfRow row = Search(scheme, Fx.Data(scheme, LinearRows()), "T", 5, indicators: "B").Single();
        row.ShouldBe(new WhatIfRow(scheme.NodeIndex("B"), 0, 0, true));
        row.Change.ShouldBe(0);
        double.IsNaN(row.ChangePercent).ShouldBeTrue("change_pct is empty when the value is 0");
    }

    [Fact]
    public void WhatIf_CappedScore_IsUnreachable()
    {
        // Goalposts clamp at 100 from a value of 10: no value of A lifts V above P.
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R','normalise':{'method':'goalposts','min':0,'max':10}},{'code':'B','parent':'R','weight':5}");
        var rows = Fx.Rows("A", "P V", 5, 0).Concat(Fx.Rows("B", "P V", 100, 0));
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "V", 1, indicators: "A").Single();
        row.Reachable.ShouldBeFalse();
        double.IsNaN(row.Needed).ShouldBeTrue();
        double.IsNaN(row.Change).ShouldBeTrue();
    }

    [Fact]
    public void WhatIf_MissingValue_SearchesFromTheWorstValue()
    {
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R'},{'code':'B','parent':'R'}");
        List<Row> rows = Fx.Rows("A", "P Q S", 10, double.NaN, 30).Concat(Fx.Rows("B", "P Q S", 50, 35, 40)).ToList();
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "Q", 2, indicators: "A").Single();
        row.Reachable.ShouldBeTrue();
        double.IsNaN(row.Value).ShouldBeTrue();
        double.IsNaN(row.Change).ShouldBeTrue();

        // From A = 10 (the worst): Q's total is (A's score + 0)/2 against P's 50 and S's 66.7; only A = 30 (the best) scores 100.
        row.Needed.ShouldBe(30, 1e-5);
        Threshold(scheme, rows, "Q", "A", row.Needed, 2, 1);
    }

    [Fact]
    public void WhatIf_MissingValueAlreadyThere_NeedsTheWorstValueWithoutAChange()
    {
        // Without A, Q's total is its B score alone (50), level with P and S: rank 1 already.
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R'},{'code':'B','parent':'R'}");
        List<Row> rows = Fx.Rows("A", "P Q S", 10, double.NaN, 30).Concat(Fx.Rows("B", "P Q S", 50, 45, 40)).ToList();
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "Q", 1, indicators: "A").Single();
        row.Reachable.ShouldBeTrue();
        row.Needed.ShouldBe(10);
        double.IsNaN(row.Change).ShouldBeTrue();
    }

    [Fact]
    public void WhatIf_FarEndOutsideTheTransformsDomain_StillFindsTheThreshold()
    {
        // ln, lower is better: the search runs down to 1 − 10·9 < 0, where ln is undefined.
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R','direction':-1,'transform':'ln'},{'code':'B','parent':'R','weight':0.1}");
        List<Row> rows = Fx.Rows("A", "P Q S", 1, 5, 10).Concat(Fx.Rows("B", "P Q S", 3, 3, 3)).ToList();
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "Q", 1, indicators: "A").Single();
        row.Reachable.ShouldBeTrue();
        row.Needed.ShouldBe(1, 1e-6);
        Threshold(scheme, rows, "Q", "A", row.Needed, 1, -1);
    }

    [Fact]
    public void WhatIf_Winsorised_ScansAndMeetsTheThreshold()
    {
        Scheme scheme = Fx.Flat(
            "{'code':'A','parent':'R','treat':{'method':'winsorise','skew':0.5,'kurtosis':0,'maxPoints':1,'fallback':'none'}},{'code':'B','parent':'R'}");
        List<Row> rows = Fx.Rows("A", "P Q S T V W", 1, 2, 3, 4, 5, 40).Concat(Fx.Rows("B", "P Q S T V W", 10, 20, 60, 40, 50, 30)).ToList();
        WhatIfRow row = Search(scheme, Fx.Data(scheme, rows), "Q", 2, indicators: "A").Single();
        row.Reachable.ShouldBeTrue();
        Threshold(scheme, rows, "Q", "A", row.Needed, 2, 1);
    }

    [Fact]
    public void WhatIf_NodeAndTrack_RankAtTheNodeWithinTheTrack()
    {
        Scheme scheme = Fx.Parse("""
            {'indicators':[{'code':'A','parent':'G'},{'code':'B','parent':'G'},{'code':'C','parent':'R'}],
             'groups':[{'code':'R'},{'code':'G','parent':'R'}]}
            """);
        UnitRow[] units = [new("P", "X"), new("Q", "X"), new("S", "X"), new("T", "Y"), new("V", "Y")];
        List<Row> rows = Fx.Rows("A", "P Q S T V", 10, 20, 30, 90, 80)
            .Concat(Fx.Rows("B", "P Q S T V", 60, 20, 40, 90, 95))
            .Concat(Fx.Rows("C", "P Q S T V", 1, 2, 3, 4, 5)).ToList();
        WhatIfRow row = WhatItTakes.Search(scheme, Fx.Data(scheme, rows, units), new WhatIfQuery
        {
            Period = 0, Unit = "Q", Rank = 1, Node = scheme.NodeIndex("G"), Track = true, Indicators = [scheme.NodeIndex("A")],
        }).Single();
        row.Reachable.ShouldBeTrue();
        Threshold(scheme, rows, "Q", "A", row.Needed, 1, 1, "G", units, track: true);
        RankWith(scheme, rows, "Q", "A", row.Needed, "G", units).ShouldBeGreaterThan(1, "overall, T and V still lead");
    }

    /// <summary>Property over random worlds (min-max, arithmetic): every reachable answer is a threshold, and going further never worsens the rank.</summary>
    [Fact]
    public void WhatIf_RandomWorlds_NeededIsAThresholdAndFurtherNeverWorse()
    {
        var rng = new SplitMix64(11);
        for (int world = 0; world < 6; world++)
        {
            int nInd = 4;
            Scheme scheme = Fx.Flat(string.Join(",", Enumerable.Range(0, nInd).Select(i =>
                "{'code':'I" + i + "','parent':'R','weight':" + Fx.T(0.5 + rng.NextInt(4)) + ",'direction':" + (i % 2 == 0 ? 1 : -1) + "}")));
            var rows = new List<Row>();
            for (int i = 0; i < nInd; i++)
            {
                for (int u = 0; u < 8; u++)
                {
                    rows.Add(new Row("U" + u, "I" + i, Math.Round(rng.NextDouble() * 1000, 2)));
                }
            }

            string unit = "U" + rng.NextInt(8);
            int rank = 1 + rng.NextInt(3);
            Dataset data = Fx.Data(scheme, rows);
            foreach (WhatIfRow row in Search(scheme, data, unit, rank))
            {
                string code = scheme.Indicators[row.Indicator].Code;
                int dir = scheme.Indicators[row.Indicator].Direction;
                if (!row.Reachable)
                {
                    continue;
                }

                RankWith(scheme, rows, unit, code, row.Needed).ShouldBeLessThanOrEqualTo(rank);
                if (row.Needed != row.Value)
                {
                    Threshold(scheme, rows, unit, code, row.Needed, rank, dir);
                }

                int previous = int.MaxValue;
                foreach (double step in new[] { 0.0, 1, 10, 100, 1000 })
                {
                    int r = RankWith(scheme, rows, unit, code, row.Needed + (dir * step));
                    r.ShouldBeLessThanOrEqualTo(Math.Min(previous, rank), $"{code} {Fx.T(step)} beyond the needed value");
                    previous = r;
                }
            }
        }
    }
}
