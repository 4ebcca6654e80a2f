using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Saima.Scoring;

namespace Saima.Bench;

/// <summary>
/// What it takes at the scale of a large store's set: 1,000 units × 200 indicators (20 groups of
/// ten under one root), one mid-table unit, every indicator, all cores. Two questions, as the
/// background service asks them: one place up, and first place. One operation is one unit's
/// answer to one question. Few iterations (the operation was a minute before probes became
/// incremental); run with <c>--filter '*WhatIfScale*'</c>, no <c>--job</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WhatIfScaleBenchmarks
{
    private Workload _workload = null!;
    private string _unit = null!;
    private int _rank;

    [GlobalSetup]
    public void Setup()
    {
        _workload = Workload.Create(1000, 200, warnings: false);
        ScoringResult scored = ScoringEngine.Score(_workload.Scheme, _workload.Dataset);
        int root = _workload.Scheme.Indicators.Count + _workload.Scheme.RootGroup;
        int middle = Array.IndexOf(scored.Periods[0].Ranks[root], 500);
        _rank = scored.Periods[0].Ranks[root][Math.Max(0, middle)];
        _unit = _workload.Dataset.UnitCodes[scored.Periods[0].Data.Units[Math.Max(0, middle)]];
    }

    [Benchmark]
    public IReadOnlyList<WhatIfRow> WhatIf_OnePlaceUp_1000x200() =>
        WhatItTakes.Search(_workload.Scheme, _workload.Dataset, new WhatIfQuery { Period = 0, Unit = _unit, Rank = _rank - 1 });

    [Benchmark]
    public IReadOnlyList<WhatIfRow> WhatIf_FirstPlace_1000x200() =>
        WhatItTakes.Search(_workload.Scheme, _workload.Dataset, new WhatIfQuery { Period = 0, Unit = _unit, Rank = 1 });
}
