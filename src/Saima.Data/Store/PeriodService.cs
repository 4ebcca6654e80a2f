using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// The reporting periods of a scheme, the office's: opening one for intake with its deadline,
/// moving the deadline, closing intake (open → closed: units no longer save or submit, review and
/// publication go on) and reopening it (closed → open). A published period is never reopened and
/// its deadline never moved: its figures are corrected instead. Every change is audited (old and
/// new value) under the period's key <c>scheme/period</c>.
/// </summary>
public sealed class PeriodService(SaimaDb db, TimeProvider clock)
{
    /// <summary>
    /// Opens a period for intake: <paramref name="code"/> of the scheme's frequency (a month like
    /// <c>2026-01</c>, a quarter like <c>2026-Q1</c>, a year like <c>2026</c>), not opened before,
    /// with its deadline (stored in UTC).
    /// </summary>
    public async Task<ReportingPeriod> OpenAsync(Actor actor, long schemeId, string code, DateTimeOffset deadline, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("open periods");
        AssessmentScheme scheme = await SchemeAsync(schemeId, cancel);
        code = (code ?? string.Empty).Trim();
        if (!IsCodeOf(scheme.Frequency, code))
        {
            throw new WorkflowException(WorkflowCodes.PeriodCode, $"period '{code}' is not a {scheme.Frequency} period of scheme '{scheme.Code}'; expected {Example(scheme.Frequency)}", code, scheme.Code, scheme.Frequency);
        }

        if (await db.Periods.AnyAsync(p => p.SchemeId == schemeId && p.Code == code, cancel))
        {
            throw new WorkflowException(WorkflowCodes.PeriodExists, $"period {code} of scheme '{scheme.Code}' exists already", code, scheme.Code);
        }

        RequireDeadline(deadline, code, scheme);
        DateTimeOffset now = StoreTime.Now(clock);
        var period = new ReportingPeriod
        {
            SchemeId = schemeId, Code = code, Status = PeriodStatus.Open, Deadline = Utc(deadline), OpenedAt = now, OpenedBy = actor.Name,
        };
        db.Periods.Add(period);
        string key = Key(scheme, code);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.PeriodEntity, key, "status", null, AuditLog.Text(PeriodStatus.Open)));
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.PeriodEntity, key, "deadline", null, AuditLog.Text(period.Deadline)));
        await db.SaveChangesAsync(cancel);
        return period;
    }

    /// <summary>Moves the deadline of an open or closed period (later, or earlier when it was set wrong); never of a published one.</summary>
    public async Task<ReportingPeriod> ExtendAsync(Actor actor, long schemeId, string code, DateTimeOffset deadline, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("move deadlines");
        (AssessmentScheme scheme, ReportingPeriod period) = await PeriodAsync(schemeId, code, cancel);
        if (period.Status == PeriodStatus.Published)
        {
            throw new WorkflowException(WorkflowCodes.ExtendPublished, $"period {period.Code} of scheme '{scheme.Code}' is published; its deadline is not moved", period.Code, scheme.Code);
        }

        RequireDeadline(deadline, period.Code, scheme);
        DateTimeOffset utc = Utc(deadline);
        if (period.Deadline == utc)
        {
            return period;
        }

        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", AuditLog.PeriodEntity, Key(scheme, period.Code), "deadline",
            AuditLog.Text(period.Deadline), AuditLog.Text(utc), Reason(reason)));
        period.Deadline = utc;
        await db.SaveChangesAsync(cancel);
        return period;
    }

    /// <summary>Closes intake (open → closed): units no longer save or submit; reviewers still review and the office publishes.</summary>
    public async Task<ReportingPeriod> CloseIntakeAsync(Actor actor, long schemeId, string code, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("close intake");
        (AssessmentScheme scheme, ReportingPeriod period) = await PeriodAsync(schemeId, code, cancel);
        if (period.Status != PeriodStatus.Open)
        {
            throw new WorkflowException(WorkflowCodes.CloseStatus, $"period {period.Code} of scheme '{scheme.Code}' is {AuditLog.Text(period.Status)}; only an open period's intake is closed", period.Code, scheme.Code);
        }

        return await MoveAsync(actor, scheme, period, PeriodStatus.Closed, "close", reason, cancel);
    }

    /// <summary>Reopens intake (closed → open). A published period is never reopened: its figures are corrected instead.</summary>
    public async Task<ReportingPeriod> ReopenAsync(Actor actor, long schemeId, string code, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("reopen periods");
        (AssessmentScheme scheme, ReportingPeriod period) = await PeriodAsync(schemeId, code, cancel);
        if (period.Status == PeriodStatus.Published)
        {
            throw new WorkflowException(WorkflowCodes.ReopenPublished, $"period {period.Code} of scheme '{scheme.Code}' is published and never reopened; correct its figures instead", period.Code, scheme.Code);
        }

        if (period.Status != PeriodStatus.Closed)
        {
            throw new WorkflowException(WorkflowCodes.ReopenStatus, $"period {period.Code} of scheme '{scheme.Code}' is {AuditLog.Text(period.Status)}; only a period whose intake is closed is reopened", period.Code, scheme.Code);
        }

        return await MoveAsync(actor, scheme, period, PeriodStatus.Open, "reopen", reason, cancel);
    }

    /// <summary>Whether <paramref name="code"/> is a period of <paramref name="frequency"/> written the canonical way (2026-01, 2026-Q1, 2026).</summary>
    public static bool IsCodeOf(string frequency, string code) =>
        Period.TryParse(code, out Period p) && p.Kind == SchemeService.KindOf(frequency) && p.ToString() == code;

    /// <summary>
    /// The period to suggest opening next: the one after <paramref name="latest"/> (2025-12 → 2026-01,
    /// 2025-Q4 → 2026-Q1, 2025 → 2026), or, with none yet, the one <paramref name="today"/> falls in.
    /// </summary>
    public static string Next(string frequency, string? latest, DateOnly today)
    {
        PeriodKind kind = SchemeService.KindOf(frequency);
        if (latest is not null && Period.TryParse(latest, out Period p) && p.Kind == kind)
        {
            return (kind switch
            {
                PeriodKind.Month => p.Sub == 12 ? new Period(kind, p.Year + 1, 1) : p with { Sub = p.Sub + 1 },
                PeriodKind.Quarter => p.Sub == 4 ? new Period(kind, p.Year + 1, 1) : p with { Sub = p.Sub + 1 },
                _ => p with { Year = p.Year + 1 },
            }).ToString();
        }

        return (kind switch
        {
            PeriodKind.Month => new Period(kind, today.Year, today.Month),
            PeriodKind.Quarter => new Period(kind, today.Year, ((today.Month - 1) / 3) + 1),
            _ => new Period(kind, today.Year, 0),
        }).ToString();
    }

    private async Task<ReportingPeriod> MoveAsync(Actor actor, AssessmentScheme scheme, ReportingPeriod period, PeriodStatus to, string action, string? reason, CancellationToken cancel)
    {
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, action, AuditLog.PeriodEntity, Key(scheme, period.Code), "status",
            AuditLog.Text(period.Status), AuditLog.Text(to), Reason(reason)));
        period.Status = to;
        await db.SaveChangesAsync(cancel);
        return period;
    }

    private async Task<AssessmentScheme> SchemeAsync(long schemeId, CancellationToken cancel) =>
        await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel)
        ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));

    private async Task<(AssessmentScheme, ReportingPeriod)> PeriodAsync(long schemeId, string code, CancellationToken cancel)
    {
        AssessmentScheme scheme = await SchemeAsync(schemeId, cancel);
        ReportingPeriod period = await db.Periods.SingleOrDefaultAsync(p => p.SchemeId == schemeId && p.Code == code, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {code} of scheme '{scheme.Code}' does not exist", code ?? string.Empty, scheme.Code);
        return (scheme, period);
    }

    private static void RequireDeadline(DateTimeOffset deadline, string code, AssessmentScheme scheme)
    {
        if (deadline == default)
        {
            throw new WorkflowException(WorkflowCodes.DeadlineRequired, $"period {code} of scheme '{scheme.Code}' needs a deadline", code, scheme.Code);
        }
    }

    /// <summary>UTC, cut to whole seconds: a deadline is typed to the minute, and both stores then read back the same value.</summary>
    private static DateTimeOffset Utc(DateTimeOffset at)
    {
        DateTimeOffset utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    private static string Key(AssessmentScheme scheme, string code) => $"{scheme.Code}/{code}";

    private static string Example(string frequency) => frequency switch
    {
        "month" => "a month like 2026-01",
        "quarter" => "a quarter like 2026-Q1",
        _ => "a year like 2026",
    };
}
