using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Scoring;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Shared;

/// <summary>A node of a scheme as the pages offer it: the total, a dimension or an indicator.</summary>
public enum NodeKind
{
    Total,
    Dimension,
    Indicator,
}

public sealed record NodeOption(string Code, string Name, NodeKind Kind);

/// <summary>
/// What the league table and the unit page may show: only periods that are published and have
/// stored results (an open period's figures are nobody's business on these pages), each with
/// its result set in force (the latest: a correction adds a newer set, it does not replace the old).
/// </summary>
public static class Published
{
    /// <summary>
    /// The scheme and published period a results page shows, from its query (defaults: the first
    /// scheme by code, its latest published period). <see cref="Found"/> is false when the query
    /// names a scheme or period that is not there to show (the page answers 404); <see cref="Set"/>
    /// is null when nothing is published yet (the page says so).
    /// </summary>
    public sealed record Selection(
        bool Found,
        IReadOnlyList<AssessmentScheme> Schemes,
        AssessmentScheme? Scheme,
        IReadOnlyList<string> Periods,
        string? Period,
        ResultSet? Set,
        Scheme? Parsed,
        IReadOnlyDictionary<string, string> EnglishNames);

    public static Task<Selection> SelectAsync(SaimaDb db, string? schemeCode, string? period, CancellationToken cancel) =>
        SelectAsync(db, schemeCode, period, cache: null, cancel);

    /// <summary>
    /// As <see cref="SelectAsync(SaimaDb, string?, string?, CancellationToken)"/>, with the parsed
    /// scheme version taken from <paramref name="cache"/> (scheme versions never change: a new
    /// version is a new row). What is published, and which result set is in force, is always read
    /// from the store.
    /// </summary>
    public static async Task<Selection> SelectAsync(SaimaDb db, string? schemeCode, string? period, IMemoryCache? cache, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        var none = new Dictionary<string, string>(StringComparer.Ordinal);
        var schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel);
        if (schemes.Count == 0)
        {
            return new Selection(schemeCode is null, schemes, null, [], period, null, null, none);
        }

        AssessmentScheme? scheme = schemeCode is null ? schemes[0] : schemes.FirstOrDefault(s => s.Code == schemeCode);
        if (scheme is null)
        {
            return new Selection(false, schemes, null, [], period, null, null, none);
        }

        var periods = await PeriodsAsync(db, scheme.Id, cancel);
        var codes = periods.Select(p => p.Period).ToList();
        if (periods.Count == 0)
        {
            // Nothing published yet: the page says so; a period asked for cannot be shown.
            return new Selection(period is null, schemes, scheme, codes, period, null, null, none);
        }

        // An open period, or one without results, is not offered and not shown.
        period ??= periods[0].Period;
        int at = codes.IndexOf(period);
        if (at < 0)
        {
            return new Selection(false, schemes, scheme, codes, period, null, null, none);
        }

        ResultSet set = periods[at].Set;
        Scheme parsed = await SchemeOfAsync(db, set.SchemeVersionId, cache, cancel);
        var english = await EnglishIndicatorNamesAsync(db, scheme.Id, cancel);
        return new Selection(true, schemes, scheme, codes, period, set, parsed, english);
    }

    /// <summary>
    /// The published periods of a scheme that have results, newest first, with the result set in
    /// force. The sets come without <see cref="ResultSet.ExplainJson"/>: the explanation of a
    /// scheme's periods runs to megabytes (0.7 MB for the demo's county scheme), and no page that
    /// lists periods reads it.
    /// </summary>
    public static async Task<IReadOnlyList<(string Period, ResultSet Set)>> PeriodsAsync(SaimaDb db, long schemeId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sets = await (from r in db.ResultSets.AsNoTracking()
                          join p in db.Periods.AsNoTracking() on new { r.SchemeId, Code = r.Period } equals new { p.SchemeId, p.Code }
                          where r.SchemeId == schemeId && p.Status == PeriodStatus.Published
                          select new ResultSet
                          {
                              Id = r.Id, SchemeId = r.SchemeId, SchemeVersionId = r.SchemeVersionId, Period = r.Period,
                              ComputedAt = r.ComputedAt, ComputedBy = r.ComputedBy, InputHash = r.InputHash,
                          }).ToListAsync(cancel);
        return sets.GroupBy(s => s.Period, StringComparer.Ordinal)
            .Select(g => (g.Key, g.MaxBy(s => s.Id)!))
            .OrderByDescending(p => p.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The nodes of a scheme version: the total first, then the dimensions, then the indicators, in scheme order.</summary>
    public static IReadOnlyList<NodeOption> Nodes(Scheme scheme, IReadOnlyDictionary<string, string> englishNames, bool english)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(englishNames);
        var list = new List<NodeOption>();
        GroupDef root = scheme.Groups[scheme.RootGroup];
        list.Add(new NodeOption(root.Code, SchemeNames.Group(root, english), NodeKind.Total));
        list.AddRange(scheme.Groups.Where(g => g.Parent is not null).Select(g => new NodeOption(g.Code, SchemeNames.Group(g, english), NodeKind.Dimension)));
        list.AddRange(scheme.Indicators.Select(i => new NodeOption(i.Code, SchemeNames.Indicator(i, englishNames, english), NodeKind.Indicator)));
        return list;
    }

    /// <summary>English names of a scheme's indicators (the store's name_en), by code.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnglishIndicatorNamesAsync(SaimaDb db, long schemeId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        var list = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.NameEn != null)
            .Select(i => new { i.Code, i.NameEn }).ToListAsync(cancel);
        return list.ToDictionary(i => i.Code, i => i.NameEn!, StringComparer.Ordinal);
    }

    public static Task<Scheme> SchemeOfAsync(SaimaDb db, long schemeVersionId, CancellationToken cancel) =>
        SchemeOfAsync(db, schemeVersionId, cache: null, cancel);

    /// <summary>
    /// A scheme version, parsed; from <paramref name="cache"/> when given (a version never changes,
    /// so it is kept for the application's life; parsing the demo's county scheme takes milliseconds).
    /// </summary>
    public static async Task<Scheme> SchemeOfAsync(SaimaDb db, long schemeVersionId, IMemoryCache? cache, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (cache is not null && cache.TryGetValue((CacheKey.SchemeVersion, schemeVersionId), out Scheme? cached) && cached is not null)
        {
            return cached;
        }

        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == schemeVersionId).Select(v => v.Json).SingleAsync(cancel);
        Scheme parsed = SchemeParser.Parse(json);
        cache?.Set((CacheKey.SchemeVersion, schemeVersionId), parsed, new MemoryCacheEntryOptions { Size = 1 });
        return parsed;
    }

    /// <summary>What <see cref="IMemoryCache"/> entries of published, frozen data are keyed by (with an id).</summary>
    internal enum CacheKey
    {
        /// <summary>A parsed scheme version, by scheme_versions.id.</summary>
        SchemeVersion,

        /// <summary>A result set's rows at one node (with warnings), by result_sets.id and node.</summary>
        LeagueRows,

        /// <summary>What the league table shows, by change stamp, query and language.</summary>
        LeagueView,

        /// <summary>What a unit's page shows, by change stamp, unit, scheme and language.</summary>
        UnitView,

        /// <summary>What the red/green matrix shows, by change stamp, query and language.</summary>
        MatrixView,

        /// <summary>The cells of one window of the matrix (a page of units × the shown columns), by change stamp, query and language.</summary>
        MatrixWindow,

        /// <summary>What the map shows, by change stamp, query and language.</summary>
        MapView,

        /// <summary>Every scheme's leaders and laggards (Home, the public page), by change stamp.</summary>
        Leaders,

        /// <summary>Home's published part of each scheme at a glance, by change stamp.</summary>
        Glance,

        /// <summary>Home's open-period progress, by both change stamps and the actor's role and unit.</summary>
        OpenProgress,
    }

    /// <summary>
    /// The cache's budget (<c>Saima:CacheSize</c>, default <see cref="DefaultCacheSize"/>): every
    /// entry has a size (a page's view 1, a re-scored result set <see cref="ScoredEntrySize"/>), and
    /// beyond the budget entries are not kept (and the least recently used are compacted away), so
    /// that no sequence of requests grows the process without bound.
    /// </summary>
    public const long DefaultCacheSize = 20_000;

    /// <summary>The size of a result set's re-derivation (the engine's whole output) in the cache's budget.</summary>
    public const long ScoredEntrySize = 50;

    /// <summary>
    /// How long a page's view, kept under a change stamp, stays when no one asks for it: a newer
    /// stamp makes the old entries unreachable, and they go after this.
    /// </summary>
    internal static readonly MemoryCacheEntryOptions ViewEntry = new() { SlidingExpiration = TimeSpan.FromMinutes(10), Size = 1 };

    /// <summary>
    /// A page's view, kept under the store's change stamp: what a results page shows depends on
    /// its query, the language and the store's published data only (never on the user), so it is
    /// read once per stamp (<see cref="ChangeStamp"/>: one small query per request) and kept until
    /// anything it is read from changes, whoever changes it. <paramref name="key"/> makes the
    /// cache key from the stamp; <paramref name="read"/> reads the view, or null when the page is
    /// not there to show (kept neither).
    /// </summary>
    internal static async Task<TView?> KeptAsync<TView>(
        SaimaDb db, IMemoryCache cache, Func<long, object> key, Func<Task<TView?>> read, CancellationToken cancel)
        where TView : class =>
        await KeptAsync(cache, key(await ChangeStamp.ReadAsync(db, cancel)), read);

    /// <summary>
    /// A view kept under <paramref name="key"/>, which holds the stamp(s) it was read under:
    /// read with <paramref name="read"/> when not kept (null: kept neither). One read at a time per
    /// key: requests that ask for a view while another request reads it wait for that read and get
    /// its view, instead of each reading it again (50 people opening the matrix after a publication
    /// read the whole set once, not 50 times at once). A reader's request that is cancelled (its
    /// client went away) cancels only its own read: the waiters read again themselves.
    /// </summary>
    internal static async Task<TView?> KeptAsync<TView>(IMemoryCache cache, object key, Func<Task<TView?>> read)
        where TView : class
    {
        while (true)
        {
            if (cache.TryGetValue(key, out TView? view) && view is not null)
            {
                return view;
            }

            var mine = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
            // Per cache (each application its own: tests run several in one process).
            (IMemoryCache, object) reading = (cache, key);
            Task<object?> shared = Reading.GetOrAdd(reading, mine.Task);
            if (shared != mine.Task)
            {
                try
                {
                    return (TView?)await shared;
                }
                catch (OperationCanceledException)
                {
                    // The reading request went away: look again (and read, if no one else does).
                    continue;
                }
            }

            try
            {
                view = await read();
                if (view is not null)
                {
                    cache.Set(key, view, ViewEntry);
                    CacheMemory.Trim(cache);
                }

                mine.SetResult(view);
                return view;
            }
            catch (OperationCanceledException)
            {
                mine.SetCanceled();
                throw;
            }
            catch (Exception e)
            {
                mine.SetException(e);
                _ = mine.Task.Exception; // observed: the reader throws it itself
                throw;
            }
            finally
            {
                Reading.TryRemove(new KeyValuePair<(IMemoryCache, object), Task<object?>>(reading, mine.Task));
            }
        }
    }

    /// <summary>The views being read now, by key (<see cref="KeptAsync{TView}(IMemoryCache, object, Func{Task{TView}})"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IMemoryCache, object), Task<object?>> Reading = new();

    /// <summary>How many views are being read now (for tests).</summary>
    internal static int ReadingCount => Reading.Count;

    public static string Name(string name, string? nameEn, bool english) =>
        english && !string.IsNullOrWhiteSpace(nameEn) ? nameEn : name;
}

/// <summary>
/// Warning levels are the scheme's own labels (red/yellow/blue in one city, red/yellow/green in
/// another): the badge's colour follows the name, and a name we do not know stays neutral
/// rather than borrowing a colour that could mislead.
/// </summary>
public static class WarningLevels
{
    public static string Colour(string? level) => (level ?? string.Empty).Trim().ToUpperInvariant() switch
    {
        "RED" or "红" or "红色" => "red",
        "YELLOW" or "黄" or "黄色" => "yellow",
        "BLUE" or "蓝" or "蓝色" => "blue",
        "GREEN" or "绿" or "绿色" => "green",
        "ORANGE" or "橙" or "橙色" => "orange",
        _ => "neutral",
    };

    /// <summary>The resource key of a known colour's label; unknown levels show as the scheme wrote them.</summary>
    public static string? LabelKey(string? level) => Colour(level) is var c && c != "neutral"
        ? "Warning_" + char.ToUpperInvariant(c[0]) + c[1..]
        : null;
}
