using BenchmarkDotNet.Attributes;
using Saima.Scoring;

namespace Saima.Bench;

/// <summary>
/// The analyses on the generated workload, all cores. Targets (docs/analysis.md): 10,000
/// uncertainty replicates on 100 × 60 ≤ 2 s end to end on 2 cores; what it takes for one unit and
/// all 50 indicators ≤ 200 ms.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private Workload _uncertainty = null!;
    private Workload _whatIf = null!;
    private string _unit = null!;

    [GlobalSetup]
    public void Setup()
    {
        _uncertainty = Workload.Create(100, 60, warnings: false);
        _whatIf = Workload.Create(100, 50, warnings: false);

        // A unit in the middle of the table, asking for one place up: the usual question.
        ScoringResult scored = ScoringEngine.Score(_whatIf.Scheme, _whatIf.Dataset);
        int root = _whatIf.Scheme.Indicators.Count + _whatIf.Scheme.RootGroup;
        int middle = Array.IndexOf(scored.Periods[0].Ranks[root], 50);
        _unit = _whatIf.Dataset.UnitCodes[scored.Periods[0].Data.Units[Math.Max(0, middle)]];
    }

    [Benchmark]
    public UncertaintyResult Uncertainty_10000x_100x60() =>
        RankUncertainty.Run(_uncertainty.Scheme, _uncertainty.Dataset, 0, new UncertaintyOptions { Replicates = 10_000 });

    /// <summary>The same run with the sensitivity indices estimated from its replicates (what publication does).</summary>
    [Benchmark]
    public UncertaintyResult UncertaintyWithSensitivity_10000x_100x60() =>
        RankUncertainty.Run(_uncertainty.Scheme, _uncertainty.Dataset, 0, new UncertaintyOptions { Replicates = 10_000, Sensitivity = true });

    [Benchmark]
    public IReadOnlyList<WhatIfRow> WhatIf_OneUnit_100x50() =>
        WhatItTakes.Search(_whatIf.Scheme, _whatIf.Dataset, new WhatIfQuery { Period = 0, Unit = _unit, Rank = 49 });
}
