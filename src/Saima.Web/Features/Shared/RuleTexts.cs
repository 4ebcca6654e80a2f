using System.Globalization;
using Microsoft.Extensions.Localization;
using Saima.Scoring;

namespace Saima.Web.Features.Shared;

/// <summary>
/// The one describer of a scheme's rules in words: Resources/RuleTexts.resx (Simplified Chinese,
/// neutral) and Resources/RuleTexts.en.resx, taken as <c>IStringLocalizer&lt;RuleTexts&gt;</c>.
/// Every page that shows how a node is scored (the unit page's explanation, the matrix and league
/// tooltips, scheme administration) describes it through here, so that the engine's own short
/// notation (<c>completion full=3 …</c>) never reaches a user. It reads the rule the engine
/// resolves for the node and track (<see cref="Scheme.NormaliseFor"/>, <see cref="Scheme.AggregateFor"/>).
/// </summary>
public sealed class RuleTexts
{
    private RuleTexts()
    {
    }

    /// <summary>How a node (indicator or group, by code) is scored in a track, as one or two sentences; empty for an unknown code.</summary>
    public static string Describe(IStringLocalizer<RuleTexts> t, Scheme scheme, string code, string? track)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(scheme);
        int node = scheme.NodeIndex(code);
        if (node < 0)
        {
            return string.Empty;
        }

        int nInd = scheme.Indicators.Count;
        if (node < nInd)
        {
            return Normalise(t, scheme.NormaliseFor(node, track), scheme.Indicators[node]);
        }

        int g = node - nInd;
        return Aggregate(t, scheme.AggregateFor(g, track).Method, scheme.WeightingFor(g, track));
    }

    /// <summary>How a group combines its children, e.g. 加权平均（按方案给定的权重；缺项时其余权重按比例放大）.</summary>
    public static string Aggregate(IStringLocalizer<RuleTexts> t, AggregateMethod method, WeightingMethod weighting)
    {
        ArgumentNullException.ThrowIfNull(t);
        string how = t["Aggregate_" + method.ToString()];
        string weights = t["Weights_" + weighting.ToString()];
        string missing = method == AggregateMethod.Sum ? t["Aggregate_MissingSum"] : t["Aggregate_MissingRescaled"];
        return t["Aggregate_Sentence", how, weights, missing];
    }

    /// <summary>How an indicator's value becomes a score, in the words of the assessment methods.</summary>
    public static string Normalise(IStringLocalizer<RuleTexts> t, NormaliseStep r, IndicatorDef indicator)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(indicator);
        bool lower = indicator.Direction < 0;
        string text = r.Method switch
        {
            NormaliseMethod.None => t["Rule_None"],
            NormaliseMethod.MinMax => t["Rule_MinMax", F(r.High), F(r.Low)],
            NormaliseMethod.ZScore => t["Rule_ZScore", F(r.Mean), F(r.Sd)],
            NormaliseMethod.Vector => t["Rule_Vector"],
            NormaliseMethod.Goalposts => Goalposts(t, r, lower),
            NormaliseMethod.Rank => t["Rule_Rank"],
            NormaliseMethod.Target => t["Rule_Target", F(r.Scale), F(r.Cap * 100)],
            NormaliseMethod.Completion => Completion(t, r, lower),
            NormaliseMethod.RankPoints => t["Rule_RankPoints", F(r.First), F(r.Step), F(r.Floor)],
            NormaliseMethod.Tiers => Tiers(t, r),
            NormaliseMethod.LeaderRatio => t["Rule_LeaderRatio", F(r.Full)],
            _ => r.Method.ToString(),
        };

        // Direction enters every method but the raw value and the tiers (whose bands say it).
        if (lower && r.Method is not (NormaliseMethod.None or NormaliseMethod.Tiers or NormaliseMethod.Goalposts or NormaliseMethod.Completion))
        {
            text += t["Rule_LowerBetter"];
        }

        if (indicator.Cumulative && r.Method is NormaliseMethod.Target or NormaliseMethod.Completion)
        {
            text += t["Rule_Prorated"];
        }

        return text;
    }

    /// <summary>The label of a target that is prorated to the time progress (时间进度) of the period: a cumulative indicator's.</summary>
    public static string TargetLabel(IStringLocalizer<RuleTexts> t, bool prorated)
    {
        ArgumentNullException.ThrowIfNull(t);
        return prorated ? t["Target_Prorated"] : t["Target_Full"];
    }

    private static string Completion(IStringLocalizer<RuleTexts> t, NormaliseStep r, bool lower)
    {
        double atTarget = r.AtTarget * r.Full, top = r.Cap * r.Full;
        var parts = new List<string>
        {
            Math.Abs(r.AtTarget - 1) < 1e-12 ? t["Completion_FullAtTarget", F(r.Full)] : t["Completion_AtTarget", F(atTarget), F(r.Full)],
        };
        if (r.PerPoint != 0)
        {
            parts.Add(top > atTarget + 1e-12 ? t["Completion_PerPoint", F(r.PerPoint)] : t["Completion_PerPointBelow", F(r.PerPoint)]);
        }

        parts.Add(top > atTarget + 1e-12 ? t["Completion_Cap", F(top)] : t["Completion_NoExtra"]);
        parts.Add(t["Completion_Floor", F(r.Floor)]);
        string basis = r.Basis == CompletionBasis.Difference ? t["Completion_Difference"] : lower ? t["Completion_RatioLower"] : string.Empty;
        return t["Completion_Sentence", string.Join(t["Separator"], parts), basis];
    }

    private static string Goalposts(IStringLocalizer<RuleTexts> t, NormaliseStep r, bool lower)
    {
        string text = lower
            ? t["Rule_GoalpostsLower", F(r.Max), F(r.Min), F(r.Scale)]
            : t["Rule_Goalposts", F(r.Min), F(r.Max), F(r.Scale)];
        return r.Clamp ? text : text + t["Rule_GoalpostsOpen"];
    }

    private static string Tiers(IStringLocalizer<RuleTexts> t, NormaliseStep r)
    {
        var bands = new List<string>();
        for (int k = 0; k < r.Points.Count; k++)
        {
            string band = k == 0 ? t["Tier_Below", F(r.Bounds[0])]
                : k == r.Points.Count - 1 ? t["Tier_From", F(r.Bounds[k - 1])]
                : t["Tier_Between", F(r.Bounds[k - 1]), F(r.Bounds[k])];
            bands.Add(t["Tier_Band", band, F(r.Points[k])]);
        }

        return t["Rule_Tiers", string.Join(t["Tier_Separator"], bands)];
    }

    /// <summary>Numbers as the rules are written: at most 4 decimals, no trailing zeros, invariant.</summary>
    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
