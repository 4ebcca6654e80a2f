using System.Globalization;

namespace Saima.Scoring;

public static partial class ScoringEngine
{
    /// <summary>
    /// A set of compared units and the units that take their result from it, under one rule.
    /// Without tracks, or with <c>compare: all</c> and one rule for every track, there is one
    /// evaluation over all units; otherwise one per rule (compare all) or per track (compare track).
    /// </summary>
    private readonly record struct Evaluation<T>(T Rule, int[] Compared, int[] Target, int[] Tracks);

    /// <summary>
    /// Who is scored in a period: every unit's track, the screened units, and the units compared
    /// (all, and per track). Read only once made; a probe that leaves every unit's screening as it
    /// was shares its baseline's.
    /// </summary>
    internal sealed class Frame
    {
        public required int[] TrackOf { get; init; }
        public required bool[] Screened { get; init; }
        public required int[] Active { get; init; }
        public required int[][] ActiveByTrack { get; init; }
    }

    /// <summary>Scores one period. One instance per period; not shared between threads.</summary>
    private sealed partial class PeriodScorer
    {
        private readonly Plan _plan;
        private readonly Prepared[] _prepared;
        private readonly int _p;
        private readonly bool _explain;
        private readonly bool _warnings;
        private readonly PeriodData _pd;
        private readonly Prepared _prep;
        private readonly int _n;
        private readonly int[] _trackOf;
        private readonly int[] _active;
        private readonly int[][] _activeByTrack;
        private readonly bool[] _screened;
        private readonly double[] _scratch;

        /// <summary>The only node to rank (the analyses need one), or -1 for every node.</summary>
        private readonly int _rankOnly;

        /// <param name="frame">The screening to use (a baseline's, when the caller knows it is unchanged); null: screen the units.</param>
        public PeriodScorer(Plan plan, Prepared[] prepared, int p, bool explain, bool warnings, int rankOnly = -1, Frame? frame = null)
        {
            _rankOnly = rankOnly;
            _warnings = warnings;
            _plan = plan;
            _prepared = prepared;
            _p = p;
            _explain = explain;
            _pd = plan.Data.Periods[p];
            _prep = prepared[p];
            _n = _pd.Units.Length;
            frame ??= MakeFrame(plan, _pd, _prep);
            _trackOf = frame.TrackOf;
            _screened = frame.Screened;
            _active = frame.Active;
            _activeByTrack = frame.ActiveByTrack;
            Frame = frame;
            _scratch = new double[_n];
        }

        public Frame Frame { get; }

        private static Frame MakeFrame(Plan plan, PeriodData pd, Prepared prep)
        {
            int n = pd.Units.Length;
            var trackOf = new int[n];
            for (int u = 0; u < n; u++)
            {
                trackOf[u] = plan.UnitTrack[pd.Units[u]];
            }

            bool[] screened = Screen(plan, prep, n);
            int[] active = Enumerable.Range(0, n).Where(u => !screened[u]).ToArray();
            var activeByTrack = new int[plan.TrackCount][];
            for (int t = 0; t < plan.TrackCount; t++)
            {
                activeByTrack[t] = active.Where(u => trackOf[u] == t).ToArray();
            }

            return new Frame { TrackOf = trackOf, Screened = screened, Active = active, ActiveByTrack = activeByTrack };
        }

        private int[] NoRanks()
        {
            var r = new int[_n];
            Array.Fill(r, PeriodResult.NoRank);
            return r;
        }

        private string UnitCode(int u) => _plan.Data.UnitCodes[_pd.Units[u]];

        private static bool[] Screen(Plan plan, Prepared prep, int n)
        {
            var screened = new bool[n];
            if (plan.Scheme.Steps.Screen is null)
            {
                return screened;
            }

            for (int u = 0; u < n; u++)
            {
                screened[u] = IsScreened(plan, prep, u);
            }

            return screened;
        }

        /// <summary>Whether the screening step leaves unit <paramref name="u"/> out: too few of its denominated values present.</summary>
        internal static bool IsScreened(Plan plan, Prepared prep, int u)
        {
            if (plan.Scheme.Steps.Screen is not { } screen)
            {
                return false;
            }

            int nInd = plan.IndicatorCount;
            int present = 0;
            for (int i = 0; i < nInd; i++)
            {
                if (!double.IsNaN(prep.Denominated[i][u]))
                {
                    present++;
                }
            }

            return (double)present / nInd < screen.MinDataShare;
        }

        /// <summary>The evaluations of a step whose rule for track t is <paramref name="ruleOf"/>(t).</summary>
        private List<Evaluation<T>> Evaluations<T>(Func<int, T> ruleOf)
            where T : class
        {
            int nTracks = _plan.TrackCount;
            if (!_plan.HasTracks)
            {
                return [new Evaluation<T>(ruleOf(0), _active, _active, [0])];
            }

            var list = new List<Evaluation<T>>();
            if (_plan.CompareTrack)
            {
                for (int t = 0; t < nTracks; t++)
                {
                    list.Add(new Evaluation<T>(ruleOf(t), _activeByTrack[t], _activeByTrack[t], [t]));
                }

                return list;
            }

            // compare: all — tracks sharing a rule share one evaluation over all units.
            var done = new bool[nTracks];
            for (int t = 0; t < nTracks; t++)
            {
                if (done[t])
                {
                    continue;
                }

                T rule = ruleOf(t);
                var tracks = new List<int>();
                for (int s = t; s < nTracks; s++)
                {
                    if (!done[s] && ReferenceEquals(ruleOf(s), rule))
                    {
                        done[s] = true;
                        tracks.Add(s);
                    }
                }

                int[] target = tracks.Count == nTracks ? _active : _active.Where(u => tracks.Contains(_trackOf[u])).ToArray();
                list.Add(new Evaluation<T>(rule, _active, target, tracks.ToArray()));
            }

            return list;
        }

        public PeriodResult Score()
        {
            int nInd = _plan.IndicatorCount, nNodes = _plan.NodeCount;
            Scheme scheme = _plan.Scheme;

            // Impute.
            var imputed = new double[nInd][];
            var imputedFlag = _explain ? new bool[nInd][] : null;
            for (int i = 0; i < nInd; i++)
            {
                double[] x = _prep.Transformed[i];
                imputed[i] = ImputeColumn(i);
                if (imputedFlag is not null)
                {
                    imputedFlag[i] = new bool[_n];
                    for (int u = 0; u < _n; u++)
                    {
                        imputedFlag[i][u] = double.IsNaN(x[u]) && !double.IsNaN(imputed[i][u]);
                    }
                }
            }

            // Treat outliers.
            var treated = new double[nInd][];
            var treatments = _explain ? new List<TreatmentRow>() : null;
            for (int i = 0; i < nInd; i++)
            {
                treated[i] = TreatColumn(i, imputed[i], treatments);
            }

            // Normalise, then add each indicator's bonus/penalty points.
            var scores = new double[nNodes][];
            var targetUsed = new double[nInd][];
            for (int i = 0; i < nInd; i++)
            {
                targetUsed[i] = TargetsUsed(i);
                scores[i] = NormaliseColumn(i, treated[i], targetUsed[i]);
            }

            double[]?[] adjustment = Adjustments();
            double[][]? before = _explain ? new double[nNodes][] : null;
            for (int i = 0; i < nInd; i++)
            {
                if (before is not null)
                {
                    before[i] = (double[])scores[i].Clone();
                }

                Adjust(scores[i], adjustment[i]);
            }

            // Aggregate leaves up.
            var groupWeights = new double[_plan.GroupCount][][];
            var childWeights = _explain ? new double[]?[_plan.GroupCount][] : null;
            foreach (int g in _plan.BottomUp)
            {
                int node = nInd + g;
                scores[node] = Nan(_n);
                groupWeights[g] = Aggregate(g, scores, scores[node], childWeights);
                if (before is not null)
                {
                    before[node] = (double[])scores[node].Clone();
                }

                Adjust(scores[node], adjustment[node]);
            }

            (int[][] ranks, int[][]? trackRanks) = Rank(scores);
            int[][]? rankChanges = null;
            if (_plan.Data.HasPeriods)
            {
                rankChanges = new int[nNodes][];
                for (int node = 0; node < nNodes; node++)
                {
                    rankChanges[node] = new int[_n];
                }
            }

            var values = new double[nInd][];
            for (int i = 0; i < nInd; i++)
            {
                values[i] = treated[i];
            }

            return new PeriodResult
            {
                Data = _pd,
                Screened = _screened,
                Values = values,
                Scores = scores,
                Ranks = ranks,
                TrackRanks = trackRanks,
                RankChanges = rankChanges,
                Warnings = _warnings && scheme.WarningRules is not null ? Warnings() : WarningList.Empty,
                Weights = _explain ? WeightRows(groupWeights) : [],
                Treatments = treatments ?? (IReadOnlyList<TreatmentRow>)[],
                Trace = _explain
                    ? new Trace
                    {
                        Raw = _pd.Values.Take(nInd).ToArray(),
                        Denominator = _prep.Denominator,
                        Denominated = _prep.Denominated,
                        Transformed = _prep.Transformed,
                        Imputed = imputedFlag!,
                        Treated = treated,
                        TargetUsed = targetUsed,
                        ScoreBeforeAdjustment = before!,
                        Adjustment = adjustment.Select(a => a ?? new double[_n]).ToArray(),
                        Rule = RuleTexts(),
                        ChildWeights = childWeights!,
                        Children = _plan.Children,
                    }
                    : null,
            };
        }

        /// <summary>
        /// Scores the period as <see cref="Score"/> would, given a <paramref name="baseline"/> scored
        /// over the same frame and inputs that differ only in the columns of <paramref name="dirty"/>
        /// (indicators, ascending): those columns are imputed, treated, normalised and adjusted again,
        /// and the groups of <paramref name="dirtyGroups"/> (every ancestor of a dirty column, in
        /// <see cref="Plan.BottomUp"/> order) aggregated again; every other column is the baseline's.
        /// Each step of a column reads only that column (and the frame), and a group only its
        /// children's columns, so the result equals <see cref="Score"/>'s to the bit. A row-wise
        /// group (<see cref="IsRowWise"/>) aggregates again only the units whose children's scores
        /// changed (compared by their bits); a group none of whose children changed keeps its column. Explanations
        /// and warnings are not made; without <paramref name="rank"/> no node is ranked.
        /// </summary>
        public PeriodResult ScoreChanged(PeriodResult baseline, int[] dirty, int[] dirtyGroups, double[]?[] adjustment, bool rank, int[]? zeroRanks)
        {
            int nInd = _plan.IndicatorCount, nNodes = _plan.NodeCount;
            var scores = (double[][])baseline.Scores.Clone();
            var values = (double[][])baseline.Values.Clone();
            foreach (int i in dirty)
            {
                double[] treated = TreatColumn(i, ImputeColumn(i), null);
                double[] score = NormaliseColumn(i, treated, TargetsUsed(i));
                Adjust(score, adjustment[i]);
                values[i] = treated;
                scores[i] = score;
            }

            bool[]? changed = null;
            foreach (int g in dirtyGroups)
            {
                int node = nInd + g;
                if (!IsRowWise(_plan, g))
                {
                    scores[node] = Nan(_n);
                    Aggregate(g, scores, scores[node], null);
                    Adjust(scores[node], adjustment[node]);
                    continue;
                }

                // A unit's aggregate reads its own children alone: only units with a child's score changed are aggregated again.
                changed ??= new bool[_n];
                Array.Clear(changed);
                bool any = false;
                foreach (int c in _plan.Children[g])
                {
                    double[] now = scores[c], was = baseline.Scores[c];
                    if (ReferenceEquals(now, was))
                    {
                        continue;
                    }

                    foreach (int u in _active)
                    {
                        if (BitConverter.DoubleToInt64Bits(now[u]) != BitConverter.DoubleToInt64Bits(was[u]))
                        {
                            changed[u] = any = true;
                        }
                    }
                }

                scores[node] = any ? AggregateRows(g, scores, baseline.Scores[node], adjustment[node], changed) : baseline.Scores[node];
            }

            int[][] ranks;
            int[][]? trackRanks;
            if (rank)
            {
                (ranks, trackRanks) = Rank(scores);
            }
            else
            {
                int[] none = NoRanks();
                ranks = new int[nNodes][];
                Array.Fill(ranks, none);
                trackRanks = _plan.HasTracks ? ranks : null;
            }

            int[][]? rankChanges = null;
            if (_plan.Data.HasPeriods)
            {
                // As Score leaves them (the engine fills rank changes afterwards): zeros, here one array shared by every node.
                rankChanges = new int[nNodes][];
                Array.Fill(rankChanges, zeroRanks ?? new int[_n]);
            }

            return new PeriodResult
            {
                Data = _pd,
                Screened = _screened,
                Values = values,
                Scores = scores,
                Ranks = ranks,
                TrackRanks = trackRanks,
                RankChanges = rankChanges,
                Warnings = WarningList.Empty,
            };
        }

        /// <summary>Competition ranks of every node (or only of the node asked), overall and within tracks.</summary>
        private (int[][] Ranks, int[][]? TrackRanks) Rank(double[][] scores)
        {
            int nNodes = _plan.NodeCount;
            var ranks = new int[nNodes][];
            int[][]? trackRanks = _plan.HasTracks ? new int[nNodes][] : null;
            var keyBuffer = new long[_n];
            var orderBuffer = new int[_n];
            int[]? unranked = null;
            for (int node = 0; node < nNodes; node++)
            {
                if (_rankOnly >= 0 && node != _rankOnly)
                {
                    // Sorting is most of a scoring's cost; a caller that reads one node's ranks skips the others.
                    ranks[node] = unranked ??= NoRanks();
                    if (trackRanks is not null)
                    {
                        trackRanks[node] = unranked;
                    }

                    continue;
                }

                ranks[node] = NoRanks();
                Ranking.RankInto(scores[node], _active, _plan.Scheme.RoundTo, ranks[node], keyBuffer, orderBuffer);
                if (trackRanks is not null)
                {
                    trackRanks[node] = NoRanks();
                    for (int t = 0; t < _plan.TrackCount; t++)
                    {
                        Ranking.RankInto(scores[node], _activeByTrack[t], _plan.Scheme.RoundTo, trackRanks[node], keyBuffer, orderBuffer);
                    }
                }
            }

            return (ranks, trackRanks);
        }

        /// <summary>Indicator i's transformed column imputed (the column itself when nothing changes).</summary>
        private double[] ImputeColumn(int i)
        {
            double[] x = _prep.Transformed[i];
            List<Evaluation<ImputeStep>> evals = Evaluations(t => _plan.Impute[t][i]);
            if (_active.Length == _n && evals.TrueForAll(e => e.Rule.Method == ImputeMethod.None))
            {
                // Nothing changes: share the column (later steps never write into their input).
                return x;
            }

            double[] y = Nan(_n);
            foreach (int u in _active)
            {
                y[u] = x[u];
            }

            foreach (Evaluation<ImputeStep> e in evals)
            {
                Impute(i, e, x, y);
            }

            return y;
        }

        /// <summary>Indicator i's imputed column with outliers treated (the column itself when nothing changes).</summary>
        private double[] TreatColumn(int i, double[] imputed, List<TreatmentRow>? treatments)
        {
            List<Evaluation<TreatStep>> evals = Evaluations(t => _plan.Treat[t][i]);
            if (evals.Count == 1 && evals[0].Rule.Method == TreatMethod.None && treatments is null)
            {
                return imputed;
            }

            double[] y = (double[])imputed.Clone();
            foreach (Evaluation<TreatStep> e in evals)
            {
                TreatmentRow row = Treat(i, e, imputed, y);
                if (treatments is null)
                {
                    continue;
                }

                // One row where one rule treated all compared units; otherwise a row per track.
                if (evals.Count == 1 && (!_plan.HasTracks || !_plan.CompareTrack))
                {
                    treatments.Add(row);
                }
                else
                {
                    foreach (int t in e.Tracks)
                    {
                        treatments.Add(row with { Track = _plan.TrackNames[t] });
                    }
                }
            }

            return y;
        }

        /// <summary>Indicator i's treated column normalised, before adjustments (a new array).</summary>
        private double[] NormaliseColumn(int i, double[] treated, double[] targetUsed)
        {
            double[] score = Nan(_n);
            foreach (Evaluation<NormaliseStep> e in Evaluations(t => _plan.Normalise[t][i]))
            {
                Normalise(i, e, treated, targetUsed, score);
            }

            return score;
        }

        /// <summary>[node][unit] bonus/penalty points of this period; a node without any has null.</summary>
        internal double[]?[] Adjustments()
        {
            var points = new double[]?[_plan.NodeCount];
            foreach (Adjustment a in _plan.Data.Adjustments)
            {
                if (a.PeriodIndex >= 0 && a.PeriodIndex != _p)
                {
                    continue;
                }

                int u = _prep.LocalOf[a.Unit];
                if (u >= 0)
                {
                    (points[a.Node] ??= new double[_n])[u] += a.Points;
                }
            }

            return points;
        }

        private void Adjust(double[] scores, double[]? points)
        {
            if (points is null)
            {
                return;
            }

            // Points on a missing score or a screened unit are ignored (screened scores are missing).
            for (int u = 0; u < _n; u++)
            {
                if (!double.IsNaN(scores[u]) && points[u] != 0)
                {
                    scores[u] += points[u];
                }
            }
        }

        // ---- impute -------------------------------------------------------------------------

        private void Impute(int i, Evaluation<ImputeStep> e, double[] x, double[] y)
        {
            ImputeStep rule = e.Rule;
            switch (rule.Method)
            {
                case ImputeMethod.None:
                    return;
                case ImputeMethod.Zero:
                    Fill(0);
                    return;
                case ImputeMethod.Mean:
                case ImputeMethod.Median:
                {
                    int m = Gather(x, e.Compared, _scratch);
                    if (m > 0)
                    {
                        ReadOnlySpan<double> s = _scratch.AsSpan(0, m);
                        Fill(rule.Method == ImputeMethod.Mean ? Statistics.Mean(s) : Statistics.Median(s));
                    }

                    return;
                }

                case ImputeMethod.GroupMean:
                case ImputeMethod.GroupMedian:
                {
                    string[] column = _plan.ImputeGroup[e.Tracks[0]][i]!;
                    var stats = new Dictionary<string, double>(StringComparer.Ordinal);
                    foreach (int u in e.Target)
                    {
                        if (!double.IsNaN(x[u]))
                        {
                            continue;
                        }

                        string key = column[_pd.Units[u]];
                        if (!stats.TryGetValue(key, out double v))
                        {
                            int m = 0;
                            foreach (int c in e.Compared)
                            {
                                if (!double.IsNaN(x[c]) && string.Equals(column[_pd.Units[c]], key, StringComparison.Ordinal))
                                {
                                    _scratch[m++] = x[c];
                                }
                            }

                            ReadOnlySpan<double> s = _scratch.AsSpan(0, m);
                            v = m == 0 ? double.NaN : rule.Method == ImputeMethod.GroupMean ? Statistics.Mean(s) : Statistics.Median(s);
                            stats[key] = v;
                        }

                        y[u] = v;
                    }

                    return;
                }

                case ImputeMethod.Previous:
                    foreach (int u in e.Target)
                    {
                        if (!double.IsNaN(x[u]))
                        {
                            continue;
                        }

                        int unit = _pd.Units[u];
                        for (int q = _p - 1; q >= 0; q--)
                        {
                            int l = _prepared[q].LocalOf[unit];
                            if (l >= 0 && !double.IsNaN(_prepared[q].Transformed[i][l]))
                            {
                                y[u] = _prepared[q].Transformed[i][l];
                                break;
                            }
                        }
                    }

                    return;
            }

            void Fill(double v)
            {
                foreach (int u in e.Target)
                {
                    if (double.IsNaN(x[u]))
                    {
                        y[u] = v;
                    }
                }
            }
        }

        /// <summary>Copies the non-missing values of the given units into <paramref name="into"/>, in order.</summary>
        private static int Gather(double[] x, int[] units, double[] into)
        {
            int m = 0;
            foreach (int u in units)
            {
                double v = x[u];
                if (!double.IsNaN(v))
                {
                    into[m++] = v;
                }
            }

            return m;
        }

        // ---- treat --------------------------------------------------------------------------

        private TreatmentRow Treat(int i, Evaluation<TreatStep> e, double[] x, double[] y)
        {
            var units = new List<int>(e.Compared.Length);
            foreach (int u in e.Compared)
            {
                if (!double.IsNaN(x[u]))
                {
                    units.Add(u);
                }
            }

            double[] values = new double[units.Count];
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = x[units[k]];
            }

            Winsorisation.Result r = Winsorisation.Apply(values, e.Rule, computeStats: _explain || e.Rule.Method != TreatMethod.None);
            if (r.Treatment != TreatmentKind.None)
            {
                var isTarget = new HashSet<int>(e.Target);
                for (int k = 0; k < values.Length; k++)
                {
                    if (isTarget.Contains(units[k]))
                    {
                        y[units[k]] = r.Values[k];
                    }
                }
            }

            return new TreatmentRow(null, i, r.Treatment, r.Points, r.SkewBefore, r.KurtosisBefore, r.SkewAfter, r.KurtosisAfter);
        }

        // ---- normalise ----------------------------------------------------------------------

        /// <summary>[unit] the target as a rule uses it: for a cumulative indicator prorated to time progress.</summary>
        private double[] TargetsUsed(int i)
        {
            double[] target = _pd.Targets[i];
            if (!_plan.Scheme.Indicators[i].Cumulative)
            {
                return target;
            }

            double expected = _pd.Period.ExpectedProgress;
            var used = new double[_n];
            for (int u = 0; u < _n; u++)
            {
                used[u] = target[u] * expected / 100;
            }

            return used;
        }

        private void Normalise(int i, Evaluation<NormaliseStep> e, double[] x, double[] target, double[] score)
        {
            NormaliseStep r = e.Rule;
            IndicatorDef def = _plan.Scheme.Indicators[i];
            int dir = def.Direction;
            int[] cmp = e.Compared;
            switch (r.Method)
            {
                case NormaliseMethod.None:
                    foreach (int u in e.Target)
                    {
                        score[u] = x[u];
                    }

                    return;
                case NormaliseMethod.MinMax:
                {
                    double min = double.PositiveInfinity, max = double.NegativeInfinity;
                    foreach (int u in cmp)
                    {
                        double yv = x[u] * dir;
                        if (yv < min)
                        {
                            min = yv;
                        }

                        if (yv > max)
                        {
                            max = yv;
                        }
                    }

                    // No spread (or no values) gives missing scores.
                    if (!(max > min))
                    {
                        return;
                    }

                    double span = max - min, width = r.High - r.Low;
                    foreach (int u in e.Target)
                    {
                        score[u] = ((x[u] * dir) - min) / span * width + r.Low;
                    }

                    return;
                }

                case NormaliseMethod.ZScore:
                {
                    int m = 0;
                    foreach (int u in cmp)
                    {
                        if (!double.IsNaN(x[u]))
                        {
                            _scratch[m++] = x[u] * dir;
                        }
                    }

                    if (m < 2)
                    {
                        return;
                    }

                    double mean = Statistics.Mean(_scratch.AsSpan(0, m));
                    double sd = Statistics.SampleSd(_scratch.AsSpan(0, m), mean);
                    if (!(sd > 0))
                    {
                        return;
                    }

                    foreach (int u in e.Target)
                    {
                        score[u] = ((x[u] * dir) - mean) / sd * r.Sd + r.Mean;
                    }

                    return;
                }

                case NormaliseMethod.Vector:
                {
                    double ss = 0;
                    foreach (int u in cmp)
                    {
                        if (!double.IsNaN(x[u]))
                        {
                            ss += x[u] * x[u];
                        }
                    }

                    if (ss == 0)
                    {
                        return;
                    }

                    double norm = Math.Sqrt(ss);
                    foreach (int u in e.Target)
                    {
                        score[u] = dir * x[u] / norm;
                    }

                    return;
                }

                case NormaliseMethod.Goalposts:
                    foreach (int u in e.Target)
                    {
                        double v = dir == 1 ? (x[u] - r.Min) / (r.Max - r.Min) : (x[u] - r.Max) / (r.Min - r.Max);
                        if (r.Clamp && !double.IsNaN(v))
                        {
                            v = Math.Min(1, Math.Max(0, v));
                        }

                        score[u] = v * r.Scale;
                    }

                    return;
                case NormaliseMethod.Rank:
                {
                    int m = Gather(x, cmp, _scratch);
                    if (m < 2)
                    {
                        return;
                    }

                    double[] sorted = new double[m];
                    for (int k = 0; k < m; k++)
                    {
                        sorted[k] = _scratch[k] * dir;
                    }

                    Array.Sort(sorted);
                    foreach (int u in e.Target)
                    {
                        if (double.IsNaN(x[u]))
                        {
                            continue;
                        }

                        // r counted from the worst, ties taking the lowest r: 1 + the number strictly worse.
                        int below = LowerBound(sorted, x[u] * dir);
                        score[u] = (double)below / (m - 1) * 100;
                    }

                    return;
                }

                case NormaliseMethod.Target:
                {
                    foreach (int u in e.Target)
                    {
                        double v = Transforms.Inverse(def.Transform, x[u]), t = target[u];
                        if (double.IsNaN(t) || t == 0 || double.IsNaN(v))
                        {
                            continue;
                        }

                        score[u] = Math.Min(r.Cap, dir == 1 ? v / t : t / v) * r.Scale;
                    }

                    return;
                }

                case NormaliseMethod.Completion:
                {
                    foreach (int u in e.Target)
                    {
                        double v = Transforms.Inverse(def.Transform, x[u]), t = target[u];
                        if (double.IsNaN(t) || double.IsNaN(v))
                        {
                            continue;
                        }

                        double pct;
                        if (r.Basis == CompletionBasis.Ratio)
                        {
                            if (t == 0)
                            {
                                continue;
                            }

                            pct = dir == 1 ? 100 * v / t : 100 * (2 - (v / t));
                        }
                        else
                        {
                            pct = 100 + (dir * (v - t));
                        }

                        score[u] = Math.Min(r.Cap * r.Full, Math.Max(r.Floor, (r.AtTarget * r.Full) + (r.PerPoint * (pct - 100))));
                    }

                    return;
                }

                case NormaliseMethod.RankPoints:
                {
                    int m = Gather(x, cmp, _scratch);
                    double[] sorted = new double[m];
                    for (int k = 0; k < m; k++)
                    {
                        sorted[k] = _scratch[k] * dir;
                    }

                    Array.Sort(sorted);
                    foreach (int u in e.Target)
                    {
                        if (double.IsNaN(x[u]))
                        {
                            continue;
                        }

                        // Place 1 is best; tied values share the best place among them.
                        int better = m - UpperBound(sorted, x[u] * dir);
                        score[u] = Math.Max(r.Floor, r.First - (r.Step * better));
                    }

                    return;
                }

                case NormaliseMethod.Tiers:
                {
                    foreach (int u in e.Target)
                    {
                        double v = x[u];
                        if (double.IsNaN(v))
                        {
                            continue;
                        }

                        // A value equal to a bound belongs to the band above it.
                        int band = 0;
                        while (band < r.Bounds.Count && v >= r.Bounds[band])
                        {
                            band++;
                        }

                        score[u] = r.Points[band];
                    }

                    return;
                }

                case NormaliseMethod.LeaderRatio:
                {
                    double best = dir == 1 ? double.NegativeInfinity : double.PositiveInfinity;
                    bool any = false;
                    foreach (int u in cmp)
                    {
                        double v = x[u];
                        if (double.IsNaN(v))
                        {
                            continue;
                        }

                        any = true;
                        best = dir == 1 ? Math.Max(best, v) : Math.Min(best, v);
                    }

                    if (!any || best <= 0)
                    {
                        return;
                    }

                    foreach (int u in e.Target)
                    {
                        double v = x[u];
                        if (double.IsNaN(v) || (dir == -1 && v == 0))
                        {
                            continue;
                        }

                        score[u] = dir == 1 ? r.Full * v / best : r.Full * best / v;
                    }

                    return;
                }
            }
        }

        /// <summary>Number of elements strictly less than <paramref name="v"/> in an ascending array.</summary>
        private static int LowerBound(double[] sorted, double v)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < v)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        /// <summary>Number of elements less than or equal to <paramref name="v"/> in an ascending array.</summary>
        private static int UpperBound(double[] sorted, double v)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] <= v)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        // ---- warnings -----------------------------------------------------------------------

        /// <summary>
        /// The warning rows, computed on access from the period's columns (value, target, direction,
        /// time progress): one row per unit and indicator with a target costs no memory until read.
        /// </summary>
        private WarningList Warnings()
        {
            int nInd = _plan.IndicatorCount;
            var unitStart = new int[_n + 1];
            for (int i = 0; i < nInd; i++)
            {
                double[] targets = _pd.Targets[i];
                for (int u = 0; u < _n; u++)
                {
                    if (!double.IsNaN(targets[u]))
                    {
                        unitStart[u + 1]++;
                    }
                }
            }

            for (int u = 0; u < _n; u++)
            {
                unitStart[u + 1] += unitStart[u];
            }

            var expected = new double[nInd];
            var direction = new int[nInd];
            for (int i = 0; i < nInd; i++)
            {
                IndicatorDef def = _plan.Scheme.Indicators[i];
                expected[i] = def.Cumulative ? _pd.Period.ExpectedProgress : 100;
                direction[i] = def.Direction;
            }

            return new WarningList(unitStart, nInd, _prep.Denominated, _pd.Targets, expected, direction, _plan.Scheme.WarningRules?.ToArray() ?? []);
        }

        // ---- explanations -------------------------------------------------------------------

        private List<WeightRow> WeightRows(double[][][] groupWeights)
        {
            var rows = new List<WeightRow>();
            int nInd = _plan.IndicatorCount, nNodes = _plan.NodeCount;
            for (int t = 0; t < _plan.TrackCount; t++)
            {
                if (_plan.HasTracks && _activeByTrack[t].Length == 0)
                {
                    // No rows for a track none of whose units is scored in this period.
                    continue;
                }

                string? track = _plan.HasTracks ? _plan.TrackNames[t] : null;
                var weight = new double[nNodes];
                var share = new double[nNodes];
                for (int g = 0; g < _plan.GroupCount; g++)
                {
                    int[] children = _plan.Children[g];
                    double[] w = groupWeights[g][t];
                    double sum = 0;
                    foreach (double v in w)
                    {
                        sum += v;
                    }

                    for (int k = 0; k < children.Length; k++)
                    {
                        weight[children[k]] = w[k];
                        share[children[k]] = w[k] / sum;
                    }
                }

                for (int node = 0; node < nNodes; node++)
                {
                    if (_plan.Parent[node] < 0)
                    {
                        rows.Add(new WeightRow(track, node, 1, 1));
                        continue;
                    }

                    double effective = 1;
                    for (int at = node; _plan.Parent[at] >= 0; at = nInd + _plan.Parent[at])
                    {
                        effective *= share[at];
                    }

                    rows.Add(new WeightRow(track, node, weight[node], effective));
                }
            }

            return rows;
        }

        private string[][] RuleTexts()
        {
            int nInd = _plan.IndicatorCount;
            var texts = new string[_plan.NodeCount][];
            var cache = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
            for (int node = 0; node < _plan.NodeCount; node++)
            {
                texts[node] = new string[_n];
                for (int u = 0; u < _n; u++)
                {
                    int t = _trackOf[u];
                    if (node < nInd)
                    {
                        NormaliseStep r = _plan.Normalise[t][node];
                        if (!cache.TryGetValue(r, out string? s))
                        {
                            cache[r] = s = Describe(r);
                        }

                        texts[node][u] = s;
                    }
                    else
                    {
                        int g = node - nInd;
                        texts[node][u] = $"{Describe(_plan.Aggregate[t][g].Method)} ({_plan.Weighting[t][g].ToString().ToLowerInvariant()} weights)";
                    }
                }
            }

            return texts;
        }
    }

    internal static string Describe(AggregateMethod m) => m switch
    {
        AggregateMethod.Topsis => "topsis",
        AggregateMethod.Copeland => "copeland",
        _ => m.ToString().ToLowerInvariant(),
    };

    /// <summary>A normalisation rule as a short text, e.g. <c>minmax [0,100]</c>.</summary>
    internal static string Describe(NormaliseStep r)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return r.Method switch
        {
            NormaliseMethod.None => "none",
            NormaliseMethod.MinMax => $"minmax [{F(r.Low)},{F(r.High)}]",
            NormaliseMethod.ZScore => $"zscore mean={F(r.Mean)} sd={F(r.Sd)}",
            NormaliseMethod.Vector => "vector",
            NormaliseMethod.Goalposts => $"goalposts min={F(r.Min)} max={F(r.Max)} scale={F(r.Scale)} clamp={(r.Clamp ? "true" : "false")}",
            NormaliseMethod.Rank => "rank (percentile)",
            NormaliseMethod.Target => $"target cap={F(r.Cap)} scale={F(r.Scale)}",
            NormaliseMethod.Completion =>
                $"completion full={F(r.Full)} atTarget={F(r.AtTarget)} perPoint={F(r.PerPoint)} cap={F(r.Cap)} floor={F(r.Floor)} basis={(r.Basis == CompletionBasis.Ratio ? "ratio" : "difference")}",
            NormaliseMethod.RankPoints => $"rankPoints first={F(r.First)} step={F(r.Step)} floor={F(r.Floor)}",
            NormaliseMethod.Tiers => $"tiers bounds=[{string.Join(",", r.Bounds.Select(F))}] points=[{string.Join(",", r.Points.Select(F))}]",
            NormaliseMethod.LeaderRatio => $"leaderRatio full={F(r.Full)}",
            _ => r.Method.ToString(),
        };
    }
}
