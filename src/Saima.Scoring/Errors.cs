namespace Saima.Scoring;

/// <summary>A scheme that cannot be used, with the JSON path of the offending element (e.g. <c>$.indicators[2].normalise.range</c>).</summary>
public sealed class SchemeException(string path, string message) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
    public string Reason { get; } = message;
}

/// <summary>
/// The data and the scheme together cannot be scored (a value outside a transform's domain, a
/// geometric mean over a non-positive score, entropy weights without spread). The message names
/// the unit, the node and the period.
/// </summary>
public sealed class ScoringException(string message) : Exception(message);
