using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.League;

/// <summary>
/// One unit's line of the league table (<see cref="LeagueRow.Name"/> in the asked language,
/// <see cref="LeagueRow.NameEn"/> as stored); at the total, the 90% rank intervals stored with the
/// result set (null when it has none).
/// </summary>
public sealed record LeagueRow(
    string Code, string Name, string? NameEn, string? Track, double? Value, double? Score, int? Rank, int? TrackRank, int? RankChange, string? Warning,
    Saima.Data.Store.UnitRankInterval? Interval = null);

/// <summary>What a league-table request asks for (all optional: the first scheme, its latest published period, the total).</summary>
public sealed record LeagueRequest(string? Scheme, string? Period, string? Track, string? Node, string? Sort, bool English);

/// <summary>Why a league table is not shown, or that it is.</summary>
public enum LeagueOutcome
{
    /// <summary>The table is there (possibly empty: nothing published yet, <see cref="LeagueView.Set"/> null).</summary>
    Shown,

    /// <summary>The asked scheme does not exist.</summary>
    NoSuchScheme,

    /// <summary>The asked period is not published (or has no results).</summary>
    NotPublished,

    /// <summary>The asked node is not the total, a dimension or an indicator of the scheme.</summary>
    NoSuchNode,

    /// <summary>The asked track is not a track of the scheme.</summary>
    NoSuchTrack,
}

/// <summary>The league table as read for one request: every page, API and export line comes from here.</summary>
public sealed record LeagueView(
    LeagueOutcome Outcome,
    IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<string> Periods, string? Period, ResultSet? Set,
    IReadOnlyList<string> Tracks, IReadOnlyList<NodeOption> Nodes, NodeOption? Current, IReadOnlyList<LeagueRow> Rows,
    string? Track, string? Sort, IReadOnlyDictionary<string, string> TrackNames, string Rule);

/// <summary>
/// The league table's one query (排名): a published period of a scheme at one node, for all units
/// or one track, sorted on the server. The page (<see cref="LeagueModel"/>), its .xlsx export
/// (<see cref="LeagueWorkbook"/>) and the API's results endpoint read it, so they cannot disagree.
/// A shown table is kept under the store's change stamp (<see cref="Published.KeptAsync{TView}(SaimaDb, IMemoryCache, Func{long, object}, Func{Task{TView}}, CancellationToken)"/>);
/// the request is normalised first (an unknown sort is the default sort), so the cache's keys are
/// bounded by what exists, never by what a client types.
/// </summary>
public sealed class LeagueQuery(SaimaDb db, IMemoryCache cache, IStringLocalizer<RuleTexts> ruleTexts)
{
    /// <summary>The columns one may sort by; a leading '-' sorts descending.</summary>
    public static readonly string[] SortKeys = ["rank", "unit", "score", "change", "trackrank", "value"];

    /// <summary>A sort as asked when it names a column (optionally with '-'), else null (by rank).</summary>
    public static string? ValidSort(string? sort) =>
        sort is not null && SortKeys.Contains(sort.TrimStart('-'), StringComparer.Ordinal) && sort.LastIndexOf('-') <= 0 ? sort : null;

    public async Task<LeagueView> ReadAsync(LeagueRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request with { Sort = ValidSort(request.Sort), Track = string.IsNullOrEmpty(request.Track) ? null : request.Track };
        LeagueView? missing = null;
        LeagueView? view = await Published.KeptAsync(db, cache,
            stamp => (Published.CacheKey.LeagueView, stamp, request),
            async () =>
            {
                LeagueView read = await ReadFreshAsync(request, cancel);
                if (read.Outcome == LeagueOutcome.Shown)
                {
                    return read;
                }

                // Not kept: a refusal costs one read, and what clients ask for never fills the cache.
                missing = read;
                return null;
            },
            cancel);
        return view ?? missing!;
    }

    private async Task<LeagueView> ReadFreshAsync(LeagueRequest request, CancellationToken cancel)
    {
        // One connection for the few queries: otherwise EF opens and closes one per query, and
        // SQLite (unpooled, StoreOptions.SqliteFile) reopens the file and rereads the schema each
        // time. The context, scoped to the request, closes it.
        await db.Database.OpenConnectionAsync(cancel);
        Published.Selection selection = await Published.SelectAsync(db, request.Scheme, request.Period, cache, cancel);
        var none = new Dictionary<string, string>(StringComparer.Ordinal);
        LeagueView Refused(LeagueOutcome outcome) =>
            new(outcome, selection.Schemes, selection.Scheme, selection.Periods, selection.Period, null, [], [], null, [], request.Track, request.Sort, none, string.Empty);

        if (!selection.Found)
        {
            return Refused(selection.Scheme is null && request.Scheme is not null ? LeagueOutcome.NoSuchScheme : LeagueOutcome.NotPublished);
        }

        if (selection.Set is not { } set || selection.Parsed is not { } parsed)
        {
            return Refused(LeagueOutcome.Shown);
        }

        IReadOnlyList<NodeOption> nodes = Published.Nodes(parsed, selection.EnglishNames, request.English);
        NodeOption? current = request.Node is null ? nodes[0] : nodes.FirstOrDefault(n => n.Code == request.Node);
        if (current is null)
        {
            return Refused(LeagueOutcome.NoSuchNode);
        }

        // The scheme's units with their tracks and names: read each time (a unit may be renamed or
        // move track); the result rows themselves are frozen once published (FrozenRowsAsync).
        long schemeId = selection.Scheme!.Id;
        var members = await (from su in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                             where su.SchemeId == schemeId
                             select new Member(u.Id, u.Code, u.Name, u.NameEn, su.Track)).ToListAsync(cancel);
        var tracks = members.Select(t => t.Track).OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var trackNames = tracks.ToDictionary(t => t, t => SchemeNames.Track(parsed, t, request.English), StringComparer.Ordinal);
        if (request.Track is not null && !tracks.Contains(request.Track, StringComparer.Ordinal))
        {
            return Refused(LeagueOutcome.NoSuchTrack);
        }

        string rule = RuleTexts.Describe(ruleTexts, parsed, current.Code, request.Track);
        IReadOnlyList<FrozenRow> frozen = await FrozenRowsAsync(set.Id, current, cancel);
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
            .Select(x => new LeagueRow(x.Unit.Code, Published.Name(x.Unit.Name, x.Unit.NameEn, request.English), x.Unit.NameEn, x.Unit.Track,
                current.Kind == NodeKind.Indicator ? x.Row.Value : null, x.Row.Score, x.Row.Rank, x.Row.TrackRank, x.Row.RankChange, x.Row.Warning, x.Row.Interval))
            .Where(r => request.Track is null || r.Track == request.Track)
            .ToList();
        return new LeagueView(LeagueOutcome.Shown, selection.Schemes, selection.Scheme, selection.Periods, selection.Period, set,
            tracks, nodes, current, Sorted(list, request.Sort), request.Track, request.Sort, trackNames, rule);
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
        // The intervals are of the total's rank only; stored with the set, never computed here.
        IReadOnlyDictionary<long, Saima.Data.Store.UnitRankInterval> intervals = node.Kind == NodeKind.Total
            ? await Saima.Data.Store.RankIntervals.OfAsync(db, setId, cancel)
            : new Dictionary<long, Saima.Data.Store.UnitRankInterval>();
        IReadOnlyList<FrozenRow> frozen = rows
            .Select(r => new FrozenRow(r.UnitId, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange, warnings.GetValueOrDefault(r.UnitId), intervals.GetValueOrDefault(r.UnitId)))
            .ToList();
        // A big set's intervals are computed in the background after it is stored (StoredAnalysis):
        // until they are there, the total's rows are kept only briefly, so that they show soon after.
        var options = node.Kind == NodeKind.Total && intervals.Count == 0
            ? new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(15) }
            : new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) };
        cache.Set(key, frozen, options);
        return frozen;
    }

    private sealed record Member(long Id, string Code, string Name, string? NameEn, string? Track);

    private sealed record FrozenRow(long UnitId, double? Value, double? Score, int? Rank, int? TrackRank, int? RankChange, string? Warning, Saima.Data.Store.UnitRankInterval? Interval);

    private static List<LeagueRow> Sorted(List<LeagueRow> rows, string? sort)
    {
        bool descending = sort is not null && sort.StartsWith('-');
        string key = sort?.TrimStart('-') ?? "rank";

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
