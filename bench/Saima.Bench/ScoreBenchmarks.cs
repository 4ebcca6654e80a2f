using BenchmarkDotNet.Attributes;
using Saima.Scoring;

namespace Saima.Bench;

/// <summary>
/// The whole engine pipeline, <see cref="ScoringEngine.Score"/>, on one period of a generated
/// workload. Targets (bench/README.md): 100 × 60 ≤ 200 µs; 3,000 × 200 ≤ 50 ms on one core.
/// Parallel is off so that the figures are single-core figures.
/// </summary>
[MemoryDiagnoser]
public class ScoreBenchmarks
{
    private Workload _workload = null!;
    private ScoringOptions _options = null!;

    [Params("100x60", "3000x200")]
    public string Size { get; set; } = "100x60";

    [Params(false, true)]
    public bool Explain { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (int units, int indicators) = Workload.ParseSize(Size);
        _workload = Workload.Create(units, indicators);
        _options = new ScoringOptions { Explain = Explain, Parallel = false };
        Sanity.Check(_workload, ScoringEngine.Score(_workload.Scheme, _workload.Dataset, _options));
    }

    [Benchmark]
    public ScoringResult Score() => ScoringEngine.Score(_workload.Scheme, _workload.Dataset, _options);
}

/// <summary>
/// What comes before scoring: parsing the scheme and laying 600,000 long-format figures out as a
/// <see cref="Dataset"/> (the CLI does this after reading the CSV).
/// </summary>
[MemoryDiagnoser]
public class IntakeBenchmarks
{
    private Workload _workload = null!;

    [GlobalSetup]
    public void Setup() => _workload = Workload.Create(3000, 200);

    [Benchmark]
    public Scheme ParseScheme() => SchemeParser.Parse(_workload.SchemeJson);

    [Benchmark]
    public Dataset BuildDataset_3000x200() => _workload.Refill().Build();
}

internal static class Sanity
{
    /// <summary>Fails the setup loudly if the engine returns something that cannot be right for this workload.</summary>
    public static void Check(Workload workload, ScoringResult result)
    {
        if (result.Periods.Length != 1)
        {
            throw new InvalidOperationException($"expected 1 period, got {result.Periods.Length}");
        }

        PeriodResult p = result.Periods[0];
        int root = workload.Scheme.Indicators.Count + workload.Scheme.RootGroup;
        double[] scores = p.Scores[root];
        int scored = scores.Count(double.IsFinite);
        if (scores.Length != workload.Units || scored < workload.Units * 0.99)
        {
            throw new InvalidOperationException($"expected a root score for (nearly) every one of {workload.Units} units, got {scored} of {scores.Length}");
        }

        if (scores.Where(double.IsFinite).Any(s => s < 0 || s > 100))
        {
            throw new InvalidOperationException("a root score lies outside [0, 100]");
        }
    }
}

/// <summary>
/// Where the time goes: the same figures scored with and without warning rules (one warning row
/// per unit and indicator with a target: 600,000 of them at 3,000 × 200), one core, no
/// explanations.
/// </summary>
[MemoryDiagnoser]
public class ScoreBreakdownBenchmarks
{
    private Workload _withWarnings = null!;
    private Workload _withoutWarnings = null!;
    private readonly ScoringOptions _options = new() { Explain = false, Parallel = false };

    [Params("100x60", "3000x200")]
    public string Size { get; set; } = "100x60";

    [GlobalSetup]
    public void Setup()
    {
        (int units, int indicators) = Workload.ParseSize(Size);
        _withWarnings = Workload.Create(units, indicators);
        _withoutWarnings = Workload.Create(units, indicators, warnings: false);
    }

    [Benchmark(Baseline = true)]
    public ScoringResult WithWarnings() => ScoringEngine.Score(_withWarnings.Scheme, _withWarnings.Dataset, _options);

    [Benchmark]
    public ScoringResult WithoutWarnings() => ScoringEngine.Score(_withoutWarnings.Scheme, _withoutWarnings.Dataset, _options);
}
