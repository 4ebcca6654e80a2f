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
        int m = 0;
        int[] idx = new int[units.Length];
        foreach (int u in units)
        {
            if (!double.IsNaN(scores[u]))
            {
                idx[m++] = u;
            }
        }

        if (m == 0)
        {
            return ranks;
        }

        if (roundTo is { } decimals)
        {
            var keys = new decimal[m];
            int[] order = idx[..m];
            for (int k = 0; k < m; k++)
            {
                keys[k] = Round(scores[order[k]], decimals);
            }

            Array.Sort(keys, order);
            AssignDescending(keys, order, ranks, static (a, b) => a == b);
            return ranks;
        }

        double[] sortKeys = new double[m];
        int[] ord = idx[..m];
        for (int k = 0; k < m; k++)
        {
            sortKeys[k] = scores[ord[k]];
        }

        Array.Sort(sortKeys, ord);
        AssignDescending(sortKeys, ord, ranks, static (a, b) => a == b);
        return ranks;
    }

    /// <summary>Keys ascending: the rank of a key is 1 + the number of strictly larger keys.</summary>
    private static void AssignDescending<T>(T[] keys, int[] order, int[] ranks, Func<T, T, bool> equal)
    {
        int m = keys.Length;
        int k = m - 1;
        while (k >= 0)
        {
            int start = k;
            while (k > 0 && equal(keys[k - 1], keys[start]))
            {
                k--;
            }

            int rank = m - start;
            for (int j = k; j <= start; j++)
            {
                ranks[order[j]] = rank;
            }

            k--;
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
