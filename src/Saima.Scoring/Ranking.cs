using System.Globalization;

namespace Saima.Scoring;

/// <summary>
/// Competition ranking (1 is best, ties share the lowest number), after rounding scores to the
/// scheme's decimals half away from zero (四舍五入) on their shortest round-trip decimal text.
/// </summary>
public static class Ranking
{
    /// <summary>Ranks of <paramref name="units"/> by <paramref name="scores"/>; other units and missing scores get <see cref="PeriodResult.NoRank"/>.</summary>
    public static int[] Rank(double[] scores, int[] units, int size, int? roundTo)
    {
        int[] ranks = new int[size];
        Array.Fill(ranks, PeriodResult.NoRank);
        if (roundTo is { } decimals)
        {
            RankBy(scores, units, ranks, s => Round(s, decimals));
        }
        else
        {
            RankBy(scores, units, ranks, static s => s);
        }

        return ranks;
    }

    /// <summary>The rank of a key is 1 + the number of strictly larger keys (competition ranking).</summary>
    private static void RankBy<T>(double[] scores, int[] units, int[] ranks, Func<double, T> key)
        where T : IComparable<T>
    {
        var keys = new T[units.Length];
        var present = new int[units.Length];
        int m = 0;
        foreach (int u in units)
        {
            if (!double.IsNaN(scores[u]))
            {
                keys[m] = key(scores[u]);
                present[m++] = u;
            }
        }

        var sorted = keys[..m];
        Array.Sort(sorted);
        for (int k = 0; k < m; k++)
        {
            // Binary search for the count of keys ≤ this one.
            T v = keys[k];
            int lo = 0, hi = m;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid].CompareTo(v) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            ranks[present[k]] = m - lo + 1;
        }
    }

    /// <summary>
    /// Rounds half away from zero at <paramref name="decimals"/> places of the shortest round-trip
    /// decimal text of <paramref name="x"/> (so 2.675, stored as 2.67499999…, rounds to 2.68 as a
    /// person reading "2.675" would).
    /// </summary>
    public static decimal Round(double x, int decimals)
    {
        if (Math.Abs(x) >= 1e15)
        {
            // Already a whole number; beyond decimal's exact range for some inputs.
            return Math.Abs(x) < 7.9e28 ? (decimal)x : (x > 0 ? decimal.MaxValue : decimal.MinValue);
        }

        decimal d = decimal.Parse(x.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.Round(d, decimals, MidpointRounding.AwayFromZero);
    }
}
