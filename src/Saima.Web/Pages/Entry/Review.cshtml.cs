using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Pages.Entry;

/// <summary>A figure waiting for review (or approved and still returnable) in an open period.</summary>
public sealed record ReviewRow(long FigureId, string Scheme, string Period, string UnitCode, string UnitName, string Code, string Name, string? UnitOfMeasure,
    double? Value, FigureStatus Status, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>
/// Review (审核): the submitted figures of the reviewer's units (its unit and the units below it;
/// the office: all), approve or return with a comment. The list and the figures one may act on
/// are the same scoped query; the workflow checks the reviewer again (and refuses four-eyes breaches).
/// </summary>
[Authorize(Policy = AccessPolicies.Review)]
public sealed class ReviewModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<EntryTexts> texts) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public long FigureId { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public IReadOnlyList<ReviewRow> Rows { get; private set; } = [];
    public string? Error { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    private Actor Actor => access.AsFirstOf(ActorRole.Reviewer, ActorRole.Office);

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancel) =>
        ActAsync(w => w.Approve(Actor, FigureId), "approved", cancel);

    public Task<IActionResult> OnPostReturnAsync(CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(Comment))
        {
            return ShowAsync(texts["Review_CommentNeeded"], cancel);
        }

        return ActAsync(w => w.Return(Actor, FigureId, Comment.Trim()), "returned", cancel);
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
            return await ShowAsync(texts["Review_Refused", WorkflowMessages.Text(HttpContext, e)], cancel);
        }
        catch (WorkflowException e)
        {
            return await ShowAsync(WorkflowMessages.Text(HttpContext, e), cancel);
        }

        return Redirect("/entry/review?done=" + done);
    }

    private async Task<IActionResult> ShowAsync(string error, CancellationToken cancel)
    {
        db.ChangeTracker.Clear();
        Error = error;
        await LoadAsync(cancel);
        return Page();
    }

    private IQueryable<Figure> Reviewable()
    {
        return db.Figures.AsNoTracking().Unpublished(db, access.ScopeOf(Actor))
            .Where(f => f.IsCurrent && (f.Status == FigureStatus.Submitted || f.Status == FigureStatus.Approved)
                        && db.Periods.Any(p => p.SchemeId == f.SchemeId && p.Code == f.Period && p.Status != PeriodStatus.Published));
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var rows = await (from f in Reviewable()
                          join s in db.Schemes on f.SchemeId equals s.Id
                          join u in db.Units on f.UnitId equals u.Id
                          join i in db.Indicators on f.IndicatorId equals i.Id
                          orderby s.Code, f.Period, u.Code, i.SortOrder, i.Code
                          select new { f.Id, Scheme = s.Code, f.Period, u.Code, u.Name, u.NameEn, ICode = i.Code, IName = i.Name, INameEn = i.NameEn, i.UnitOfMeasure, f.Value, f.Status, f.EnteredBy, f.EnteredAt })
            .Take(2000).ToListAsync(cancel);
        Rows = rows.Select(r => new ReviewRow(r.Id, r.Scheme, r.Period, r.Code, English && r.NameEn is not null ? r.NameEn : r.Name,
            r.ICode, English && r.INameEn is not null ? r.INameEn : r.IName, r.UnitOfMeasure, r.Value, r.Status, r.EnteredBy, r.EnteredAt)).ToList();
    }
}
