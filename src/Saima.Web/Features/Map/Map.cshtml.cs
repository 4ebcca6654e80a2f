using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Web.Features.Matrix;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Map;

/// <summary>One unit on the map: its name, value, score and rank at the node, and its warning.</summary>
public sealed record MapUnit(string Code, string Name, double? Value, double? Score, int? Rank, string? Warning);

/// <summary>
/// The map (考核地图): the scheme's units drawn from the stored GeoJSON that fits them
/// (<see cref="GeoMaps"/>), coloured by score at a node (ECharts visualMap) or by the warning
/// level of an indicator, for a published period. The page draws nothing itself:
/// <c>wwwroot/js/map.js</c> fetches <c>/map/data</c> (the features and the values) and registers
/// the map with ECharts; the table under it shows the same figures without script.
/// </summary>
public sealed class MapModel(SaimaDb db, IStringLocalizer<MatrixTexts> texts, IStringLocalizer<Texts> shared, IMemoryCache cache) : PageModel
{
    /// <summary>The colours of the warning badges (site.css), for the areas.</summary>
    public static readonly IReadOnlyDictionary<string, string> Colours = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["red"] = "#dc3545", ["yellow"] = "#ffc107", ["blue"] = "#0d6efd", ["green"] = "#198754", ["orange"] = "#fd7e14", ["neutral"] = "#6c757d",
    };

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "node")]
    public string? Node { get; set; }

    /// <summary>"score" (the default) or "warning".</summary>
    [BindProperty(SupportsGet = true, Name = "mode")]
    public string? Mode { get; set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<NodeOption> Nodes { get; private set; } = [];
    public NodeOption? Current { get; private set; }
    public GeoFit? Map { get; private set; }
    public IReadOnlyList<string> Missing { get; private set; } = [];
    public IReadOnlyList<MapUnit> Units { get; private set; } = [];

    /// <summary>The indicators that have warnings in the period (what warning mode can show).</summary>
    public IReadOnlySet<string> WarnedIndicators { get; private set; } = new HashSet<string>();
    public bool WarningMode => Mode == "warning";
    public bool English { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    /// <summary>The map's data: the fitting map's features and each unit's figures; 404 when nothing fits.</summary>
    public async Task<IActionResult> OnGetDataAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Current is null || Map is null)
        {
            return NotFound();
        }

        var scores = Units.Select(u => u.Score).OfType<double>().ToList();
        string Label(string? level) => level is null ? string.Empty
            : WarningLevels.LabelKey(level) is string key ? shared[key].Value : level;
        var units = new JsonArray();
        foreach (MapUnit u in Units)
        {
            units.Add(new JsonObject
            {
                ["code"] = u.Code,
                ["name"] = u.Name,
                ["value"] = u.Value is double v ? Math.Round(v, 4) : null,
                ["score"] = u.Score is double s ? Math.Round(s, 2) : null,
                ["rank"] = u.Rank,
                ["warning"] = u.Warning,
                ["warningLabel"] = u.Warning is null ? null : Label(u.Warning),
                ["colour"] = u.Warning is null ? null : Colours[WarningLevels.Colour(u.Warning)],
                ["href"] = "/unit/" + Uri.EscapeDataString(u.Code) + "?scheme=" + Uri.EscapeDataString(Scheme.Code),
            });
        }

        var json = new JsonObject
        {
            ["map"] = Map.Code,
            ["scheme"] = Scheme.Code,
            ["period"] = Period,
            ["node"] = Current.Code,
            ["nodeName"] = Current.Name,
            ["mode"] = WarningMode ? "warning" : "score",
            ["min"] = scores.Count == 0 ? null : Math.Floor(scores.Min()),
            ["max"] = scores.Count == 0 ? null : Math.Ceiling(scores.Max()),
            ["geo"] = Map.Features.DeepClone(),
            ["units"] = units,
            ["labels"] = new JsonObject
            {
                ["score"] = texts["Map_Score"].Value,
                ["rank"] = texts["Map_Rank"].Value,
                ["value"] = texts["Map_Value"].Value,
                ["warning"] = texts["Map_Warning"].Value,
                ["noData"] = texts["Map_NoData"].Value,
            },
        };
        return Content(json.ToJsonString(), "application/json; charset=utf-8");
    }

    public string Link(string path = "/map", string? node = null, string? mode = null)
    {
        var q = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("scheme", Scheme?.Code);
        Add("period", Period);
        Add("node", node ?? Current?.Code);
        Add("mode", mode ?? (WarningMode ? "warning" : "score"));
        return q.Count == 0 ? path : path + "?" + string.Join('&', q);
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        English = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        if (Mode is not null && Mode != "score" && Mode != "warning")
        {
            return false;
        }

        MapView? view = await Published.KeptAsync(db, cache,
            stamp => (Published.CacheKey.MapView, stamp, SchemeCode, Period, Node, Mode, English),
            async () => await ReadAsync(cancel)
                ? new MapView(Schemes, Scheme, Periods, Period, Nodes, Node, Current, Map, Missing, Units, WarnedIndicators)
                : null,
            cancel);
        if (view is null)
        {
            return false;
        }

        (Schemes, Scheme, Periods, Period, Nodes, Node, Current, Map, Missing, Units, WarnedIndicators) =
            (view.Schemes, view.Scheme, view.Periods, view.Period, view.Nodes, view.Node, view.Current, view.Map, view.Missing, view.Units, view.WarnedIndicators);
        return true;
    }

    /// <summary>What <see cref="LoadAsync"/> keeps of a map it read (Published.KeptAsync).</summary>
    private sealed record MapView(
        IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<string> Periods, string? Period,
        IReadOnlyList<NodeOption> Nodes, string? Node, NodeOption? Current, GeoFit? Map, IReadOnlyList<string> Missing,
        IReadOnlyList<MapUnit> Units, IReadOnlySet<string> WarnedIndicators);

    private async Task<bool> ReadAsync(CancellationToken cancel)
    {
        await db.Database.OpenConnectionAsync(cancel);
        Published.Selection selection = await Published.SelectAsync(db, SchemeCode, Period, cache, cancel);
        (Schemes, Scheme, Periods, Period) = (selection.Schemes, selection.Scheme, selection.Periods, selection.Period);
        if (!selection.Found || selection.Set is null)
        {
            return selection.Found;
        }

        ResultSet set = selection.Set;
        Saima.Scoring.Scheme parsed = selection.Parsed!;
        var english = selection.EnglishNames;
        Nodes = Published.Nodes(parsed, english, English);
        WarnedIndicators = (await db.WarningResults.AsNoTracking()
                .Where(w => w.ResultSetId == set.Id && w.Level != null)
                .Select(w => w.Indicator).Distinct().ToListAsync(cancel))
            .ToHashSet(StringComparer.Ordinal);
        if (Node is null && WarningMode)
        {
            // Warnings are per indicator: the first one that has any, in scheme order.
            Node = Nodes.FirstOrDefault(n => n.Kind == NodeKind.Indicator && WarnedIndicators.Contains(n.Code))?.Code;
        }

        Current = Node is null ? Nodes[0] : Nodes.FirstOrDefault(n => n.Code == Node);
        if (Current is null)
        {
            return false;
        }

        long schemeId = selection.Scheme!.Id;
        var members = await (from s in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on s.UnitId equals u.Id
                             where s.SchemeId == schemeId
                             select new { u.Id, u.Code, u.Name, u.NameEn }).ToListAsync(cancel);
        (Map, Missing) = GeoMaps.Choose(await GeoMaps.AllAsync(db, cancel), members.Select(m => m.Code).ToList());

        string node = Current.Code;
        var rows = (await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id && r.Node == node)
                .Select(r => new { r.UnitId, r.Value, r.Score, r.Rank }).ToListAsync(cancel))
            .ToDictionary(r => r.UnitId);
        var warnings = Current.Kind == NodeKind.Indicator
            ? (await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.Indicator == node && w.Level != null)
                .Select(w => new { w.UnitId, w.Level }).ToListAsync(cancel)).ToDictionary(w => w.UnitId, w => w.Level)
            : [];
        Units = members
            .Select(m => (m, r: rows.GetValueOrDefault(m.Id)))
            .Select(x => new MapUnit(x.m.Code, Published.Name(x.m.Name, x.m.NameEn, English),
                Current.Kind == NodeKind.Indicator ? x.r?.Value : null, x.r?.Score, x.r?.Rank, warnings.GetValueOrDefault(x.m.Id)))
            .OrderBy(u => u.Rank is null ? 1 : 0).ThenBy(u => u.Rank).ThenBy(u => u.Code, StringComparer.Ordinal)
            .ToList();
        return true;
    }
}
