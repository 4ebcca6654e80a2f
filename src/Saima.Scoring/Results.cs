namespace Saima.Scoring;

/// <summary>What the engine computed for every period of a <see cref="Dataset"/>.</summary>
public sealed class ScoringResult
{
    public required Scheme Scheme { get; init; }
    public required Dataset Dataset { get; init; }

    /// <summary>One per scored period of <see cref="Dataset.Periods"/> (all of them unless <see cref="ScoringOptions.LastPeriods"/> is set), same order.</summary>
    public required PeriodResult[] Periods { get; init; }
}

/// <summary>
/// The results of one period. Arrays are indexed [node][local unit], nodes being the scheme's
/// indicators then its groups, local units those of <see cref="PeriodData.Units"/>.
/// NaN is a missing number; <see cref="NoRank"/> a missing rank.
/// </summary>
public sealed class PeriodResult
{
    public const int NoRank = int.MinValue;

    public required PeriodData Data { get; init; }
    public required bool[] Screened { get; init; }

    /// <summary>[indicator][unit]: value after denominating, transforming, imputing and treating.</summary>
    public required double[][] Values { get; init; }

    /// <summary>[node][unit]: normalised score or aggregate, after adjustments.</summary>
    public required double[][] Scores { get; init; }
    public required int[][] Ranks { get; init; }

    /// <summary>Null without tracks.</summary>
    public int[][]? TrackRanks { get; init; }

    /// <summary>Rank in the previous period minus this rank; null when the data has no periods.</summary>
    public int[][]? RankChanges { get; init; }

    /// <summary>Empty unless warnings were asked for and the scheme has warning rules.</summary>
    public required IReadOnlyList<WarningRow> Warnings { get; init; }

    /// <summary>Filled only when explanations are asked for.</summary>
    public IReadOnlyList<WeightRow> Weights { get; init; } = [];

    /// <summary>Filled only when explanations are asked for.</summary>
    public IReadOnlyList<TreatmentRow> Treatments { get; init; } = [];

    /// <summary>Filled only when explanations are asked for: the chain from raw figure to score.</summary>
    public Trace? Trace { get; init; }
}

/// <summary>
/// Warning rows of a period, in unit then indicator order, each computed when read: completion =
/// 100·x/target (direction −1: 100·(2 − x/target)), gap = completion − expected, and the level of
/// the first rule whose minGap ≤ gap (or that has none).
/// </summary>
public sealed class WarningList : IReadOnlyList<WarningRow>
{
    // Rows are not stored: unit u's rows are its indicators with a target, and _unitStart[u] is the
    // number of rows before unit u. Reading in order costs nothing extra; a random index finds its
    // unit by binary search.
    private readonly int[] _unitStart;
    private readonly int _indicators;
    private readonly double[][] _values;
    private readonly double[][] _targets;
    private readonly double[] _expected;
    private readonly int[] _direction;
    private readonly WarningRule[] _rules;

    internal WarningList(int[] unitStart, int indicators, double[][] values, double[][] targets, double[] expected, int[] direction, WarningRule[] rules)
    {
        _unitStart = unitStart;
        _indicators = indicators;
        _values = values;
        _targets = targets;
        _expected = expected;
        _direction = direction;
        _rules = rules;
    }

    public static readonly WarningList Empty = new([0], 0, [], [], [], [], []);

    public int Count => _unitStart[^1];

    public WarningRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int lo = 0, hi = _unitStart.Length - 1;
            while (hi - lo > 1)
            {
                int mid = (lo + hi) >>> 1;
                if (_unitStart[mid] <= index)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            int u = lo, k = index - _unitStart[lo];
            for (int i = 0; i < _indicators; i++)
            {
                if (!double.IsNaN(_targets[i][u]) && k-- == 0)
                {
                    return Row(u, i);
                }
            }

            throw new InvalidOperationException("warning rows out of step with their targets");
        }
    }

    private WarningRow Row(int u, int i)
    {
        double value = _values[i][u], target = _targets[i][u], expected = _expected[i];
        double completion = double.NaN, gap = double.NaN;
        string? level = null;
        if (!double.IsNaN(value) && target != 0)
        {
            completion = _direction[i] == 1 ? 100 * value / target : 100 * (2 - (value / target));
            gap = completion - expected;
            foreach (WarningRule rule in _rules)
            {
                if (rule.MinGap is not { } min || min <= gap)
                {
                    level = rule.Level;
                    break;
                }
            }
        }

        return new WarningRow(u, i, value, target, completion, expected, gap, level);
    }

    public IEnumerator<WarningRow> GetEnumerator()
    {
        for (int u = 0; u < _unitStart.Length - 1; u++)
        {
            for (int i = 0; i < _indicators; i++)
            {
                if (!double.IsNaN(_targets[i][u]))
                {
                    yield return Row(u, i);
                }
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One warning (预警) row: completion against time progress for a unit's indicator.</summary>
public readonly record struct WarningRow(
    int Unit,
    int Indicator,
    double Value,
    double Target,
    double Completion,
    double Expected,
    double Gap,
    string? Level);

/// <summary>A node's weight in a group: as given (or overridden, or entropy) and effective up to the root.</summary>
public sealed record WeightRow(string? Track, int Node, double Weight, double EffectiveWeight);

public enum TreatmentKind { None, Winsorised, Log }

/// <summary>What outlier treatment did to one indicator over one set of compared units.</summary>
public sealed record TreatmentRow(
    string? Track,
    int Indicator,
    TreatmentKind Treatment,
    int Points,
    double SkewBefore,
    double KurtosisBefore,
    double SkewAfter,
    double KurtosisAfter);

/// <summary>
/// The chain from raw figure to score, kept per stage so that every number can be explained:
/// arrays [indicator][unit] for the indicator stages, [node][unit] for adjustments.
/// </summary>
public sealed class Trace
{
    public required double[][] Raw { get; init; }

    /// <summary>The denominator value used (NaN where the indicator has none or it was missing).</summary>
    public required double[][] Denominator { get; init; }
    public required double[][] Denominated { get; init; }
    public required double[][] Transformed { get; init; }

    /// <summary>True where the value was missing and imputation filled it.</summary>
    public required bool[][] Imputed { get; init; }
    public required double[][] Treated { get; init; }

    /// <summary>The target the rule used (prorated for cumulative indicators), NaN if none.</summary>
    public required double[][] TargetUsed { get; init; }

    /// <summary>[node][unit] score before bonus/penalty points.</summary>
    public required double[][] ScoreBeforeAdjustment { get; init; }

    /// <summary>[node][unit] bonus/penalty points applied (0 where none).</summary>
    public required double[][] Adjustment { get; init; }

    /// <summary>[node][unit] a short text of the rule that produced the score, e.g. "minmax [0,100]".</summary>
    public required string[][] Rule { get; init; }

    /// <summary>
    /// [group][unit][k] the weight of the group's k-th child (<see cref="Children"/>) as this unit's
    /// aggregation used it: rescaled over the present children (raw for <c>sum</c>), NaN for a missing
    /// child; null where the unit's group score was not aggregated.
    /// </summary>
    public required double[]?[][] ChildWeights { get; init; }

    /// <summary>[group] the node indices of the group's children, in the order of <see cref="ChildWeights"/>.</summary>
    public required int[][] Children { get; init; }
}
