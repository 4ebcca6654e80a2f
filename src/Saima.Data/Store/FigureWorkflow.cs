using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A published period and the results it was frozen with.</summary>
public sealed record Publication(ReportingPeriod Period, ResultSet Results, int FiguresPublished);

/// <summary>A correction of a published figure: the new revision, and the period's results before and after.</summary>
public sealed record Correction(Figure Previous, Figure Current, ResultSet OldResults, ResultSet NewResults, IReadOnlyList<ResultChange> Changes);

/// <summary>
/// The life of a figure: a reporter saves a draft and submits it; a reviewer approves it or
/// returns it with a comment; the office publishes the period, which freezes the figures and the
/// results; a published figure is only ever corrected, by a new revision with a reason, and the
/// period is recomputed into a new result set. Every step writes the audit trail (who, when,
/// old and new value, why), in the invariant culture.
/// </summary>
public sealed class FigureWorkflow(SaimaDb db, TimeProvider clock)
{
    /// <summary>
    /// Creates the unit's current draft of an indicator in an open period, or updates it (a draft,
    /// or a figure returned for rework): one figure through <see cref="FigureEntry"/>, the door
    /// every figure passes, with its rules. Refused for submitted, approved and published figures.
    /// </summary>
    public Figure SaveDraft(Actor actor, long schemeId, long unitId, long indicatorId, string period, double? value, string? explanation = null)
    {
        actor.Validate();
        if (value is { } v && !double.IsFinite(v))
        {
            throw new WorkflowException(WorkflowCodes.NotFinite, "a figure must be a finite number (or empty for missing)");
        }

        EntryResult result = new FigureEntry(db, clock).SaveByIdsAsync(actor, schemeId, unitId, indicatorId, period, value, explanation, EntryMode.Draft).GetAwaiter().GetResult();
        return Stored(result);
    }

    /// <summary>
    /// Submits a draft (or a returned figure) for review, as it stands, through
    /// <see cref="FigureEntry"/>: it needs a value, an explanation where the checks flag it, and a
    /// returned figure goes back only changed or with an explanation.
    /// </summary>
    public Figure Submit(Actor actor, long figureId, string? explanation = null)
    {
        actor.Validate();
        (Figure figure, Context c) = LoadFigure(figureId);
        if (figure.Status is not (FigureStatus.Draft or FigureStatus.Returned))
        {
            throw new WorkflowException(WorkflowCodes.SubmitStatus, $"figure {Key(c)} is {AuditLog.Text(figure.Status)}; only a draft or a returned figure can be submitted", Key(c), AuditLog.Text(figure.Status));
        }

        EntryResult result = new FigureEntry(db, clock).SaveByIdsAsync(actor, figure.SchemeId, figure.UnitId, figure.IndicatorId, figure.Period, figure.Value, explanation, EntryMode.Submit).GetAwaiter().GetResult();
        return Stored(result);
    }

    /// <summary>The one figure a single-figure entry stored, or its first refusal as the exception the store throws for it.</summary>
    private Figure Stored(EntryResult result)
    {
        if (!result.Accepted)
        {
            EntryError e = result.Errors[0];
            string[] args = [.. e.Args];
            throw e.IsAccess ? new AccessDeniedException(e.Code, e.En, args)
                : e.Code is WorkflowCodes.NoUnit or WorkflowCodes.NoIndicator or WorkflowCodes.NoPeriod ? new NotFoundException(e.Code, e.En, args)
                : new WorkflowException(e.Code, e.En, args);
        }

        long id = result.FigureIds[0];
        Figure figure = db.Figures.Local.FirstOrDefault(f => f.Id == id) ?? db.Figures.Single(f => f.Id == id);
        db.Entry(figure).Reload();
        return figure;
    }

    /// <summary>Approves a submitted figure. Nobody approves a figure they entered themselves.</summary>
    public Figure Approve(Actor actor, long figureId)
    {
        actor.Validate();
        (Figure figure, Context c) = LoadFigure(figureId);
        RequireUnpublished(c);
        CanReview(actor, figure, c);
        if (figure.Status != FigureStatus.Submitted)
        {
            throw new WorkflowException(WorkflowCodes.ApproveStatus, $"figure {Key(c)} is {AuditLog.Text(figure.Status)}; only a submitted figure can be approved", Key(c), AuditLog.Text(figure.Status));
        }

        // The checks run again: the plausible range may have changed since the figure was submitted.
        figure.Flags = figure.Value is double v ? FigureEntry.Flags(c.Indicator, v, PreviousInYear(c, out string before), before, out _, out _, out _, out _) : FigureFlags.None;
        if (figure.Flags != FigureFlags.None && string.IsNullOrWhiteSpace(figure.Explanation))
        {
            throw new WorkflowException(WorkflowCodes.FlaggedNoExplanation, $"figure {Key(c)} is flagged by the checks (outside the plausible range, or a falling year-to-date value) and has no explanation; return it to the reporter", Key(c));
        }

        // The reviewer's comment of an earlier return stays (the reporter sees it) until the figure is approved.
        DateTimeOffset now = StoreTime.Now(clock);
        if (figure.Comment is not null)
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "approve", AuditLog.FigureEntity, Key(c), "comment", figure.Comment, null));
            figure.Comment = null;
        }

        return Move(actor, figure, c, "approve", FigureStatus.Approved, null, now);
    }

    /// <summary>Returns a submitted or approved figure to its reporter with a comment saying what to fix.</summary>
    public Figure Return(Actor actor, long figureId, string comment)
    {
        actor.Validate();
        (Figure figure, Context c) = LoadFigure(figureId);
        RequireUnpublished(c);
        CanReview(actor, figure, c);
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new WorkflowException(WorkflowCodes.ReturnComment, $"returning figure {Key(c)} needs a comment saying what to fix", Key(c));
        }

        if (figure.Status is not (FigureStatus.Submitted or FigureStatus.Approved))
        {
            throw new WorkflowException(WorkflowCodes.ReturnStatus, $"figure {Key(c)} is {AuditLog.Text(figure.Status)}; only a submitted or approved figure can be returned", Key(c), AuditLog.Text(figure.Status));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        db.Audit.Add(AuditLog.Entry(now, actor, "return", AuditLog.FigureEntity, Key(c), "comment", figure.Comment, comment));
        figure.Comment = comment;

        // What it was returned with: it goes back for review only changed, or explained anew.
        figure.ReturnedValue = figure.Value;
        if (figure.Explanation is not null)
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "return", AuditLog.FigureEntity, Key(c), "explanation", figure.Explanation, null));
            figure.Explanation = null;
        }

        return Move(actor, figure, c, "return", FigureStatus.Returned, comment, now);
    }

    /// <summary>The current figures of a period that are not approved yet (what keeps it from being published).</summary>
    public IReadOnlyList<OutstandingFigure> Outstanding(long schemeId, string period) =>
        (from f in db.Figures.AsNoTracking()
         join u in db.Units on f.UnitId equals u.Id
         join i in db.Indicators on f.IndicatorId equals i.Id
         where f.SchemeId == schemeId && f.Period == period && f.IsCurrent && f.Status != FigureStatus.Approved && f.Status != FigureStatus.Published
         orderby u.Code, i.SortOrder
         select new OutstandingFigure(f.Id, u.Code, i.Code, f.Status)).ToList();

    /// <summary>
    /// Publishes a period: every current figure must be approved (else
    /// <see cref="OutstandingFiguresException"/> lists what is outstanding); they become
    /// published, the period is scored with the scheme's current version and the results are
    /// frozen with it. All in one transaction. When figures due in the period are missing
    /// (<see cref="PublishCheck"/>), <paramref name="missing"/> must say how they count: the
    /// scheme's imputation rule (<see cref="MissingRules.Scheme"/>) or zero
    /// (<see cref="MissingRules.Zero"/>); the choice is recorded on the period and in the audit
    /// (a complete period records none).
    /// </summary>
    public Publication Publish(Actor actor, long schemeId, string period, string? missing = null)
    {
        actor.RequireOffice("publish periods");
        if (missing is not null && missing != MissingRules.Scheme && missing != MissingRules.Zero)
        {
            throw new WorkflowException(WorkflowCodes.MissingRuleUnknown, $"missing figures count by '{missing}'; expected '{MissingRules.Scheme}' (the scheme's imputation rule) or '{MissingRules.Zero}'", missing);
        }

        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Id == schemeId)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));

        // Everything below is read after the period's row is locked: entries in flight finish first, later ones see it published.
        using var tx = db.Database.BeginTransaction();
        PeriodLock.ForPublication(db, schemeId, period);
        ReportingPeriod rp = db.Periods.SingleOrDefault(p => p.SchemeId == schemeId && p.Code == period)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {period} of scheme '{scheme.Code}' does not exist", period, scheme.Code);
        if (rp.Status == PeriodStatus.Published)
        {
            throw new WorkflowException(WorkflowCodes.PeriodPublished, $"period {period} of scheme '{scheme.Code}' is published already; correct figures instead", period, scheme.Code);
        }

        IReadOnlyList<OutstandingFigure> outstanding = Outstanding(schemeId, period);
        if (outstanding.Count > 0)
        {
            throw new OutstandingFiguresException(period, outstanding);
        }

        var approved = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && f.Status == FigureStatus.Approved)
            .Select(f => new { f.UnitId, f.IndicatorId })
            .ToList();
        if (approved.Count == 0)
        {
            throw new WorkflowException(WorkflowCodes.NothingToPublish, $"period {period} of scheme '{scheme.Code}' has no approved figures; nothing to publish", period, scheme.Code);
        }

        int missingCount = PublishCheck.Load(db, schemeId, period).Missing;
        if (missingCount > 0 && missing is null)
        {
            throw new WorkflowException(WorkflowCodes.MissingRuleRequired,
                string.Create(CultureInfo.InvariantCulture, $"period {period} of scheme '{scheme.Code}' has {missingCount} missing figure(s); say how they count: '{MissingRules.Scheme}' (the scheme's imputation rule) or '{MissingRules.Zero}'"),
                period, missingCount.ToString(CultureInfo.InvariantCulture));
        }

        SchemeVersion version = new SchemeService(db, clock).CurrentVersion(schemeId);
        var units = db.Units.AsNoTracking().Where(u => db.SchemeUnits.Any(s => s.SchemeId == schemeId && s.UnitId == u.Id)).ToDictionary(u => u.Id, u => u.Code);
        var indicators = db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).ToDictionary(i => i.Id, i => i.Code);
        DateTimeOffset now = StoreTime.Now(clock);

        // One UPDATE and one bulk audit write: a city's period is thousands of figures.
        int published = db.Figures
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && f.Status == FigureStatus.Approved)
            .ExecuteUpdate(s => s.SetProperty(f => f.Status, FigureStatus.Published).SetProperty(f => f.RowVersion, f => f.RowVersion + 1));
        if (published != approved.Count)
        {
            throw new WorkflowException(WorkflowCodes.PublishRace, $"figures of period {period} changed while it was being published; try again", period);
        }

        // Figures this context already tracks must not keep the old status.
        foreach (var entry in db.ChangeTracker.Entries<Figure>()
                     .Where(e => e.Entity.SchemeId == schemeId && e.Entity.Period == period && e.Entity.IsCurrent && e.Entity.Status == FigureStatus.Approved))
        {
            entry.Entity.Status = FigureStatus.Published;
            entry.Property(f => f.Status).OriginalValue = FigureStatus.Published;
            entry.Entity.RowVersion++;
            entry.Property(f => f.RowVersion).OriginalValue = entry.Entity.RowVersion;
        }

        var audit = new List<AuditEntry>(approved.Count);
        foreach (var f in approved)
        {
            audit.Add(AuditLog.Entry(now, actor, "publish", AuditLog.FigureEntity, AuditLog.FigureKey(scheme.Code, units[f.UnitId], indicators[f.IndicatorId], period),
                "status", AuditLog.Text(FigureStatus.Approved), AuditLog.Text(FigureStatus.Published)));
        }

        BulkWriter.WriteAudit(db, audit);
        PeriodStatus was = rp.Status;
        rp.Status = PeriodStatus.Published;
        rp.SchemeVersionId = version.Id;
        rp.PublishedAt = now;
        rp.PublishedBy = actor.Name;
        // The choice means something only when figures are missing; a complete period records none.
        rp.MissingRule = missingCount > 0 ? missing : null;
        db.Audit.Add(AuditLog.Entry(now, actor, "publish", AuditLog.PeriodEntity, $"{scheme.Code}/{period}", "status", AuditLog.Text(was), AuditLog.Text(PeriodStatus.Published),
            string.Create(CultureInfo.InvariantCulture, $"scheme version {version.Version}")));
        if (rp.MissingRule is not null)
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "publish", AuditLog.PeriodEntity, $"{scheme.Code}/{period}", "missing_rule", null, rp.MissingRule,
                string.Create(CultureInfo.InvariantCulture, $"{missingCount} figure(s) missing")));
        }

        db.SaveChanges();
        ResultSet results = new ResultService(db, clock).ComputeCore(version.Id, period, now, actor);

        // Each red warning of the period becomes a draft supervision item (督办) for the office to confirm or dismiss.
        ListService.DraftsFromWarnings(db, actor, scheme, period, results.Id, now);

        // The scheme's escalation rules (e.g. yellow twice in a row → 督办函 and −1 point): supervision items and penalties.
        EscalationService.Apply(db, actor, scheme, period, results.Id, now);
        tx.Commit();
        return new Publication(rp, results, approved.Count);
    }

    /// <summary>
    /// Corrects a published figure: a new revision (the old one is kept and stops being current)
    /// with the reason, and the period recomputed with the scheme version it was published with
    /// into a new result set, compared with the one before.
    /// </summary>
    public Correction Correct(Actor actor, long figureId, double? newValue, string reason)
    {
        actor.RequireOffice("correct published figures");
        (Figure old, Context c) = LoadFigure(figureId);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WorkflowException(WorkflowCodes.CorrectReason, $"correcting published figure {Key(c)} needs a reason", Key(c));
        }

        if (old.Status != FigureStatus.Published)
        {
            throw new WorkflowException(WorkflowCodes.CorrectStatus, $"figure {Key(c)} is {AuditLog.Text(old.Status)}, not published; only published figures are corrected (change a draft or a returned figure instead)", Key(c), AuditLog.Text(old.Status));
        }

        if (!old.IsCurrent)
        {
            throw new WorkflowException(WorkflowCodes.CorrectRevision, $"figure {Key(c)} revision {AuditLog.Text(old.Revision)} is no longer current; correct the current revision", Key(c), AuditLog.Text(old.Revision));
        }

        if (newValue is { } v && !double.IsFinite(v))
        {
            throw new WorkflowException(WorkflowCodes.NotFinite, "a figure must be a finite number (or empty for missing)");
        }

        if (ResultService.SameBits(old.Value, newValue))
        {
            throw new WorkflowException(WorkflowCodes.CorrectSame, $"figure {Key(c)} is {AuditLog.Text(old.Value) ?? "empty"} already; a correction must change it", Key(c), AuditLog.Text(old.Value) ?? "–");
        }

        // Compared with the latest results of the version the period was published with, not with a "what if" under another version.
        ResultSet? before = c.Period.SchemeVersionId is { } published ? new ResultService(db, clock).Latest(c.Period.SchemeId, c.Period.Code, published) : null;
        if (c.Period.Status != PeriodStatus.Published || c.Period.SchemeVersionId is not { } versionId || before is null)
        {
            throw new WorkflowException(WorkflowCodes.CorrectNoResults, $"period {c.Period.Code} has no published results to correct", c.Period.Code);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        string key = Key(c);
        using var tx = db.Database.BeginTransaction();
        old.IsCurrent = false;

        // The unique index (scheme, period, unit, indicator, revision) keeps two corrections from both becoming revision n+1.
        Save(key);
        var current = new Figure
        {
            SchemeId = old.SchemeId,
            UnitId = old.UnitId,
            IndicatorId = old.IndicatorId,
            Period = old.Period,
            Value = newValue,
            Status = FigureStatus.Published,
            Revision = old.Revision + 1,
            IsCurrent = true,
            Reason = reason,
            EnteredBy = actor.Name,
            EnteredAt = now,
        };
        db.Figures.Add(current);
        db.Audit.Add(AuditLog.Entry(now, actor, "correct", AuditLog.FigureEntity, key, "value", AuditLog.Text(old.Value), AuditLog.Text(newValue), reason));
        db.Audit.Add(AuditLog.Entry(now, actor, "correct", AuditLog.FigureEntity, key, "revision", AuditLog.Text(old.Revision), AuditLog.Text(current.Revision), reason));
        db.SaveChanges();
        var results = new ResultService(db, clock);
        ResultSet after = results.ComputeCore(versionId, c.Period.Code, now, actor);
        tx.Commit();
        return new Correction(old, current, before, after, results.Compare(before.Id, after.Id));
    }

    private Figure Move(Actor actor, Figure figure, Context c, string action, FigureStatus to, string? reason, DateTimeOffset? at = null)
    {
        DateTimeOffset now = at ?? StoreTime.Now(clock);
        db.Audit.Add(AuditLog.Entry(now, actor, action, AuditLog.FigureEntity, Key(c), "status", AuditLog.Text(figure.Status), AuditLog.Text(to), reason));
        figure.Status = to;
        Save(Key(c));
        return figure;
    }

    /// <summary>Saves a figure's change, or refuses it when the figure changed since it was read (its row version moved).</summary>
    private void Save(string key)
    {
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateConcurrencyException)
        {
            // What this step was about to write is dropped: the figure's stored state decides.
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
            {
                entry.State = EntityState.Detached;
            }

            throw new WorkflowException(WorkflowCodes.FigureChanged, $"figure {key} was changed by someone else meanwhile (approved or returned, for instance); reload it and decide again", key);
        }
    }

    /// <summary>The rows a figure operation needs, looked up once.</summary>
    private sealed record Context(AssessmentScheme Scheme, Unit Unit, Indicator Indicator, ReportingPeriod Period);

    private static string Key(Context c) => AuditLog.FigureKey(c.Scheme.Code, c.Unit.Code, c.Indicator.Code, c.Period.Code);

    private Context Load(long schemeId, long unitId, long indicatorId, string period)
    {
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Id == schemeId)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));
        Unit unit = db.Units.AsNoTracking().SingleOrDefault(u => u.Id == unitId)
            ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit {unitId.ToString(CultureInfo.InvariantCulture)} does not exist", unitId.ToString(CultureInfo.InvariantCulture));
        if (!db.SchemeUnits.Any(s => s.SchemeId == schemeId && s.UnitId == unitId))
        {
            throw new WorkflowException(WorkflowCodes.UnitNotInScheme, $"unit '{unit.Code}' does not take part in scheme '{scheme.Code}'", unit.Code, scheme.Code);
        }

        Indicator indicator = db.Indicators.AsNoTracking().SingleOrDefault(i => i.Id == indicatorId && i.SchemeId == schemeId)
            ?? throw new NotFoundException(WorkflowCodes.NoIndicator, $"indicator {indicatorId.ToString(CultureInfo.InvariantCulture)} is not an indicator of scheme '{scheme.Code}'", indicatorId.ToString(CultureInfo.InvariantCulture), scheme.Code);
        ReportingPeriod rp = db.Periods.SingleOrDefault(p => p.SchemeId == schemeId && p.Code == period)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {period} of scheme '{scheme.Code}' is not open for reporting (it does not exist)", period, scheme.Code);
        return new Context(scheme, unit, indicator, rp);
    }

    private (Figure, Context) LoadFigure(long figureId)
    {
        Figure figure = db.Figures.SingleOrDefault(f => f.Id == figureId)
            ?? throw new NotFoundException(WorkflowCodes.NoFigure, $"figure {figureId.ToString(CultureInfo.InvariantCulture)} does not exist", figureId.ToString(CultureInfo.InvariantCulture));
        return (figure, Load(figure.SchemeId, figure.UnitId, figure.IndicatorId, figure.Period));
    }

    /// <summary>Review goes on while intake is closed; a published period's figures are only corrected.</summary>
    private static void RequireUnpublished(Context c)
    {
        if (c.Period.Status == PeriodStatus.Published)
        {
            throw new WorkflowException(WorkflowCodes.PeriodClosed, $"period {c.Period.Code} of scheme '{c.Scheme.Code}' is published; its figures are never overwritten (the office corrects them with a reason)", c.Period.Code, c.Scheme.Code);
        }
    }

    /// <summary>The current value of the month before in the same year, for a year-to-date indicator.</summary>
    private double? PreviousInYear(Context c, out string before)
    {
        before = string.Empty;
        if (!c.Indicator.Cumulative || !Saima.Scoring.Period.TryParse(c.Period.Code, out Saima.Scoring.Period p) || Intake.IntakePeriods.PreviousInYear(p) is not Saima.Scoring.Period prev)
        {
            return null;
        }

        string period = prev.ToString();
        before = period;
        return db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == c.Scheme.Id && f.UnitId == c.Unit.Id && f.IndicatorId == c.Indicator.Id && f.Period == period && f.IsCurrent)
            .Select(f => f.Value).FirstOrDefault();
    }

    /// <summary>
    /// Who may review: the office, or a reviewer of the figure's unit or a unit above it (or of all
    /// units); never the person who entered the figure (four eyes).
    /// </summary>
    private void CanReview(Actor actor, Figure figure, Context c)
    {
        if (actor.Role is not (ActorRole.Reviewer or ActorRole.Office))
        {
            throw new AccessDeniedException(WorkflowCodes.CannotReview, $"{actor} may not review figures: only reviewers and the office do", actor.Name);
        }

        if (string.Equals(figure.EnteredBy, actor.Name, StringComparison.Ordinal))
        {
            throw new AccessDeniedException(WorkflowCodes.FourEyes, $"{actor} entered figure {Key(c)} and may not review it; another person must", actor.Name, Key(c));
        }

        if (actor.Role == ActorRole.Reviewer && actor.UnitId is { } scope && !IsWithin(c.Unit, scope))
        {
            throw new AccessDeniedException(WorkflowCodes.ReviewerScope, $"{actor} may not review figures of unit '{c.Unit.Code}': it is outside the reviewer's unit", actor.Name, c.Unit.Code);
        }
    }

    private bool IsWithin(Unit unit, long scope)
    {
        var seen = new HashSet<long>();
        long? id = unit.Id;
        while (id is { } current && seen.Add(current))
        {
            if (current == scope)
            {
                return true;
            }

            id = db.Units.AsNoTracking().Where(u => u.Id == current).Select(u => u.ParentId).SingleOrDefault();
        }

        return false;
    }
}
