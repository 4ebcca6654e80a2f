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
/// complete (<see cref="LateUnits"/>), and the figures outstanding by status. <see cref="Late"/>
/// lists the <see cref="Glance.LateShown"/> units with the most outstanding (empty when
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
        // indicators and the unit tree) and the scope: the office, a reviewer of every unit and a
        // leader share one read of every unit (a leader's copy without the units' names).
        IReadOnlyDictionary<long, OpenProgress?> open = new Dictionary<long, OpenProgress?>();
        if (actor is not null)
        {
            UnitScope scope = access.ScopeOf(actor);
            bool everyUnit = scope.None || (scope.Units is null && scope.SourceUnitId is null && actor.Role != ActorRole.Reporter);
            object key = everyUnit
                ? (Published.CacheKey.OpenProgress, stamps.Pages, stamps.Figures, "every unit")
                : (Published.CacheKey.OpenProgress, stamps.Pages, stamps.Figures, actor.Role, actor.UnitId);
            bool reporter = !everyUnit && actor.Role == ActorRole.Reporter;
            UnitScope read = everyUnit ? UnitScope.All : scope;
            open = (await Published.KeptAsync(cache, key,
                () => OpenProgressAsync(db, reporter, read, published.Select(p => p.SchemeId).ToList(), cancel)))!;
            if (scope.None)
            {
                // Counts only: no unit's name leaves for a leader.
                open = open.ToDictionary(o => o.Key, o => o.Value is null ? null : o.Value with { CountsOnly = true, Late = [] });
            }
        }

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
        SaimaDb db, bool reporter, UnitScope scope, IReadOnlyList<long> schemes, CancellationToken cancel)
    {
        var read = new Dictionary<long, OpenProgress?>();
        foreach (long schemeId in schemes)
        {
            read[schemeId] = await OpenAsync(db, reporter, scope, schemeId, cancel);
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
                // The biggest movers each way, picked in the database (a country's total holds 40,000 rows).
                var moved = from r in db.ResultRows.AsNoTracking()
                            join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                            where r.ResultSetId == set.Id && r.Node == total && r.Rank != null && r.RankChange != null
                            select new { u.Code, u.Name, u.NameEn, Rank = r.Rank!.Value, Change = r.RankChange!.Value };
                rises = (await moved.Where(m => m.Change > 0).OrderByDescending(m => m.Change).ThenBy(m => m.Rank).ThenBy(m => m.Code)
                        .Take(Movers).ToListAsync(cancel))
                    .Select(m => new Mover(m.Code, m.Name, m.NameEn, m.Rank, m.Change)).ToList();
                falls = (await moved.Where(m => m.Change < 0).OrderBy(m => m.Change).ThenByDescending(m => m.Rank).ThenBy(m => m.Code)
                        .Take(Movers).ToListAsync(cancel))
                    .Select(m => new Mover(m.Code, m.Name, m.NameEn, m.Rank, m.Change)).ToList();

                // The most severe level is the last rule: rules apply top to bottom, the worst shortfall falls through to it.
                hasRules = parsed.WarningRules is { Count: > 0 };
                if (hasRules)
                {
                    severe = parsed.WarningRules![^1].Level;
                    string level = severe;
                    var hits = db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.Level == level);
                    severeCount = await hits.CountAsync(cancel);
                    severeUnits = severeCount == 0 ? 0 : await hits.Select(w => w.UnitId).Distinct().CountAsync(cancel);
                }
            }

            list.Add((scheme.Id, new SchemeGlance(scheme.Code, scheme.Name, scheme.NameEn, period, rises, falls, hasRules, severe, severeCount, severeUnits, null)));
        }

        return list;
    }

    /// <summary>
    /// The latest open period's progress within <paramref name="scope"/> (a <paramref name="reporter"/>:
    /// its own unit and the indicators it enters, those no department supplies; a department: the indicators it supplies; a reviewer: its units; the
    /// office: every unit). A leader's is the office's, shown without names. Null when the scheme
    /// has no open period or none of its units is in scope. Everything is counted in the store
    /// (by status; per unit only its approved figures, to find the <see cref="LateShown"/> units
    /// with the most outstanding): what comes back is a few counts and at most
    /// <see cref="LateShown"/> units, however many units and figures the period holds.
    /// </summary>
    private static async Task<OpenProgress?> OpenAsync(SaimaDb db, bool reporter, UnitScope scope, long schemeId, CancellationToken cancel)
    {
        ReportingPeriod? rp = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Open)
            .OrderByDescending(p => p.Code).FirstOrDefaultAsync(cancel);
        if (rp is null)
        {
            return null;
        }

        string period = rp.Code;
        IQueryable<Indicator> indicators = db.Indicators.AsNoTracking().InScope(scope).Where(i => i.SchemeId == schemeId && i.GrowthOfId == null);
        if (reporter)
        {
            indicators = indicators.Where(i => i.SourceUnitId == null);
        }

        // The due indicators' ids (a scheme's few hundred at most) go to the store as a list: the
        // figures are then filtered as they are read from the index, which keeps its order.
        long[] dueIds = [.. (await indicators.Select(i => new { i.Id, i.Frequency }).ToListAsync(cancel))
            .Where(i => EntryForm.IsDue(i.Frequency, period)).Select(i => i.Id)];
        int due = dueIds.Length;
        IQueryable<Unit> units = db.Units.AsNoTracking().InScope(scope)
            .Where(u => db.SchemeUnits.Any(su => su.SchemeId == schemeId && su.UnitId == u.Id));
        int unitCount = await units.CountAsync(cancel);
        if (unitCount == 0)
        {
            return null;
        }

        // The figures counted: the current unpublished ones of due indicators, of the scheme's units
        // in scope, counted per unit and status (one pass over ix_figures_progress, in its order),
        // then those counts summed by status: the units are looked up per count, not per figure.
        var perUnit = db.Figures.AsNoTracking().Unpublished(db, scope)
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && dueIds.Contains(f.IndicatorId))
            .GroupBy(f => new { f.UnitId, f.Status })
            .Select(g => new { g.Key.UnitId, g.Key.Status, N = g.Count() })
            .Where(c => db.SchemeUnits.Any(su => su.SchemeId == schemeId && su.UnitId == c.UnitId));
        var byStatus = (await perUnit.GroupBy(c => c.Status)
                .Select(g => new { Status = g.Key, N = g.Sum(c => c.N), Complete = g.Count(c => c.N >= due) }).ToListAsync(cancel))
            .ToDictionary(c => c.Status);
        int Count(FigureStatus status) => byStatus.TryGetValue(status, out var c) ? c.N : 0;
        int draft = Count(FigureStatus.Draft), returned = Count(FigureStatus.Returned), submitted = Count(FigureStatus.Submitted);

        // A unit holds at most one current figure per indicator: missing = due × units − entered.
        int missing = Math.Max(0, (due * unitCount) - byStatus.Values.Sum(c => c.N));

        // A unit's outstanding figures are those not approved (missing, draft, returned, submitted):
        // due − approved. Complete units have every due figure approved.
        int complete = due == 0 ? unitCount : byStatus.TryGetValue(FigureStatus.Approved, out var a) ? a.Complete : 0;
        int lateUnits = unitCount - complete;
        IReadOnlyList<OutstandingUnit> late = [];
        if (lateUnits > 0 && !scope.None)
        {
            var approved = perUnit.Where(c => c.Status == FigureStatus.Approved);
            var shown = await (from u in units
                               join c in approved on u.Id equals c.UnitId into found
                               from c in found.DefaultIfEmpty()
                               let n = (int?)c!.N ?? 0
                               where n < due
                               orderby n, u.Code
                               select new { u.Code, u.Name, u.NameEn, Approved = n }).Take(LateShown).ToListAsync(cancel);
            late = [.. shown.Select(u => new OutstandingUnit(u.Code, u.Name, u.NameEn, due - u.Approved))];
        }

        return new OpenProgress(period, rp.Deadline, unitCount, lateUnits, missing, draft, returned, submitted, scope.None, late);
    }
}
