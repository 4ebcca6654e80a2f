using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// What the review view is filtered by, within one scheme and open period: a unit (and, with
/// <see cref="Below"/>, the units under it), an indicator, the statuses (none: submitted and
/// approved, what waits for a decision or may still be returned), the source department that
/// supplies the indicator, and only the flagged figures (stored flags, or outside the plausible
/// range, or a year-to-date figure below last month's).
/// </summary>
public sealed record ReviewFilter(
    string? Unit = null,
    bool Below = false,
    string? Indicator = null,
    IReadOnlyList<FigureStatus>? Statuses = null,
    string? Source = null,
    bool FlaggedOnly = false);

/// <summary>
/// One figure of the review view, beside what a reviewer judges it by: last period's value, the
/// same period last year, the year's target (and, for a year-to-date indicator, the target
/// prorated to the period's time progress: the engine scores it against that), the plausible
/// range, the flags (stored at save and submit, and computed here from the range and last month,
/// as figures stored before the checks have none), the reporter's explanation and the reviewer's
/// earlier comment.
/// </summary>
public sealed record ReviewItem(
    long FigureId,
    string UnitCode,
    string UnitName,
    string? UnitNameEn,
    string IndicatorCode,
    string IndicatorName,
    string? IndicatorNameEn,
    string? UnitOfMeasure,
    string? SourceCode,
    double? Value,
    FigureStatus Status,
    string EnteredBy,
    DateTimeOffset EnteredAt,
    double? PreviousValue,
    double? LastYearValue,
    double? Target,
    double? ProratedTarget,
    double? MinPlausible,
    double? MaxPlausible,
    FigureFlags StoredFlags,
    FigureFlags Flags,
    string? Explanation,
    string? Comment);

/// <summary>An open period of a scheme as the review view offers it, with how many figures in the reviewer's units wait (submitted).</summary>
public sealed record ReviewPeriod(long SchemeId, string SchemeCode, string SchemeName, string? SchemeNameEn, string Period, int Waiting);

/// <summary>A page of the review view: the items, how many match the filter in all, and how many of those are "in range" (submitted, not flagged).</summary>
public sealed record ReviewPage(
    IReadOnlyList<ReviewItem> Items,
    int Total,
    int InRange,
    int Page,
    int PageSize,
    string? PreviousPeriod,
    string? LastYearPeriod,
    double? Progress)
{
    public int Pages => Total == 0 ? 1 : ((Total - 1) / PageSize) + 1;
}

/// <summary>
/// The review view (审核): the current unpublished figures of one open period that a reviewer may
/// act on (its unit and the units below it; a reviewer without a unit and the office: all),
/// filtered and paged (a country has thousands of units and hundreds of indicators, so nothing
/// is listed whole). The one query behind the review page, the bulk approval
/// (<see cref="ReviewActions"/>) and the API. Whether the reviewer may act on each figure is still
/// <see cref="FigureWorkflow"/>'s to decide (four eyes, status).
/// </summary>
public sealed class ReviewQueue(SaimaDb db)
{
    /// <summary>Most items one page shows.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The rows of a page, with what each is judged by.</summary>
    public async Task<ReviewPage> PageAsync(Actor actor, long schemeId, string period, ReviewFilter filter, int page, int pageSize, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 1);
        (string? previous, string? lastYear, double? progress) = Around(period);
        IQueryable<Row> rows = await QueryAsync(actor, schemeId, period, filter, cancel);
        int total = await rows.CountAsync(cancel);
        int inRange = await InRange(rows, schemeId, period).CountAsync(cancel);
        if ((page - 1) * pageSize >= total && total > 0)
        {
            page = ((total - 1) / pageSize) + 1;
        }

        var list = await rows.OrderBy(r => r.UnitCode).ThenBy(r => r.SortOrder).ThenBy(r => r.IndicatorCode)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancel);

        long[] unitIds = [.. list.Select(r => r.UnitId).Distinct()];
        long[] indicatorIds = [.. list.Select(r => r.IndicatorId).Distinct()];
        string?[] around = [previous, lastYear];
        string[] aroundCodes = [.. around.OfType<string>()];
        var earlier = await db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.IsCurrent && aroundCodes.Contains(f.Period) && unitIds.Contains(f.UnitId) && indicatorIds.Contains(f.IndicatorId)
                        && (f.Status == FigureStatus.Approved || f.Status == FigureStatus.Published))
            .Select(f => new { f.UnitId, f.IndicatorId, f.Period, f.Value })
            .ToListAsync(cancel);
        var values = earlier.ToDictionary(f => (f.UnitId, f.IndicatorId, f.Period), f => f.Value);
        int year = Period.TryParse(period, out Period p) ? p.Year : 0;
        var targets = (await db.Targets.AsNoTracking()
                .Where(t => t.SchemeId == schemeId && t.Year == year && unitIds.Contains(t.UnitId) && indicatorIds.Contains(t.IndicatorId))
                .Select(t => new { t.UnitId, t.IndicatorId, t.Value }).ToListAsync(cancel))
            .ToDictionary(t => (t.UnitId, t.IndicatorId), t => t.Value);
        string? lastMonth = p.Kind == PeriodKind.Month && p.Sub > 1 ? previous : null;

        var items = list.Select(r =>
        {
            double? before = previous is null ? null : values.GetValueOrDefault((r.UnitId, r.IndicatorId, previous));
            double? yearAgo = lastYear is null ? null : values.GetValueOrDefault((r.UnitId, r.IndicatorId, lastYear));
            double? target = targets.TryGetValue((r.UnitId, r.IndicatorId), out double t) ? t : null;
            double? prorated = r.Cumulative && target is { } full && progress is { } pct && pct < 100 ? full * pct / 100 : null;
            FigureFlags flags = r.Flags | Computed(r.Value, r.MinPlausible, r.MaxPlausible, r.Cumulative && lastMonth is not null ? before : null);
            return new ReviewItem(r.Id, r.UnitCode, r.UnitName, r.UnitNameEn, r.IndicatorCode, r.IndicatorName, r.IndicatorNameEn, r.UnitOfMeasure, r.SourceCode,
                r.Value, r.Status, r.EnteredBy, r.EnteredAt, before, yearAgo, target, prorated, r.MinPlausible, r.MaxPlausible, r.Flags, flags, r.Explanation, r.Comment);
        }).ToList();
        return new ReviewPage(items, total, inRange, page, pageSize, previous, lastYear, progress);
    }

    /// <summary>The open periods of every scheme, newest first within a scheme, each with the number of submitted figures in the actor's units.</summary>
    public async Task<IReadOnlyList<ReviewPeriod>> OpenPeriodsAsync(Actor actor, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        long[]? scope = await ScopeAsync(actor, cancel);
        var open = await (from p in db.Periods.AsNoTracking()
                          join s in db.Schemes on p.SchemeId equals s.Id
                          where p.Status == PeriodStatus.Open
                          select new { s.Id, s.Code, s.Name, s.NameEn, Period = p.Code }).ToListAsync(cancel);
        long[] schemeIds = [.. open.Select(o => o.Id).Distinct()];
        IQueryable<Figure> waiting = db.Figures.AsNoTracking()
            .Where(f => schemeIds.Contains(f.SchemeId) && f.IsCurrent && f.Status == FigureStatus.Submitted);
        if (scope is not null)
        {
            waiting = waiting.Where(f => scope.Contains(f.UnitId));
        }

        var counts = (await waiting.GroupBy(f => new { f.SchemeId, f.Period }).Select(g => new { g.Key.SchemeId, g.Key.Period, Count = g.Count() }).ToListAsync(cancel))
            .ToDictionary(c => (c.SchemeId, c.Period), c => c.Count);
        return open.OrderBy(o => o.Code, StringComparer.Ordinal).ThenByDescending(o => o.Period, StringComparer.Ordinal)
            .Select(o => new ReviewPeriod(o.Id, o.Code, o.Name, o.NameEn, o.Period, counts.GetValueOrDefault((o.Id, o.Period))))
            .ToList();
    }

    /// <summary>
    /// The ids of the figures matching the filter that are submitted and not flagged (stored or
    /// computed): what "approve all in range" approves. At most <paramref name="limit"/> + 1 are
    /// read, so that a caller can tell there are more than it takes.
    /// </summary>
    public async Task<IReadOnlyList<long>> InRangeIdsAsync(Actor actor, long schemeId, string period, ReviewFilter filter, int limit, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        IQueryable<Row> rows = await QueryAsync(actor, schemeId, period, filter, cancel);
        return await InRange(rows, schemeId, period)
            .OrderBy(r => r.UnitCode).ThenBy(r => r.SortOrder).ThenBy(r => r.IndicatorCode)
            .Select(r => r.Id).Take(limit + 1).ToListAsync(cancel);
    }

    /// <summary>The flags computed from a value: outside the plausible range; a year-to-date value below last month's (<paramref name="lastMonth"/>, null when it does not apply).</summary>
    public static FigureFlags Computed(double? value, double? min, double? max, double? lastMonth) =>
        value is { } v ? FigureEntry.FlagsOf(v, min, max, lastMonth) : FigureFlags.None;

    /// <summary>The period before, the same period a year earlier, and the time progress (percent of the year) of a period code.</summary>
    public static (string? Previous, string? LastYear, double? Progress) Around(string period)
    {
        if (!Period.TryParse(period, out Period p) || p.Kind == PeriodKind.None)
        {
            return (null, null, null);
        }

        Period previous = p.Kind switch
        {
            PeriodKind.Month => p.Sub == 1 ? new Period(PeriodKind.Month, p.Year - 1, 12) : p with { Sub = p.Sub - 1 },
            PeriodKind.Quarter => p.Sub == 1 ? new Period(PeriodKind.Quarter, p.Year - 1, 4) : p with { Sub = p.Sub - 1 },
            _ => p with { Year = p.Year - 1 },
        };
        Period lastYear = p with { Year = p.Year - 1 };
        return (previous.ToString(), lastYear.ToString(), p.ExpectedProgress);
    }

    /// <summary>What the query reads of each figure (one row per figure, units and indicators joined); settable so that EF composes filters on it.</summary>
    private sealed class Row
    {
        public long Id { get; init; }
        public long UnitId { get; init; }
        public long IndicatorId { get; init; }
        public string UnitCode { get; init; } = string.Empty;
        public string UnitName { get; init; } = string.Empty;
        public string? UnitNameEn { get; init; }
        public string IndicatorCode { get; init; } = string.Empty;
        public string IndicatorName { get; init; } = string.Empty;
        public string? IndicatorNameEn { get; init; }
        public int SortOrder { get; init; }
        public string? UnitOfMeasure { get; init; }
        public string? SourceCode { get; init; }
        public bool Cumulative { get; init; }
        public double? MinPlausible { get; init; }
        public double? MaxPlausible { get; init; }
        public double? Value { get; init; }
        public FigureStatus Status { get; init; }
        public string EnteredBy { get; init; } = string.Empty;
        public DateTimeOffset EnteredAt { get; init; }
        public FigureFlags Flags { get; init; }
        public string? Explanation { get; init; }
        public string? Comment { get; init; }
    }

    /// <summary>Submitted, and not flagged: no stored flag, inside the range, not below last month's year-to-date value.</summary>
    private IQueryable<Row> InRange(IQueryable<Row> rows, long schemeId, string period)
    {
        IQueryable<Row> submitted = rows.Where(r => r.Status == FigureStatus.Submitted);
        return Flagged(submitted, schemeId, period, flagged: false);
    }

    private IQueryable<Row> Flagged(IQueryable<Row> rows, long schemeId, string period, bool flagged)
    {
        string? lastMonth = Period.TryParse(period, out Period p) && p.Kind == PeriodKind.Month && p.Sub > 1 ? Around(period).Previous : null;
        IQueryable<Figure> figures = db.Figures;
        if (flagged)
        {
            return rows.Where(r => r.Flags != FigureFlags.None
                || (r.Value != null && r.MinPlausible != null && r.Value < r.MinPlausible)
                || (r.Value != null && r.MaxPlausible != null && r.Value > r.MaxPlausible)
                || (lastMonth != null && r.Cumulative && r.Value != null && figures.Any(f => f.SchemeId == schemeId && f.UnitId == r.UnitId && f.IndicatorId == r.IndicatorId
                    && f.Period == lastMonth && f.IsCurrent && (f.Status == FigureStatus.Approved || f.Status == FigureStatus.Published) && f.Value > r.Value)));
        }

        return rows.Where(r => r.Flags == FigureFlags.None
            && !(r.Value != null && r.MinPlausible != null && r.Value < r.MinPlausible)
            && !(r.Value != null && r.MaxPlausible != null && r.Value > r.MaxPlausible)
            && !(lastMonth != null && r.Cumulative && r.Value != null && figures.Any(f => f.SchemeId == schemeId && f.UnitId == r.UnitId && f.IndicatorId == r.IndicatorId
                && f.Period == lastMonth && f.IsCurrent && (f.Status == FigureStatus.Approved || f.Status == FigureStatus.Published) && f.Value > r.Value)));
    }

    private async Task<IQueryable<Row>> QueryAsync(Actor actor, long schemeId, string period, ReviewFilter filter, CancellationToken cancel)
    {
        long[]? scope = await ScopeAsync(actor, cancel);
        long[]? units = null;
        if (!string.IsNullOrWhiteSpace(filter.Unit))
        {
            string code = filter.Unit.Trim();
            long? unit = await db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel);
            units = unit is not { } id ? [] : filter.Below ? [.. await UnitTree.WithUnitsBelowAsync(db, id, cancel)] : [id];
        }

        FigureStatus[] statuses = filter.Statuses is { Count: > 0 } s ? [.. s.Where(x => x != FigureStatus.Published)] : [FigureStatus.Submitted, FigureStatus.Approved];
        string? indicator = string.IsNullOrWhiteSpace(filter.Indicator) ? null : filter.Indicator.Trim();
        string? source = string.IsNullOrWhiteSpace(filter.Source) ? null : filter.Source.Trim();

        IQueryable<Figure> figures = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && statuses.Contains(f.Status)
                        && db.Periods.Any(x => x.SchemeId == schemeId && x.Code == period && x.Status == PeriodStatus.Open));
        if (scope is not null)
        {
            figures = figures.Where(f => scope.Contains(f.UnitId));
        }

        if (units is not null)
        {
            figures = figures.Where(f => units.Contains(f.UnitId));
        }

        IQueryable<Row> rows =
            from f in figures
            join u in db.Units on f.UnitId equals u.Id
            join i in db.Indicators on f.IndicatorId equals i.Id
            join src in db.Units on i.SourceUnitId equals src.Id into sources
            from src in sources.DefaultIfEmpty()
            where (indicator == null || i.Code == indicator) && (source == null || (src != null && src.Code == source))
            select new Row
            {
                Id = f.Id, UnitId = f.UnitId, IndicatorId = f.IndicatorId, UnitCode = u.Code, UnitName = u.Name, UnitNameEn = u.NameEn,
                IndicatorCode = i.Code, IndicatorName = i.Name, IndicatorNameEn = i.NameEn, SortOrder = i.SortOrder, UnitOfMeasure = i.UnitOfMeasure,
                SourceCode = src == null ? null : src.Code, Cumulative = i.Cumulative, MinPlausible = i.MinPlausible, MaxPlausible = i.MaxPlausible,
                Value = f.Value, Status = f.Status, EnteredBy = f.EnteredBy, EnteredAt = f.EnteredAt, Flags = f.Flags, Explanation = f.Explanation, Comment = f.Comment,
            };
        return filter.FlaggedOnly ? Flagged(rows, schemeId, period, flagged: true) : rows;
    }

    /// <summary>The units the actor reviews (null: all), as <see cref="FigureWorkflow"/> has it: the office and a reviewer without a unit all; a reviewer its unit and those below; anybody else none.</summary>
    private async Task<long[]?> ScopeAsync(Actor actor, CancellationToken cancel) => actor.Role switch
    {
        ActorRole.Office => null,
        ActorRole.Reviewer when actor.UnitId is { } unit => [.. await UnitTree.WithUnitsBelowAsync(db, unit, cancel)],
        ActorRole.Reviewer => null,
        _ => [],
    };
}
