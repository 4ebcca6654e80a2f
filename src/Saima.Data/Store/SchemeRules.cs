using System.Globalization;
using System.Text.Json.Nodes;

namespace Saima.Data.Store;

/// <summary>A parameter of a scoring rule: the engine's key, its Chinese name, whether it is required, and whether it is a list (a/b/c).</summary>
public sealed record RuleParam(string Key, string NameZh, bool Required, bool List = false);

/// <summary>A scoring rule the form and the indicator file offer: the engine's normalisation method, its Chinese name and parameters.</summary>
public sealed record RuleKind(string Method, string NameZh, string NameEn, IReadOnlyList<RuleParam> Params, string ExampleZh);

/// <summary>A problem with a rule's text: a <see cref="DraftError"/> code and its arguments.</summary>
public sealed record RuleProblem(string Code, params string[] Args);

/// <summary>
/// The scoring rules (the engine's normalisations, see docs/scheme-format.md) a scheme made in the
/// browser or from an indicator file may use, by their Chinese names of the trade, and their text
/// form: <c>完成率计分(满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2)</c>; lists are written
/// <c>60/80/95</c>. Keys and names are accepted in Chinese or as the engine spells them.
/// </summary>
public static class SchemeRules
{
    public static readonly IReadOnlyList<RuleKind> All =
    [
        new("minmax", "极差标准化", "Min-max", [new("range", "区间", false, true)], "极差标准化(区间=0/100)"),
        new("completion", "完成率计分", "Completion rate points", [new("full", "满分", true), new("atTarget", "达标系数", true), new("perPoint", "每点", true), new("cap", "封顶", true), new("floor", "保底", false), new("basis", "口径", false)], "完成率计分(满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2)"),
        new("rankPoints", "排名计分", "Rank points", [new("first", "首位得分", true), new("step", "每名递减", true), new("floor", "保底", false)], "排名计分(首位得分=10, 每名递减=0.5, 保底=4)"),
        new("tiers", "分档计分", "Tiers", [new("bounds", "分档界限", true, true), new("points", "各档得分", true, true)], "分档计分(分档界限=60/80/95, 各档得分=0/3/6/10)"),
        new("target", "目标比值计分", "Ratio to target", [new("cap", "封顶", false), new("scale", "满分", false)], "目标比值计分(封顶=1.2, 满分=100)"),
        new("leaderRatio", "与最优比计分", "Ratio to the best", [new("full", "满分", true)], "与最优比计分(满分=10)"),
        new("rank", "百分位排名", "Percentile rank", [], "百分位排名"),
        new("zscore", "Z分数标准化", "Z-score", [new("mean", "均值", false), new("sd", "标准差", false)], "Z分数标准化(均值=0, 标准差=1)"),
        new("goalposts", "阈值标准化", "Goalposts", [new("min", "下限", true), new("max", "上限", true), new("scale", "满分", false)], "阈值标准化(下限=0, 上限=100, 满分=100)"),
    ];

    /// <summary>The rule of a method code or Chinese or English name; null when unknown.</summary>
    public static RuleKind? Find(string? name)
    {
        string n = (name ?? string.Empty).Trim();
        if (n.Length == 0)
        {
            return All[0];
        }

        return All.FirstOrDefault(r => r.Method.Equals(n, StringComparison.OrdinalIgnoreCase) || r.NameZh == n || r.NameEn.Equals(n, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Splits a whole rule text (<c>NAME(k=v, …)</c>) into the name and the parameters' text.</summary>
    public static (string Name, string Params) Split(string? text)
    {
        string t = (text ?? string.Empty).Trim();
        int open = t.IndexOfAny(['(', '（']);
        if (open < 0)
        {
            return (t, string.Empty);
        }

        string inner = t[(open + 1)..].TrimEnd();
        if (inner.EndsWith(')') || inner.EndsWith('）'))
        {
            inner = inner[..^1];
        }

        return (t[..open].Trim(), inner.Trim());
    }

    /// <summary>The rule as the engine's <c>normalise</c> object, or the problem with it (nothing else is checked here; the engine checks the rest).</summary>
    public static JsonObject? Build(string? method, string? parameters, out RuleProblem? problem)
    {
        problem = null;
        RuleKind? kind = Find(method);
        if (kind is null)
        {
            problem = new RuleProblem(DraftError.RuleUnknown, method ?? string.Empty);
            return null;
        }

        var o = new JsonObject { ["method"] = kind.Method };
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in (parameters ?? string.Empty).Split([',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOfAny(['=', '＝', ':', '：']);
            string key = eq < 0 ? part : part[..eq].Trim();
            string value = eq < 0 ? string.Empty : part[(eq + 1)..].Trim();
            RuleParam? p = kind.Params.FirstOrDefault(x => x.Key.Equals(key, StringComparison.OrdinalIgnoreCase) || x.NameZh == key);
            if (p is null)
            {
                problem = new RuleProblem(DraftError.RuleParamUnknown, key, kind.NameZh);
                return null;
            }

            given[p.Key] = value;
        }

        foreach (RuleParam p in kind.Params)
        {
            if (!given.TryGetValue(p.Key, out string? value) || value.Length == 0)
            {
                if (p.Required)
                {
                    problem = new RuleProblem(DraftError.RuleParamMissing, p.NameZh, p.Key);
                    return null;
                }

                continue;
            }

            if (p.Key == "basis")
            {
                string? basis = value switch
                {
                    "比率" or "ratio" => "ratio",
                    "差值" or "difference" => "difference",
                    _ => null,
                };
                if (basis is null)
                {
                    problem = new RuleProblem(DraftError.RuleParamNumber, p.NameZh, value);
                    return null;
                }

                o["basis"] = basis;
                continue;
            }

            if (p.List)
            {
                var list = new JsonArray();
                foreach (string item in value.Split(['/', '、', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!TryNumber(item, out double x))
                    {
                        problem = new RuleProblem(DraftError.RuleParamNumber, p.NameZh, value);
                        return null;
                    }

                    list.Add(x);
                }

                o[p.Key] = list;
                continue;
            }

            if (!TryNumber(value, out double v))
            {
                problem = new RuleProblem(DraftError.RuleParamNumber, p.NameZh, value);
                return null;
            }

            o[p.Key] = v;
        }

        return o;
    }

    /// <summary>A finite number written with '.' as decimal point.</summary>
    public static bool TryNumber(string? text, out double value) =>
        double.TryParse((text ?? string.Empty).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The Chinese text of an engine <c>normalise</c> object (for a copied or listed rule); null when it is none of <see cref="All"/>.</summary>
    public static string? Text(JsonObject? normalise)
    {
        if (normalise?["method"] is not JsonValue m || !m.TryGetValue(out string? method) || Find(method) is not { } kind || kind.Method != method)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (RuleParam p in kind.Params)
        {
            JsonNode? v = normalise[p.Key];
            if (v is JsonArray a)
            {
                parts.Add(p.NameZh + "=" + string.Join("/", a.Select(x => x?.ToJsonString() ?? string.Empty)));
            }
            else if (v is JsonValue value)
            {
                string s = value.TryGetValue(out string? str) ? (str == "ratio" ? "比率" : str == "difference" ? "差值" : str) : value.ToJsonString();
                parts.Add(p.NameZh + "=" + s);
            }
        }

        return parts.Count == 0 ? kind.NameZh : kind.NameZh + "(" + string.Join(", ", parts) + ")";
    }
}
