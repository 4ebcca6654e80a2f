using System.Text.Json;

namespace Saima.Scoring;

/// <summary>
/// Alternatives to a scheme's default steps for rank uncertainty (ALT.json): each replicate picks
/// one of each non-empty list with equal chance and uses it in place of the scheme's default step.
/// Overrides on indicators, groups and tracks stay as written.
/// </summary>
public sealed class StepAlternatives
{
    public static readonly StepAlternatives None = new();

    public IReadOnlyList<ImputeStep> Impute { get; init; } = [];
    public IReadOnlyList<NormaliseStep> Normalise { get; init; } = [];
    public IReadOnlyList<AggregateStep> Aggregate { get; init; } = [];

    /// <summary>Number of distinct combinations (1 without alternatives).</summary>
    public int Combinations => Math.Max(1, Impute.Count) * Math.Max(1, Normalise.Count) * Math.Max(1, Aggregate.Count);
}

public static partial class SchemeParser
{
    /// <summary>
    /// Reads ALT.json: an object from step names (<c>impute</c>, <c>normalise</c>, <c>aggregate</c>)
    /// to non-empty lists of step objects written as in a scheme's <c>steps</c>. Throws
    /// <see cref="SchemeException"/> naming the JSON path (e.g. <c>$.normalise[1].range</c>).
    /// </summary>
    public static StepAlternatives ParseAlternatives(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long col = (ex.BytePositionInLine ?? 0) + 1;
            throw new SchemeException("$", $"not valid JSON at line {line}, column {col}: {FirstSentence(ex.Message)}");
        }

        using (doc)
        {
            var root = new Node(doc.RootElement, "$");
            root.Object("impute", "normalise", "aggregate");
            return new StepAlternatives
            {
                Impute = List(root.Get("impute"), ReadImpute),
                Normalise = List(root.Get("normalise"), n => ReadNormalise(n, Transform.None)),
                Aggregate = List(root.Get("aggregate"), ReadAggregate),
            };
        }

        static List<T> List<T>(Node? node, Func<Node, T> read)
        {
            if (node is null)
            {
                return [];
            }

            var list = node.Value.Array().Select(read).ToList();
            if (list.Count == 0)
            {
                throw node.Value.Error("expected a non-empty list of step objects, e.g. [ { \"method\": \"mean\" } ]");
            }

            return list;
        }
    }
}
