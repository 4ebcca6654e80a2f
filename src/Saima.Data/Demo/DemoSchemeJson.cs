using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Saima.Data.Demo;

/// <summary>
/// Writes a demo scheme's rules as the engine's scheme JSON (docs/scheme-format.md), in the
/// Chinese manner: points per indicator (completion-rate points with caps where there is a
/// target, rank points "first gets full marks, each place lower loses a little", tiers), summed
/// per dimension and in total, per-track weights, ranks within each track, and red/yellow/green
/// warnings against time progress.
/// </summary>
internal static class DemoSchemeJson
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Build(
        string name,
        IReadOnlyList<DemoIndicator> indicators,
        IReadOnlyList<DemoDimension> dimensions,
        IReadOnlyDictionary<string, Dictionary<string, double>> trackWeights)
    {
        var list = new JsonArray();
        foreach (DemoIndicator i in indicators)
        {
            var node = new JsonObject
            {
                ["code"] = i.Code,
                ["name"] = $"{i.Name}（{i.Uom}{(i.Cumulative ? "，累计" : string.Empty)}）",
                ["parent"] = i.Dimension,
            };
            if (i.Direction < 0)
            {
                node["direction"] = -1;
            }

            if (i.Cumulative)
            {
                node["cumulative"] = true;
            }

            node["normalise"] = Rule(i);
            list.Add(node);
        }

        var groups = new JsonArray { new JsonObject { ["code"] = "Total", ["name"] = "综合得分", ["name_en"] = "Total score" } };
        foreach (DemoDimension d in dimensions.Where(d => indicators.Any(i => i.Dimension == d.Code)))
        {
            groups.Add(new JsonObject { ["code"] = d.Code, ["name"] = d.Name, ["name_en"] = d.NameEn, ["parent"] = "Total" });
        }

        var overrides = new JsonObject();
        foreach ((string track, Dictionary<string, double> weights) in trackWeights)
        {
            var w = new JsonObject();
            foreach ((string code, double weight) in weights.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                w[code] = weight;
            }

            overrides[track] = new JsonObject { ["weights"] = w };
        }

        var root = new JsonObject
        {
            ["name"] = name,
            ["steps"] = new JsonObject
            {
                ["screen"] = null,
                ["impute"] = new JsonObject { ["method"] = "none" },
                ["treat"] = new JsonObject { ["method"] = "none" },
                ["normalise"] = new JsonObject { ["method"] = "rankPoints", ["first"] = 2, ["step"] = 0.1, ["floor"] = 1 },
                ["aggregate"] = new JsonObject { ["method"] = "sum" },
            },
            ["indicators"] = list,
            ["groups"] = groups,
            ["tracks"] = new JsonObject { ["compare"] = "track", ["name_en"] = TrackNamesEn(trackWeights.Keys), ["overrides"] = overrides },
            ["ranking"] = new JsonObject { ["roundTo"] = 2 },
            ["warnings"] = new JsonObject
            {
                ["rules"] = new JsonArray
                {
                    new JsonObject { ["level"] = "green", ["minGap"] = 0 },
                    new JsonObject { ["level"] = "yellow", ["minGap"] = -8 },
                    new JsonObject { ["level"] = "red" },
                },
            },
        };
        return root.ToJsonString(Indented);
    }

    private static JsonObject Rule(DemoIndicator i)
    {
        double p = i.Points;
        return i.Rule switch
        {
            // "80% of the points at target, a little more or less per percentage point, at most 120%, at least 40%".
            ScoreRule.Completion => new JsonObject
            {
                ["method"] = "completion", ["full"] = p, ["atTarget"] = 0.8, ["perPoint"] = Round(p * 0.02),
                ["cap"] = 1.2, ["floor"] = Round(p * 0.4),
            },

            // Growth rates: a target of 7% met with 6.5% is 0.5 percentage points short.
            ScoreRule.CompletionDifference => new JsonObject
            {
                ["method"] = "completion", ["full"] = p, ["atTarget"] = 0.8, ["perPoint"] = Round(p * 0.05),
                ["cap"] = 1.2, ["floor"] = Round(p * 0.3), ["basis"] = "difference",
            },
            ScoreRule.RankPoints => new JsonObject
            {
                ["method"] = "rankPoints", ["first"] = p, ["step"] = Round(p * 0.06), ["floor"] = Round(p * 0.5),
            },
            ScoreRule.Tiers => new JsonObject
            {
                ["method"] = "tiers",
                ["bounds"] = new JsonArray(i.Bounds!.Select(b => (JsonNode)JsonValue.Create(b)).ToArray()),
                ["points"] = new JsonArray(Round(p * 0.4), Round(p * 0.6), Round(p * 0.8), p),
            },
            ScoreRule.LeaderRatio => new JsonObject { ["method"] = "leaderRatio", ["full"] = p },
            _ => throw new ArgumentOutOfRangeException(nameof(i), i.Rule, "unknown rule"),
        };
    }

    private static double Round(double x) => Math.Round(x, 3, MidpointRounding.AwayFromZero);

    /// <summary>English names of the demo's tracks (those it has weights for), for the English pages.</summary>
    private static JsonObject TrackNamesEn(IEnumerable<string> tracks)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DemoNames.UrbanTrack] = "Urban districts",
            [DemoNames.CountyTrack] = "Counties",
            ["街道"] = "Streets",
            ["乡镇"] = "Towns and townships",
        };
        var names = new JsonObject();
        foreach (string t in tracks.Where(known.ContainsKey))
        {
            names[t] = known[t];
        }

        return names;
    }
}
