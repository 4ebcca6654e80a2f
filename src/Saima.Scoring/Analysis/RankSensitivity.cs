namespace Saima.Scoring;

/// <summary>
/// Which inputs of a rank uncertainty run move ranks most: first-order sensitivity indices
/// estimated from the run's own replicates, so they cost no extra scoring.
/// <para>
/// The output of a replicate is its mean absolute rank shift, Y = mean over the units ranked in
/// every replicate of |rank − unperturbed rank| (ranks within the track where the scheme has
/// tracks). A factor is a weight's multiplier (uniform on [1 − W, 1 + W]) or the choice made from
/// a list of alternative steps. Its first-order index S = Var(E[Y | factor]) / Var(Y) is estimated
/// by grouping the replicates: a step list by its choice, a weight factor into
/// <see cref="Bins"/> equal-width bins of its range (fewer when there are fewer than 50
/// replicates per bin), and reporting the bias-corrected share of the between-group sum of
/// squares (epsilon squared): (SSB − (g − 1)·SSW / (N − g)) / SST, at least 0, where g is the
/// number of non-empty groups. A factor that alone fixes Y gets 1; one that does not matter gets
/// about 0 (the correction removes the part chance alone explains).
/// </para>
/// <para>
/// Replicates are independent draws (not a Saltelli design), so the indices are estimates whose
/// noise shrinks with the replicates; they are first-order only (interactions are not split out).
/// </para>
/// </summary>
public static class RankSensitivity
{
    /// <summary>Bins of a weight factor's range at most.</summary>
    public const int Bins = 10;

    /// <summary>Replicates per bin at least, where there are fewer than <see cref="Bins"/> × this.</summary>
    public const int PerBin = 50;

    /// <summary>
    /// Each replicate's mean absolute rank shift over the units that have a summary (ranked in
    /// every replicate); 0 for a replicate where no unit does.
    /// </summary>
    public static double[] MeanShifts(int[] nominal, int[][] sampled, RankSummary?[] summaries)
    {
        ArgumentNullException.ThrowIfNull(nominal);
        ArgumentNullException.ThrowIfNull(sampled);
        ArgumentNullException.ThrowIfNull(summaries);
        int[] units = [.. Enumerable.Range(0, nominal.Length).Where(u => summaries[u] is not null)];
        var shift = new double[sampled.Length];
        if (units.Length == 0)
        {
            return shift;
        }

        for (int r = 0; r < sampled.Length; r++)
        {
            long sum = 0;
            foreach (int u in units)
            {
                sum += Math.Abs(sampled[r][u] - nominal[u]);
            }

            shift[r] = (double)sum / units.Length;
        }

        return shift;
    }

    /// <summary>The first-order index of every factor that varied, largest first (ties by kind, then code).</summary>
    internal static List<SensitivityFactor> FirstOrder(
        double[] y, List<(int Index, SensitivityKind Kind, string Code)> weights, double[][] drawn, StepAlternatives alt, int[][] picked)
    {
        int n = y.Length;
        var list = new List<SensitivityFactor>();
        int bins = Math.Clamp(n / PerBin, 2, Bins);
        var group = new int[n];
        foreach ((int index, SensitivityKind kind, string code) in weights)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int r = 0; r < n; r++)
            {
                lo = Math.Min(lo, drawn[r][index]);
                hi = Math.Max(hi, drawn[r][index]);
            }

            if (!(hi > lo))
            {
                continue;
            }

            for (int r = 0; r < n; r++)
            {
                group[r] = Math.Min(bins - 1, (int)((drawn[r][index] - lo) / (hi - lo) * bins));
            }

            list.Add(new SensitivityFactor(kind, code, EpsilonSquared(y, group, bins)));
        }

        (SensitivityKind Kind, int Count)[] steps =
            [(SensitivityKind.Impute, alt.Impute.Count), (SensitivityKind.Normalise, alt.Normalise.Count), (SensitivityKind.Aggregate, alt.Aggregate.Count)];
        for (int s = 0; s < steps.Length; s++)
        {
            if (steps[s].Count < 2)
            {
                continue;
            }

            for (int r = 0; r < n; r++)
            {
                group[r] = picked[r][s];
            }

            list.Add(new SensitivityFactor(steps[s].Kind, string.Empty, EpsilonSquared(y, group, steps[s].Count)));
        }

        return [.. list.OrderByDescending(f => f.FirstOrder).ThenBy(f => f.Kind).ThenBy(f => f.Code, StringComparer.Ordinal)];
    }

    /// <summary>
    /// (SSB − (g − 1)·SSW / (N − g)) / SST over the groups of <paramref name="y"/>, clamped to [0, 1];
    /// 0 when Y does not vary, or when every replicate is its own group.
    /// </summary>
    public static double EpsilonSquared(double[] y, int[] group, int groups)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(group);
        int n = y.Length;
        var sum = new double[groups];
        var count = new int[groups];
        double total = 0;
        for (int r = 0; r < n; r++)
        {
            sum[group[r]] += y[r];
            count[group[r]]++;
            total += y[r];
        }

        double mean = total / n;
        double sst = 0, ssw = 0;
        for (int r = 0; r < n; r++)
        {
            sst += (y[r] - mean) * (y[r] - mean);
            double m = sum[group[r]] / count[group[r]];
            ssw += (y[r] - m) * (y[r] - m);
        }

        int g = count.Count(c => c > 0);
        if (sst <= 0 || n <= g)
        {
            return 0;
        }

        double ssb = sst - ssw;
        double e = (ssb - ((g - 1) * ssw / (n - g))) / sst;
        return Math.Clamp(e, 0, 1);
    }
}
