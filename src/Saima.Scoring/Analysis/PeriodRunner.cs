namespace Saima.Scoring;

public static partial class ScoringEngine
{
    /// <summary>
    /// One period prepared once (figures denominated and transformed, earlier periods too, for
    /// <c>previous</c> imputation) and scored again and again under variants of the plan or with
    /// one figure moved: what the analyses (rank uncertainty, what it takes) run on. Thread-safe:
    /// every scoring has its own state; the shared arrays are only read.
    /// </summary>
    internal sealed class PeriodRunner
    {
        private readonly Prepared[] _prepared;
        private readonly Lazy<ProbeBasis> _basis;

        /// <exception cref="ScoringException">A value of period <paramref name="p"/> or before is outside its transform's domain.</exception>
        public PeriodRunner(Plan plan, int p)
        {
            Plan = plan;
            Period = p;
            _prepared = new Prepared[plan.Data.Periods.Length];
            for (int q = 0; q <= p; q++)
            {
                _prepared[q] = Prepare(plan, q);
            }

            _basis = new Lazy<ProbeBasis>(MakeBasis, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public Plan Plan { get; }

        public int Period { get; }

        public PeriodData Data => Plan.Data.Periods[Period];

        /// <summary>
        /// The period as it is, every node ranked (what <see cref="Score"/> gives), scored once and
        /// kept: the baseline every incremental probe starts from.
        /// </summary>
        /// <exception cref="ScoringException">The period cannot be scored.</exception>
        public PeriodResult Baseline => _basis.Value.Result;

        /// <summary>
        /// Scores the period under <paramref name="plan"/> (a variant of <see cref="Plan"/> over the
        /// same data); with <paramref name="rankOnly"/> ≥ 0 only that node is ranked (the others' ranks are missing).
        /// </summary>
        public PeriodResult Score(Plan? plan = null, int rankOnly = -1) =>
            new PeriodScorer(plan ?? Plan, _prepared, Period, explain: false, warnings: false, rankOnly).Score();

        /// <summary>
        /// Scores the period with the raw figure of <paramref name="indicator"/> for the local unit
        /// <paramref name="unit"/> replaced by <paramref name="raw"/> (NaN: missing). Indicators that
        /// use it as their denominator follow it. The whole period is scored again: the oracle the
        /// incremental <see cref="ProbeWith"/> is held to.
        /// </summary>
        /// <exception cref="ScoringException">The value is outside the transform's domain, or scoring fails.</exception>
        public PeriodResult ScoreWith(int indicator, int unit, double raw, int rankOnly = -1) =>
            new PeriodScorer(Plan, PreparedWith(indicator, unit, raw), Period, explain: false, warnings: false, rankOnly).Score();

        /// <summary>
        /// What <see cref="ScoreWith"/> gives, to the bit, for what it costs to score the moved
        /// column: only the moved indicator's column and the columns it denominates are prepared,
        /// imputed, treated, normalised and adjusted again, and only their ancestor groups aggregated
        /// again; every other column is the baseline's. Every step of a column reads that column
        /// alone and a group its children alone, so this is equal by construction, whatever the
        /// methods (entropy weights, TOPSIS and Copeland included: they are recomputed over the whole
        /// group whenever a child moved). The one step that reads every column, screening, is checked
        /// for the moved unit: if its screening changes, the whole period is scored.
        /// </summary>
        /// <exception cref="ScoringException">The value is outside the transform's domain, or scoring fails.</exception>
        public PeriodResult ProbeWith(int indicator, int unit, double raw, int rankOnly = -1) =>
            Probe(indicator, unit, raw, rankOnly, out _);

        /// <summary>
        /// The rank of <paramref name="unit"/> at <paramref name="node"/> (within its track with
        /// <paramref name="track"/>) with the figure moved, as <see cref="ScoreWith"/> would rank it,
        /// without ranking the others: 1 + the number of compared units scoring strictly higher.
        /// </summary>
        /// <exception cref="ScoringException">The value is outside the transform's domain, or scoring fails.</exception>
        public int RankWith(int indicator, int unit, double raw, int node, bool track)
        {
            PeriodResult r = Probe(indicator, unit, raw, rankOnly: -2, out Frame? frame);
            if (frame is null)
            {
                // Scored in full (the unit's screening changed): ranked already.
                return track ? r.TrackRanks![node][unit] : r.Ranks[node][unit];
            }

            if (frame.Screened[unit])
            {
                return PeriodResult.NoRank;
            }

            int[] compared = track ? frame.ActiveByTrack[frame.TrackOf[unit]] : frame.Active;
            return Ranking.RankOf(r.Scores[node], compared, Plan.Scheme.RoundTo, unit);
        }

        /// <summary>rankOnly -2: no node ranked. <paramref name="frame"/> is null when the whole period was scored (then ranked as asked, -2 as -1).</summary>
        private PeriodResult Probe(int indicator, int unit, double raw, int rankOnly, out Frame? frame)
        {
            ProbeBasis basis = _basis.Value;
            Prepared[] prepared = PreparedWith(indicator, unit, raw);
            if (PeriodScorer.IsScreened(Plan, prepared[Period], unit) != basis.Frame.Screened[unit])
            {
                frame = null;
                return new PeriodScorer(Plan, prepared, Period, explain: false, warnings: false, Math.Max(-1, rankOnly)).Score();
            }

            frame = basis.Frame;
            var scorer = new PeriodScorer(Plan, prepared, Period, explain: false, warnings: false, Math.Max(-1, rankOnly), basis.Frame);
            return scorer.ScoreChanged(basis.Result, basis.Dirty[indicator], basis.DirtyGroups[indicator], basis.Adjustment, rank: rankOnly != -2, basis.ZeroRanks);
        }

        /// <summary>The prepared periods with one raw figure moved: the moved column and those it denominates prepared again.</summary>
        private Prepared[] PreparedWith(int indicator, int unit, double raw)
        {
            PeriodData pd = Data;
            Prepared basis = _prepared[Period];
            double[] column = (double[])pd.Values[indicator].Clone();
            column[unit] = raw;
            var denominator = (double[][])basis.Denominator.Clone();
            var denominated = (double[][])basis.Denominated.Clone();
            var transformed = (double[][])basis.Transformed.Clone();
            for (int i = 0; i < Plan.IndicatorCount; i++)
            {
                int d = Plan.Denominator[i];
                if (i != indicator && d != indicator)
                {
                    continue;
                }

                double[] own = i == indicator ? column : pd.Values[i];
                double[] den = d < 0 ? basis.Denominator[i] : d == indicator ? column : pd.Values[d];
                (denominator[i], denominated[i], transformed[i]) = PrepareColumn(Plan, pd, i, own, den, d >= 0);
            }

            var prepared = (Prepared[])_prepared.Clone();
            prepared[Period] = new Prepared { Denominator = denominator, Denominated = denominated, Transformed = transformed, LocalOf = basis.LocalOf };
            return prepared;
        }

        private ProbeBasis MakeBasis()
        {
            var scorer = new PeriodScorer(Plan, _prepared, Period, explain: false, warnings: false);
            PeriodResult result = scorer.Score();
            int nInd = Plan.IndicatorCount;
            var dirty = new int[nInd][];
            var dirtyGroups = new int[nInd][];
            for (int m = 0; m < nInd; m++)
            {
                // The moved column and the columns it denominates (as PreparedWith prepares them again).
                var columns = new List<int>();
                var groups = new bool[Plan.GroupCount];
                for (int i = 0; i < nInd; i++)
                {
                    if (i != m && Plan.Denominator[i] != m)
                    {
                        continue;
                    }

                    columns.Add(i);
                    for (int g = Plan.Parent[i]; g >= 0 && !groups[g]; g = Plan.Parent[nInd + g])
                    {
                        groups[g] = true;
                    }
                }

                dirty[m] = columns.ToArray();
                dirtyGroups[m] = Plan.BottomUp.Where(g => groups[g]).ToArray();
            }

            return new ProbeBasis
            {
                Result = result,
                Frame = scorer.Frame,
                Adjustment = scorer.Adjustments(),
                Dirty = dirty,
                DirtyGroups = dirtyGroups,
                ZeroRanks = new int[Data.Units.Length],
            };
        }

        /// <summary>What every incremental probe of the period shares (read only).</summary>
        private sealed class ProbeBasis
        {
            public required PeriodResult Result { get; init; }
            public required Frame Frame { get; init; }

            /// <summary>[node][unit] bonus/penalty points of the period (null: none for the node).</summary>
            public required double[]?[] Adjustment { get; init; }

            /// <summary>[moved indicator] the columns scored again, ascending.</summary>
            public required int[][] Dirty { get; init; }

            /// <summary>[moved indicator] the groups aggregated again, children before parents.</summary>
            public required int[][] DirtyGroups { get; init; }

            public required int[] ZeroRanks { get; init; }
        }
    }
}
