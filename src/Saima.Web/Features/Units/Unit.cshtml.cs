using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Scoring;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Units;

/// <summary>One indicator of a unit in a period: its figure against target and time, and its place among the units.</summary>
public sealed record UnitIndicatorRow(
    string Code, string Name, string? UnitOfMeasure, double? Value, double? Target, double? Completion, double? Expected,
    double? Score, int? Rank, int Ranked, string? Warning)
{
    /// <summary>Where the rank stands among the units ranked, 0 the best and 1 the last: ranks compare across indicators ranked among different numbers of units.</summary>
    public double? Standing => Rank is int r && Ranked > 1 ? (r - 1) / (double)(Ranked - 1) : null;
}

/// <summary>The unit's total in one published period.</summary>
public sealed record UnitPoint(string Period, double? Score, int? Rank, int Ranked);

/// <summary>
/// A unit's page: its total score and rank over the published periods (a chart fed by the
/// `chart` handler's JSON), and the latest published period indicator by indicator, with its
/// three strongest and three weakest indicators against its peers.
/// </summary>
public sealed class UnitModel(SaimaDb db, IStringLocalizer<Texts> texts, IMemoryCache cache, Saima.Web.Access.SaimaAccess access, TimeProvider clock,
    Saima.Web.Features.Analysis.AnalysisJobs jobs) : PageModel
{
    public const int Highlights = 3;

    /// <summary>
    /// Up to how many indicators the explanation shows every indicator's row at once; a wider
    /// scheme shows every dimension's row and one dimension's indicators (<see cref="ExplainDimension"/>,
    /// the first by default; <c>all</c>: every indicator), as the matrix does.
    /// </summary>
    public const int ExplainAllUpTo = 60;

    /// <summary>The dimension whose indicators the explanation of a wide scheme shows (<c>all</c>: every one).</summary>
    [BindProperty(SupportsGet = true, Name = "explain")]
    public string? ExplainDimension { get; set; }

    /// <summary>The store's change stamp the page's view is read under.</summary>
    private long _stamp;

    /// <summary>The scheme's published periods, read once per request.</summary>
    private IReadOnlyList<(string Period, ResultSet Set)> _periods = [];

    [BindProperty(SupportsGet = true, Name = "code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    public Unit? Unit { get; private set; }
    public string Name { get; private set; } = "";
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public bool English { get; private set; }
    public IReadOnlyList<UnitPoint> History { get; private set; } = [];
    public string? Latest { get; private set; }
    public IReadOnlyList<UnitIndicatorRow> Indicators { get; private set; } = [];
    public IReadOnlyList<UnitIndicatorRow> Strengths { get; private set; } = [];
    public IReadOnlyList<UnitIndicatorRow> Weaknesses { get; private set; } = [];

    /// <summary>How the latest published total was computed (<see cref="UnitExplain"/>).</summary>
    public UnitExplanation? Explanation { get; private set; }

    /// <summary>The approved bonus and penalty items counted in the latest published total (<see cref="UnitAdjustments"/>).</summary>
    public IReadOnlyList<CountedAdjustment> Adjustments { get; private set; } = [];

    /// <summary>The unit's 90% rank interval stored with the latest result set, and the replicates it came from (null: none stored).</summary>
    public (Saima.Data.Store.UnitRankInterval Interval, int Replicates)? RankInterval { get; private set; }

    /// <summary>What it takes to move up one place and to first place, as stored with the latest set (null: the unit has no rank, or it is being worked out).</summary>
    public Saima.Data.Store.WhatItTakesAnswer? WhatItTakes { get; private set; }

    /// <summary>
    /// The unit has a rank at the root of the latest set but its answer is not stored yet: the
    /// background service is working it out (asked for this unit first); the page says so and offers a refresh.
    /// </summary>
    public bool WhatItTakesPending { get; private set; }

    /// <summary>The latest set and the unit's rank at its root (null: no rank), kept with the page's view; the answer itself is read per request.</summary>
    private (long SetId, int Rank)? _witKey;

    /// <summary>Whether the user may adopt a needed value as a target here (the office; a reviewer, whose scope the store checks).</summary>
    public bool CanAdopt => access.FirstOf(Saima.Data.Store.ActorRole.Office, Saima.Data.Store.ActorRole.Reviewer) is not null;

    /// <summary>The indicator whose target was just adopted (after the redirect).</summary>
    [BindProperty(SupportsGet = true, Name = "adopted")]
    public string? Adopted { get; set; }

    /// <summary>A refusal of the adopt door, in the user's language.</summary>
    public string? AdoptError { get; private set; }

    /// <summary>
    /// Adopts a needed value as the unit's target of an indicator for a year, through the store's
    /// one door (<see cref="Saima.Data.Store.AnalysisService.AdoptTargetAsync"/>): the office, or a
    /// reviewer within its scope; everyone else is refused.
    /// </summary>
    public async Task<IActionResult> OnPostAdoptAsync(string? indicator, string? value, int year, CancellationToken cancel)
    {
        if (access.FirstOf(Saima.Data.Store.ActorRole.Office, Saima.Data.Store.ActorRole.Reviewer) is null)
        {
            return Forbid();
        }

        if (!await LoadViewAsync(cancel) || Scheme is null || Unit is null)
        {
            return NotFound();
        }

        Saima.Data.Store.Actor actor = access.AsFirstOf(Saima.Data.Store.ActorRole.Office, Saima.Data.Store.ActorRole.Reviewer);
        try
        {
            if (indicator is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                throw new Saima.Data.Store.WorkflowException(Saima.Data.Store.WorkflowCodes.AnalysisInvalid, "no indicator or value", "no indicator or value");
            }

            await new Saima.Data.Store.AnalysisService(db, clock).AdoptTargetAsync(actor, Scheme.Id, Unit.Id, indicator, year, v, null, cancel);
        }
        catch (Saima.Data.Store.AccessDeniedException)
        {
            return Forbid();
        }
        catch (Exception e) when (e is Saima.Data.Store.WorkflowException or Saima.Data.Store.NotFoundException)
        {
            db.ChangeTracker.Clear();
            AdoptError = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }

        return Redirect("/unit/" + Uri.EscapeDataString(Code) + "?scheme=" + Uri.EscapeDataString(Scheme.Code) + "&adopted=" + Uri.EscapeDataString(indicator));
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadViewAsync(cancel))
        {
            return NotFound();
        }

        if (Scheme is not null && Unit is not null && Latest is not null)
        {
            Peers = await Saima.Web.Features.Benchmarks.UnitPeers.LoadAsync(db, cache, clock, Scheme, Unit, English, cancel);
        }

        return Page();
    }

    /// <summary>The unit against its peers in the latest published set (对标先进; null: none to show).</summary>
    public Saima.Web.Features.Benchmarks.UnitPeersView? Peers { get; private set; }

    /// <summary>The chart's data: periods oldest first, the total score and the rank in each.</summary>
    public async Task<IActionResult> OnGetChartAsync(CancellationToken cancel)
    {
        if (!await LoadViewAsync(cancel))
        {
            return NotFound();
        }

        return new JsonResult(new
        {
            unit = Code,
            scheme = Scheme?.Code,
            periods = History.Select(h => h.Period),
            score = History.Select(h => h.Score is double s ? Math.Round(s, 2) : (double?)null),
            rank = History.Select(h => h.Rank),
            units = History.Select(h => h.Ranked),
            labels = new { score = texts["Unit_ChartScore"].Value, rank = texts["Unit_ChartRank"].Value },
        });
    }

    /// <summary>
    /// The page's state: kept under the store's change stamp (one small query), as the league
    /// table's is: it depends on the unit, the scheme asked for, the language and the store's
    /// published data only, not on the user; any change to what it is read from (a publication, a
    /// correction, a renamed unit or indicator) changes the stamp, whoever made it.
    /// </summary>
    private async Task<bool> LoadViewAsync(CancellationToken cancel) => await LoadViewAsync(ask: true, cancel);

    /// <summary>
    /// Reads what the page shows of unit <see cref="Code"/> in scheme <see cref="SchemeCode"/> (the
    /// kept view, its peers and corrections) without answering a request, and without asking the
    /// background for what it takes (<see cref="UnitPageWarmUp"/>): the shared, per-set parts are then
    /// kept for every unit's page, and the page's queries compiled. False when there is no such page.
    /// </summary>
    internal async Task<bool> WarmAsync(CancellationToken cancel)
    {
        if (!await LoadViewAsync(ask: false, cancel))
        {
            return false;
        }

        if (Scheme is not null && Unit is not null && Latest is not null)
        {
            Peers = await Saima.Web.Features.Benchmarks.UnitPeers.LoadAsync(db, cache, clock, Scheme, Unit, English, cancel);
            await Saima.Web.Features.Revisions.RevisionViews.UnitAsync(db, cache, Unit.Code, Scheme.Code, cancel);
        }

        return true;
    }

    private async Task<bool> LoadViewAsync(bool ask, CancellationToken cancel)
    {
        English = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        long stamp = _stamp = await Saima.Data.Store.ChangeStamp.ReadAsync(db, cancel);
        UnitView? view = await Published.KeptAsync(cache, (Published.CacheKey.UnitView, stamp, Code, SchemeCode, English),
            async () =>
            {
                if (!await LoadAsync(cancel))
                {
                    return null;
                }

                if (Scheme is not null && Latest is not null)
                {
                    await LoadLatestAsync(cancel);
                }

                return new UnitView(Unit, Name, Schemes, Scheme, History, Latest, Indicators, Strengths, Weaknesses, Explanation, Adjustments, RankInterval, _witKey);
            });
        if (view is null)
        {
            return false;
        }

        // What it takes is stored with the set, by the publication or the background service
        // (Saima.Data.Store.StoredAnalysis): read by its key on every request, never computed here.
        if (view.WhatItTakesKey is (long setId, int _))
        {
            var names = view.Indicators.ToDictionary(i => i.Code, i => i.Name, StringComparer.Ordinal);
            WhatItTakes = await new Saima.Data.Store.StoredAnalysis(db).WhatItTakesOfAsync(setId, view.Unit!.Id, names, cancel);
            if (WhatItTakes is null)
            {
                WhatItTakesPending = true;
                if (ask)
                {
                    jobs.Ask(setId, view.Unit.Id);
                }
            }
        }

        (Unit, Name, Schemes, Scheme, History, Latest, Indicators, Strengths, Weaknesses, Explanation) =
            (view.Unit, view.Name, view.Schemes, view.Scheme, view.History, view.Latest, view.Indicators, view.Strengths, view.Weaknesses, view.Explanation);
        Adjustments = view.Adjustments;
        RankInterval = view.RankInterval;
        return true;
    }

    /// <summary>What <see cref="LoadViewAsync"/> keeps of a unit's page.</summary>
    private sealed record UnitView(
        Unit? Unit, string Name, IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<UnitPoint> History,
        string? Latest, IReadOnlyList<UnitIndicatorRow> Indicators, IReadOnlyList<UnitIndicatorRow> Strengths,
        IReadOnlyList<UnitIndicatorRow> Weaknesses, UnitExplanation? Explanation, IReadOnlyList<CountedAdjustment> Adjustments,
        (Saima.Data.Store.UnitRankInterval, int)? RankInterval, (long SetId, int Rank)? WhatItTakesKey);

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        // One connection for the page's queries (as the league table does): the context, scoped
        // to the request, closes it.
        await db.Database.OpenConnectionAsync(cancel);
        Unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == Code, cancel);
        if (Unit is null)
        {
            return false;
        }

        Name = Published.Name(Unit.Name, Unit.NameEn, English);
        long unitId = Unit.Id;
        Schemes = await (from s in db.Schemes.AsNoTracking()
                         join su in db.SchemeUnits.AsNoTracking() on s.Id equals su.SchemeId
                         where su.UnitId == unitId
                         orderby s.Code
                         select s).ToListAsync(cancel);
        if (SchemeCode is not null)
        {
            Scheme = Schemes.FirstOrDefault(s => s.Code == SchemeCode);
            if (Scheme is null)
            {
                return false;
            }
        }
        else
        {
            Scheme = Schemes.FirstOrDefault();
        }

        if (Scheme is null)
        {
            return true;
        }

        var periods = _periods = await Published.PeriodsAsync(db, Scheme.Id, cancel);
        var setIds = periods.Select(p => p.Set.Id).ToList();

        // Published result sets never change (a correction is a new set): what is read from them
        // is kept under the sets it was read from, so a new publication or correction is a new key.
        var historyKey = ("unit-history", unitId, string.Join(',', setIds));
        if (cache.TryGetValue(historyKey, out IReadOnlyList<UnitPoint>? known) && known is not null)
        {
            History = known;
            Latest = History.Count > 0 ? History[^1].Period : null;
            return true;
        }

        var totals = new Dictionary<long, string>();
        foreach (long version in periods.Select(p => p.Set.SchemeVersionId).Distinct())
        {
            Saima.Scoring.Scheme parsed = await Published.SchemeOfAsync(db, version, cache, cancel);
            totals[version] = parsed.Groups[parsed.RootGroup].Code;
        }

        // Only the total's rows: the history is of the total (every node of every period would be
        // the whole result table of the scheme).
        string[] totalNodes = [.. totals.Values.Distinct(StringComparer.Ordinal)];
        var rows = await db.ResultRows.AsNoTracking()
            .Where(r => setIds.Contains(r.ResultSetId) && r.UnitId == unitId && totalNodes.Contains(r.Node))
            .Select(r => new { r.ResultSetId, r.Node, r.Score, r.Rank }).ToListAsync(cancel);
        var ranked = await RankedAtAsync(db, cache, [.. periods.Select(p => (p.Set.Id, totals[p.Set.SchemeVersionId]))], cancel);
        History = periods.Reverse().Select(p =>
        {
            string total = totals[p.Set.SchemeVersionId];
            var row = rows.FirstOrDefault(r => r.ResultSetId == p.Set.Id && r.Node == total);
            int n = ranked.GetValueOrDefault((p.Set.Id, total));
            return new UnitPoint(p.Period, row?.Score, row?.Rank, n);
        }).Where(p => p.Score is not null || p.Rank is not null).ToList();
        cache.Set(historyKey, History, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30), Size = 1 });
        Latest = History.Count > 0 ? History[^1].Period : null;
        return true;
    }

    /// <summary>
    /// How many units ranked at one node of each result set (the history's "of N": the total of
    /// every published period). Kept per set and node (a stored set never changes); those not kept
    /// are read together from the counts stored with each set (a set's counts of every node, when
    /// kept, answer too). Every unit's page shares them.
    /// </summary>
    internal static async Task<IReadOnlyDictionary<(long SetId, string Node), int>> RankedAtAsync(
        SaimaDb db, IMemoryCache cache, IReadOnlyList<(long SetId, string Node)> wanted, CancellationToken cancel)
    {
        var counts = new Dictionary<(long SetId, string Node), int>();
        var missing = new List<(long SetId, string Node)>();
        foreach (var w in wanted.Distinct())
        {
            if (cache.TryGetValue(RankedCountsKey(w.SetId), out IReadOnlyDictionary<string, int>? all) && all is not null)
            {
                counts[w] = all.GetValueOrDefault(w.Node);
            }
            else if (cache.TryGetValue(("unit-ranked-at", w.SetId, w.Node), out int known))
            {
                counts[w] = known;
            }
            else
            {
                missing.Add(w);
            }
        }

        if (missing.Count == 0)
        {
            return counts;
        }

        long[] ids = [.. missing.Select(m => m.SetId).Distinct()];
        string[] nodes = [.. missing.Select(m => m.Node).Distinct(StringComparer.Ordinal)];
        string key = string.Join(',', missing.Select(m => m.SetId.ToString(CultureInfo.InvariantCulture) + ":" + m.Node));
        var read = (await Published.KeptAsync(cache, ("unit-ranked-at-read", key), async () =>
            await db.ResultNodeRanked.AsNoTracking()
                .Where(r => ids.Contains(r.ResultSetId) && nodes.Contains(r.Node))
                .Select(r => new RankedAt(r.ResultSetId, r.Node, r.Ranked))
                .ToListAsync(cancel)))!;
        foreach (var m in missing)
        {
            int n = read.FirstOrDefault(r => r.SetId == m.SetId && r.Node == m.Node)?.Count ?? 0;
            cache.Set(("unit-ranked-at", m.SetId, m.Node), n, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30), Size = 1 });
            counts[m] = n;
        }

        return counts;
    }

    private sealed record RankedAt(long SetId, string Node, int Count);

    /// <summary>The cache key of how many units each node of a result set ranked.</summary>
    internal static (string, long) RankedCountsKey(long setId) => ("unit-ranked-counts", setId);

    /// <summary>
    /// How many units each node of each result set ranked (node → count). The same for every
    /// unit's page, and a stored set never changes (a correction is a new set): stored with the set
    /// when it is computed (result_node_ranked: counting them from the set's rows read every row,
    /// 2.2 million for a township set at a country) and kept once read.
    /// </summary>
    internal static async Task<Dictionary<long, IReadOnlyDictionary<string, int>>> RankedCountsAsync(
        SaimaDb db, IMemoryCache cache, IReadOnlyCollection<long> setIds, CancellationToken cancel)
    {
        var counts = new Dictionary<long, IReadOnlyDictionary<string, int>>();
        var missing = new List<long>();
        foreach (long id in setIds)
        {
            if (cache.TryGetValue(RankedCountsKey(id), out IReadOnlyDictionary<string, int>? known) && known is not null)
            {
                counts[id] = known;
            }
            else
            {
                missing.Add(id);
            }
        }

        // One read at a time per set: the pages of other units that ask meanwhile wait for it.
        foreach (long id in missing)
        {
            counts[id] = (await Published.KeptAsync(cache, RankedCountsKey(id), async () =>
            {
                IReadOnlyDictionary<string, int> nodes = await db.ResultNodeRanked.AsNoTracking()
                    .Where(r => r.ResultSetId == id)
                    .ToDictionaryAsync(c => c.Node, c => c.Ranked, StringComparer.Ordinal, cancel);
                return nodes;
            }))!;
        }

        return counts;
    }

    private async Task LoadLatestAsync(CancellationToken cancel)
    {
        long schemeId = Scheme!.Id;
        long unitId = Unit!.Id;
        ResultSet set = _periods.Single(p => p.Period == Latest).Set;
        Saima.Scoring.Scheme parsed = await Published.SchemeOfAsync(db, set.SchemeVersionId, cache, cancel);
        // The scheme's indicators: the same for every unit's page, read once per change stamp.
        var stored = (await Published.KeptAsync(cache, ("unit-indicators", _stamp, schemeId), async () =>
            (IReadOnlyDictionary<string, Indicator>)(await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).ToListAsync(cancel))
                .ToDictionary(i => i.Code, StringComparer.Ordinal)))!;
        var rows = (await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id && r.UnitId == unitId).ToListAsync(cancel))
            .ToDictionary(r => r.Node, StringComparer.Ordinal);
        var warnings = (await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.UnitId == unitId).ToListAsync(cancel))
            .ToDictionary(w => w.Indicator, StringComparer.Ordinal);
        IReadOnlyDictionary<string, int> ranked = (await RankedCountsAsync(db, cache, [set.Id], cancel))[set.Id];

        Indicators = parsed.Indicators.Select(def =>
        {
            stored.TryGetValue(def.Code, out Indicator? meta);
            rows.TryGetValue(def.Code, out ResultRow? row);
            warnings.TryGetValue(def.Code, out WarningResult? w);
            string name = English && !string.IsNullOrWhiteSpace(meta?.NameEn) ? meta.NameEn : def.Name ?? meta?.Name ?? def.Code;
            return new UnitIndicatorRow(def.Code, name, meta?.UnitOfMeasure, w?.Value ?? row?.Value, w?.Target, w?.Completion, w?.Expected,
                row?.Score, row?.Rank, ranked.GetValueOrDefault(def.Code), w?.Level);
        }).ToList();

        // Strengths and weaknesses against the peers: the place among the units ranked, so that
        // 3rd of 12 and 3rd of 4 are not taken for the same.
        var placed = Indicators.Where(i => i.Standing is not null).ToList();
        Strengths = placed.OrderBy(i => i.Standing).ThenBy(i => i.Code, StringComparer.Ordinal).Take(Highlights).ToList();
        Weaknesses = placed.Except(Strengths).OrderByDescending(i => i.Standing).ThenBy(i => i.Code, StringComparer.Ordinal).Take(Highlights).ToList();
        var english = stored.Values.Where(i => !string.IsNullOrWhiteSpace(i.NameEn)).ToDictionary(i => i.Code, i => i.NameEn!, StringComparer.Ordinal);
        Explanation = await UnitExplain.LoadAsync(db, set, unitId, english, English, _stamp, cancel, cache);
        // Stored with the set when it was computed; a set stored before intervals existed has none.
        if (await Saima.Data.Store.RankIntervals.RunOfAsync(db, set.Id, cancel) is { } run
            && await Saima.Data.Store.RankIntervals.OfAsync(db, set.Id, unitId, cancel) is { Low: not null, High: not null } interval)
        {
            RankInterval = (interval, run.Replicates);
        }

        // What it takes is read per request (LoadViewAsync) by the set and the unit, when the unit has a rank at the root.
        rows.TryGetValue(parsed.Groups[parsed.RootGroup].Code, out ResultRow? totalRow);
        _witKey = totalRow?.Rank is int totalRank ? (set.Id, totalRank) : null;

        Adjustments = await UnitAdjustments.LoadAsync(db, set, unitId, parsed, Indicators.ToDictionary(i => i.Code, i => i.Name, StringComparer.Ordinal), cancel);
    }
}
