using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// A unit's resolution rate on the leaders' board: its items (confirmed, not dismissed) open,
/// overdue, escalated and open (made by an escalation rule, not closed out), due (deadline
/// passed, or closed out) and closed out on time.
/// </summary>
public sealed record ListUnitRate(string UnitCode, string UnitName, int Open, int Overdue, int Escalated, int Due, int ClosedOnTime)
{
    /// <summary>Closed on time ÷ due (null when nothing is due yet).</summary>
    public double? Rate => Due == 0 ? null : (double)ClosedOnTime / Due;
}

/// <summary>A page of units by resolution rate, worst first: the rows, how many units in all, the page and its size.</summary>
public sealed record ListUnitRatePage(IReadOnlyList<ListUnitRate> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// A month of the resolution rate over time (yyyy-MM): the items whose deadline falls in it and
/// is past (or that are closed out), and how many of them were closed out on or before it.
/// </summary>
/// <summary>
/// The items an actor sees, counted once over all units (drafts and dismissed items count nowhere):
/// in hand (not closed out), overdue, escalated and in hand, fallen due, and closed out on time.
/// </summary>
public sealed record ListTotals(int Open, int Overdue, int Escalated, int Due, int ClosedOnTime)
{
    /// <summary>Resolved on time ÷ due, or null when nothing has fallen due.</summary>
    public double? Rate => Due == 0 ? null : (double)ClosedOnTime / Due;
}

public sealed record ListMonthRate(string Month, int Due, int ClosedOnTime)
{
    /// <summary>Closed on time ÷ due (null when nothing fell due).</summary>
    public double? Rate => Due == 0 ? null : (double)ClosedOnTime / Due;
}

/// <summary>An evidence file of an item as listed (no content).</summary>
public sealed record ListEvidenceFile(long Id, string FileName, string ContentType, long SizeBytes, string Sha256, string UploadedBy, DateTimeOffset UploadedAt);

/// <summary>The first evidence files of an item (at most <see cref="ListService.MaxEvidenceListed"/>) and how many it has.</summary>
public sealed record ListEvidenceList(IReadOnlyList<ListEvidenceFile> Files, int Total);

/// <summary>The leaders' reads of the lists: the resolution rate per unit and over time, counted by the database; the evidence files of an item.</summary>
public sealed partial class ListService
{
    /// <summary>Largest page of units of the resolution rate per unit.</summary>
    public const int MaxRatePageSize = 50;

    /// <summary>Most months of the resolution rate over time.</summary>
    public const int MaxRateMonths = 24;

    /// <summary>Most evidence files listed for one item.</summary>
    public const int MaxEvidenceListed = 200;

    /// <summary>
    /// The resolution rate (resolved on time ÷ due) per owner unit over the items the actor sees
    /// (drafts and dismissed items count nowhere), worst first: the lowest rate, then the most
    /// overdue, then by unit code; units with nothing due yet come last. Grouped, ordered and paged
    /// by the database; a page holds at most <see cref="MaxRatePageSize"/> units.
    /// </summary>
    public async Task<ListUnitRatePage> RatesByUnitAsync(Actor actor, int page = 1, int pageSize = MaxRatePageSize, ListKind? kind = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        int size = Math.Clamp(pageSize, 1, MaxRatePageSize);
        IQueryable<ListItem> items = Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed);
        if (kind is { } k)
        {
            items = items.Where(i => i.Kind == k);
        }

        int total = await items.Select(i => i.OwnerUnitId).Distinct().CountAsync(cancel).ConfigureAwait(false);
        int current = Math.Clamp(page, 1, Math.Max(1, (total + size - 1) / size));
        var grouped = items.GroupBy(i => i.OwnerUnitId).Select(g => new
        {
            Unit = g.Key,
            Open = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed),
            Overdue = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed && i.Deadline != null && i.Deadline < today),
            Escalated = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed && i.SourceKey != null && EF.Functions.Like(i.SourceKey, EscalationService.KeyPrefix + "%")),
            Due = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed || (i.Deadline != null && i.Deadline < today)),
            OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && (i.Deadline == null || i.ClosedOn <= i.Deadline)),
        });
        var rows = await (from g in grouped
                          join u in db.Units.AsNoTracking() on g.Unit equals u.Id
                          orderby g.Due == 0, g.Due == 0 ? 0.0 : (double)g.OnTime / g.Due, g.Overdue descending, u.Code
                          select new { u.Code, u.Name, g.Open, g.Overdue, g.Escalated, g.Due, g.OnTime })
            .Skip((current - 1) * size).Take(size).ToListAsync(cancel).ConfigureAwait(false);
        return new ListUnitRatePage([.. rows.Select(r => new ListUnitRate(r.Code, r.Name, r.Open, r.Overdue, r.Escalated, r.Due, r.OnTime))], total, current, size);
    }

    /// <summary>
    /// The counts of the leaders' board over every item the actor sees (the same rules as
    /// <see cref="RatesByUnitAsync"/>, over all units at once): one aggregate query.
    /// </summary>
    public async Task<ListTotals> TotalsAsync(Actor actor, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        var totals = await Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed)
            .GroupBy(i => 1).Select(g => new
            {
                Open = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed),
                Overdue = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed && i.Deadline != null && i.Deadline < today),
                Escalated = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed && i.SourceKey != null && EF.Functions.Like(i.SourceKey, EscalationService.KeyPrefix + "%")),
                Due = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed || (i.Deadline != null && i.Deadline < today)),
                OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && (i.Deadline == null || i.ClosedOn <= i.Deadline)),
            }).SingleOrDefaultAsync(cancel).ConfigureAwait(false);
        return totals is null ? new ListTotals(0, 0, 0, 0, 0) : new ListTotals(totals.Open, totals.Overdue, totals.Escalated, totals.Due, totals.OnTime);
    }

    /// <summary>
    /// The resolution rate over time: per month of the deadline (the last <paramref name="months"/>
    /// up to this one, oldest first, at most <see cref="MaxRateMonths"/>), the items the actor sees
    /// that fell due that month (the deadline is past, or the item is closed out) and how many of
    /// them were closed out on or before their deadline. Counted by the database per deadline day.
    /// </summary>
    public async Task<IReadOnlyList<ListMonthRate>> RatesByMonthAsync(Actor actor, int months = 12, ListKind? kind = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        months = Math.Clamp(months, 1, MaxRateMonths);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        DateOnly first = new DateOnly(today.Year, today.Month, 1).AddMonths(-(months - 1));
        DateOnly last = new DateOnly(today.Year, today.Month, 1).AddMonths(1).AddDays(-1);
        IQueryable<ListItem> items = Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed
            && i.Deadline != null && i.Deadline >= first && i.Deadline <= last
            && (i.State == ListState.Closed || i.State == ListState.Confirmed || i.Deadline < today));
        if (kind is { } k)
        {
            items = items.Where(i => i.Kind == k);
        }

        var days = await items.GroupBy(i => i.Deadline).Select(g => new
        {
            Day = g.Key,
            Due = g.Count(),
            OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && i.ClosedOn <= i.Deadline),
        }).ToListAsync(cancel).ConfigureAwait(false);
        var result = new List<ListMonthRate>(months);
        for (int m = 0; m < months; m++)
        {
            DateOnly from = first.AddMonths(m);
            DateOnly to = from.AddMonths(1).AddDays(-1);
            var inMonth = days.Where(d => d.Day >= from && d.Day <= to).ToList();
            result.Add(new ListMonthRate(from.ToString("yyyy-MM", CultureInfo.InvariantCulture), inMonth.Sum(d => d.Due), inMonth.Sum(d => d.OnTime)));
        }

        return result;
    }

    /// <summary>
    /// The evidence files of an item the actor may see (without their content), oldest first, at
    /// most <see cref="MaxEvidenceListed"/>, with how many it has. Not the actor's to see: <see cref="NotFoundException"/>.
    /// </summary>
    public async Task<ListEvidenceList> EvidenceAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        await LoadForReadAsync(actor, id, cancel).ConfigureAwait(false);
        IQueryable<ListEvidence> files = db.ListEvidence.AsNoTracking().Where(e => e.ItemId == id);
        int total = await files.CountAsync(cancel).ConfigureAwait(false);
        List<ListEvidenceFile> rows = await files.OrderBy(e => e.Id).Take(MaxEvidenceListed)
            .Select(e => new ListEvidenceFile(e.Id, e.FileName, e.ContentType, e.SizeBytes, e.Sha256, e.UploadedBy, e.UploadedAt))
            .ToListAsync(cancel).ConfigureAwait(false);
        return new ListEvidenceList(rows, total);
    }
}
