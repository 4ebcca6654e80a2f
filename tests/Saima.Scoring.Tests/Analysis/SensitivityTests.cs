using System.Globalization;

namespace Saima.Scoring.Tests.Analysis;

public class SensitivityTests
{
    // Five indicators under two groups, 30 units with figures from a fixed stream.
    private const string Nested = """
        {'indicators':[
            {'code':'A','parent':'G1','weight':3},
            {'code':'B','parent':'G1','weight':1},
            {'code':'C','parent':'G2','weight':1},
            {'code':'D','parent':'G2','weight':1},
            {'code':'E','parent':'G2','weight':1,'direction':-1}],
         'groups':[{'code':'R'},{'code':'G1','parent':'R','weight':1},{'code':'G2','parent':'R','weight':1}]}
        """;

    private static readonly string[] Codes = ["A", "B", "C", "D", "E"];

    private static List<Row> NestedRows()
    {
        var rng = new SplitMix64(17);
        var rows = new List<Row>();
        foreach (string code in Codes)
        {
            for (int u = 0; u < 30; u++)
            {
                rows.Add(new Row("U" + u.ToString("D2", CultureInfo.InvariantCulture), code, Math.Round(rng.NextDouble() * 100, 1)));
            }
        }

        return rows;
    }

    [Fact]
    public void Sensitivity_OnlyAStepListVaries_ItExplainsAllOfTheShift()
    {
        // No weight spread: the normalisation choice alone decides each replicate's ranks.
        Scheme scheme = Fx.Parse(Nested);
        Dataset data = Fx.Data(scheme, NestedRows());
        StepAlternatives alt = SchemeParser.ParseAlternatives(Fx.Q("{'normalise':[{'method':'minmax','range':[0,100]},{'method':'rank'}]}"));
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions
        {
            Replicates = 200, Seed = 1, WeightSpread = 0, Alternatives = alt, Sensitivity = true,
        });

        u.MeanShift.ShouldNotBeNull().ShouldBeGreaterThan(0);
        SensitivityFactor f = u.Sensitivity.ShouldNotBeNull().ShouldHaveSingleItem();
        f.Kind.ShouldBe(SensitivityKind.Normalise);
        f.FirstOrder.ShouldBe(1.0);
    }

    [Fact]
    public void Sensitivity_NotAsked_IsNull()
    {
        Scheme scheme = Fx.Parse(Nested);
        UncertaintyResult u = RankUncertainty.Run(scheme, Fx.Data(scheme, NestedRows()), 0, new UncertaintyOptions { Replicates = 20 });
        u.Sensitivity.ShouldBeNull();
        u.MeanShift.ShouldBeNull();
    }

    /// <summary>
    /// The indices recomputed from the definition: every replicate's factors drawn again from the
    /// documented stream, the replicate scored by <see cref="ScoringEngine.Score"/> under a scheme
    /// written with those weights, its mean absolute rank shift taken, and each factor's
    /// bias-corrected between-bin share computed by grouping.
    /// </summary>
    [Fact]
    public void Sensitivity_EqualsTheDefinitionRecomputedFromTheReplicates()
    {
        const int N = 200;
        const double W = 0.5;
        const ulong Seed = 7;
        string[] aggregate = ["{'method':'arithmetic'}", "{'method':'median'}"];
        Scheme scheme = Fx.Parse(Nested);
        List<Row> rows = NestedRows();
        Dataset data = Fx.Data(scheme, rows);
        StepAlternatives alt = SchemeParser.ParseAlternatives(Fx.Q("{'aggregate':[" + string.Join(",", aggregate) + "]}"));
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions
        {
            Replicates = N, Seed = Seed, WeightSpread = W, Alternatives = alt, Sensitivity = true,
        });

        ScoringResult nominal = ScoringEngine.Score(scheme, data);
        int[] rank0 = nominal.Periods[0].Ranks[nominal.Node("R")];

        // Factors in stream order: A, B, C, D, E, R, G1, G2; then the aggregate choice.
        string[] names = ["A", "B", "C", "D", "E", "R", "G1", "G2"];
        var factors = new double[N][];
        var choice = new int[N];
        var y = new double[N];
        for (int r = 0; r < N; r++)
        {
            var rng = new SplitMix64(RankUncertainty.ReplicateSeed(Seed, r));
            factors[r] = [.. names.Select(_ => 1 + (W * ((2 * rng.NextDouble()) - 1)))];
            choice[r] = rng.NextInt(2);
            double[] f = factors[r];
            string json = $$"""
                {'steps':{'aggregate':{{aggregate[choice[r]]}}},
                 'indicators':[
                    {'code':'A','parent':'G1','weight':{{Fx.T(3 * f[0])}}},
                    {'code':'B','parent':'G1','weight':{{Fx.T(f[1])}}},
                    {'code':'C','parent':'G2','weight':{{Fx.T(f[2])}}},
                    {'code':'D','parent':'G2','weight':{{Fx.T(f[3])}}},
                    {'code':'E','parent':'G2','weight':{{Fx.T(f[4])}},'direction':-1}],
                 'groups':[{'code':'R','weight':{{Fx.T(f[5])}}},{'code':'G1','parent':'R','weight':{{Fx.T(f[6])}}},{'code':'G2','parent':'R','weight':{{Fx.T(f[7])}}}]}
                """;
            ScoringResult s = Fx.Score(Fx.Parse(json), rows);
            int[] ranks = s.Periods[0].Ranks[s.Node("R")];
            y[r] = Enumerable.Range(0, ranks.Length).Average(k => (double)Math.Abs(ranks[k] - rank0[k]));
        }

        u.MeanShift.ShouldNotBeNull().ShouldBe(y.Average(), 1e-12);

        var expected = new Dictionary<string, double>();
        int bins = Math.Clamp(N / 50, 2, 10);
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] == "R")
            {
                continue; // the root weighs nothing
            }

            double lo = factors.Min(f => f[i]), hi = factors.Max(f => f[i]);
            expected[names[i]] = Share(y, [.. factors.Select(f => Math.Min(bins - 1, (int)((f[i] - lo) / (hi - lo) * bins)))]);
        }

        expected["aggregate"] = Share(y, choice);

        IReadOnlyList<SensitivityFactor> actual = u.Sensitivity.ShouldNotBeNull();
        actual.Count.ShouldBe(expected.Count);
        foreach (SensitivityFactor f in actual)
        {
            string key = f.Kind == SensitivityKind.Aggregate ? "aggregate" : f.Code;
            f.FirstOrder.ShouldBe(expected[key], 1e-12, key);
        }

        actual.Select(f => f.FirstOrder).ShouldBeInOrder(SortDirection.Descending);
        actual.Single(f => f.Code == "A").Kind.ShouldBe(SensitivityKind.IndicatorWeight);
        actual.Single(f => f.Code == "G1").Kind.ShouldBe(SensitivityKind.GroupWeight);

        // The choice between a mean and a median moves ranks far more than any one weight here.
        actual[0].Kind.ShouldBe(SensitivityKind.Aggregate);
    }

    [Fact]
    public void Sensitivity_SameSeed_IdenticalWithOneAndManyCores()
    {
        Scheme scheme = Fx.Parse(Nested);
        Dataset data = Fx.Data(scheme, NestedRows());
        UncertaintyResult one = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 300, Seed = 3, Sensitivity = true, MaxDegreeOfParallelism = 1 });
        UncertaintyResult many = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 300, Seed = 3, Sensitivity = true, MaxDegreeOfParallelism = 8 });
        many.Sensitivity.ShouldBe(one.Sensitivity);
        one.Sensitivity!.ShouldContain(f => f.FirstOrder > 0);
    }

    [Fact]
    public void Sensitivity_TrackOverrides_AreFactorsOfTheirOwn()
    {
        // Track T2 overrides A's weight: its factor is drawn apart from A's own.
        Scheme scheme = Fx.Parse(Nested[..^1] + ",'tracks':{'overrides':{'T2':{'weights':{'A':5}}}}}");
        UnitRow[] units = [.. Enumerable.Range(0, 30).Select(u => new UnitRow("U" + u.ToString("D2", CultureInfo.InvariantCulture), u % 2 == 0 ? "T1" : "T2"))];
        Dataset data = Fx.Data(scheme, NestedRows(), units);
        UncertaintyResult u = RankUncertainty.Run(scheme, data, 0, new UncertaintyOptions { Replicates = 100, Seed = 2, Sensitivity = true });
        u.Sensitivity.ShouldNotBeNull().Select(f => f.Code).ShouldContain("T2/A");
        u.Sensitivity!.Single(f => f.Code == "T2/A").Kind.ShouldBe(SensitivityKind.TrackWeight);
        u.Sensitivity!.Select(f => f.Code).ShouldNotContain("R");
    }

    [Fact]
    public void EpsilonSquared_ChanceAloneExplainsNothing_AndAFactorThatFixesYExplainsAll()
    {
        double[] y = [1, 2, 3, 4, 5, 6, 7, 8];
        RankSensitivity.EpsilonSquared(y, [0, 0, 0, 0, 1, 1, 1, 1], 2).ShouldBe(
            Independent(y, [0, 0, 0, 0, 1, 1, 1, 1]), 1e-12);
        RankSensitivity.EpsilonSquared([1, 1, 2, 2], [0, 0, 1, 1], 2).ShouldBe(1.0);
        RankSensitivity.EpsilonSquared([1, 2, 1, 2], [0, 0, 1, 1], 2).ShouldBe(0.0);
        RankSensitivity.EpsilonSquared([3, 3, 3], [0, 1, 1], 2).ShouldBe(0.0);
    }

    /// <summary>Epsilon squared by its textbook formula, clamped to [0, 1].</summary>
    private static double Share(double[] y, int[] group) => Math.Clamp(Independent(y, group), 0, 1);

    private static double Independent(double[] y, int[] group)
    {
        double mean = y.Average();
        double sst = y.Sum(v => (v - mean) * (v - mean));
        if (sst == 0)
        {
            return 0;
        }

        var groups = y.Select((v, r) => (v, g: group[r])).GroupBy(p => p.g).ToList();
        double ssb = groups.Sum(g => g.Count() * Math.Pow(g.Average(p => p.v) - mean, 2));
        double ssw = groups.Sum(g => g.Sum(p => Math.Pow(p.v - g.Average(q => q.v), 2)));
        return (ssb - ((groups.Count - 1) * ssw / (y.Length - groups.Count))) / sst;
    }
}
