namespace Saima.Scoring;

/// <summary>
/// Outlier treatment by the skew/kurtosis rule of the OECD/JRC handbook (as COINr applies it):
/// while |skew| ≥ limit and kurtosis ≥ limit, cap the values at the extreme on the side of the
/// skew to the next value in; if that does not settle it within the allowed points, fall back to
/// a log transform of the original values.
/// </summary>
internal static class Winsorisation
{
    public readonly record struct Result(
        double[] Values,
        TreatmentKind Treatment,
        int Points,
        double SkewBefore,
        double KurtosisBefore,
        double SkewAfter,
        double KurtosisAfter);

    /// <param name="original">The non-missing values of the compared units, in unit-code order.</param>
    public static Result Apply(double[] original, TreatStep rule, bool computeStats)
    {
        if (rule.Method == TreatMethod.None)
        {
            if (!computeStats)
            {
                return new Result(original, TreatmentKind.None, 0, double.NaN, double.NaN, double.NaN, double.NaN);
            }

            (double s0, double k0) = Statistics.SkewKurtosis(original);
            return new Result(original, TreatmentKind.None, 0, s0, k0, s0, k0);
        }

        (double skewBefore, double kurtBefore) = Statistics.SkewKurtosis(original);
        double skew = skewBefore, kurt = kurtBefore;
        double[] x = (double[])original.Clone();
        int points = 0;
        while (Fails(x.Length, skew, kurt, rule) && points < rule.MaxPoints)
        {
            // Values tied at the cap change together.
            bool high = skew >= 0;
            double extreme = x[0];
            foreach (double v in x)
            {
                extreme = high ? Math.Max(extreme, v) : Math.Min(extreme, v);
            }

            double next = high ? double.NegativeInfinity : double.PositiveInfinity;
            foreach (double v in x)
            {
                if (high ? v < extreme && v > next : v > extreme && v < next)
                {
                    next = v;
                }
            }

            if (double.IsInfinity(next))
            {
                break;
            }

            for (int k = 0; k < x.Length; k++)
            {
                if (x[k] == extreme)
                {
                    x[k] = next;
                }
            }

            points = 0;
            for (int k = 0; k < x.Length; k++)
            {
                if (x[k] != original[k])
                {
                    points++;
                }
            }

            (skew, kurt) = Statistics.SkewKurtosis(x);
        }

        if (Fails(x.Length, skew, kurt, rule) && rule.Fallback == TreatFallback.Log)
        {
            double min = original[0], max = original[0];
            foreach (double v in original)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            double shift = 0.01 * (max - min);
            var logged = new double[original.Length];
            for (int k = 0; k < logged.Length; k++)
            {
                logged[k] = Math.Log(original[k] - min + shift);
            }

            (double sl, double kl) = Statistics.SkewKurtosis(logged);
            return new Result(logged, TreatmentKind.Log, 0, skewBefore, kurtBefore, sl, kl);
        }

        return new Result(x, points > 0 ? TreatmentKind.Winsorised : TreatmentKind.None, points, skewBefore, kurtBefore, skew, kurt);
    }

    /// <summary>
    /// Fails when |skew| ≥ limit and kurtosis ≥ limit. With fewer than 4 values or no spread
    /// (skew or kurtosis undefined) the indicator passes.
    /// </summary>
    private static bool Fails(int n, double skew, double kurt, TreatStep rule) =>
        n >= 4 && !double.IsNaN(skew) && !double.IsNaN(kurt) && Math.Abs(skew) >= rule.SkewLimit && kurt >= rule.KurtosisLimit;
}
