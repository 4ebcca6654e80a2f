namespace Saima.Scoring;

/// <summary>
/// An assessment scheme (考核方案) as the engine reads it: indicators in a hierarchy of groups,
/// default steps, per-track overrides (分道竞技), ranking and warning rules.
/// Built by <see cref="SchemeParser"/>, which validates everything the engine relies on.
/// </summary>
public sealed class Scheme
{
    public required string Name { get; init; }
    public required Steps Steps { get; init; }
    public required IReadOnlyList<IndicatorDef> Indicators { get; init; }
    public required IReadOnlyList<GroupDef> Groups { get; init; }
    public TrackSettings? Tracks { get; init; }
    public int? RoundTo { get; init; }
    public IReadOnlyList<WarningRule>? WarningRules { get; init; }

    /// <summary>Number of nodes: indicators first (scheme order), then groups (scheme order).</summary>
    public int NodeCount => Indicators.Count + Groups.Count;

    public string NodeCode(int node) =>
        node < Indicators.Count ? Indicators[node].Code : Groups[node - Indicators.Count].Code;

    /// <summary>Index of a node code (indicators first, then groups), or -1.</summary>
    public int NodeIndex(string code)
    {
        for (int i = 0; i < Indicators.Count; i++)
        {
            if (string.Equals(Indicators[i].Code, code, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (int g = 0; g < Groups.Count; g++)
        {
            if (string.Equals(Groups[g].Code, code, StringComparison.Ordinal))
            {
                return Indicators.Count + g;
            }
        }

        return -1;
    }

    /// <summary>Codes used as denominators that are not themselves indicators, in first-use order.</summary>
    public IReadOnlyList<string> DenominatorCodes { get; init; } = [];

    /// <summary>Index of the root group within <see cref="Groups"/>.</summary>
    public int RootGroup { get; init; }

    /// <summary>
    /// The normalisation rule an indicator is scored with in a track: the track's override, else
    /// the indicator's own, else the scheme's default (the precedence every step follows).
    /// </summary>
    public NormaliseStep NormaliseFor(int indicator, string? track) =>
        OverrideOf(track)?.Indicators.GetValueOrDefault(Indicators[indicator].Code)?.Normalise
        ?? Indicators[indicator].Normalise ?? Steps.Normalise;

    /// <summary>How a group combines its children in a track (override, own, default).</summary>
    public AggregateStep AggregateFor(int group, string? track) =>
        OverrideOf(track)?.Groups.GetValueOrDefault(Groups[group].Code)?.Aggregate
        ?? Groups[group].Aggregate ?? Steps.Aggregate;

    /// <summary>How a group weights its children in a track (override, else its own).</summary>
    public WeightingMethod WeightingFor(int group, string? track) =>
        OverrideOf(track)?.Groups.GetValueOrDefault(Groups[group].Code)?.Weights ?? Groups[group].Weights;

    /// <summary>A track's overrides, or null (no track, or none for it).</summary>
    public TrackOverride? OverrideOf(string? track) =>
        track is not null && Tracks?.Overrides.TryGetValue(track, out TrackOverride? o) == true ? o : null;
}

public sealed class Steps
{
    /// <summary>Null: no screening.</summary>
    public ScreenStep? Screen { get; init; }
    public ImputeStep Impute { get; init; } = ImputeStep.None;
    public TreatStep Treat { get; init; } = TreatStep.None;
    public NormaliseStep Normalise { get; init; } = NormaliseStep.DefaultMinMax;
    public AggregateStep Aggregate { get; init; } = AggregateStep.Arithmetic;
}

public sealed record ScreenStep(double MinDataShare);

public enum ImputeMethod { None, Mean, Median, GroupMean, GroupMedian, Zero, Previous }

public sealed record ImputeStep(ImputeMethod Method, string? Group = null)
{
    public static readonly ImputeStep None = new(ImputeMethod.None);
}

public enum TreatMethod { None, Winsorise }

public enum TreatFallback { Log, None }

public sealed record TreatStep(
    TreatMethod Method,
    double SkewLimit = 2,
    double KurtosisLimit = 3.5,
    int MaxPoints = 5,
    TreatFallback Fallback = TreatFallback.Log)
{
    public static readonly TreatStep None = new(TreatMethod.None);
}

public enum NormaliseMethod
{
    None,
    MinMax,
    ZScore,
    Vector,
    Goalposts,
    Rank,
    Target,
    Completion,
    RankPoints,
    Tiers,
    LeaderRatio,
}

public enum CompletionBasis { Ratio, Difference }

/// <summary>
/// One normalisation rule with its parameters. Only the parameters of <see cref="Method"/> are
/// meaningful; the parser fills defaults and refuses missing required ones.
/// </summary>
public sealed record NormaliseStep(NormaliseMethod Method)
{
    public static readonly NormaliseStep DefaultMinMax = new(NormaliseMethod.MinMax) { Low = 0, High = 100 };

    /// <summary>minmax: range [Low, High].</summary>
    public double Low { get; init; }
    public double High { get; init; }

    /// <summary>zscore: target mean and sd.</summary>
    public double Mean { get; init; }
    public double Sd { get; init; } = 1;

    /// <summary>goalposts: min and max (untransformed, as written in the scheme).</summary>
    public double Min { get; init; }
    public double Max { get; init; }
    public bool Clamp { get; init; } = true;

    /// <summary>goalposts, target: multiplier.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>target: cap on the ratio; completion: cap as a share of full.</summary>
    public double Cap { get; init; } = 1;

    /// <summary>completion, leaderRatio: full marks.</summary>
    public double Full { get; init; }
    public double AtTarget { get; init; }
    public double PerPoint { get; init; }

    /// <summary>completion, rankPoints: minimum points.</summary>
    public double Floor { get; init; }
    public CompletionBasis Basis { get; init; } = CompletionBasis.Ratio;

    /// <summary>rankPoints: points of place 1 and the loss per place.</summary>
    public double First { get; init; }
    public double Step { get; init; }

    /// <summary>tiers: ascending bounds (untransformed) and points, one more than bounds.</summary>
    public IReadOnlyList<double> Bounds { get; init; } = [];
    public IReadOnlyList<double> Points { get; init; } = [];
}

public enum AggregateMethod { Arithmetic, Sum, Geometric, Harmonic, Median, Topsis, Copeland }

public sealed record AggregateStep(AggregateMethod Method)
{
    public static readonly AggregateStep Arithmetic = new(AggregateMethod.Arithmetic);
}

public enum WeightingMethod { Given, Equal, Entropy }

public enum Transform { None, Ln, Log10, Sqrt }

public sealed class IndicatorDef
{
    public required string Code { get; init; }
    public string? Name { get; init; }

    /// <summary>The English display name (<c>name_en</c>), when the scheme gives one.</summary>
    public string? NameEn { get; init; }
    public required string Parent { get; init; }
    public double Weight { get; init; } = 1;

    /// <summary>1: higher is better; -1: lower is better.</summary>
    public int Direction { get; init; } = 1;
    public string? Denominator { get; init; }
    public Transform Transform { get; init; }
    public bool Cumulative { get; init; }
    public ImputeStep? Impute { get; init; }
    public TreatStep? Treat { get; init; }
    public NormaliseStep? Normalise { get; init; }
}

public sealed class GroupDef
{
    public required string Code { get; init; }
    public string? Name { get; init; }

    /// <summary>The English display name (<c>name_en</c>), when the scheme gives one.</summary>
    public string? NameEn { get; init; }

    /// <summary>Null for the root.</summary>
    public string? Parent { get; init; }
    public double Weight { get; init; } = 1;
    public AggregateStep? Aggregate { get; init; }
    public WeightingMethod Weights { get; init; } = WeightingMethod.Given;
    public double MinDataShare { get; init; }
}

public enum CompareScope { All, Track }

public sealed class TrackSettings
{
    public CompareScope Compare { get; init; } = CompareScope.All;
    public IReadOnlyDictionary<string, TrackOverride> Overrides { get; init; } =
        new Dictionary<string, TrackOverride>(StringComparer.Ordinal);

    /// <summary>English names of tracks (<c>tracks.name_en</c>), by the track's name.</summary>
    public IReadOnlyDictionary<string, string> NamesEn { get; init; } =
        new Dictionary<string, string>(StringComparer.Ordinal);
}

public sealed class TrackOverride
{
    public IReadOnlyDictionary<string, double> Weights { get; init; } =
        new Dictionary<string, double>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, IndicatorOverride> Indicators { get; init; } =
        new Dictionary<string, IndicatorOverride>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, GroupOverride> Groups { get; init; } =
        new Dictionary<string, GroupOverride>(StringComparer.Ordinal);
}

public sealed record IndicatorOverride(NormaliseStep? Normalise, ImputeStep? Impute, TreatStep? Treat);

public sealed record GroupOverride(AggregateStep? Aggregate, WeightingMethod? Weights);

/// <summary>A warning rule: the first rule whose MinGap ≤ gap (or that has none) gives the level.</summary>
public sealed record WarningRule(string Level, double? MinGap);
