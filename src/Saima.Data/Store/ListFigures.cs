using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A list outcome of a unit in a period, as it becomes a figure: the value and the note saying how it was computed.</summary>
public sealed record ListFigure(string Unit, string Indicator, ListOutcome Outcome, double Value, string Note);

/// <summary>
/// List outcomes as indicator figures. The office binds a scheme's indicator to an outcome of the
/// lists (<see cref="ListOutcome"/>: resolution rate, overdue count, projects started, investment
/// completion rate; the item outcomes optionally of one kind of item). For a period the outcome is
/// computed per unit of the scheme, one query per outcome, and entered through the figure door
/// (<see cref="FigureEntry"/>, submitted, then approved by the office user who fills them), marked
/// as computed: entered under "清单计算" with a note naming the outcome and the query's parameters.
/// A unit with nothing to divide by (no item due, no investment planned) gets no figure.
/// </summary>
public sealed class ListFigures(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of the bindings (key: scheme id/indicator code).</summary>
    public const string Entity = "indicator_feed";

    /// <summary>How the enterer of computed figures is named (after the office user's name).</summary>
    public const string Enterer = "清单计算";

    /// <summary>The outcome as the notes write it.</summary>
    public static string Word(ListOutcome outcome) => outcome switch
    {
        ListOutcome.ResolutionRate => "按期办结率",
        ListOutcome.OverdueCount => "逾期事项数",
        ListOutcome.ProjectsStarted => "开工项目数",
        _ => "投资完成率",
    };

    /// <summary>Binds an indicator of a scheme to an outcome (office only), or unbinds it (<paramref name="outcome"/> null).</summary>
    public async Task<IndicatorFeed?> SetFeedAsync(Actor actor, long schemeId, string? indicator, ListOutcome? outcome, ListKind? kind = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("bind indicators to list outcomes");
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));
        string code = indicator?.Trim() ?? string.Empty;
        if (!await db.Indicators.AnyAsync(i => i.SchemeId == schemeId && i.Code == code, cancel).ConfigureAwait(false)
            || outcome is { } o && !Enum.IsDefined(o) || kind is { } k && !Enum.IsDefined(k))
        {
            throw new WorkflowException(WorkflowCodes.NoIndicatorFeed, $"'{code}' is not an indicator of scheme '{scheme.Code}' (or the outcome is unknown)", code, scheme.Code);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        IndicatorFeed? feed = await db.IndicatorFeeds.SingleOrDefaultAsync(f => f.SchemeId == schemeId && f.Indicator == code, cancel).ConfigureAwait(false);
        string? before = feed is null ? null : Describe(feed.Outcome, feed.ListKind);
        string key = AuditLog.Text(schemeId) + "/" + code;
        if (outcome is not { } chosen)
        {
            if (feed is not null)
            {
                db.IndicatorFeeds.Remove(feed);
                db.Audit.Add(AuditLog.Entry(now, actor, "unbind", Entity, key, "outcome", before, null));
                await db.SaveChangesAsync(cancel).ConfigureAwait(false);
            }

            return null;
        }

        if (feed is null)
        {
            feed = new IndicatorFeed { SchemeId = schemeId, Indicator = code, CreatedAt = now, CreatedBy = actor.Name };
            db.IndicatorFeeds.Add(feed);
        }

        feed.Outcome = chosen;
        feed.ListKind = chosen is ListOutcome.ResolutionRate or ListOutcome.OverdueCount ? kind : null;
        db.Audit.Add(AuditLog.Entry(now, actor, "bind", Entity, key, "outcome", before, Describe(feed.Outcome, feed.ListKind)));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return feed;
    }

    /// <summary>The indicators of a scheme fed by list outcomes, by code.</summary>
    public async Task<IReadOnlyList<IndicatorFeed>> FeedsAsync(long schemeId, CancellationToken cancel = default) =>
        await db.IndicatorFeeds.AsNoTracking().Where(f => f.SchemeId == schemeId).OrderBy(f => f.Indicator).ToListAsync(cancel).ConfigureAwait(false);

    /// <summary>The figures the bound outcomes make for a period of a scheme (read only; what <see cref="FillAsync"/> enters).</summary>
    public async Task<IReadOnlyList<ListFigure>> ComputeAsync(long schemeId, string period, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        (DateOnly from, DateOnly to) = Bounds(period);
        var units = await (from su in db.SchemeUnits.AsNoTracking()
                           join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                           where su.SchemeId == schemeId
                           select new { u.Id, u.Code }).ToListAsync(cancel).ConfigureAwait(false);
        long[] ids = [.. units.Select(u => u.Id)];
        var code = units.ToDictionary(u => u.Id, u => u.Code);
        var figures = new List<ListFigure>();
        string span = string.Create(CultureInfo.InvariantCulture, $"{ListService.DateText(from)}至{ListService.DateText(to)}");
        foreach (IndicatorFeed feed in await FeedsAsync(schemeId, cancel).ConfigureAwait(false))
        {
            string kindWord = feed.ListKind is { } k ? KindWord(k) + "，" : string.Empty;
            IQueryable<ListItem> items = db.ListItems.AsNoTracking()
                .Where(i => ids.Contains(i.OwnerUnitId) && i.State != ListState.Draft && i.State != ListState.Dismissed);
            if (feed.ListKind is { } kind)
            {
                items = items.Where(i => i.Kind == kind);
            }

            switch (feed.Outcome)
            {
                case ListOutcome.ResolutionRate:
                    var rates = await items.Where(i => i.Deadline >= from && i.Deadline <= to).GroupBy(i => i.OwnerUnitId)
                        .Select(g => new { Unit = g.Key, Due = g.Count(), OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && i.ClosedOn <= i.Deadline) })
                        .ToListAsync(cancel).ConfigureAwait(false);
                    figures.AddRange(rates.Where(r => r.Due > 0).Select(r => new ListFigure(code[r.Unit], feed.Indicator, feed.Outcome, Math.Round(100.0 * r.OnTime / r.Due, 4),
                        string.Create(CultureInfo.InvariantCulture, $"{Enterer}：{Word(feed.Outcome)} = 按期销号 {r.OnTime} ÷ 到期 {r.Due}（{kindWord}完成时限 {span}）"))));
                    break;
                case ListOutcome.OverdueCount:
                    var overdue = await items.Where(i => i.Deadline < to && !(i.ClosedOn != null && i.ClosedOn <= to)).GroupBy(i => i.OwnerUnitId)
                        .Select(g => new { Unit = g.Key, Count = g.Count() }).ToListAsync(cancel).ConfigureAwait(false);
                    var overdueOf = overdue.ToDictionary(o => o.Unit, o => o.Count);
                    figures.AddRange(units.Select(u => new ListFigure(u.Code, feed.Indicator, feed.Outcome, overdueOf.GetValueOrDefault(u.Id),
                        string.Create(CultureInfo.InvariantCulture, $"{Enterer}：{Word(feed.Outcome)}（{kindWord}截至 {ListService.DateText(to)} 逾期未销号）"))));
                    break;
                case ListOutcome.ProjectsStarted:
                    var started = await db.Projects.AsNoTracking().Where(p => ids.Contains(p.OwnerUnitId) && p.StartedOn >= from && p.StartedOn <= to)
                        .GroupBy(p => p.OwnerUnitId).Select(g => new { Unit = g.Key, Count = g.Count() }).ToListAsync(cancel).ConfigureAwait(false);
                    var startedOf = started.ToDictionary(o => o.Unit, o => o.Count);
                    figures.AddRange(units.Select(u => new ListFigure(u.Code, feed.Indicator, feed.Outcome, startedOf.GetValueOrDefault(u.Id),
                        string.Create(CultureInfo.InvariantCulture, $"{Enterer}：{Word(feed.Outcome)}（重大项目开工日期 {span}）"))));
                    break;
                default:
                    string[] months = ProjectService.Months(to.Year, to.Month);
                    var invest = await (from x in db.ProjectInvestments.AsNoTracking()
                                        join p in db.Projects.AsNoTracking() on x.ProjectId equals p.Id
                                        where ids.Contains(p.OwnerUnitId) && months.Contains(x.Month)
                                        group x by p.OwnerUnitId into g
                                        select new { Unit = g.Key, Planned = g.Sum(x => x.Planned ?? 0), Done = g.Sum(x => x.Done ?? 0) }).ToListAsync(cancel).ConfigureAwait(false);
                    figures.AddRange(invest.Where(r => r.Planned > 0).Select(r => new ListFigure(code[r.Unit], feed.Indicator, feed.Outcome, Math.Round(100.0 * r.Done / r.Planned, 4),
                        string.Create(CultureInfo.InvariantCulture, $"{Enterer}：{Word(feed.Outcome)} = 完成 {ProjectService.Amount(r.Done)} ÷ 计划 {ProjectService.Amount(r.Planned)} 万元（{months[0]}至{months[^1]} 累计）"))));
                    break;
            }
        }

        return [.. figures.OrderBy(f => f.Indicator, StringComparer.Ordinal).ThenBy(f => f.Unit, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Fills the figures of an open period from the lists (office only): the computed figures go
    /// through the figure door (<see cref="FigureEntry"/>, submitted) under "清单计算" and are
    /// approved by the actor. A figure already approved with the same value is left as it is;
    /// any refusal of the door refuses the whole fill (<see cref="WorkflowCodes.ListFigureRefused"/>).
    /// </summary>
    /// <returns>How many figures were entered or changed.</returns>
    public async Task<int> FillAsync(Actor actor, long schemeId, string period, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("fill figures from the lists");
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));
        ReportingPeriod? p = await db.Periods.AsNoTracking().SingleOrDefaultAsync(x => x.SchemeId == schemeId && x.Code == period, cancel).ConfigureAwait(false);
        if (p is not { Status: PeriodStatus.Open })
        {
            throw new WorkflowException(WorkflowCodes.ListFigurePeriod,
                $"period {period} of scheme '{scheme.Code}' is {(p is null ? "not opened" : AuditLog.Text(p.Status))}; list outcomes go into an open period only", period, scheme.Code);
        }

        IReadOnlyList<ListFigure> computed = await ComputeAsync(schemeId, period, cancel).ConfigureAwait(false);
        var current = await (from f in db.Figures.AsNoTracking()
                             join u in db.Units.AsNoTracking() on f.UnitId equals u.Id
                             join i in db.Indicators.AsNoTracking() on f.IndicatorId equals i.Id
                             where f.SchemeId == schemeId && f.Period == period && f.IsCurrent
                             select new { Unit = u.Code, Indicator = i.Code, f.Value, f.Status }).ToListAsync(cancel).ConfigureAwait(false);
        var now = current.ToDictionary(c => (c.Unit, c.Indicator), c => (c.Value, c.Status));
        var items = computed
            .Where(f => !(now.TryGetValue((f.Unit, f.Indicator), out var c) && c.Value == f.Value && c.Status is FigureStatus.Approved or FigureStatus.Published))
            .Select(f => new FigureInput(f.Unit, f.Indicator, period, f.Value, f.Note)).ToList();
        if (items.Count == 0)
        {
            return 0;
        }

        var enterer = new Actor($"{actor.Name} · {Enterer}", ActorRole.Office);
        await using var tx = await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false);
        EntryResult entry = await new FigureEntry(db, clock).SaveAsync(enterer, new EntryRequest(scheme.Code, items, EntryMode.Submit), cancel).ConfigureAwait(false);
        if (!entry.Accepted)
        {
            EntryError e = entry.Errors[0];
            FigureInput at = e.Index >= 0 && e.Index < items.Count ? items[e.Index] : items[0];
            throw new WorkflowException(WorkflowCodes.ListFigureRefused, $"the list outcome of '{at.Unit}' ({at.Indicator}) could not become its figure: {e.En}", period, at.Unit, at.Indicator, e.Code, e.En);
        }

        var workflow = new FigureWorkflow(db, clock);
        long[] ids = [.. entry.FigureIds];
        var submitted = await db.Figures.AsNoTracking().Where(f => ids.Contains(f.Id) && f.Status == FigureStatus.Submitted).Select(f => f.Id).ToListAsync(cancel).ConfigureAwait(false);
        foreach (long id in submitted)
        {
            workflow.Approve(actor, id);
        }

        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>The first and last day of a period: a month (2025-06), a quarter (2025-Q2) or a year (2025).</summary>
    public static (DateOnly From, DateOnly To) Bounds(string period)
    {
        ArgumentNullException.ThrowIfNull(period);
        string p = period.Trim();
        if (p.Length == 4 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int year))
        {
            return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        }

        if (p.Length == 7 && p[5] == 'Q' && int.TryParse(p.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int qy) && p[6] is >= '1' and <= '4')
        {
            var first = new DateOnly(qy, (3 * (p[6] - '1')) + 1, 1);
            return (first, first.AddMonths(3).AddDays(-1));
        }

        if (DateOnly.TryParseExact(p + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly month) && p.Length == 7)
        {
            return (month, month.AddMonths(1).AddDays(-1));
        }

        throw new WorkflowException(WorkflowCodes.PeriodCode, $"'{period}' is not a month, quarter or year", period, string.Empty, string.Empty);
    }

    private static string KindWord(ListKind kind) => ListExcel.KindWords.First(k => k.Value == kind).Key;

    private static string Describe(ListOutcome outcome, ListKind? kind) =>
        outcome.ToString() + (kind is { } k ? ":" + k.ToString() : string.Empty);
}
