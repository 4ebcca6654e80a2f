using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;

namespace Saima.Data.Store;

/// <summary>
/// A unit late with its figures in an open period: the due figures not yet submitted (missing, draft
/// or returned), in all and per owner, the owner being the unit itself or the source department
/// that supplies the indicator.
/// </summary>
public sealed record LateUnit(long UnitId, string Code, string Name, string? NameEn, int Outstanding, IReadOnlyDictionary<long, int> ByOwner);

/// <summary>An unread reminder as its recipient sees it.</summary>
public sealed record ReminderNote(
    long Id, string SchemeCode, string SchemeName, string? SchemeNameEn, string Period,
    string UnitCode, string UnitName, string? UnitNameEn, int Outstanding, string? Message, DateTimeOffset SentAt, string SentBy);

/// <summary>
/// Reminders (催报): the office reminds one late unit, or every late unit of an open period, with an
/// optional message; the reminder goes to the unit's reporters, and to a source department's
/// reporters when indicators it supplies for that unit are outstanding. Recipients see it until
/// they mark it read (or the period is published). Sending and reading are written to the audit
/// trail. Nothing is sent by mail: the platform runs on a closed network.
/// </summary>
public sealed class Reminders(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of reminders; the key is scheme/unit/period.</summary>
    public const string Entity = "reminder";

    /// <summary>The longest message kept.</summary>
    public const int MaxMessage = 500;

    /// <summary>A figure a unit has handed in: the current revision, submitted, approved or published (not missing, a draft or returned).</summary>
    private static readonly System.Linq.Expressions.Expression<Func<Figure, bool>> HandedIn =
        f => f.IsCurrent && (f.Status == FigureStatus.Submitted || f.Status == FigureStatus.Approved || f.Status == FigureStatus.Published);

    /// <summary>The indicators of a scheme that units report (growth indicators are derived from their levels, never reported).</summary>
    private IQueryable<Indicator> Reported(long schemeId) =>
        db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.GrowthOfId == null);

    /// <summary>
    /// The units of the scheme with due figures of <paramref name="period"/> not yet submitted
    /// (missing, draft or returned: what a reporter can act on), in unit-code order.
    /// </summary>
    public IReadOnlyList<LateUnit> Late(long schemeId, string period)
    {
        if (!Scoring.Period.TryParse(period, out Scoring.Period p))
        {
            return [];
        }

        var indicators = Reported(schemeId)
            .Select(i => new { i.Id, i.Frequency, i.SourceUnitId }).ToList()
            .Where(i => IntakePeriods.IsDue(i.Frequency, p)).ToList();
        var units = db.Units.AsNoTracking().Where(u => db.SchemeUnits.Any(s => s.SchemeId == schemeId && s.UnitId == u.Id))
            .Select(u => new { u.Id, u.Code, u.Name, u.NameEn }).ToList();
        units.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        var done = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period).Where(HandedIn)
            .Select(f => new { f.UnitId, f.IndicatorId }).ToList()
            .Select(f => (f.UnitId, f.IndicatorId)).ToHashSet();
        var late = new List<LateUnit>();
        foreach (var u in units)
        {
            var byOwner = new Dictionary<long, int>();
            foreach (var i in indicators)
            {
                if (!done.Contains((u.Id, i.Id)))
                {
                    long owner = i.SourceUnitId ?? u.Id;
                    byOwner[owner] = byOwner.GetValueOrDefault(owner) + 1;
                }
            }

            if (byOwner.Count > 0)
            {
                late.Add(new LateUnit(u.Id, u.Code, u.Name, u.NameEn, byOwner.Values.Sum(), byOwner));
            }
        }

        return late;
    }

    /// <summary>
    /// Sends reminders about the late units of an open period: <paramref name="unitIds"/> (each must
    /// be late), or every late unit when null. One reminder per unit and recipient. Returns them
    /// (none when no unit is late).
    /// </summary>
    public IReadOnlyList<Reminder> Send(Actor actor, long schemeId, string period, IReadOnlyCollection<long>? unitIds, string? message)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("send reminders");
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Id == schemeId)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));
        ReportingPeriod rp = db.Periods.AsNoTracking().SingleOrDefault(p => p.SchemeId == schemeId && p.Code == period)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {period} of scheme '{scheme.Code}' does not exist", period, scheme.Code);
        if (rp.Status != PeriodStatus.Open)
        {
            throw new WorkflowException(WorkflowCodes.PeriodClosed, $"period {period} of scheme '{scheme.Code}' is published; nobody is late any more", period, scheme.Code);
        }

        string? text = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (text is { Length: > MaxMessage })
        {
            text = text[..MaxMessage];
        }

        var late = Late(schemeId, period).ToDictionary(l => l.UnitId);
        List<LateUnit> chosen;
        if (unitIds is null)
        {
            chosen = [.. late.Values];
        }
        else
        {
            chosen = [];
            foreach (long id in unitIds.Distinct())
            {
                if (!late.TryGetValue(id, out LateUnit? l))
                {
                    string code = db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => u.Code).SingleOrDefault()
                        ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit {id.ToString(CultureInfo.InvariantCulture)} does not exist", id.ToString(CultureInfo.InvariantCulture));
                    throw new WorkflowException(WorkflowCodes.NotLate, $"unit '{code}' has no figures of period {period} left to submit; there is nothing to remind it of", code, period);
                }

                chosen.Add(l);
            }
        }

        long[] owners = [.. chosen.SelectMany(c => c.ByOwner.Keys).Distinct()];
        var codes = db.Units.AsNoTracking().Where(u => owners.Contains(u.Id)).ToDictionary(u => u.Id, u => u.Code);
        DateTimeOffset now = StoreTime.Now(clock);
        var sent = new List<Reminder>();
        foreach (LateUnit l in chosen)
        {
            foreach ((long owner, int count) in l.ByOwner.OrderBy(o => codes[o.Key], StringComparer.Ordinal))
            {
                var r = new Reminder
                {
                    SchemeId = schemeId,
                    Period = period,
                    UnitId = l.UnitId,
                    RecipientUnitId = owner,
                    Outstanding = count,
                    Message = text,
                    SentAt = now,
                    SentBy = actor.Name,
                };
                db.Reminders.Add(r);
                sent.Add(r);
                db.Audit.Add(AuditLog.Entry(now, actor, "remind", Entity, Key(scheme.Code, l.Code, period), "recipient", null, codes[owner],
                    text ?? string.Create(CultureInfo.InvariantCulture, $"{count} figure(s) outstanding")));
            }
        }

        db.SaveChanges();
        return sent;
    }

    /// <summary>
    /// The reminders the actor has not read: for a unit's reporter those addressed to its unit, for a
    /// department reporter those addressed to its department, of periods still open; newest first.
    /// Nobody else receives reminders.
    /// </summary>
    public IReadOnlyList<ReminderNote> Unread(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (ActorRole.Reporter or ActorRole.DepartmentReporter) || actor.UnitId is not long unit || string.IsNullOrEmpty(actor.Name))
        {
            return [];
        }

        string name = actor.Name;
        var rows = (from r in db.Reminders.AsNoTracking()
                    join s in db.Schemes.AsNoTracking() on r.SchemeId equals s.Id
                    join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                    where r.RecipientUnitId == unit
                          && db.Periods.Any(p => p.SchemeId == r.SchemeId && p.Code == r.Period && p.Status == PeriodStatus.Open)
                          && !db.ReminderReads.Any(x => x.ReminderId == r.Id && x.UserName == name)
                    select new ReminderNote(r.Id, s.Code, s.Name, s.NameEn, r.Period, u.Code, u.Name, u.NameEn, r.Outstanding, r.Message, r.SentAt, r.SentBy))
            .ToList();
        return rows.OrderByDescending(r => r.SentAt).ThenByDescending(r => r.Id).ToList();
    }

    /// <summary>Marks a reminder read for the actor, who must be one of its recipients (a reporter of the unit or department it is addressed to).</summary>
    public void MarkRead(Actor actor, long reminderId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        Reminder r = db.Reminders.AsNoTracking().SingleOrDefault(x => x.Id == reminderId)
            ?? throw new NotFoundException(WorkflowCodes.NoReminder, $"reminder {reminderId.ToString(CultureInfo.InvariantCulture)} does not exist", reminderId.ToString(CultureInfo.InvariantCulture));
        if (actor.Role is not (ActorRole.Reporter or ActorRole.DepartmentReporter) || actor.UnitId != r.RecipientUnitId)
        {
            throw new AccessDeniedException(WorkflowCodes.NotRecipient, $"{actor} may not mark reminder {reminderId.ToString(CultureInfo.InvariantCulture)} read: it is addressed to another unit", actor.Name);
        }

        if (db.ReminderReads.Any(x => x.ReminderId == reminderId && x.UserName == actor.Name))
        {
            return;
        }

        DateTimeOffset now = StoreTime.Now(clock);
        string scheme = db.Schemes.AsNoTracking().Where(s => s.Id == r.SchemeId).Select(s => s.Code).Single();
        string unit = db.Units.AsNoTracking().Where(u => u.Id == r.UnitId).Select(u => u.Code).Single();
        db.ReminderReads.Add(new ReminderRead { ReminderId = reminderId, UserName = actor.Name, ReadAt = now });
        db.Audit.Add(AuditLog.Entry(now, actor, "read", Entity, Key(scheme, unit, r.Period), "read_by", null, actor.Name,
            string.Create(CultureInfo.InvariantCulture, $"reminder {reminderId}")));
        db.SaveChanges();
    }

    /// <summary>
    /// Which of <paramref name="unitIds"/> are late in <paramref name="period"/> by the rule of
    /// <see cref="Late"/> (a due figure not yet submitted), read for those units only: what a page
    /// of units shows, without reading the rest of the period's figures.
    /// </summary>
    public async Task<IReadOnlySet<long>> LateAmongAsync(long schemeId, string period, IReadOnlyCollection<long> unitIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(unitIds);
        if (unitIds.Count == 0 || !Scoring.Period.TryParse(period, out Scoring.Period p))
        {
            return new HashSet<long>();
        }

        long[] due = [.. (await Reported(schemeId)
                .Select(i => new { i.Id, i.Frequency }).ToListAsync(cancel).ConfigureAwait(false))
            .Where(i => IntakePeriods.IsDue(i.Frequency, p)).Select(i => i.Id)];
        if (due.Length == 0)
        {
            return new HashSet<long>();
        }

        long[] ids = [.. unitIds];
        var done = await db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period && ids.Contains(f.UnitId) && due.Contains(f.IndicatorId)).Where(HandedIn)
            .GroupBy(f => f.UnitId).Select(g => new { UnitId = g.Key, N = g.Select(f => f.IndicatorId).Distinct().Count() })
            .ToDictionaryAsync(g => g.UnitId, g => g.N, cancel).ConfigureAwait(false);
        return ids.Where(id => done.GetValueOrDefault(id) < due.Length).ToHashSet();
    }

    /// <summary>When each unit of the period (or of <paramref name="unitIds"/> only) was last reminded, and by whom.</summary>
    public IReadOnlyDictionary<long, (DateTimeOffset At, string By)> LastReminded(long schemeId, string period, IReadOnlyCollection<long>? unitIds = null) =>
        db.Reminders.AsNoTracking().Where(r => r.SchemeId == schemeId && r.Period == period)
            .Where(ForUnits(unitIds))
            .Select(r => new { r.UnitId, r.SentAt, r.SentBy, r.Id }).ToList()
            .GroupBy(r => r.UnitId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.SentAt).ThenByDescending(r => r.Id).Select(r => (r.SentAt, r.SentBy)).First());

    private static System.Linq.Expressions.Expression<Func<Reminder, bool>> ForUnits(IReadOnlyCollection<long>? unitIds)
    {
        if (unitIds is null)
        {
            return _ => true;
        }

        long[] ids = [.. unitIds];
        return r => ids.Contains(r.UnitId);
    }

    /// <summary>The audit key of a unit's reminders in a period: scheme/unit/period codes.</summary>
    public static string Key(string scheme, string unit, string period) => $"{scheme}/{unit}/{period}";
}
