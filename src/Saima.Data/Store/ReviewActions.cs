using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>Why one figure of a bulk approval was refused: the store's coded refusal, and the figure it names.</summary>
public sealed record ItemRefusal(long FigureId, string? UnitCode, string? IndicatorCode, string Code, IReadOnlyList<string> Args, string Message, bool AccessDenied);

/// <summary>
/// The outcome of a bulk approval: every figure approved (<see cref="Refused"/> empty), or none
/// (each refused figure listed with its coded reason; the approvals of the others were undone).
/// </summary>
public sealed record BulkApproval(IReadOnlyList<long> Approved, IReadOnlyList<ItemRefusal> Refused)
{
    public bool Done => Refused.Count == 0;
}

/// <summary>
/// Review at scale: approve a selection of figures, or every submitted figure of a filter that
/// is not flagged ("all in range"). Each figure goes through <see cref="FigureWorkflow.Approve"/>
/// (status, the reviewer's units, four eyes: the rules stay in one place), all in one
/// transaction: all are approved or none, and every refusal is returned with its figure.
/// </summary>
public sealed class ReviewActions(SaimaDb db, TimeProvider clock)
{
    /// <summary>Most figures one bulk approval takes (a larger filter is refused: narrow it).</summary>
    public const int MaxFigures = 5000;

    /// <summary>Approves the figures, all or none.</summary>
    public async Task<BulkApproval> ApproveAsync(Actor actor, IEnumerable<long> figureIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(figureIds);
        long[] ids = [.. figureIds.Distinct()];
        if (ids.Length == 0)
        {
            throw new WorkflowException(WorkflowCodes.NothingToApprove, "no figure to approve: select figures, or change the filter");
        }

        if (ids.Length > MaxFigures)
        {
            string count = ids.Length.ToString(CultureInfo.InvariantCulture), most = MaxFigures.ToString(CultureInfo.InvariantCulture);
            throw new WorkflowException(WorkflowCodes.TooManyToApprove, $"{count} figures are more than one approval takes ({most}); narrow the filter", count, most);
        }

        var workflow = new FigureWorkflow(db, clock);
        var refused = new List<(long Id, Exception Error)>();
        bool own = db.Database.CurrentTransaction is null;
        await using var tx = own ? await db.Database.BeginTransactionAsync(cancel) : null;
        foreach (long id in ids)
        {
            try
            {
                workflow.Approve(actor, id);
            }
            catch (Exception e) when (e is IStoreRefusal)
            {
                refused.Add((id, e));
            }
        }

        if (refused.Count == 0)
        {
            if (tx is not null)
            {
                await tx.CommitAsync(cancel);
            }

            return new BulkApproval(ids, []);
        }

        if (tx is not null)
        {
            await tx.RollbackAsync(cancel);
        }

        db.ChangeTracker.Clear();
        long[] refusedIds = [.. refused.Select(r => r.Id)];
        var names = await (from f in db.Figures.AsNoTracking()
                           join u in db.Units on f.UnitId equals u.Id
                           join i in db.Indicators on f.IndicatorId equals i.Id
                           where refusedIds.Contains(f.Id)
                           select new { f.Id, Unit = u.Code, Indicator = i.Code }).ToDictionaryAsync(x => x.Id, cancel);
        return new BulkApproval([], refused.Select(r =>
        {
            var refusal = (IStoreRefusal)r.Error;
            names.TryGetValue(r.Id, out var name);
            return new ItemRefusal(r.Id, name?.Unit, name?.Indicator, refusal.Code, refusal.Args, r.Error.Message, r.Error is AccessDeniedException);
        }).ToList());
    }

    /// <summary>
    /// Approves every submitted figure of the filter that is not flagged (no stored flag, inside
    /// the plausible range, not below last month's year-to-date value), all or none. Flagged
    /// figures are left for a decision one by one.
    /// </summary>
    public async Task<BulkApproval> ApproveAllInRangeAsync(Actor actor, long schemeId, string period, ReviewFilter filter, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        IReadOnlyList<long> ids = await new ReviewQueue(db).InRangeIdsAsync(actor, schemeId, period, filter, MaxFigures, cancel);
        if (ids.Count > MaxFigures)
        {
            string most = MaxFigures.ToString(CultureInfo.InvariantCulture);
            throw new WorkflowException(WorkflowCodes.TooManyToApprove, $"more than {most} figures are in range; narrow the filter", "> " + most, most);
        }

        return await ApproveAsync(actor, ids, cancel);
    }
}
