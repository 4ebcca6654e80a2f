using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Entry;

/// <summary>
/// Review (审核) at scale: the figures of one open period that the reviewer may act on (its unit
/// and the units below it; the office: all), filtered (unit, with the units below it; indicator;
/// status; source department; flagged only) and paged through <see cref="ReviewQueue"/>, each
/// beside last period's value, the same period last year, the target (prorated where the scheme
/// prorates), the plausible range, the flags, the reporter's explanation and the earlier comment.
/// Approve one, a selection, or everything in range (<see cref="ReviewActions"/>: all or none);
/// return one with a comment. The workflow checks the reviewer on every figure (four eyes).
/// </summary>
[Authorize(Policy = AccessPolicies.Review)]
public sealed class ReviewModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<EntryTexts> texts, IStringLocalizer<ReviewTexts> reviewTexts) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "n")]
    public int? DoneCount { get; set; }

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    /// <summary>Scheme and period in one ("T/2025-07"), as the filter's select sends them.</summary>
    [BindProperty(SupportsGet = true, Name = "at")]
    public string? At { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? UnitCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "below")]
    public bool Below { get; set; }

    [BindProperty(SupportsGet = true, Name = "indicator")]
    public string? IndicatorCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? StatusFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "source")]
    public string? Source { get; set; }

    [BindProperty(SupportsGet = true, Name = "flagged")]
    public bool FlaggedOnly { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty]
    public long FigureId { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    [BindProperty]
    public List<long> Selected { get; set; } = [];

    public IReadOnlyList<ReviewPeriod> OpenPeriods { get; private set; } = [];
    public ReviewPeriod? Current { get; private set; }
    public ReviewPage? Queue { get; private set; }
    public IReadOnlyList<(string Code, string Name)> IndicatorOptions { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> SourceOptions { get; private set; } = [];
    public string? Error { get; private set; }
    public IReadOnlyList<string> ItemErrors { get; private set; } = [];
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The statuses the filter offers (published figures are not reviewed).</summary>
    public static readonly FigureStatus[] Statuses = [FigureStatus.Submitted, FigureStatus.Approved, FigureStatus.Returned, FigureStatus.Draft];

    private Actor Actor => access.AsFirstOf(ActorRole.Reviewer, ActorRole.Office);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancel) =>
        ActAsync(w => w.Approve(Actor, FigureId), "approved", cancel);

    public Task<IActionResult> OnPostReturnAsync(CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(Comment))
        {
            return ShowAsync(texts["Review_CommentNeeded"], [], cancel);
        }

        return ActAsync(w => w.Return(Actor, FigureId, Comment.Trim()), "returned", cancel);
    }

    /// <summary>Approves the ticked figures, all or none.</summary>
    public async Task<IActionResult> OnPostApproveSelectedAsync(CancellationToken cancel) =>
        await BulkAsync(() => new ReviewActions(db, clock).ApproveAsync(Actor, Selected, cancel), cancel);

    /// <summary>Approves every submitted figure of the filter that is not flagged, all or none.</summary>
    public async Task<IActionResult> OnPostApproveInRangeAsync(CancellationToken cancel)
    {
        if (!await SelectPeriodAsync(cancel) || Current is null)
        {
            return NotFound();
        }

        return await BulkAsync(() => new ReviewActions(db, clock).ApproveAllInRangeAsync(Actor, Current.SchemeId, Current.Period, Filter(), cancel), cancel);
    }

    /// <summary>This view's address with some parameters changed.</summary>
    public string Link(int? page = null, string? done = null, int? count = null)
    {
        var q = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("done", done);
        Add("n", count?.ToString(CultureInfo.InvariantCulture));
        Add("scheme", Current?.SchemeCode ?? SchemeCode);
        Add("period", Current?.Period ?? Period);
        Add("unit", UnitCode);
        Add("below", Below ? "true" : null);
        Add("indicator", IndicatorCode);
        Add("status", StatusFilter);
        Add("source", Source);
        Add("flagged", FlaggedOnly ? "true" : null);
        Add("p", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null);
        return "/entry/review" + (q.Count == 0 ? string.Empty : "?" + string.Join('&', q));
    }

    /// <summary>A handler's address that keeps the view's filter and page (for the POST forms).</summary>
    public string HandlerLink(string handler)
    {
        string link = Link(page: PageNumber);
        return link + (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=" + handler;
    }

    public string UnitName(ReviewItem i) => Published.Name(i.UnitName, i.UnitNameEn, English);

    public string IndicatorName(ReviewItem i) => Published.Name(i.IndicatorName, i.IndicatorNameEn, English);

    private async Task<IActionResult> BulkAsync(Func<Task<BulkApproval>> approve, CancellationToken cancel)
    {
        BulkApproval result;
        try
        {
            result = await approve();
        }
        catch (WorkflowException e)
        {
            return await ShowAsync(WorkflowMessages.Text(HttpContext, e), [], cancel);
        }

        if (result.Done)
        {
            return Redirect(Link(done: "bulk", count: result.Approved.Count));
        }

        if (result.Refused.Any(r => r.AccessDenied))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }

        var lines = result.Refused.Take(50).Select(r => $"{r.UnitCode}/{r.IndicatorCode}: {WorkflowMessages.Text(HttpContext, new WorkflowException(r.Code, r.Message, [.. r.Args]))}").ToList();
        if (result.Refused.Count > lines.Count)
        {
            lines.Add(reviewTexts["Review_MoreRefused", result.Refused.Count - lines.Count]);
        }

        return await ShowAsync(reviewTexts["Review_BulkRefused", result.Refused.Count], lines, cancel);
    }

    private async Task<IActionResult> ActAsync(Action<FigureWorkflow> act, string done, CancellationToken cancel)
    {
        // A figure outside the reviewer's scope does not exist for them.
        if (!await Reviewable().AnyAsync(f => f.Id == FigureId, cancel))
        {
            return NotFound();
        }

        try
        {
            act(new FigureWorkflow(db, clock));
        }
        catch (AccessDeniedException e)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return await ShowAsync(texts["Review_Refused", WorkflowMessages.Text(HttpContext, e)], [], cancel);
        }
        catch (WorkflowException e)
        {
            return await ShowAsync(WorkflowMessages.Text(HttpContext, e), [], cancel);
        }

        return Redirect(Link(page: PageNumber, done: done));
    }

    private async Task<IActionResult> ShowAsync(string error, IReadOnlyList<string> items, CancellationToken cancel)
    {
        db.ChangeTracker.Clear();
        Error = error;
        ItemErrors = items;
        Done = null;
        await LoadAsync(cancel);
        return Page();
    }

    private IQueryable<Figure> Reviewable()
    {
        return db.Figures.AsNoTracking().Unpublished(db, access.ScopeOf(Actor))
            .Where(f => f.IsCurrent && (f.Status == FigureStatus.Submitted || f.Status == FigureStatus.Approved)
                        && db.Periods.Any(p => p.SchemeId == f.SchemeId && p.Code == f.Period && p.Status != PeriodStatus.Published));
    }

    private ReviewFilter Filter() => new(
        UnitCode,
        Below,
        IndicatorCode,
        Enum.TryParse(StatusFilter, ignoreCase: true, out FigureStatus s) && Statuses.Contains(s) ? [s] : null,
        Source,
        FlaggedOnly);

    /// <summary>The open period asked for, else the first with figures waiting, else the first; false when the query names one that is not open.</summary>
    private async Task<bool> SelectPeriodAsync(CancellationToken cancel)
    {
        OpenPeriods = await new ReviewQueue(db).OpenPeriodsAsync(Actor, cancel);
        if (At is { } at && at.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash)
        {
            (SchemeCode, Period) = (at[..slash], at[(slash + 1)..]);
        }

        if (SchemeCode is not null || Period is not null)
        {
            Current = OpenPeriods.FirstOrDefault(p => (SchemeCode is null || p.SchemeCode == SchemeCode) && (Period is null || p.Period == Period));
            return Current is not null;
        }

        Current = OpenPeriods.FirstOrDefault(p => p.Waiting > 0) ?? OpenPeriods.FirstOrDefault();
        return true;
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        if (!await SelectPeriodAsync(cancel))
        {
            return false;
        }

        if (Current is null)
        {
            return true;
        }

        long schemeId = Current.SchemeId;
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.GrowthOfId == null)
            .OrderBy(i => i.SortOrder).ThenBy(i => i.Code).Select(i => new { i.Code, i.Name, i.NameEn, i.SourceUnitId }).ToListAsync(cancel);
        IndicatorOptions = indicators.Select(i => (i.Code, Published.Name(i.Name, i.NameEn, English))).ToList();
        long[] sources = [.. indicators.Select(i => i.SourceUnitId).OfType<long>().Distinct()];
        SourceOptions = (await db.Units.AsNoTracking().Where(u => sources.Contains(u.Id)).OrderBy(u => u.Code).Select(u => new { u.Code, u.Name, u.NameEn }).ToListAsync(cancel))
            .Select(u => (u.Code, Published.Name(u.Name, u.NameEn, English))).ToList();
        Queue = await new ReviewQueue(db).PageAsync(Actor, schemeId, Current.Period, Filter(), PageNumber, PageSize, cancel);
        return true;
    }
}
