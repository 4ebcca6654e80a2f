namespace Saima.Scoring;

/// <summary>
/// Reductions over a set of values, always in the order given (units in code order), so that the
/// same input gives bit-identical output. Written here rather than taken from MathNet.Numerics:
/// the contract fixes the exact estimators and the order of evaluation (spreadsheet SKEW/KURT),
/// and the engine stays free of packages.
/// </summary>
internal static class Statistics
{
    public static double Mean(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += v;
        }

        return s / x.Length;
    }

    /// <summary>Median of the values; the mean of the two middle ones for an even count. Sorts a copy.</summary>
    public static double Median(ReadOnlySpan<double> x)
    {
        if (x.Length == 0)
        {
            return double.NaN;
        }

        double[] sorted = x.ToArray();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Sample standard deviation (n − 1).</summary>
    public static double SampleSd(ReadOnlySpan<double> x, double mean)
    {
        double s = 0;
        foreach (double v in x)
        {
            double d = v - mean;
            s += d * d;
        }

        return Math.Sqrt(s / (x.Length - 1));
    }

    /// <summary>
    /// Sample skewness and excess kurtosis as spreadsheets define them (SKEW, KURT):
    /// skew = √n·Σd³/(Σd²)^1.5 · √(n(n−1))/(n−2); kurtosis = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)), r = n·Σd⁴/(Σd²)².
    /// NaN where undefined (fewer than 3 or 4 values, or no spread).
    /// </summary>
    public static (double Skew, double Kurtosis) SkewKurtosis(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        if (n < 3)
        {
            return (double.NaN, double.NaN);
        }

        double mean = Mean(x);
        double s2 = 0, s3 = 0, s4 = 0;
        foreach (double v in x)
        {
            double d = v - mean;
            double d2 = d * d;
            s2 += d2;
            s3 += d2 * d;
            s4 += d2 * d2;
        }

        if (s2 == 0)
        {
            return (double.NaN, double.NaN);
        }

        double nn = n;
        double skew = Math.Sqrt(nn) * s3 / Math.Pow(s2, 1.5) * Math.Sqrt(nn * (nn - 1)) / (nn - 2);
        if (n < 4)
        {
            return (skew, double.NaN);
        }

        double r = nn * s4 / (s2 * s2);
        double kurt = (((nn + 1) * (r - 3)) + 6) * (nn - 1) / ((nn - 2) * (nn - 3));
        return (skew, kurt);
    }
}
