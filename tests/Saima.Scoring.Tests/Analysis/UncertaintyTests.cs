using System.Globalization;

namespace Saima.Scoring.Tests.Analysis;

public class UncertaintyTests
{
    // Three indicators under two groups, two tracks (track T2 overrides B's and G1's weights).
    private const string TrackedScheme = """
        {'indicators':[
            {'code':'A','parent':'G1','weight':2},
            {'code':'B','parent':'G1','weight':1},
            {'code':'C','parent':'G2','weight':1,'direction':-1}],
         'groups':[{'code':'R'},{'code':'G1','parent':'R','weight':1},{'code':'G2','parent':'R','weight':1}],
         'tracks':{'overrides':{'T2':{'weights':{'B':3,'G1':2}}}}}
        """;

    private static readonly UnitRow[] TrackedUnits =
    [
        new("U1", "T1"), new("U2", "T1"), new("U3", "T1"), new("U4", "T2"), new("U5", "T2"), new("U6", "T2"),
    ];

    private static IEnumerable<Row> TrackedRows() =>
        Fx.Rows("A", "U1 U2 U3 U4 U5 U6", 10, 14, 9, 12, 11, 15)
            .Concat(Fx.Rows("B", "U1 U2 U3 U4 U5 U6", 5, 3, 8, 6, 7, 2))
            .Concat(Fx.Rows("C", "U1 U2 U3 U4 U5 U6", 30, 40, 20, 25, 35, 45));

    [Fact]
    public void Uncertainty_ZeroSpreadWithoutAlternatives_EveryColumnEqualsRank()
    {
        Scheme scheme = Fx.Parse(TrackedScheme);
        Dataset data = Fx.Data(scheme, TrackedRows(), TrackedUnits);
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 50, WeightSpread = 0, Seed = 9 });
        for (int k = 0; k < u.Rank.Length; k++)
        {
            RankSummary s = u.Summary[k].ShouldNotBeNull();
            new[] { s.Median, s.P05, s.P95, s.Min, s.Max }.ShouldAllBe(v => v == u.Rank[k]);
            s.Mean.ShouldBe(u.Rank[k]);
            RankSummary t = u.TrackSummary![k].ShouldNotBeNull();
            new[] { t.Median, t.P05, t.P95, t.Min, t.Max }.ShouldAllBe(v => v == u.TrackRank![k]);
            t.Mean.ShouldBe(u.TrackRank![k]);
        }
    }

    [Fact]
    public void Uncertainty_Baseline_IsTheScoredRank()
    {
        Scheme scheme = Fx.Parse(TrackedScheme);
        Dataset data = Fx.Data(scheme, TrackedRows(), TrackedUnits);
        ScoringResult scored = ScoringEngine.Score(scheme, data);
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 10 });
        u.Rank.ShouldBe(scored.Periods[0].Ranks[scored.Node("R")]);
        u.TrackRank.ShouldBe(scored.Periods[0].TrackRanks![scored.Node("R")]);
    }

    /// <summary>
    /// Every replicate rebuilt independently: its factors drawn from the documented stream, written
    /// into the scheme's JSON as plain weights, the alternative written as the default step, and the
    /// whole scored by <see cref="ScoringEngine.Score"/>; the summaries recomputed from the definition.
    /// </summary>
    [Theory]
    [InlineData(0UL, 0.25)]
    [InlineData(42UL, 0.6)]
    public void Uncertainty_Replicates_EqualSchemesWrittenWithTheDrawnWeights(ulong seed, double spread)
    {
        const int N = 40;
        string[] normalise = ["{'method':'minmax','range':[0,100]}", "{'method':'rank'}"];
        Scheme scheme = Fx.Parse(TrackedScheme);
        Dataset data = Fx.Data(scheme, TrackedRows(), TrackedUnits);
        StepAlternatives alt = SchemeParser.ParseAlternatives(Fx.Q("{'normalise':[" + string.Join(",", normalise) + "]}"));
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = N, Seed = seed, WeightSpread = spread, Alternatives = alt });

        var ranks = new List<int[]>();
        var trackRanks = new List<int[]>();
        for (int r = 0; r < N; r++)
        {
            var rng = new SplitMix64(RankUncertainty.ReplicateSeed(seed, r));
            double F() => 1 + (spread * ((2 * rng.NextDouble()) - 1));

            // Nodes: A, B, C, then R, G1, G2; then T2's overrides B and G1 (scheme order).
            double fa = F(), fb = F(), fc = F(), fr = F(), fg1 = F(), fg2 = F(), fB2 = F(), fG12 = F();
            string norm = normalise[rng.NextInt(2)];
            string json = $$"""
                {'steps':{'normalise':{{norm}}},
                 'indicators':[
                    {'code':'A','parent':'G1','weight':{{Fx.T(2 * fa)}}},
                    {'code':'B','parent':'G1','weight':{{Fx.T(1 * fb)}}},
                    {'code':'C','parent':'G2','weight':{{Fx.T(1 * fc)}},'direction':-1}],
                 'groups':[{'code':'R','weight':{{Fx.T(1 * fr)}}},{'code':'G1','parent':'R','weight':{{Fx.T(1 * fg1)}}},{'code':'G2','parent':'R','weight':{{Fx.T(1 * fg2)}}}],
                 'tracks':{'overrides':{'T2':{'weights':{'B':{{Fx.T(3 * fB2)}},'G1':{{Fx.T(2 * fG12)}}
                """ + "}}}}}";
            ScoringResult s = Fx.Score(Fx.Parse(json), TrackedRows(), TrackedUnits);
            ranks.Add(s.Periods[0].Ranks[s.Node("R")]);
            trackRanks.Add(s.Periods[0].TrackRanks![s.Node("R")]);
        }

        for (int k = 0; k < u.Rank.Length; k++)
        {
            Same(u.Summary[k].ShouldNotBeNull(), ranks.Select(x => x[k]).ToArray(), $"unit {k}");
            Same(u.TrackSummary![k].ShouldNotBeNull(), trackRanks.Select(x => x[k]).ToArray(), $"unit {k} in track");
        }

        // The perturbation does move ranks here, so the test could fail.
        u.Summary.ShouldContain(s => s!.Min != s.Max);
    }

    private static void Same(RankSummary actual, int[] ranks, string what)
    {
        int n = ranks.Length;

        // The definition: the smallest r such that at least p·N replicate ranks are ≤ r.
        int Percentile(int pct) => Enumerable.Range(1, 100).First(r => ranks.Count(x => x <= r) * 100 >= pct * n);
        actual.ShouldBe(new RankSummary((double)ranks.Sum() / n, Percentile(50), Percentile(5), Percentile(95), ranks.Min(), ranks.Max()), what);
    }

    [Fact]
    public void Uncertainty_SameSeed_IdenticalWithOneAndManyCores()
    {
        Scheme scheme = Fx.Flat(string.Join(",", Enumerable.Range(0, 12).Select(i => "{'code':'I" + i + "','parent':'R','weight':" + (1 + (i % 3)) + "}")));
        var rows = new List<Row>();
        var rng = new SplitMix64(5);
        for (int i = 0; i < 12; i++)
        {
            for (int u = 0; u < 40; u++)
            {
                rows.Add(new Row("U" + u.ToString("D2", CultureInfo.InvariantCulture), "I" + i, Math.Round(rng.NextDouble() * 100, 1)));
            }
        }

        Dataset data = Fx.Data(scheme, rows);
        StepAlternatives alt = SchemeParser.ParseAlternatives(Fx.Q("{'aggregate':[{'method':'arithmetic'},{'method':'median'}],'normalise':[{'method':'minmax','range':[1,100]},{'method':'zscore'}]}"));
        UncertaintyResult one = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 300, Seed = 3, Alternatives = alt, MaxDegreeOfParallelism = 1 });
        UncertaintyResult many = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 300, Seed = 3, Alternatives = alt, MaxDegreeOfParallelism = 8 });
        many.Summary.ShouldBe(one.Summary);
        one.Summary.ShouldContain(s => s!.P05 != s.P95);
        RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 300, Seed = 4, Alternatives = alt })
            .Summary.ShouldNotBe(one.Summary);
    }

    [Fact]
    public void Uncertainty_ScreenedUnit_HasNoSummary()
    {
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R'},{'code':'B','parent':'R'}", "'steps':{'screen':{'minDataShare':1}}");
        var rows = Fx.Rows("A", "U1 U2 U3", 1, 2, 3).Concat(Fx.Rows("B", "U1 U2 U3", 3, double.NaN, 1));
        UncertaintyResult u = RankUncertainty.Run(scheme, Fx.Data(scheme, rows), 0, new UncertaintyOptions { Replicates = 20 });
        u.Summary[1].ShouldBeNull();
        u.Summary[0].ShouldNotBeNull();
        u.Rank[1].ShouldBe(PeriodResult.NoRank);
    }

    [Fact]
    public void Uncertainty_UnitLackingATotalInSomeReplicate_HasNoSummary()
    {
        // U2 lacks B: with mean imputation it has a total, without it only A (minDataShare 1 on the root).
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R'},{'code':'B','parent':'R'}", "'steps':{'impute':{'method':'mean'}}", "{'code':'R','minDataShare':1}");
        var rows = Fx.Rows("A", "U1 U2 U3", 1, 2, 3).Concat(Fx.Rows("B", "U1 U2 U3", 3, double.NaN, 1));
        StepAlternatives alt = SchemeParser.ParseAlternatives("""{"impute":[{"method":"mean"},{"method":"none"}]}""");
        UncertaintyResult u = RankUncertainty.Run(scheme, Fx.Data(scheme, rows), 0, new UncertaintyOptions { Replicates = 30, Alternatives = alt });
        u.Rank[1].ShouldNotBe(PeriodResult.NoRank);
        u.Summary[1].ShouldBeNull();
        u.Summary[0].ShouldNotBeNull();
    }

    [Fact]
    public void Uncertainty_FailingReplicate_NamesTheFirstOneAndItsAlternative()
    {
        // A geometric mean of a min-max score of 0 cannot be taken.
        Scheme scheme = Fx.Flat("{'code':'A','parent':'R'},{'code':'B','parent':'R'}");
        var rows = Fx.Rows("A", "U1 U2 U3", 1, 2, 3).Concat(Fx.Rows("B", "U1 U2 U3", 3, 2, 1));
        StepAlternatives alt = SchemeParser.ParseAlternatives("""{"aggregate":[{"method":"arithmetic"},{"method":"geometric"}]}""");
        var e1 = Should.Throw<ScoringException>(() => RankUncertainty.Run(scheme, Fx.Data(scheme, rows), 0, new UncertaintyOptions { Replicates = 50, Alternatives = alt, MaxDegreeOfParallelism = 1 }));
        var e2 = Should.Throw<ScoringException>(() => RankUncertainty.Run(scheme, Fx.Data(scheme, rows), 0, new UncertaintyOptions { Replicates = 50, Alternatives = alt, MaxDegreeOfParallelism = 4 }));
        e1.Message.ShouldStartWith("replicate ");
        e1.Message.ShouldContain("aggregate alternative 1: geometric");
        e2.Message.ShouldBe(e1.Message);
    }

    [Fact]
    public void ParseAlternatives_UnknownKeyOrEmptyList_NamesThePath()
    {
        Should.Throw<SchemeException>(() => SchemeParser.ParseAlternatives("""{"treat":[]}""")).Path.ShouldBe("$.treat");
        Should.Throw<SchemeException>(() => SchemeParser.ParseAlternatives("""{"normalise":[]}""")).Path.ShouldBe("$.normalise");
        Should.Throw<SchemeException>(() => SchemeParser.ParseAlternatives("""{"normalise":[{"method":"minmax"},{"method":"goalposts"}]}"""))
            .Path.ShouldBe("$.normalise[1].min");
    }
}
