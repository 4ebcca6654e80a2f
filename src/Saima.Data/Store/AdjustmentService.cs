using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// A proposed bonus or penalty item (加分/扣分): on a unit of the scheme, for one period or every
/// period (<see cref="Period"/> null), on the total (<see cref="Node"/> null or the root's code) or
/// a group or indicator of the scheme's current version; positive points are a bonus, negative a
/// penalty.
/// </summary>
public sealed record AdjustmentProposal(long SchemeId, long UnitId, double Points, string Reason, string? Period = null, string? Node = null);

/// <summary>A file given with a proposal, as evidence (佐证材料).</summary>
public sealed record EvidenceUpload(string FileName, Stream Content);

/// <summary>
/// Bonus and penalty items (加分扣分), one door: the office proposes an item (with evidence files),
/// another office user approves or rejects it (four eyes; a rejection says why), the proposer may
/// withdraw it while it is proposed. Only approved items count in the score
/// (<see cref="CountsAsOf"/>, which <see cref="ScoringInputs"/> applies). Items of a published period
/// are final: none is added, approved, rejected or withdrawn there; a published result is changed
/// by a correction. Every step is audited (who, when, old and new status, why).
/// </summary>
public sealed class AdjustmentService(SaimaDb db, TimeProvider clock, EvidenceStore? evidence = null)
{
    /// <summary>The longest reason or comment kept.</summary>
    public const int MaxText = 1000;

    private readonly EvidenceStore _evidence = evidence ?? new EvidenceStore(db, clock);

    /// <summary>
    /// Whether an item counts in results computed at <paramref name="asOf"/>: approved at or before
    /// it (items from before approvals existed: created at or before it), so that results stored
    /// earlier are recomputed exactly. <see cref="ScoringInputs"/> gives the engine exactly these.
    /// </summary>
    public static bool CountsAsOf(AdjustmentItem item, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Status == AdjustmentStatus.Approved && (item.ReviewedAt ?? item.CreatedAt) <= asOf;
    }

    /// <summary>
    /// Proposes an item (office only): the unit takes part in the scheme; the period, if given, is
    /// one of the scheme's frequency and not published; the node, if given, is of the current
    /// version; points finite and not 0; a reason. The files are stored as its evidence, checked
    /// by content; any refusal stores nothing.
    /// </summary>
    public async Task<AdjustmentItem> ProposeAsync(Actor actor, AdjustmentProposal proposal, IReadOnlyList<EvidenceUpload>? files = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(proposal);
        actor.RequireOffice("propose bonus or penalty points");
        AssessmentScheme scheme = await SchemeAsync(proposal.SchemeId, cancel).ConfigureAwait(false);
        if (!double.IsFinite(proposal.Points) || proposal.Points == 0)
        {
            throw new WorkflowException(WorkflowCodes.AdjustmentPoints, $"points must be a finite number other than 0, not {AuditLog.Text(proposal.Points)}", AuditLog.Text(proposal.Points) ?? string.Empty);
        }

        string reason = Text(proposal.Reason)
            ?? throw new WorkflowException(WorkflowCodes.AdjustmentReason, "a bonus or penalty item needs a reason");
        string unitCode = await (from su in db.SchemeUnits.AsNoTracking()
                                 join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                                 where su.SchemeId == scheme.Id && su.UnitId == proposal.UnitId
                                 select u.Code).SingleOrDefaultAsync(cancel).ConfigureAwait(false)
            ?? throw new WorkflowException(WorkflowCodes.UnitNotInScheme, $"unit {AuditLog.Text(proposal.UnitId)} does not take part in scheme '{scheme.Code}'", AuditLog.Text(proposal.UnitId), scheme.Code);
        string? period = string.IsNullOrWhiteSpace(proposal.Period) ? null : proposal.Period.Trim();
        if (period is not null)
        {
            PeriodKind kind = SchemeService.KindOf(scheme.Frequency);
            if (!(Scoring.Period.TryParse(period, out Period p) && p.Kind == kind && p.ToString() == period))
            {
                string example = kind switch { PeriodKind.Month => "2025-06", PeriodKind.Quarter => "2025-Q2", _ => "2025" };
                throw new WorkflowException(WorkflowCodes.AdjustmentPeriod, $"period '{period}' is not a {scheme.Frequency} period of scheme '{scheme.Code}'; expected one like {example}", period, scheme.Code, example);
            }

            await RequireUnpublishedAsync(scheme, period, cancel).ConfigureAwait(false);
        }

        string? node = await NodeAsync(scheme, proposal.Node, cancel).ConfigureAwait(false);
        DateTimeOffset now = StoreTime.Now(clock);
        var item = new AdjustmentItem
        {
            SchemeId = scheme.Id,
            UnitId = proposal.UnitId,
            Period = period,
            Node = node,
            Points = proposal.Points,
            Reason = reason,
            CreatedBy = actor.Name,
            CreatedAt = now,
            Status = AdjustmentStatus.Proposed,
        };

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false) : null;
        db.Adjustments.Add(item);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "propose", AuditLog.AdjustmentEntity, Key(scheme.Code, item.Id), "status", null, "proposed",
            $"{unitCode} {period ?? "*"} {node ?? "*"} {AuditLog.Text(proposal.Points)}: {reason}"));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        foreach (EvidenceUpload file in files ?? [])
        {
            await _evidence.AddAsync(actor, scheme.Id, EvidenceStore.AdjustmentEntity, item.Id, file.FileName, file.Content, cancel).ConfigureAwait(false);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(cancel).ConfigureAwait(false);
        }

        db.Entry(item).State = EntityState.Detached;
        return item;
    }

    /// <summary>Approves a proposed item (office, not its proposer); from now on it counts. The period must still be open, the node still in the current version.</summary>
    public Task<AdjustmentItem> ApproveAsync(Actor actor, long id, string? comment = null, CancellationToken cancel = default) =>
        ReviewAsync(actor, id, AdjustmentStatus.Approved, Text(comment), cancel);

    /// <summary>Rejects a proposed item (office, not its proposer) with a comment saying why.</summary>
    public Task<AdjustmentItem> RejectAsync(Actor actor, long id, string comment, CancellationToken cancel = default)
    {
        string text = Text(comment)
            ?? throw new WorkflowException(WorkflowCodes.AdjustmentRejectComment, $"rejecting bonus or penalty item {AuditLog.Text(id)} needs a comment saying why", AuditLog.Text(id));
        return ReviewAsync(actor, id, AdjustmentStatus.Rejected, text, cancel);
    }

    /// <summary>Withdraws a proposed item: only its proposer, while it is proposed.</summary>
    public async Task<AdjustmentItem> WithdrawAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("withdraw bonus or penalty items");
        (AdjustmentItem item, AssessmentScheme scheme) = await ItemAsync(id, cancel).ConfigureAwait(false);
        if (!string.Equals(item.CreatedBy, actor.Name, StringComparison.Ordinal))
        {
            throw new AccessDeniedException(WorkflowCodes.AdjustmentNotProposer, $"{actor} may not withdraw bonus or penalty item {AuditLog.Text(id)}: only its proposer '{item.CreatedBy}' may", actor.Name, AuditLog.Text(id));
        }

        return await ChangeAsync(actor, item, scheme, AdjustmentStatus.Withdrawn, null, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a penalty (or bonus) the office applies by a scheme's escalation rule when it
    /// publishes a period: the office's own act, approved at once by the publishing user (no
    /// second pair of eyes: the rule was set beforehand), for a period not yet published, audited
    /// as "escalate". Called inside the publication's transaction; saves.
    /// </summary>
    internal static AdjustmentItem Escalation(SaimaDb db, Actor actor, AssessmentScheme scheme, long unitId, string unitCode, string period, double points, string reason, DateTimeOffset now)
    {
        var item = new AdjustmentItem
        {
            SchemeId = scheme.Id, UnitId = unitId, Period = period, Points = points, Reason = reason,
            CreatedBy = actor.Name, CreatedAt = now, Status = AdjustmentStatus.Approved, ReviewedBy = actor.Name, ReviewedAt = now,
        };
        db.Adjustments.Add(item);
        db.SaveChanges();
        db.Audit.Add(AuditLog.Entry(now, actor, "escalate", AuditLog.AdjustmentEntity, Key(scheme.Code, item.Id), "status", null, StatusText(AdjustmentStatus.Approved),
            $"{unitCode} {period} * {AuditLog.Text(points)}: {reason}"));
        db.SaveChanges();
        return item;
    }

    /// <summary>The word of a status in the audit trail and the refusals' arguments.</summary>
    public static string StatusText(AdjustmentStatus status) => status.ToString().ToLowerInvariant();

    private async Task<AdjustmentItem> ReviewAsync(Actor actor, long id, AdjustmentStatus to, string? comment, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice(to == AdjustmentStatus.Approved ? "approve bonus or penalty items" : "reject bonus or penalty items");
        (AdjustmentItem item, AssessmentScheme scheme) = await ItemAsync(id, cancel).ConfigureAwait(false);
        if (string.Equals(item.CreatedBy, actor.Name, StringComparison.Ordinal))
        {
            throw new AccessDeniedException(WorkflowCodes.AdjustmentFourEyes, $"{actor} proposed bonus or penalty item {AuditLog.Text(id)} and may not review it: another office user must (four eyes)", actor.Name, AuditLog.Text(id));
        }

        if (to == AdjustmentStatus.Approved && item.Status == AdjustmentStatus.Proposed)
        {
            // The version may have changed since the proposal: an item on a node the engine no longer has could not be scored.
            await NodeAsync(scheme, item.Node, cancel).ConfigureAwait(false);
        }

        return await ChangeAsync(actor, item, scheme, to, comment, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a proposed item to <paramref name="to"/>: refused unless it is proposed and its period
    /// unpublished. The update is conditional on the status read, so two office users acting at
    /// once cannot both move it.
    /// </summary>
    private async Task<AdjustmentItem> ChangeAsync(Actor actor, AdjustmentItem item, AssessmentScheme scheme, AdjustmentStatus to, string? comment, CancellationToken cancel)
    {
        if (item.Status != AdjustmentStatus.Proposed)
        {
            throw StatusRefusal(item.Id, item.Status);
        }

        if (item.Period is { } period)
        {
            await RequireUnpublishedAsync(scheme, period, cancel).ConfigureAwait(false);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        bool review = to != AdjustmentStatus.Withdrawn;
        string? by = review ? actor.Name : null;
        DateTimeOffset? at = review ? now : null;
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false) : null;
        long id = item.Id;
        int changed = await db.Adjustments.Where(a => a.Id == id && a.Status == AdjustmentStatus.Proposed)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, to).SetProperty(a => a.ReviewedBy, by).SetProperty(a => a.ReviewedAt, at).SetProperty(a => a.ReviewComment, comment), cancel)
            .ConfigureAwait(false);
        if (changed == 0)
        {
            AdjustmentStatus now2 = await db.Adjustments.AsNoTracking().Where(a => a.Id == id).Select(a => a.Status).SingleAsync(cancel).ConfigureAwait(false);
            throw StatusRefusal(id, now2);
        }

        string action = to switch { AdjustmentStatus.Approved => "approve", AdjustmentStatus.Rejected => "reject", _ => "withdraw" };
        db.Audit.Add(AuditLog.Entry(now, actor, action, AuditLog.AdjustmentEntity, Key(scheme.Code, id), "status", "proposed", StatusText(to), comment));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        if (tx is not null)
        {
            await tx.CommitAsync(cancel).ConfigureAwait(false);
        }

        item.Status = to;
        item.ReviewedBy = by;
        item.ReviewedAt = at;
        item.ReviewComment = comment;
        return item;
    }

    private static WorkflowException StatusRefusal(long id, AdjustmentStatus status) => new(
        WorkflowCodes.AdjustmentStatus,
        $"bonus or penalty item {AuditLog.Text(id)} is {StatusText(status)}; only proposed items are approved, rejected or withdrawn",
        AuditLog.Text(id), StatusText(status));

    private async Task RequireUnpublishedAsync(AssessmentScheme scheme, string period, CancellationToken cancel)
    {
        if (await db.Periods.AsNoTracking().AnyAsync(x => x.SchemeId == scheme.Id && x.Code == period && x.Status == PeriodStatus.Published, cancel).ConfigureAwait(false))
        {
            throw new WorkflowException(WorkflowCodes.AdjustmentPublished,
                $"period {period} of scheme '{scheme.Code}' is published; its bonus and penalty items are final: correct the published results instead", period, scheme.Code);
        }
    }

    /// <summary>The node as stored: null for the total (none given, or the root's code), else a group or indicator code of the current version.</summary>
    private async Task<string?> NodeAsync(AssessmentScheme scheme, string? node, CancellationToken cancel)
    {
        string? code = string.IsNullOrWhiteSpace(node) ? null : node.Trim();
        if (code is null)
        {
            return null;
        }

        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.SchemeId == scheme.Id).OrderByDescending(v => v.Version)
            .Select(v => v.Json).FirstOrDefaultAsync(cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{scheme.Code}' has no version", scheme.Code);
        Scheme parsed = SchemeParser.Parse(json);
        int index = parsed.NodeIndex(code);
        if (index < 0)
        {
            throw new WorkflowException(WorkflowCodes.AdjustmentNode, $"'{code}' is not the total, a group or an indicator of scheme '{scheme.Code}'", code, scheme.Code);
        }

        return index == parsed.Indicators.Count + parsed.RootGroup ? null : code;
    }

    private async Task<AssessmentScheme> SchemeAsync(long schemeId, CancellationToken cancel) =>
        await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel).ConfigureAwait(false)
        ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));

    private async Task<(AdjustmentItem Item, AssessmentScheme Scheme)> ItemAsync(long id, CancellationToken cancel)
    {
        AdjustmentItem item = await db.Adjustments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoAdjustment, $"bonus or penalty item {AuditLog.Text(id)} does not exist", AuditLog.Text(id));
        return (item, await SchemeAsync(item.SchemeId, cancel).ConfigureAwait(false));
    }

    private static string Key(string schemeCode, long id) => $"{schemeCode}/{AuditLog.Text(id)}";

    private static string? Text(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string t = text.Trim();
        return t.Length > MaxText ? t[..MaxText] : t;
    }
}
