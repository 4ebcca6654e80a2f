using System.Globalization;

namespace Saima.Scoring;

public sealed record ScoringOptions
{
    /// <summary>Keep weights, treatment logs and the per-unit chain from raw figure to score.</summary>
    public bool Explain { get; init; }

    /// <summary>Compute warning rows (completion against time progress) for indicators with targets, when the scheme has warning rules.</summary>
    public bool Warnings { get; init; } = true;

    /// <summary>
    /// Score only the last this many periods of the data (null: all). Earlier periods still feed
    /// <c>previous</c> imputation; the first scored period has no rank change. A store that keeps
    /// results per period scores the last two to get the newest one with its rank change.
    /// </summary>
    public int? LastPeriods { get; init; }

    /// <summary>Score periods in parallel (results are identical either way).</summary>
    public bool Parallel { get; init; } = true;
}

/// <summary>
/// The scoring engine. Per period: denominate, transform, screen units, impute, treat outliers,
/// normalise, weight, aggregate leaves-up (adding bonus/penalty points as each node is computed),
/// rank. Pure and deterministic: every reduction runs over units in code order.
/// </summary>
public static partial class ScoringEngine
{
    /// <summary>
    /// Scores every period of <paramref name="data"/> under <paramref name="scheme"/> (or the last
    /// <see cref="ScoringOptions.LastPeriods"/>); the result's periods are in the data's order.
    /// </summary>
    /// <exception cref="SchemeException">The scheme does not fit the data (unknown track, missing group column).</exception>
    /// <exception cref="ScoringException">A value outside a transform's domain, a non-positive child of a geometric mean, etc.</exception>
    public static ScoringResult Score(Scheme scheme, Dataset data, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ScoringOptions();
        Plan plan = Plan.Create(scheme, data);
        int nPeriods = data.Periods.Length;

        // Denominated and transformed values of every period first: `previous` imputation reads earlier periods.
        var prepared = new Prepared[nPeriods];
        Run(nPeriods, options.Parallel, p => prepared[p] = Prepare(plan, p));

        int first = options.LastPeriods is { } last ? Math.Max(0, nPeriods - Math.Max(1, last)) : 0;
        var results = new PeriodResult[nPeriods - first];
        Run(results.Length, options.Parallel, k => results[k] = new PeriodScorer(plan, prepared, first + k, options.Explain, options.Warnings).Score());

        if (data.HasPeriods)
        {
            for (int k = 0; k < results.Length; k++)
            {
                FillRankChanges(plan, results, k);
            }
        }

        return new ScoringResult { Scheme = scheme, Dataset = data, Periods = results };
    }

    private static void Run(int count, bool parallel, Action<int> body)
    {
        if (parallel && count > 1)
        {
            // Exceptions surface as the first one in period order, so errors are deterministic too.
            var errors = new Exception?[count];
            System.Threading.Tasks.Parallel.For(0, count, p =>
            {
                try
                {
                    body(p);
                }
                catch (Exception ex) when (ex is ScoringException or SchemeException)
                {
                    errors[p] = ex;
                }
            });
            foreach (Exception? e in errors)
            {
                if (e is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                }
            }

            return;
        }

        for (int p = 0; p < count; p++)
        {
            body(p);
        }
    }

    /// <summary>Values of one period after denominating and transforming, [indicator][local unit].</summary>
    internal sealed class Prepared
    {
        public required double[][] Denominator { get; init; }
        public required double[][] Denominated { get; init; }
        public required double[][] Transformed { get; init; }

        /// <summary>[global unit] local index in the period, or -1.</summary>
        public required int[] LocalOf { get; init; }
    }

    private static Prepared Prepare(Plan plan, int p)
    {
        PeriodData pd = plan.Data.Periods[p];
        int n = pd.Units.Length, nInd = plan.IndicatorCount;
        var denominator = new double[nInd][];
        var denominated = new double[nInd][];
        var transformed = new double[nInd][];
        double[]? noDenominator = null;
        for (int i = 0; i < nInd; i++)
        {
            double[]? den = plan.Denominator[i] >= 0 ? pd.Values[plan.Denominator[i]] : null;
            (denominator[i], denominated[i], transformed[i]) = PrepareColumn(plan, pd, i, pd.Values[i], den ?? (noDenominator ??= Nan(n)), den is not null);
        }

        int[] localOf = new int[plan.Data.UnitCodes.Length];
        Array.Fill(localOf, -1);
        for (int u = 0; u < n; u++)
        {
            localOf[pd.Units[u]] = u;
        }

        return new Prepared { Denominator = denominator, Denominated = denominated, Transformed = transformed, LocalOf = localOf };
    }

    /// <summary>
    /// One indicator's column of a period denominated and transformed: the denominator used, the
    /// denominated values and the transformed ones. Throws for a value outside the transform's domain.
    /// </summary>
    internal static (double[] Denominator, double[] Denominated, double[] Transformed) PrepareColumn(
        Plan plan, PeriodData pd, int i, double[] raw, double[] den, bool hasDenominator)
    {
        IndicatorDef def = plan.Scheme.Indicators[i];
        int n = raw.Length;
        double[] x;
        if (hasDenominator)
        {
            x = new double[n];
            for (int u = 0; u < n; u++)
            {
                double d = den[u];

                // A missing or zero denominator gives a missing value.
                x[u] = double.IsNaN(d) || d == 0 ? double.NaN : raw[u] / d;
            }
        }
        else
        {
            x = raw;
        }

        double[] y = x;
        if (def.Transform != Transform.None)
        {
            y = new double[n];
            for (int u = 0; u < n; u++)
            {
                if (double.IsNaN(x[u]))
                {
                    y[u] = double.NaN;
                    continue;
                }

                y[u] = Transforms.Apply(def.Transform, x[u]);
                if (!double.IsFinite(y[u]))
                {
                    throw new ScoringException(
                        $"{Where(pd.Period)}unit '{plan.Data.UnitCodes[pd.Units[u]]}', indicator '{def.Code}': value {Text(x[u])} is outside the domain of the transform {Transforms.Name(def.Transform)}");
                }
            }
        }

        return (den, x, y);
    }

    private static void FillRankChanges(Plan plan, PeriodResult[] results, int p)
    {
        PeriodResult cur = results[p];
        int[][] change = cur.RankChanges!;
        int n = cur.Data.Units.Length;
        for (int node = 0; node < plan.NodeCount; node++)
        {
            Array.Fill(change[node], PeriodResult.NoRank);
        }

        if (p == 0)
        {
            return;
        }

        PeriodResult prev = results[p - 1];
        int[] prevLocal = new int[plan.Data.UnitCodes.Length];
        Array.Fill(prevLocal, -1);
        for (int u = 0; u < prev.Data.Units.Length; u++)
        {
            prevLocal[prev.Data.Units[u]] = u;
        }

        for (int u = 0; u < n; u++)
        {
            int q = prevLocal[cur.Data.Units[u]];
            if (q < 0)
            {
                continue;
            }

            for (int node = 0; node < plan.NodeCount; node++)
            {
                int before = prev.Ranks[node][q], now = cur.Ranks[node][u];
                if (before != PeriodResult.NoRank && now != PeriodResult.NoRank)
                {
                    change[node][u] = before - now;
                }
            }
        }
    }

    internal static double[] Nan(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }

    internal static string Where(Period period) => period.Kind == PeriodKind.None ? string.Empty : $"period {period}, ";

    internal static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
