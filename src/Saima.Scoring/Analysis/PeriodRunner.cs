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
        }

        public Plan Plan { get; }

        public int Period { get; }

        public PeriodData Data => Plan.Data.Periods[Period];

        /// <summary>
        /// Scores the period under <paramref name="plan"/> (a variant of <see cref="Plan"/> over the
        /// same data); with <paramref name="rankOnly"/> ≥ 0 only that node is ranked (the others' ranks are missing).
        /// </summary>
        public PeriodResult Score(Plan? plan = null, int rankOnly = -1) =>
            new PeriodScorer(plan ?? Plan, _prepared, Period, explain: false, warnings: false, rankOnly).Score();

        /// <summary>
        /// Scores the period with the raw figure of <paramref name="indicator"/> for the local unit
        /// <paramref name="unit"/> replaced by <paramref name="raw"/> (NaN: missing). Indicators that
        /// use it as their denominator follow it.
        /// </summary>
        /// <exception cref="ScoringException">The value is outside the transform's domain, or scoring fails.</exception>
        public PeriodResult ScoreWith(int indicator, int unit, double raw, int rankOnly = -1)
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
            return new PeriodScorer(Plan, prepared, Period, explain: false, warnings: false, rankOnly).Score();
        }
    }
}
