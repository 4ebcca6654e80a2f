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
        RankInto(scores, units, roundTo, ranks, new long[units.Length], new int[units.Length]);
        return ranks;
    }

    /// <summary>
    /// Writes the ranks of <paramref name="units"/> into <paramref name="ranks"/> (other entries untouched),
    /// using the caller's scratch buffers (at least as long as <paramref name="units"/>).
    /// </summary>
    internal static void RankInto(double[] scores, int[] units, int? roundTo, int[] ranks, long[] longKeys, int[] order)
    {
        int m = 0;
        long[] keys = longKeys;
        foreach (int u in units)
        {
            double v = scores[u];
            if (!double.IsNaN(v))
            {
                if (roundTo is { } decimals)
                {
                    v = RoundKey(v, decimals);
                }

                // Doubles mapped to integers of the same order sort faster than doubles with their NaN checks.
                long bits = BitConverter.DoubleToInt64Bits(v == 0 ? 0.0 : v);
                keys[m] = bits < 0 ? bits ^ long.MaxValue : bits;
                order[m++] = u;
            }
        }

        Array.Sort(keys, order, 0, m);
        Assign(keys.AsSpan(0, m), order.AsSpan(0, m), ranks);
    }

    /// <summary>
    /// The rank <see cref="RankInto"/> gives unit <paramref name="u"/> (one of <paramref name="units"/>)
    /// without ranking the others: 1 + the number of units whose key is strictly larger;
    /// <see cref="PeriodResult.NoRank"/> for a missing score. Rounding keeps the order (the rounded
    /// value never decreases as the score grows), so only scores above the unit's are rounded.
    /// </summary>
    internal static int RankOf(double[] scores, int[] units, int? roundTo, int u)
    {
        double mine = scores[u];
        if (double.IsNaN(mine))
        {
            return PeriodResult.NoRank;
        }

        double key = roundTo is { } d ? RoundKey(mine, d) : mine;
        int above = 0;
        foreach (int o in units)
        {
            double v = scores[o];

            // NaN and scores at or below the unit's fail the first test; rounded, they stay at or below its key.
            if (!(v > mine))
            {
                continue;
            }

            if (roundTo is { } decimals)
            {
                v = RoundKey(v, decimals);
            }

            if (v > key)
            {
                above++;
            }
        }

        return 1 + above;
    }

    /// <summary>Keys ascending: the rank of a key is 1 + the number of strictly larger keys.</summary>
    private static void Assign<T>(ReadOnlySpan<T> keys, ReadOnlySpan<int> order, int[] ranks)
        where T : IEquatable<T>
    {
        int m = keys.Length;
        int k = m - 1;
        while (k >= 0)
        {
            int top = k;
            while (k > 0 && keys[k - 1].Equals(keys[top]))
            {
                k--;
            }

            int rank = m - top;
            for (int j = k; j <= top; j++)
            {
                ranks[order[j]] = rank;
            }

            k--;
        }
    }

    /// <summary>
    /// Rounds half away from zero at <paramref name="decimals"/> places of the shortest round-trip
    /// decimal text of <paramref name="x"/> (so 2.675, stored as 2.67499999…, rounds to 2.68 as a
    /// person reading "2.675" would). The text has at most 17 significant digits, which
    /// <see cref="decimal"/> holds exactly below 7.9e28.
    /// </summary>
    /// <exception cref="OverflowException">|x| ≥ 7.9e28.</exception>
    public static decimal Round(double x, int decimals)
    {
        decimal d = decimal.Parse(x.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.Round(d, decimals, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The score as ranking compares it under <c>roundTo</c>: the rounded decimal read back as the
    /// nearest double (distinct rounded values stay distinct: they have at most 17 significant
    /// digits). Beyond decimal's range a double is a whole number, which rounding leaves as it is.
    /// </summary>
    public static double RoundKey(double x, int decimals)
    {
        if (!(Math.Abs(x) < 7.9e28))
        {
            return x;
        }

        return double.Parse(Round(x, decimals).ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
