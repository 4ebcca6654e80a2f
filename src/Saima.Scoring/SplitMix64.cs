using System.Runtime.CompilerServices;

namespace Saima.Scoring;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, well-mixed generator whose sequence
/// is fixed by its definition, so generated files, benchmark workloads and the demo city never
/// change between runtimes (System.Random's algorithm may). Pure: the engine's own tools (and
/// later its uncertainty analysis) may use it.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;
    private double _spare = double.NaN;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    /// <summary>Standard normal by the Marsaglia polar method (pairs, the spare kept for the next call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double NextGaussian()
    {
        if (!double.IsNaN(_spare))
        {
            double spare = _spare;
            _spare = double.NaN;
            return spare;
        }

        double u;
        double v;
        double s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f;
        return u * f;
    }
}
