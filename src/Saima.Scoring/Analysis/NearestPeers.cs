namespace Saima.Scoring;

/// <summary>A peer: a local unit of the period and its distance to the unit asked about.</summary>
public readonly record struct Peer(int Unit, double Distance);

/// <summary>
/// Nearest peers (对标): the units most like a given one on chosen indicators. Each indicator's
/// raw values become z-scores, z = (x − mean)/sd with the mean and the population sd over the
/// units that have a value for every listed indicator (an indicator with sd 0 is left out: it
/// tells no unit apart); the distance is the Euclidean distance between z-score vectors. Units
/// lacking any listed value are not candidates. Sums run over units in code order.
/// </summary>
public static class NearestPeers
{
    /// <param name="values">[indicator][unit] raw values (NaN: missing), units in code order.</param>
    /// <param name="unit">The unit asked about; it must have every value.</param>
    /// <param name="k">How many peers (at least 1).</param>
    /// <returns>The k nearest other units, by distance, then by unit (code order).</returns>
    public static IReadOnlyList<Peer> Find(IReadOnlyList<double[]> values, int unit, int k)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int n = values.Count == 0 ? 0 : values[0].Length;
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, Math.Max(n, 1));
        var complete = new List<int>(n);
        for (int u = 0; u < n; u++)
        {
            bool all = true;
            foreach (double[] column in values)
            {
                all &= !double.IsNaN(column[u]);
            }

            if (all)
            {
                complete.Add(u);
            }
            else if (u == unit)
            {
                throw new ArgumentException("the unit lacks a value for a listed indicator", nameof(unit));
            }
        }

        var z = new List<double[]>(values.Count);
        foreach (double[] column in values)
        {
            double sum = 0;
            foreach (int u in complete)
            {
                sum += column[u];
            }

            double mean = sum / complete.Count;
            double ss = 0;
            foreach (int u in complete)
            {
                double d = column[u] - mean;
                ss += d * d;
            }

            double sd = Math.Sqrt(ss / complete.Count);
            if (!(sd > 0))
            {
                continue;
            }

            var zc = new double[n];
            foreach (int u in complete)
            {
                zc[u] = (column[u] - mean) / sd;
            }

            z.Add(zc);
        }

        var peers = new List<Peer>(complete.Count);
        foreach (int u in complete)
        {
            if (u == unit)
            {
                continue;
            }

            double ss = 0;
            foreach (double[] zc in z)
            {
                double d = zc[u] - zc[unit];
                ss += d * d;
            }

            peers.Add(new Peer(u, Math.Sqrt(ss)));
        }

        // Stable on ties: units are already in code order.
        return peers.OrderBy(p => p.Distance).ThenBy(p => p.Unit).Take(k).ToList();
    }
}
