namespace Saima.Scoring;

/// <summary>The settings of a rank uncertainty run.</summary>
public sealed record UncertaintyOptions
{
    /// <summary>Number of replicates N (at least 1).</summary>
    public required int Replicates { get; init; }

    /// <summary>The seed: with the replicate's index, it alone fixes the replicate's random stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>W: every weight is multiplied by its own factor drawn uniformly from [1 − W, 1 + W]; 0 ≤ W &lt; 1.</summary>
    public double WeightSpread { get; init; } = 0.25;

    /// <summary>Alternatives to the default impute, normalise and aggregate steps.</summary>
    public StepAlternatives Alternatives { get; init; } = StepAlternatives.None;

    /// <summary>Cores to use (null: all). The result does not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Also estimate which weights and step choices move ranks most (<see cref="UncertaintyResult.Sensitivity"/>).</summary>
    public bool Sensitivity { get; init; }
}

/// <summary>What a sensitivity factor is: a node's own weight, a track's override of a weight, or a list of alternative steps.</summary>
public enum SensitivityKind
{
    IndicatorWeight,
    GroupWeight,
    TrackWeight,
    Impute,
    Normalise,
    Aggregate,
}

/// <summary>
/// One input of the uncertainty run and the share of the variance of the rank shift it explains on
/// its own (its first-order sensitivity index, 0 to 1). <paramref name="Code"/> is the node's code
/// (an indicator or group), for <see cref="SensitivityKind.TrackWeight"/> "track/code", and empty
/// for a step list.
/// </summary>
public sealed record SensitivityFactor(SensitivityKind Kind, string Code, double FirstOrder);

/// <summary>
/// How a unit's rank is distributed over the replicates: the mean, the percentiles (p: the smallest
/// rank r such that at least p·N replicate ranks are ≤ r), the best and the worst.
/// </summary>
public sealed record RankSummary(double Mean, int Median, int P05, int P95, int Min, int Max);

/// <summary>
/// Rank uncertainty of one period, by local unit of <see cref="Period"/>: the unperturbed ranks at
/// the root and their distribution over the replicates (null for a unit that is screened or lacks
/// a total score in any replicate).
/// </summary>
public sealed class UncertaintyResult
{
    public required PeriodData Period { get; init; }
    public required int Replicates { get; init; }
    public required int[] Rank { get; init; }
    public required RankSummary?[] Summary { get; init; }

    /// <summary>Null without tracks.</summary>
    public int[]? TrackRank { get; init; }
    public RankSummary?[]? TrackSummary { get; init; }

    /// <summary>
    /// With <see cref="UncertaintyOptions.Sensitivity"/>: every factor that varied, largest share
    /// first (see <see cref="RankSensitivity"/>); the mean absolute rank shift of the replicates
    /// is <see cref="MeanShift"/>. Null when not asked for.
    /// </summary>
    public IReadOnlyList<SensitivityFactor>? Sensitivity { get; init; }

    /// <summary>With <see cref="UncertaintyOptions.Sensitivity"/>: the replicates' mean absolute rank shift from the unperturbed ranks.</summary>
    public double? MeanShift { get; init; }
}

/// <summary>
/// Rank uncertainty (how sure a rank is): the period scored N times, each replicate under a
/// perturbed scheme — every given weight (indicators', groups', and each track override's, which
/// draws its own factor apart from the default it replaces) times a factor from U[1 − W, 1 + W],
/// and one of each list of alternative steps in place of the default step. The scheme is planned
/// once per combination of alternatives and the figures are prepared once; replicates only swap
/// weights. A replicate's stream is SplitMix64 seeded from (seed, replicate index) alone, and the
/// per-unit rank histograms are merged by integer addition, so the result is the same whatever
/// the number of cores.
/// </summary>
public static class RankUncertainty
{
    /// <summary>Runs the analysis on period <paramref name="period"/> (an index into <see cref="Dataset.Periods"/>).</summary>
    /// <exception cref="SchemeException">An alternative does not fit the data (path relative to the alternatives' JSON).</exception>
    /// <exception cref="ScoringException">A replicate cannot be scored (the first failing replicate is named).</exception>
    public static UncertaintyResult Run(Scheme scheme, Dataset data, int period, UncertaintyOptions options)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(period);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(period, data.Periods.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Replicates, 1);
        if (!(options.WeightSpread >= 0 && options.WeightSpread < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the weight spread W must satisfy 0 ≤ W < 1");
        }

        Plan basePlan = Plan.Create(scheme, data);
        var runner = new ScoringEngine.PeriodRunner(basePlan, period);
        StepAlternatives alt = options.Alternatives;
        Plan[] combos = CombinationPlans(scheme, data, alt);

        int root = scheme.Indicators.Count + scheme.RootGroup;
        PeriodResult baseline = runner.Score();
        int n = runner.Data.Units.Length;
        bool tracks = basePlan.HasTracks;
        var draws = new WeightDraws(basePlan, scheme);

        int N = options.Replicates;

        // Each replicate keeps its own rank arrays (the scorer's, not copied); the summaries are
        // computed afterwards over replicates in index order, so no result depends on scheduling.
        var ranks = new int[N][];
        var trackRanks = tracks ? new int[N][] : null;
        double[][]? drawn = options.Sensitivity ? new double[N][] : null;
        int[][]? picked = options.Sensitivity ? new int[N][] : null;
        var gate = new object();
        int firstFailure = int.MaxValue;
        Exception? failure = null;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, N, parallel, (r, state) =>
        {
            var rng = new SplitMix64(ReplicateSeed(options.Seed, r));
            double[][] weight = draws.Draw(rng, options.WeightSpread, drawn is null ? null : drawn[r] = new double[draws.FactorCount]);
            int combo = Pick(rng, alt, picked is null ? null : picked[r] = new int[3]);
            try
            {
                PeriodResult result = runner.Score(combos[combo].WithWeights(weight), root);
                ranks[r] = result.Ranks[root];
                if (trackRanks is not null)
                {
                    trackRanks[r] = result.TrackRanks![root];
                }
            }
            catch (Exception e) when (e is ScoringException or SchemeException)
            {
                lock (gate)
                {
                    if (r < firstFailure)
                    {
                        firstFailure = r;
                        failure = e;
                    }
                }

                // Every lower replicate still runs, so the failure reported is the first one whatever the cores.
                state.Break();
            }
        });

        if (failure is not null)
        {
            throw new ScoringException($"replicate {firstFailure} ({Describe(alt, firstFailure, options.Seed, draws, options.WeightSpread)}): {failure.Message}");
        }

        int[] rank = baseline.Ranks[root];
        int[]? trackRank = baseline.TrackRanks?[root];
        var summary = new RankSummary?[n];
        var trackSummary = tracks ? new RankSummary?[n] : null;
        var sample = new int[N];
        for (int u = 0; u < n; u++)
        {
            if (baseline.Screened[u] || !Gather(ranks, u, sample))
            {
                continue;
            }

            summary[u] = Summarise(sample);
            if (trackSummary is not null && Gather(trackRanks!, u, sample))
            {
                trackSummary[u] = Summarise(sample);
            }
        }

        IReadOnlyList<SensitivityFactor>? sensitivity = null;
        double? meanShift = null;
        if (drawn is not null)
        {
            // Units are compared within their track where there are tracks.
            int[] nominal = trackRank ?? rank;
            int[][] sampled = trackRanks ?? ranks;
            double[] shift = RankSensitivity.MeanShifts(nominal, sampled, tracks ? trackSummary! : summary);
            meanShift = shift.Length == 0 ? 0 : shift.Average();
            sensitivity = RankSensitivity.FirstOrder(shift, draws.Factors(scheme, options.WeightSpread), drawn, alt, picked!);
        }

        return new UncertaintyResult
        {
            Period = runner.Data,
            Replicates = N,
            Rank = rank,
            Summary = summary,
            TrackRank = trackRank,
            TrackSummary = trackSummary,
            Sensitivity = sensitivity,
            MeanShift = meanShift,
        };
    }

    /// <summary>
    /// The seed of replicate <paramref name="replicate"/>'s SplitMix64 stream: SplitMix64's
    /// finaliser over the seed and the index, so that streams of neighbouring replicates (or seeds)
    /// are unrelated and none depends on any other replicate. From the stream, in this order: one
    /// factor 1 + W·(2u − 1) per node (indicators, then groups, in scheme order), one per track
    /// override weight (tracks in name order, nodes in scheme order), then the index of the impute,
    /// normalise and aggregate alternative (those with a list), each ⌊u·count⌋.
    /// </summary>
    public static ulong ReplicateSeed(ulong seed, long replicate) =>
        Mix(seed ^ Mix(unchecked((ulong)replicate + 0x9E3779B97F4A7C15UL)));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The combination a replicate uses: one index per non-empty list (impute, normalise, aggregate).</summary>
    private static int Pick(SplitMix64 rng, StepAlternatives alt, int[]? record = null)
    {
        int i = alt.Impute.Count > 0 ? rng.NextInt(alt.Impute.Count) : 0;
        int k = alt.Normalise.Count > 0 ? rng.NextInt(alt.Normalise.Count) : 0;
        int a = alt.Aggregate.Count > 0 ? rng.NextInt(alt.Aggregate.Count) : 0;
        if (record is not null)
        {
            record[0] = i;
            record[1] = k;
            record[2] = a;
        }

        return (((i * Math.Max(1, alt.Normalise.Count)) + k) * Math.Max(1, alt.Aggregate.Count)) + a;
    }

    /// <summary>A plan for every combination of alternatives, in <see cref="Pick"/>'s order (the scheme's own plan without any).</summary>
    private static Plan[] CombinationPlans(Scheme scheme, Dataset data, StepAlternatives alt)
    {
        int ni = Math.Max(1, alt.Impute.Count), nk = Math.Max(1, alt.Normalise.Count), na = Math.Max(1, alt.Aggregate.Count);
        var plans = new Plan[ni * nk * na];
        for (int i = 0; i < ni; i++)
        {
            for (int k = 0; k < nk; k++)
            {
                for (int a = 0; a < na; a++)
                {
                    var steps = new Steps
                    {
                        Screen = scheme.Steps.Screen,
                        Impute = alt.Impute.Count > 0 ? alt.Impute[i] : scheme.Steps.Impute,
                        Treat = scheme.Steps.Treat,
                        Normalise = alt.Normalise.Count > 0 ? alt.Normalise[k] : scheme.Steps.Normalise,
                        Aggregate = alt.Aggregate.Count > 0 ? alt.Aggregate[a] : scheme.Steps.Aggregate,
                    };
                    try
                    {
                        plans[(((i * nk) + k) * na) + a] = Plan.Create(WithSteps(scheme, steps), data);
                    }
                    catch (SchemeException e) when (e.Path.StartsWith("$.steps.impute", StringComparison.Ordinal))
                    {
                        throw new SchemeException(string.Concat($"$.impute[{i}]", e.Path.AsSpan("$.steps.impute".Length)), e.Reason);
                    }
                }
            }
        }

        return plans;
    }

    private static Scheme WithSteps(Scheme s, Steps steps) => new()
    {
        Name = s.Name,
        Steps = steps,
        Indicators = s.Indicators,
        Groups = s.Groups,
        Tracks = s.Tracks,
        RoundTo = s.RoundTo,
        WarningRules = s.WarningRules,
        DenominatorCodes = s.DenominatorCodes,
        RootGroup = s.RootGroup,
    };

    private static string Describe(StepAlternatives alt, int replicate, ulong seed, WeightDraws draws, double spread)
    {
        var rng = new SplitMix64(ReplicateSeed(seed, replicate));
        draws.Draw(rng, spread);
        var parts = new List<string>();
        if (alt.Impute.Count > 0)
        {
            int i = rng.NextInt(alt.Impute.Count);
            parts.Add($"impute alternative {i}: {alt.Impute[i].Method.ToString().ToLowerInvariant()}");
        }

        if (alt.Normalise.Count > 0)
        {
            int k = rng.NextInt(alt.Normalise.Count);
            parts.Add($"normalise alternative {k}: {ScoringEngine.Describe(alt.Normalise[k])}");
        }

        if (alt.Aggregate.Count > 0)
        {
            int a = rng.NextInt(alt.Aggregate.Count);
            parts.Add($"aggregate alternative {a}: {ScoringEngine.Describe(alt.Aggregate[a].Method)}");
        }

        return parts.Count == 0 ? "perturbed weights" : "perturbed weights, " + string.Join(", ", parts);
    }

    /// <summary>Unit u's rank in every replicate, into <paramref name="sample"/>; false if it lacks one in any.</summary>
    private static bool Gather(int[][] ranks, int u, int[] sample)
    {
        for (int r = 0; r < ranks.Length; r++)
        {
            int v = ranks[r][u];
            if (v == PeriodResult.NoRank)
            {
                return false;
            }

            sample[r] = v;
        }

        return true;
    }

    /// <summary>Sorts <paramref name="sample"/> and summarises it.</summary>
    private static RankSummary Summarise(int[] sample)
    {
        Array.Sort(sample);
        long sum = 0;
        foreach (int v in sample)
        {
            sum += v;
        }

        int n = sample.Length;
        return new RankSummary((double)sum / n, Percentile(sample, 50), Percentile(sample, 5), Percentile(sample, 95), sample[0], sample[n - 1]);
    }

    /// <summary>
    /// The smallest rank r such that at least pct/100·N of the sorted ranks are ≤ r: the k-th
    /// smallest, k = ⌈pct·N/100⌉ (at least 1), in exact integer arithmetic.
    /// </summary>
    private static int Percentile(int[] sorted, int pct)
    {
        long k = Math.Max(1, (((long)pct * sorted.Length) + 99) / 100);
        return sorted[k - 1];
    }

    /// <summary>
    /// Draws the weight factors of one replicate, always in the same order: one per node's own
    /// weight (indicators, then groups, in scheme order), then one per track override weight
    /// (tracks in name order, nodes in scheme order). With W = 0 every factor is exactly 1.
    /// </summary>
    private sealed class WeightDraws
    {
        private readonly double[][] _base;
        private readonly bool[][] _overridden;
        private readonly int _nodes;
        private readonly string[] _trackNames;
        private readonly int _overrides;
        private readonly int _indicators;
        private readonly int _root;

        public WeightDraws(Plan plan, Scheme scheme)
        {
            _base = plan.Weight;
            _nodes = plan.NodeCount;
            _trackNames = plan.TrackNames;
            _indicators = scheme.Indicators.Count;
            _root = scheme.Indicators.Count + scheme.RootGroup;
            _overridden = new bool[plan.TrackCount][];
            for (int t = 0; t < plan.TrackCount; t++)
            {
                _overridden[t] = new bool[_nodes];
                if (plan.HasTracks && scheme.OverrideOf(plan.TrackNames[t]) is { } o)
                {
                    for (int node = 0; node < _nodes; node++)
                    {
                        _overridden[t][node] = o.Weights.ContainsKey(scheme.NodeCode(node));
                        _overrides += _overridden[t][node] ? 1 : 0;
                    }
                }
            }
        }

        /// <summary>Factors drawn per replicate: one per node, then one per track override weight.</summary>
        public int FactorCount => _nodes + _overrides;

        /// <summary>
        /// The weight factors that can move a rank, each with its position in a <see cref="Draw"/>
        /// record: every node's own weight but the root's (which weighs nothing), then the track
        /// overrides. None when the spread is 0.
        /// </summary>
        public List<(int Index, SensitivityKind Kind, string Code)> Factors(Scheme scheme, double spread)
        {
            var list = new List<(int, SensitivityKind, string)>();
            if (spread <= 0)
            {
                return list;
            }

            for (int node = 0; node < _nodes; node++)
            {
                if (node != _root)
                {
                    list.Add((node, node < _indicators ? SensitivityKind.IndicatorWeight : SensitivityKind.GroupWeight, scheme.NodeCode(node)));
                }
            }

            int next = _nodes;
            for (int t = 0; t < _base.Length; t++)
            {
                for (int node = 0; node < _nodes; node++)
                {
                    if (_overridden[t][node])
                    {
                        list.Add((next++, SensitivityKind.TrackWeight, _trackNames[t] + "/" + scheme.NodeCode(node)));
                    }
                }
            }

            return list;
        }

        public double[][] Draw(SplitMix64 rng, double spread, double[]? record = null)
        {
            var own = new double[_nodes];
            for (int node = 0; node < _nodes; node++)
            {
                own[node] = Factor(rng, spread);
            }

            if (record is not null)
            {
                Array.Copy(own, record, _nodes);
            }

            int recorded = _nodes;

            var weight = new double[_base.Length][];
            for (int t = 0; t < _base.Length; t++)
            {
                weight[t] = new double[_nodes];
                for (int node = 0; node < _nodes; node++)
                {
                    double f = own[node];
                    if (_overridden[t][node])
                    {
                        f = Factor(rng, spread);
                        if (record is not null)
                        {
                            record[recorded++] = f;
                        }
                    }

                    weight[t][node] = _base[t][node] * f;
                }
            }

            return weight;
        }

        private static double Factor(SplitMix64 rng, double spread) => 1 + (spread * ((2 * rng.NextDouble()) - 1));
    }
}
