using System.Globalization;
using Xunit.Abstractions;

namespace Saima.Scoring.Tests.Analysis;

/// <summary>
/// The incremental probe of what it takes (only what a moved figure reaches is scored again)
/// against the whole scoring, over random schemes and data sets with every method: the same
/// period result to the bit, the same rank for the unit, the same search rows. Deterministic
/// seeds; a failing case prints its scheme and figures.
/// </summary>
public class IncrementalProbeTests(ITestOutputHelper output)
{
    private const int Worlds = 200;

    private static readonly string[] Normalise =
    [
        "{'method':'minmax'}", "{'method':'minmax','range':[1,100]}", "{'method':'zscore','mean':50,'sd':10}", "{'method':'vector'}",
        "{'method':'goalposts','min':-1,'max':80,'scale':100}", "{'method':'goalposts','min':0,'max':50,'scale':10,'clamp':true}",
        "{'method':'rank'}", "{'method':'target','cap':1.5}",
        "{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.1,'cap':1.2,'floor':1}",
        "{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.1,'cap':1.2,'floor':1,'basis':'difference'}",
        "{'method':'rankPoints','first':10,'step':1,'floor':1}", "{'method':'tiers','bounds':[20,50,80],'points':[1,2,3,4]}",
        "{'method':'leaderRatio','full':100}", "{'method':'none'}",
    ];

    private static readonly string[] Aggregate = ["arithmetic", "arithmetic", "sum", "geometric", "harmonic", "median", "topsis", "copeland"];
    private static readonly string[] Weighting = ["given", "given", "equal", "entropy"];

    private static readonly string[] Impute =
    [
        "{'method':'none'}", "{'method':'mean'}", "{'method':'median'}", "{'method':'zero'}", "{'method':'previous'}",
        "{'method':'groupMean','group':'region'}", "{'method':'groupMedian','group':'region'}",
    ];

    private static readonly string[] Treat =
    [
        "{'method':'none'}", "{'method':'winsorise'}", "{'method':'winsorise','skew':0.5,'kurtosis':-2,'maxPoints':2}",
        "{'method':'winsorise','skew':0.3,'kurtosis':-3,'maxPoints':1,'fallback':'log'}",
    ];

    private static readonly string[] Transform = ["none", "none", "none", "ln", "log10", "sqrt"];

    /// <summary>A random assessment: the scheme, the data set and a text that reproduces it.</summary>
    private sealed record Case(Scheme Scheme, Dataset Data, string Text);

    private static string T(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static Case Make(int seed)
    {
        var rnd = new Random(seed);
        T Pick<T>(T[] xs) => xs[rnd.Next(xs.Length)];
        bool Chance(double p) => rnd.NextDouble() < p;

        int units = rnd.Next(4, 10), nPeriods = rnd.Next(1, 4), nInd = rnd.Next(1, 7), nGroups = rnd.Next(1, Math.Min(3, nInd) + 1);
        string? tracks = Pick(new string?[] { null, null, "all", "track" });
        var inds = new List<string>();
        var transforms = new string[nInd];

        // Goalposts are transformed with the values: a bound of 0 or below is outside ln's domain.
        string NormaliseFor(int i) => transforms[i] == "none" ? Pick(Normalise) : Pick(Normalise.Where(n => !n.Contains("goalposts", StringComparison.Ordinal)).ToArray());
        for (int i = 0; i < nInd; i++)
        {
            int parent = i < nGroups ? i : rnd.Next(nGroups);
            string extra = string.Empty;
            if (Chance(0.25))
            {
                // Another indicator or a figure of its own (population) as denominator.
                int d = rnd.Next(nInd + 1);
                extra += d == i || d == nInd ? ",'denominator':'POP'" : ",'denominator':'I" + d + "'";
            }

            transforms[i] = Chance(0.3) ? Pick(Transform) : "none";
            extra += ",'transform':'" + transforms[i] + "'";
            extra += Chance(0.2) ? ",'cumulative':true" : string.Empty;
            extra += Chance(0.2) ? ",'impute':" + Pick(Impute) : string.Empty;
            extra += Chance(0.2) ? ",'treat':" + Pick(Treat) : string.Empty;
            inds.Add("{'code':'I" + i + "','parent':'G" + parent + "','weight':" + T(rnd.Next(1, 40) / 10.0) + ",'direction':" + (Chance(0.3) ? -1 : 1) +
                ",'normalise':" + NormaliseFor(i) + extra + "}");
        }

        var groups = new List<string>();
        for (int g = 0; g < nGroups; g++)
        {
            string parent = g == 0 ? string.Empty : ",'parent':'G" + rnd.Next(g) + "'";
            string share = Chance(0.2) ? ",'minDataShare':0.6" : string.Empty;
            groups.Add("{'code':'G" + g + "'" + parent + ",'weight':" + T(rnd.Next(1, 40) / 10.0) + ",'aggregate':{'method':'" + Pick(Aggregate) +
                "'},'weights':'" + Pick(Weighting) + "'" + share + "}");
        }

        string steps = "'impute':" + Pick(Impute) + ",'treat':" + Pick(Treat) + (Chance(0.3) ? ",'screen':{'minDataShare':" + T(rnd.Next(3, 9) / 10.0) + "}" : string.Empty);
        string track = string.Empty;
        if (tracks is not null)
        {
            // Overrides for the county track: a weight, an indicator's rules, a group's method.
            int oi = rnd.Next(nInd), og = rnd.Next(nGroups);
            string overrides = Chance(0.7)
                ? ",'overrides':{'county':{'weights':{'I" + oi + "':" + T(rnd.Next(1, 40) / 10.0) + "},'indicators':{'I" + oi + "':{'normalise':" + NormaliseFor(oi) +
                  ",'impute':" + Pick(Impute) + ",'treat':" + Pick(Treat) + "}},'groups':{'G" + og + "':{'aggregate':{'method':'" + Pick(Aggregate) + "'},'weights':'" + Pick(Weighting) + "'}}}}"
                : string.Empty;
            track = ",'tracks':{'compare':'" + tracks + "'" + overrides + "}";
        }

        string ranking = Chance(0.3) ? ",'ranking':{'roundTo':" + rnd.Next(0, 3) + "}" : string.Empty;
        string json = "{'steps':{" + steps + "},'indicators':[" + string.Join(",", inds) + "],'groups':[" + string.Join(",", groups) + "]" + track + ranking + "}";
        Scheme scheme = Fx.Parse(json);

        var rows = new List<Row>();
        int missingPerTen = rnd.Next(0, 3);
        for (int p = 0; p < nPeriods; p++)
        {
            string? period = nPeriods == 1 && Chance(0.5) ? null : "2025-0" + (p + 1).ToString(CultureInfo.InvariantCulture);
            for (int u = 0; u < units; u++)
            {
                // Absent from a period now and then (so that a period's units differ).
                if (p < nPeriods - 1 && Chance(0.1))
                {
                    continue;
                }

                string unit = "U" + u.ToString(CultureInfo.InvariantCulture);
                if (json.Contains("'POP'", StringComparison.Ordinal))
                {
                    rows.Add(new Row(unit, "POP", rnd.Next(1, 500) / 10.0, period));
                }

                for (int i = 0; i < nInd; i++)
                {
                    double value = rnd.Next(10) < missingPerTen ? double.NaN : rnd.Next(1, 1000) / 10.0;
                    double target = Chance(0.1) ? double.NaN : rnd.Next(1, 100);
                    rows.Add(new Row(unit, "I" + i.ToString(CultureInfo.InvariantCulture), value, period, target));
                }
            }
        }

        UnitRow[] unitRows = Enumerable.Range(0, units)
            .Select(u => new UnitRow("U" + u.ToString(CultureInfo.InvariantCulture), tracks is null ? null : u < 2 ? (u == 0 ? "city" : "county") : rnd.Next(2) == 0 ? "city" : "county", rnd.Next(2) == 0 ? "north" : "south"))
            .ToArray();
        var adjustments = new List<Adj>();
        int nAdj = Chance(0.4) ? rnd.Next(1, 4) : 0;
        for (int k = 0; k < nAdj; k++)
        {
            string node = Chance(0.5) ? "I" + rnd.Next(nInd) : "G" + rnd.Next(nGroups);
            adjustments.Add(new Adj("U" + rnd.Next(units).ToString(CultureInfo.InvariantCulture), rnd.Next(-30, 30) / 10.0, null, node));
        }

        Dataset data = Fx.Data(scheme, rows, unitRows, ["region"], adjustments);
        string text = $"seed {seed}: scheme {json}; adjustments [{string.Join(", ", adjustments)}]; rows {string.Join(" ", rows.Select(r => $"{r.Unit}/{r.Code}/{r.Period}={T(r.Value)}"))}";
        return new Case(scheme, data, text);
    }

    /// <summary>A probe value: a usual one, the current one, an extreme, zero, negative, missing.</summary>
    private static double ProbeValue(Random rnd, double current) => rnd.Next(10) switch
    {
        0 => double.NaN,
        1 => 0,
        2 => -rnd.Next(1, 1000) / 10.0,
        3 => current,
        4 => 1e6 * (1 + rnd.NextDouble()),
        5 => double.IsNaN(current) ? 1 : current + (rnd.NextDouble() * 1e-9),
        _ => rnd.Next(1, 2000) / 10.0,
    };

    private static PeriodResult? Try(Func<PeriodResult> score, out string? error)
    {
        try
        {
            error = null;
            return score();
        }
        catch (ScoringException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    private static void SameBits(double[][] a, double[][] b, string what)
    {
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(a[i].Select(Bits).SequenceEqual(b[i].Select(Bits)), $"{what}[{i}]: [{string.Join(",", a[i].Select(T))}] against [{string.Join(",", b[i].Select(T))}]");
        }
    }

    private static void SameInts(int[][]? a, int[][]? b, string what)
    {
        Assert.Equal(a is null, b is null);
        if (a is null)
        {
            return;
        }

        Assert.Equal(a.Length, b!.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(a[i].SequenceEqual(b[i]), $"{what}[{i}]: [{string.Join(",", a[i])}] against [{string.Join(",", b[i])}]");
        }
    }

    [Fact]
    public void Property_IncrementalProbe_GivesTheWholeScoringsResultToTheBit()
    {
        int compared = 0, refused = 0, worlds = 0, rescreened = 0;
        for (int seed = 1; seed <= Worlds; seed++)
        {
            Case c = Make(seed);
            var plan = Plan.Create(c.Scheme, c.Data);
            int p = c.Data.Periods.Length - 1;
            var runner = new ScoringEngine.PeriodRunner(plan, p);
            if (Try(() => runner.Baseline, out _) is null)
            {
                // The period as it is cannot be scored (a geometric mean over a score of 0, say): no search runs on it.
                continue;
            }

            worlds++;
            var rnd = new Random(seed * 7919);
            PeriodData pd = runner.Data;
            for (int k = 0; k < 20; k++)
            {
                int i = rnd.Next(plan.IndicatorCount), u = rnd.Next(pd.Units.Length);
                double raw = ProbeValue(rnd, pd.Values[i][u]);
                int rankOnly = rnd.Next(3) == 0 ? -1 : rnd.Next(plan.NodeCount);
                string where = $"{c.Text}; probe I{i} of local unit {u} at {T(raw)}, rankOnly {rankOnly}";
                PeriodResult? full = Try(() => runner.ScoreWith(i, u, raw, rankOnly), out string? fullError);
                PeriodResult? probe = Try(() => runner.ProbeWith(i, u, raw, rankOnly), out string? probeError);
                Assert.True(fullError == probeError, $"{where}: refusals '{fullError}' against '{probeError}'");
                if (full is null)
                {
                    refused++;
                    continue;
                }

                compared++;
                rescreened += full.Screened.SequenceEqual(runner.Baseline.Screened) ? 0 : 1;
                Assert.True(full.Screened.SequenceEqual(probe!.Screened), where);
                SameBits(full.Values, probe.Values, $"{where}: values");
                SameBits(full.Scores, probe.Scores, $"{where}: scores");
                SameInts(full.Ranks, probe.Ranks, $"{where}: ranks");
                SameInts(full.TrackRanks, probe.TrackRanks, $"{where}: track ranks");
                SameInts(full.RankChanges, probe.RankChanges, $"{where}: rank changes");

                // The unit's rank alone, overall and in its track, at the moved indicator, another node and the root.
                PeriodResult all = runner.ScoreWith(i, u, raw);
                foreach (int node in new[] { i, rnd.Next(plan.NodeCount), plan.IndicatorCount + c.Scheme.RootGroup })
                {
                    Assert.True(all.Ranks[node][u] == runner.RankWith(i, u, raw, node, track: false), $"{where}: rank at node {node}");
                    if (plan.HasTracks)
                    {
                        Assert.True(all.TrackRanks![node][u] == runner.RankWith(i, u, raw, node, track: true), $"{where}: track rank at node {node}");
                    }
                }
            }
        }

        // Enough of the random worlds score, and enough probes both score and are refused, for the comparison to mean something.
        output.WriteLine($"{worlds} worlds scored, {compared} probes compared ({rescreened} changing a unit's screening), {refused} refused by both");
        worlds.ShouldBeGreaterThan(Worlds / 2);
        compared.ShouldBeGreaterThan(2000);
        refused.ShouldBeGreaterThan(80);
        rescreened.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Property_Search_GivesTheRowsOfTheSearchThatScoresEveryProbeInFull()
    {
        int searched = 0, reachable = 0, unreachable = 0;
        for (int seed = 1; seed <= Worlds; seed++)
        {
            Case c = Make(seed);
            var rnd = new Random(seed * 104729);
            int p = c.Data.Periods.Length - 1;
            PeriodData pd = c.Data.Periods[p];
            var query = new WhatIfQuery
            {
                Period = p,
                Unit = c.Data.UnitCodes[pd.Units[rnd.Next(pd.Units.Length)]],
                Rank = rnd.Next(1, pd.Units.Length + 1),
                Node = rnd.Next(3) == 0 ? rnd.Next(c.Scheme.NodeCount) : null,
                Track = c.Data.UnitTracks is not null && rnd.Next(2) == 0,
                MaxDegreeOfParallelism = 1,
            };
            IReadOnlyList<WhatIfRow> old;
            try
            {
                old = WhatItTakes.Search(c.Scheme, c.Data, query, fullProbes: true);
            }
            catch (ScoringException)
            {
                Should.Throw<ScoringException>(() => WhatItTakes.Search(c.Scheme, c.Data, query));
                continue;
            }

            IReadOnlyList<WhatIfRow> rows = WhatItTakes.Search(c.Scheme, c.Data, query);
            searched++;
            Assert.Equal(old.Count, rows.Count);
            for (int k = 0; k < rows.Count; k++)
            {
                string where = $"{c.Text}; {query}; row {k}";
                Assert.True(old[k].Indicator == rows[k].Indicator && old[k].Reachable == rows[k].Reachable, where);
                Assert.True(Bits(old[k].Value) == Bits(rows[k].Value) && Bits(old[k].Needed) == Bits(rows[k].Needed), $"{where}: needed {T(old[k].Needed)} against {T(rows[k].Needed)}");
                if (rows[k].Reachable)
                {
                    reachable++;
                }
                else
                {
                    unreachable++;
                }
            }
        }

        output.WriteLine($"{searched} searches, {reachable} rows reachable, {unreachable} unreachable");
        searched.ShouldBeGreaterThan(Worlds / 2);
        reachable.ShouldBeGreaterThan(250);
        unreachable.ShouldBeGreaterThan(80);
    }
}
