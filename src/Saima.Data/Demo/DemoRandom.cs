namespace Saima.Data.Demo;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny generator whose sequence is fixed by its seed on
/// every runtime and machine, unlike System.Random, whose algorithm may change between .NET
/// versions. The demo city must come out the same bit for bit on every build.
/// </summary>
internal sealed class DemoRandom(ulong seed)
{
    private readonly Saima.Scoring.SplitMix64 _core = new(seed);
    private readonly ulong _seed = seed;
    private ulong _drawn;

    public ulong NextULong()
    {
        _drawn++;
        return _core.Next();
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)(NextULong() % (ulong)n);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box–Muller (one of the pair is dropped: simplicity over speed).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A generator for one named purpose, so that adding draws elsewhere leaves this stream unchanged.</summary>
    public DemoRandom Fork(string purpose)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in purpose)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        // The state after the draws so far, as SplitMix64 advances it: seed + draws·γ.
        return new DemoRandom(unchecked(_seed + (_drawn * 0x9E3779B97F4A7C15UL)) ^ h);
    }
}
