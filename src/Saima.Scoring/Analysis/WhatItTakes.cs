namespace Saima.Scoring;

/// <summary>What a what-it-takes search asks: a unit, the rank it wants at a node, and the indicators to try.</summary>
public sealed record WhatIfQuery
{
    /// <summary>Index of the period in <see cref="Dataset.Periods"/>.</summary>
    public required int Period { get; init; }

    /// <summary>The unit's code.</summary>
    public required string Unit { get; init; }

    /// <summary>The rank R to reach (at least 1).</summary>
    public required int Rank { get; init; }

    /// <summary>The node whose rank counts (index among the scheme's nodes); null: the root.</summary>
    public int? Node { get; init; }

    /// <summary>True: the rank within the unit's track.</summary>
    public bool Track { get; init; }

    /// <summary>Indicator indices to search, in output order; null: every indicator in scheme order.</summary>
    public IReadOnlyList<int>? Indicators { get; init; }

    /// <summary>Cores to use (null: all). The result does not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}

/// <summary>
/// The answer for one indicator: its current raw value (NaN: missing), the value that first brings
/// the unit to the rank (NaN when unreachable), and whether any value in the searched interval does.
/// </summary>
public sealed record WhatIfRow(int Indicator, double Value, double Needed, bool Reachable)
{
    /// <summary>Needed − value; NaN when either is missing.</summary>
    public double Change => Needed - Value;

    /// <summary>Change / |value| · 100; NaN when the value is 0 or missing.</summary>
    public double ChangePercent => Value == 0 ? double.NaN : Change / Math.Abs(Value) * 100;
}

/// <summary>
/// What it takes (差距测算): for each indicator, holding every other figure fixed, the raw value
/// that first brings a unit's rank at a node to R or better, moving from the current value in the
/// indicator's better direction. The search interval runs from the current value (missing: the
/// worst raw value of the compared units) to 10 ranges beyond the best of them. The engine is the
/// oracle: every probe scores the period with the one figure moved, so every rule (imputing,
/// treating, normalising against the moved value's peers, entropy weights, adjustments, rounding
/// before ranking) acts exactly as in a real run. A probe scores again only what the moved figure
/// reaches (its column, the columns it denominates, their ancestor groups) and takes every other
/// column from the period as it is, which gives the whole scoring's result to the bit (see
/// <see cref="ScoringEngine.PeriodRunner.ProbeWith"/>); it ranks the unit alone. Bisection narrows the threshold to a relative
/// 1e-6; where the score may not be monotone in the value (winsorising, entropy weights, TOPSIS),
/// or where the far end of the interval does not reach (it may fail to score, outside a
/// transform's domain, or turn a lower-is-better ratio negative), 64 evenly spaced points are
/// scanned first and the first reaching one is bisected against the point before it.
/// </summary>
public static class WhatItTakes
{
    /// <summary>Points scanned before bisecting where the score may not be monotone in the value.</summary>
    public const int ScanPoints = 64;

    /// <summary>The threshold's precision, relative to max(1, |needed|) (the bisection stops at half of it).</summary>
    public const double Tolerance = 1e-6;

    /// <exception cref="ArgumentException">The unit is not in the period, or a node, track or indicator does not exist.</exception>
    /// <exception cref="ScoringException">The period itself cannot be scored.</exception>
    public static IReadOnlyList<WhatIfRow> Search(Scheme scheme, Dataset data, WhatIfQuery query) => Search(scheme, data, query, fullProbes: false);

    /// <summary>
    /// The search; with <paramref name="fullProbes"/> every probe scores the whole period again
    /// (<see cref="ScoringEngine.PeriodRunner.ScoreWith"/>) and is ranked as a scoring ranks: the
    /// oracle the incremental probes are tested against.
    /// </summary>
    internal static IReadOnlyList<WhatIfRow> Search(Scheme scheme, Dataset data, WhatIfQuery query, bool fullProbes)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Period);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query.Period, data.Periods.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Rank, 1);
        if (query.Track && data.UnitTracks is null)
        {
            throw new ArgumentException("the units have no tracks", nameof(query));
        }

        int global = Array.BinarySearch(data.UnitCodes, query.Unit, StringComparer.Ordinal);
        PeriodData pd = data.Periods[query.Period];
        int unit = global < 0 ? -1 : Array.BinarySearch(pd.Units, global);
        if (unit < 0)
        {
            throw new ArgumentException($"unit '{query.Unit}' has no figures in the period", nameof(query));
        }

        int node = query.Node ?? scheme.Indicators.Count + scheme.RootGroup;
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, scheme.NodeCount);
        int[] indicators = query.Indicators?.ToArray() ?? Enumerable.Range(0, scheme.Indicators.Count).ToArray();
        foreach (int i in indicators)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, scheme.Indicators.Count);
        }

        Plan plan = Plan.Create(scheme, data);
        var runner = new ScoringEngine.PeriodRunner(plan, query.Period);
        PeriodResult baseline = runner.Baseline;
        var search = new Probe(runner, query, unit, node, baseline, fullProbes);
        var rows = new WhatIfRow[indicators.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = query.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, indicators.Length, parallel, k => rows[k] = search.Run(indicators[k]));
        return rows;
    }

    /// <summary>The search for one unit and rank; <see cref="Run"/> is called concurrently for different indicators.</summary>
    private sealed class Probe(ScoringEngine.PeriodRunner runner, WhatIfQuery query, int unit, int node, PeriodResult baseline, bool fullProbes)
    {
        private readonly Plan _plan = runner.Plan;

        public WhatIfRow Run(int i)
        {
            PeriodData pd = runner.Data;
            int dir = _plan.Scheme.Indicators[i].Direction;
            double value = pd.Values[i][unit];

            // Best, worst and range over the raw values of the non-screened compared units.
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            int track = _plan.UnitTrack[pd.Units[unit]];
            for (int c = 0; c < pd.Units.Length; c++)
            {
                double v = pd.Values[i][c];
                if (baseline.Screened[c] || double.IsNaN(v) || (_plan.CompareTrack && _plan.UnitTrack[pd.Units[c]] != track))
                {
                    continue;
                }

                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            if (Reaches(RankOf(baseline)))
            {
                double start0 = double.IsNaN(value) ? (dir == 1 ? min : max) : value;
                return double.IsFinite(start0) ? new WhatIfRow(i, value, start0, true) : new WhatIfRow(i, value, double.NaN, false);
            }

            if (!(max >= min))
            {
                // No compared unit has a value: there is no interval to search.
                return new WhatIfRow(i, value, double.NaN, false);
            }

            double range = max > min ? max - min : 1;
            double best = dir == 1 ? max : min, worst = dir == 1 ? min : max;
            double start = double.IsNaN(value) ? worst : value;
            double end = best + (dir * 10 * range);
            if (double.IsNaN(value) && Test(start, i))
            {
                return new WhatIfRow(i, value, start, true);
            }

            if ((end - start) * dir <= 0)
            {
                return new WhatIfRow(i, value, double.NaN, false);
            }

            double needed = double.NaN;
            if (MayBeNonMonotone(i))
            {
                needed = ScanThenBisect(i, start, end);
            }
            else if (Test(end, i))
            {
                needed = Bisect(i, start, end);
            }
            else
            {
                // The far end cannot be scored (outside a transform's domain), or a ratio turned
                // negative there (target, completion or leader ratio, lower is better, past 0):
                // reaching values may lie before it.
                needed = ScanThenBisect(i, start, end);
            }

            return new WhatIfRow(i, value, needed, !double.IsNaN(needed));
        }

        /// <summary>Whether the unit reaches the rank with indicator i's raw value at v; a probe that cannot be scored does not.</summary>
        private bool Test(double v, int i)
        {
            try
            {
                return Reaches(fullProbes ? RankOf(runner.ScoreWith(i, unit, v, node)) : runner.RankWith(i, unit, v, node, query.Track));
            }
            catch (ScoringException)
            {
                return false;
            }
        }

        private int RankOf(PeriodResult r) => query.Track ? r.TrackRanks![node][unit] : r.Ranks[node][unit];

        private bool Reaches(int rank) => rank != PeriodResult.NoRank && rank <= query.Rank;

        /// <summary>The first of 64 evenly spaced points (start excluded) that reaches, bisected against the one before; NaN if none.</summary>
        private double ScanThenBisect(int i, double start, double end)
        {
            double previous = start;
            for (int k = 1; k < ScanPoints; k++)
            {
                double v = k == ScanPoints - 1 ? end : start + ((end - start) * k / (ScanPoints - 1));
                if (Test(v, i))
                {
                    return Bisect(i, previous, v);
                }

                previous = v;
            }

            return double.NaN;
        }

        /// <summary>Narrows [a, b] (a does not reach, b does) until b is within half the tolerance of a; returns b.</summary>
        private double Bisect(int i, double a, double b)
        {
            while (Math.Abs(b - a) > 0.5 * Tolerance * Math.Max(1, Math.Abs(b)))
            {
                double m = a + ((b - a) / 2);
                if (m == a || m == b)
                {
                    break;
                }

                if (Test(m, i))
                {
                    b = m;
                }
                else
                {
                    a = m;
                }
            }

            return b;
        }

        /// <summary>
        /// Where a unit's score may fall as its value improves, or others' rise: winsorising the
        /// indicator (caps move with the values), entropy weights and TOPSIS anywhere above it.
        /// </summary>
        private bool MayBeNonMonotone(int i)
        {
            for (int t = 0; t < _plan.TrackCount; t++)
            {
                if (_plan.Treat[t][i].Method == TreatMethod.Winsorise)
                {
                    return true;
                }

                for (int g = _plan.Parent[i]; g >= 0; g = _plan.Parent[_plan.IndicatorCount + g])
                {
                    if (_plan.Weighting[t][g] == WeightingMethod.Entropy || _plan.Aggregate[t][g].Method == AggregateMethod.Topsis)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
