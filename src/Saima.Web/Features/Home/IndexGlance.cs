using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Entry;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Home;

/// <summary>A unit whose total rank moved since the previous period (positive: up).</summary>
public sealed record Mover(string Code, string Name, string? NameEn, int Rank, int Change);

/// <summary>A unit with figures of the open period not yet approved.</summary>
public sealed record OutstandingUnit(string Code, string Name, string? NameEn, int Outstanding);

/// <summary>
/// The open period's submissions within what the user may see: units expected, how many are not
/// complete, and the figures outstanding by status. <see cref="Late"/> lists the units (empty when
/// <see cref="CountsOnly"/>: leaders see the counts, not who).
/// </summary>
public sealed record OpenProgress(
    string Period, DateTimeOffset? Deadline, int Units, int LateUnits, int Missing, int Draft, int Returned, int Submitted,
    bool CountsOnly, IReadOnlyList<OutstandingUnit> Late)
{
    public int Outstanding => Missing + Draft + Returned + Submitted;
}

/// <summary>
/// One scheme at a glance on Home, beside its leaders and laggards: the biggest movers of the
/// current published period, the warnings at the scheme's most severe level, and the open period's
/// submissions outstanding.
/// </summary>
public sealed record SchemeGlance(
    string Code, string Name, string? NameEn, string? Period,
    IReadOnlyList<Mover> Rises, IReadOnlyList<Mover> Falls,
    bool HasWarningRules, string? SevereLevel, int SevereWarnings, int SevereUnits,
    OpenProgress? Open);

/// <summary>Reads <see cref="SchemeGlance"/>s: results from the stored result set in force, submissions through the user's <see cref="UnitScope"/>.</summary>
public static class Glance
{
    public const int Movers = 3;
    public const int LateShown = 10;

    /// <summary>
    /// Each scheme at a glance: the published part (movers, severe warnings) is the same for every
    /// user and kept under the store's change stamp; the open period's progress under the figures'
    /// stamp too, per scope. <paramref name="stamps"/>: <see cref="ChangeStamp.ReadBothAsync"/>.
    /// </summary>
    public static async Task<IReadOnlyList<SchemeGlance>> LoadAsync(
        SaimaDb db, SaimaAccess access, IMemoryCache cache, (long Pages, long Figures) stamps, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);

        // The role the user looks at Home in: the widest work they do.
        Actor? actor = access.FirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Leader) is { } role
            ? access.As(role)
            : null;
        IReadOnlyList<(long SchemeId, SchemeGlance Glance)> published =
            (await Published.KeptAsync(cache, (Published.CacheKey.Glance, stamps.Pages), () => PublishedAsync(db, cache, cancel)))!;

        // Kept under both stamps (the figures', and the published tables' for periods, units,
        // indicators and the unit tree) and the actor's role and unit, which decide the scope.
        IReadOnlyDictionary<long, OpenProgress?> open = actor is null
            ? new Dictionary<long, OpenProgress?>()
            : (await Published.KeptAsync(cache, (Published.CacheKey.OpenProgress, stamps.Pages, stamps.Figures, actor.Role, actor.UnitId),
                () => OpenProgressAsync(db, access, actor, published.Select(p => p.SchemeId).ToList(), cancel)))!;
        var list = new List<SchemeGlance>();
        foreach ((long schemeId, SchemeGlance glance) in published)
        {
            OpenProgress? progress = open.GetValueOrDefault(schemeId);
            if (glance.Period is null && progress is null)
            {
                continue;
            }

            list.Add(glance with { Open = progress });
        }

        return list;
    }

    /// <summary>The open periods' progress within the actor's scope, by scheme.</summary>
    private static async Task<IReadOnlyDictionary<long, OpenProgress?>?> OpenProgressAsync(
        SaimaDb db, SaimaAccess access, Actor actor, IReadOnlyList<long> schemes, CancellationToken cancel)
    {
        var read = new Dictionary<long, OpenProgress?>();
        foreach (long schemeId in schemes)
        {
            read[schemeId] = await OpenAsync(db, access, actor, schemeId, cancel);
        }

        return read;
    }

    /// <summary>Every scheme's movers and severe warnings in its current published period (no open progress).</summary>
    private static async Task<IReadOnlyList<(long SchemeId, SchemeGlance Glance)>?> PublishedAsync(SaimaDb db, IMemoryCache cache, CancellationToken cancel)
    {
        await db.Database.OpenConnectionAsync(cancel);
        var list = new List<(long, SchemeGlance)>();
        foreach (AssessmentScheme scheme in await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel))
        {
            var rises = new List<Mover>();
            var falls = new List<Mover>();
            string? period = null;
            bool hasRules = false;
            string? severe = null;
            int severeCount = 0, severeUnits = 0;
            var published = await Published.PeriodsAsync(db, scheme.Id, cancel);
            if (published.Count > 0)
            {
                (period, ResultSet set) = published[0];
                Saima.Scoring.Scheme parsed = await Published.SchemeOfAsync(db, set.SchemeVersionId, cache, cancel);
                string total = parsed.Groups[parsed.RootGroup].Code;
                var moved = await (from r in db.ResultRows.AsNoTracking()
                                   join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                                   where r.ResultSetId == set.Id && r.Node == total && r.Rank != null && r.RankChange != null && r.RankChange != 0
                                   select new Mover(u.Code, u.Name, u.NameEn, r.Rank!.Value, r.RankChange!.Value)).ToListAsync(cancel);
                rises = moved.Where(m => m.Change > 0).OrderByDescending(m => m.Change).ThenBy(m => m.Rank).Take(Movers).ToList();
                falls = moved.Where(m => m.Change < 0).OrderBy(m => m.Change).ThenByDescending(m => m.Rank).Take(Movers).ToList();

                // The most severe level is the last rule: rules apply top to bottom, the worst shortfall falls through to it.
                hasRules = parsed.WarningRules is { Count: > 0 };
                if (hasRules)
                {
                    severe = parsed.WarningRules![^1].Level;
                    string level = severe;
                    var hits = await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.Level == level)
                        .Select(w => w.UnitId).ToListAsync(cancel);
                    severeCount = hits.Count;
                    severeUnits = hits.Distinct().Count();
                }
            }

            list.Add((scheme.Id, new SchemeGlance(scheme.Code, scheme.Name, scheme.NameEn, period, rises, falls, hasRules, severe, severeCount, severeUnits, null)));
        }

        return list;
    }

    /// <summary>
    /// The latest open period's progress within the actor's scope (a reporter: its own unit and the
    /// indicators it enters; a department: the indicators it supplies; a reviewer: its units). A
    /// leader sees no unpublished figure: the counts over every unit, without names. Null when the
    /// scheme has no open period or none of its units is in scope.
    /// </summary>
    private static async Task<OpenProgress?> OpenAsync(SaimaDb db, SaimaAccess access, Actor actor, long schemeId, CancellationToken cancel)
    {
        ReportingPeriod? rp = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Open)
            .OrderByDescending(p => p.Code).FirstOrDefaultAsync(cancel);
        if (rp is null)
        {
            return null;
        }

        string period = rp.Code;
        UnitScope scope = access.ScopeOf(actor);
        bool countsOnly = scope.None;
        if (countsOnly)
        {
            // Counts only: no unit, indicator or value leaves this method.
            scope = UnitScope.All;
        }

        IQueryable<Indicator> indicators = db.Indicators.AsNoTracking().InScope(scope).Where(i => i.SchemeId == schemeId && i.GrowthOfId == null);
        if (actor.Role == ActorRole.Reporter)
        {
            indicators = indicators.Where(i => i.SourceUnitId == null);
        }

        var due = (await indicators.Select(i => new { i.Id, i.Frequency }).ToListAsync(cancel))
            .Where(i => EntryForm.IsDue(i.Frequency, period)).Select(i => i.Id).ToHashSet();
        var units = await db.Units.AsNoTracking().InScope(scope)
            .Where(u => db.SchemeUnits.Any(su => su.SchemeId == schemeId && su.UnitId == u.Id))
            .OrderBy(u => u.Code).Select(u => new { u.Id, u.Code, u.Name, u.NameEn }).ToListAsync(cancel);
        if (units.Count == 0)
        {
            return null;
        }

        // Counted in the store, per unit and status (the office's view covers every unit's figures).
        var dueIds = due.ToList();
        var counts = (await db.Figures.AsNoTracking().Unpublished(db, scope)
                .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && dueIds.Contains(f.IndicatorId))
                .GroupBy(f => new { f.UnitId, f.Status })
                .Select(g => new { g.Key.UnitId, g.Key.Status, Count = g.Count() }).ToListAsync(cancel))
            .ToLookup(c => c.UnitId);
        int missing = 0, draft = 0, returned = 0, submitted = 0;
        var late = new List<OutstandingUnit>();
        foreach (var u in units)
        {
            var mine = counts[u.Id].ToList();
            int m = Math.Max(0, due.Count - mine.Sum(c => c.Count));
            int d = mine.Where(c => c.Status == FigureStatus.Draft).Sum(c => c.Count);
            int r = mine.Where(c => c.Status == FigureStatus.Returned).Sum(c => c.Count);
            int s = mine.Where(c => c.Status == FigureStatus.Submitted).Sum(c => c.Count);
            missing += m;
            draft += d;
            returned += r;
            submitted += s;
            if (m + d + r + s > 0)
            {
                late.Add(new OutstandingUnit(u.Code, u.Name, u.NameEn, m + d + r + s));
            }
        }

        return new OpenProgress(period, rp.Deadline, units.Count, late.Count, missing, draft, returned, submitted, countsOnly,
            countsOnly ? [] : late.OrderByDescending(l => l.Outstanding).ThenBy(l => l.Code, StringComparer.Ordinal).ToList());
    }
}
