namespace Saima.Scoring;

public sealed record ScoringOptions
{
    /// <summary>Keep weights, treatment logs and the per-unit chain from raw figure to score.</summary>
    public bool Explain { get; init; }

    /// <summary>Score periods in parallel (results are identical either way).</summary>
    public bool Parallel { get; init; } = true;
}

public static partial class ScoringEngine
{
    /// <summary>Scores every period of <paramref name="data"/> under <paramref name="scheme"/>.</summary>
    /// <exception cref="SchemeException">The scheme does not fit the data (unknown track, missing group column).</exception>
    /// <exception cref="ScoringException">A value outside a transform's domain, a non-positive child of a geometric mean, etc.</exception>
    public static ScoringResult Score(Scheme scheme, Dataset data, ScoringOptions? options = null)
    {
        throw new NotSupportedException("engine under construction");
    }
}
