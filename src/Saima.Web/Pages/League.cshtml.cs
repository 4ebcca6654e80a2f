using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Scoring;

namespace Saima.Web.Pages;

/// <summary>One unit's line of the league table.</summary>
public sealed record LeagueRow(string Code, string Name, string? Track, double? Value, double? Score, int? Rank, int? TrackRank, int? RankChange, string? Warning);

/// <summary>
/// The league table (排名): a published period of a scheme at one node (the total, a dimension or
/// an indicator), for all units or one track, sorted on the server (the `sort` parameter) so that
/// it works without script; `/league/export` gives the same rows as an .xlsx workbook.
/// </summary>
public sealed class LeagueModel(SaimaDb db, IStringLocalizer<Texts> texts, IMemoryCache cache, IStringLocalizer<RuleTexts> ruleTexts) : PageModel
{
    /// <summary>The columns one may sort by; a leading '-' sorts descending.</summary>
    public static readonly string[] SortKeys = ["rank", "unit", "score", "change", "trackrank", "value"];

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "track")]
    public string? Track { get; set; }

    [BindProperty(SupportsGet = true, Name = "node")]
    public string? Node { get; set; }

    [BindProperty(SupportsGet = true, Name = "sort")]
    public string? Sort { get; set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<string> Tracks { get; private set; } = [];

    /// <summary>The tracks' display names in the user's language (the scheme's <c>tracks.name_en</c> in English).</summary>
    public IReadOnlyDictionary<string, string> TrackNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>A track's display name.</summary>
    public string TrackName(string? track) => track is null ? string.Empty : TrackNames.GetValueOrDefault(track) ?? track;
    public IReadOnlyList<NodeOption> Nodes { get; private set; } = [];
    public NodeOption? Current { get; private set; }
    public IReadOnlyList<LeagueRow> Rows { get; private set; } = [];
    public bool English { get; private set; }

    /// <summary>How the shown node is scored, in words (<see cref="RuleTexts"/>), for the shown track (all: the scheme's own rule).</summary>
    public string Rule { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Current is null)
        {
            return NotFound();
        }

        byte[] book = LeagueWorkbook.Write(this, texts);
        string name = string.Create(CultureInfo.InvariantCulture, $"league-{Scheme.Code}-{Period}-{Current.Code}.xlsx");
        return File(book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>The query string of this table with some parameters changed (null removes one).</summary>
    public string Link(string? sort = null, string? node = null, bool keepSort = true, string path = "/league")
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
        Add("track", Track);
        Add("node", node ?? Current?.Code);
        Add("sort", sort ?? (keepSort ? Sort : null));
        return q.Count == 0 ? path : path + "?" + string.Join('&', q);
    }

    /// <summary>The sort a column header links to: its own key, reversed when it is the current sort.</summary>
    public string SortLinkFor(string key) => Sort == key ? "-" + key : key;

    /// <summary>"asc", "desc" or null: how the table is sorted by this column.</summary>
    public string? SortedBy(string key) => Sort == key ? "asc" : Sort == "-" + key ? "desc" : null;

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        English = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

        // Validated before it becomes part of the cache key: an unknown sort is the default order,
        // kept once, not one entry per made-up value. The other values of the key are looked up
        // exactly (scheme, period, track, node), and a view that is not found is not kept.
        Sort = ValidSort(Sort);
        LeagueView? view = await Published.KeptAsync(db, cache,
            stamp => (Published.CacheKey.LeagueView, stamp, SchemeCode, Period, Track, Node, Sort, English),
            async () => await ReadAsync(cancel) ? new LeagueView(Schemes, Scheme, Periods, Period, Tracks, Nodes, Current, Rows, Track, Sort, TrackNames, Rule) : null,
            cancel);
        if (view is null)
        {
            return false;
        }

        (Schemes, Scheme, Periods, Period, Tracks, Nodes, Current, Rows, Track, Sort, TrackNames, Rule) =
            (view.Schemes, view.Scheme, view.Periods, view.Period, view.Tracks, view.Nodes, view.Current, view.Rows, view.Track, view.Sort, view.TrackNames, view.Rule);
        return true;
    }

    /// <summary>What <see cref="LoadAsync"/> keeps of a table it read (all of the page's state).</summary>
    private sealed record LeagueView(
        IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<string> Periods, string? Period,
        IReadOnlyList<string> Tracks, IReadOnlyList<NodeOption> Nodes, NodeOption? Current, IReadOnlyList<LeagueRow> Rows,
        string? Track, string? Sort, IReadOnlyDictionary<string, string> TrackNames, string Rule);

    private async Task<bool> ReadAsync(CancellationToken cancel)
    {
        // One connection for the page's few queries: otherwise EF opens and closes one per query,
        // and SQLite (unpooled, StoreOptions.SqliteFile) reopens the file and rereads the schema
        // each time. The context, scoped to the request, closes it.
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
        Current = Node is null ? Nodes[0] : Nodes.FirstOrDefault(n => n.Code == Node);
        if (Current is null)
        {
            return false;
        }

        // The scheme's units with their tracks and names: read each time (a unit may be renamed or
        // move track); the result rows themselves are frozen once published (FrozenRowsAsync).
        long schemeId = selection.Scheme!.Id;
        var members = await (from su in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                             where su.SchemeId == schemeId
                             select new Member(u.Id, u.Code, u.Name, u.NameEn, su.Track)).ToListAsync(cancel);
        Tracks = members.Select(t => t.Track).OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        TrackNames = Tracks.ToDictionary(t => t, t => SchemeNames.Track(parsed, t, English), StringComparer.Ordinal);
        if (string.IsNullOrEmpty(Track))
        {
            Track = null;
        }
        else if (!Tracks.Contains(Track, StringComparer.Ordinal))
        {
            return false;
        }

        Rule = RuleTexts.Describe(ruleTexts, parsed, Current.Code, Track);
        IReadOnlyList<FrozenRow> frozen = await FrozenRowsAsync(set.Id, Current, cancel);
        var byId = members.ToDictionary(m => m.Id);
        var strangers = frozen.Select(r => r.UnitId).Where(id => !byId.ContainsKey(id)).ToList();
        if (strangers.Count > 0)
        {
            // Units scored then but no longer in the scheme: still in the table, without a track.
            foreach (var u in await db.Units.AsNoTracking().Where(u => strangers.Contains(u.Id)).ToListAsync(cancel))
            {
                byId[u.Id] = new Member(u.Id, u.Code, u.Name, u.NameEn, null);
            }
        }

        var list = frozen
            .Where(r => byId.ContainsKey(r.UnitId))
            .Select(r => (Row: r, Unit: byId[r.UnitId]))
            .Select(x => new LeagueRow(x.Unit.Code, Published.Name(x.Unit.Name, x.Unit.NameEn, English), x.Unit.Track,
                Current.Kind == NodeKind.Indicator ? x.Row.Value : null, x.Row.Score, x.Row.Rank, x.Row.TrackRank, x.Row.RankChange, x.Row.Warning))
            .Where(r => Track is null || r.Track == Track)
            .ToList();
        Rows = Sorted(list);
        return true;
    }

    /// <summary>
    /// A result set's rows at one node, with the warning levels of an indicator. A result set never
    /// changes once stored (a correction is a newer set), so they are cached by set and node.
    /// </summary>
    private async Task<IReadOnlyList<FrozenRow>> FrozenRowsAsync(long setId, NodeOption node, CancellationToken cancel)
    {
        var key = (Published.CacheKey.LeagueRows, setId, node.Code);
        if (cache.TryGetValue(key, out IReadOnlyList<FrozenRow>? cached) && cached is not null)
        {
            return cached;
        }

        string code = node.Code;
        var rows = await db.ResultRows.AsNoTracking()
            .Where(r => r.ResultSetId == setId && r.Node == code)
            .Select(r => new { r.UnitId, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange }).ToListAsync(cancel);
        var warnings = node.Kind == NodeKind.Indicator
            ? (await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == setId && w.Indicator == code)
                .Select(w => new { w.UnitId, w.Level }).ToListAsync(cancel)).ToDictionary(w => w.UnitId, w => w.Level)
            : [];
        IReadOnlyList<FrozenRow> frozen = rows
            .Select(r => new FrozenRow(r.UnitId, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange, warnings.GetValueOrDefault(r.UnitId)))
            .ToList();
        cache.Set(key, frozen, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return frozen;
    }

    private sealed record Member(long Id, string Code, string Name, string? NameEn, string? Track);

    private sealed record FrozenRow(long UnitId, double? Value, double? Score, int? Rank, int? TrackRank, int? RankChange, string? Warning);

    /// <summary>The sort as asked when it names a column (with an optional leading '-'); otherwise null (by rank).</summary>
    public static string? ValidSort(string? sort) =>
        sort is not null && SortKeys.Contains(sort.StartsWith('-') ? sort[1..] : sort, StringComparer.Ordinal) ? sort : null;

    private List<LeagueRow> Sorted(List<LeagueRow> rows)
    {
        bool descending = Sort is not null && Sort.StartsWith('-');
        string key = Sort?.TrimStart('-') ?? "rank";
        if (!SortKeys.Contains(key, StringComparer.Ordinal))
        {
            Sort = null;
            key = "rank";
            descending = false;
        }

        // Units without a value go last whichever way the column is sorted, as a blank is no rank.
        IOrderedEnumerable<LeagueRow> sorted = key switch
        {
            "unit" => descending ? rows.OrderByDescending(r => r.Name, StringComparer.CurrentCulture) : rows.OrderBy(r => r.Name, StringComparer.CurrentCulture),
            "score" => ByNumber(rows, r => r.Score, descending),
            "value" => ByNumber(rows, r => r.Value, descending),
            "change" => ByNumber(rows, r => r.RankChange, descending),
            "trackrank" => ByNumber(rows, r => r.TrackRank, descending),
            _ => ByNumber(rows, r => r.Rank, descending),
        };
        return sorted.ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
    }

    private static IOrderedEnumerable<LeagueRow> ByNumber(List<LeagueRow> rows, Func<LeagueRow, double?> by, bool descending)
    {
        var withValue = rows.OrderBy(r => by(r) is null ? 1 : 0);
        return descending ? withValue.ThenByDescending(r => by(r)) : withValue.ThenBy(r => by(r));
    }
}
