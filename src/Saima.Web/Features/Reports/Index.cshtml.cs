using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Reports;

/// <summary>
/// The documents (<c>/reports</c>): the archive of issued documents of a scheme that the user may
/// read (the office and leaders every one; anyone else the circulars, annual results and their own
/// unit's feedback reports), newest first, a page at a time, each downloadable. The office also
/// drafts a circular (to edit and issue), issues every unit's feedback reports in the background
/// (with progress) and issues the annual results of a year.
/// </summary>
[Authorize]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock, ReportJobs jobs, IConfiguration configuration) : PageModel
{
    public const int PageSize = 30;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? Scheme { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    /// <summary>The next page's cursor: documents older than this id.</summary>
    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true, Name = "job")]
    public string? JobId { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public string? Period { get; set; }

    [BindProperty]
    public int? Year { get; set; }

    [BindProperty]
    public string? Quarter { get; set; }

    [BindProperty]
    public List<string> Formats { get; set; } = [];

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];

    public AssessmentScheme? Current { get; private set; }

    /// <summary>The scheme's published periods, newest first.</summary>
    public IReadOnlyList<string> Periods { get; private set; } = [];

    public IReadOnlyList<int> Years { get; private set; } = [];

    /// <summary>The quarters with a published period, newest first (2025-Q3).</summary>
    public IReadOnlyList<string> Quarters { get; private set; } = [];

    public IReadOnlyList<IssuedDocumentInfo> Documents { get; private set; } = [];

    /// <summary>The cursor of the next (older) page, or null on the last.</summary>
    public long? Older { get; private set; }

    public IReadOnlyList<ReportJob> Jobs { get; private set; } = [];

    public bool IsOffice { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        await LoadAsync(cancel);
        return Current is null && Scheme is not null ? NotFound() : Page();
    }

    /// <summary>A job's progress as JSON, for the page's script.</summary>
    public IActionResult OnGetJob()
    {
        if (!access.Holds(ActorRole.Office))
        {
            return Forbid();
        }

        ReportJob? job = jobs.Find(JobId);
        return job is null ? NotFound() : new JsonResult(ReportJobs.Json(job, e => WorkflowMessages.Text(HttpContext, e)));
    }

    /// <summary>Queues every unit's feedback reports of a published period (office).</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(CancellationToken cancel)
    {
        if (!access.Holds(ActorRole.Office))
        {
            return Forbid();
        }

        Actor actor = access.As(ActorRole.Office);
        await LoadAsync(cancel);
        if (Current is null)
        {
            return NotFound();
        }

        if (Period is null || !Periods.Contains(Period))
        {
            Error = WorkflowMessages.Text(HttpContext, new WorkflowException(WorkflowCodes.PeriodNotPublished, "not published", Period ?? string.Empty, Current.Code));
            return Page();
        }

        ReportJob job = jobs.Enqueue(actor, Current.Code, Period);
        return Redirect(Link(Current.Code) + "&job=" + job.Id);
    }

    /// <summary>Issues the annual results of a year in the formats chosen (office).</summary>
    public Task<IActionResult> OnPostAnnualAsync(CancellationToken cancel) =>
        IssueAsync((issuer, actor, scheme) => issuer.IssueAnnualAsync(actor, scheme, Year ?? 0, Formats, cancel), DocumentKinds.Annual, "annual", cancel);

    /// <summary>Issues the public board of a quarter in the formats chosen (office); the public page lists it.</summary>
    public Task<IActionResult> OnPostBoardAsync(CancellationToken cancel) =>
        IssueAsync((issuer, actor, scheme) => issuer.IssueBoardAsync(actor, scheme, Quarter ?? string.Empty, Formats, cancel), DocumentKinds.Board, "board", cancel);

    /// <summary>Issues the quarterly pack (季度赛马会材料) of a quarter in the formats chosen (office).</summary>
    public Task<IActionResult> OnPostPackAsync(CancellationToken cancel) =>
        IssueAsync((issuer, actor, scheme) => issuer.IssuePackAsync(actor, scheme, Quarter ?? string.Empty, Formats, cancel), DocumentKinds.Pack, "pack", cancel);

    /// <summary>
    /// Runs one issue of the door for the office: on success a redirect to the archive of that
    /// kind; a refusal (or a PDF that could not be printed) in the user's language on the page.
    /// </summary>
    private async Task<IActionResult> IssueAsync(
        Func<DocumentIssuer, Actor, string, Task<IReadOnlyList<IssuedDocumentInfo>>> issue, string kind, string done, CancellationToken cancel)
    {
        if (!access.Holds(ActorRole.Office))
        {
            return Forbid();
        }

        Actor actor = access.As(ActorRole.Office);
        await LoadAsync(cancel);
        if (Current is null)
        {
            return NotFound();
        }

        try
        {
            await issue(new DocumentIssuer(db, clock, configuration["Saima:Chromium"]), actor, Current.Code);
        }
        catch (Exception e) when (e is IStoreRefusal and not AccessDeniedException)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }
        catch (ReportToolException)
        {
            Error = ReportTexts.ToolFailed(HttpContext);
            return Page();
        }

        return Redirect(Link(Current.Code, kind) + "&done=" + done);
    }

    public static string Link(string scheme, string? kind = null, long? before = null)
    {
        string link = "/reports?scheme=" + Uri.EscapeDataString(scheme);
        if (kind is not null)
        {
            link += "&kind=" + Uri.EscapeDataString(kind);
        }

        return before is long b ? link + "&before=" + b.ToString(CultureInfo.InvariantCulture) : link;
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        Actor actor = ReportTexts.Reader(access);
        IsOffice = actor.Role == ActorRole.Office;
        Schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).Take(200).ToListAsync(cancel);
        Current = Scheme is null ? Schemes.FirstOrDefault() : Schemes.FirstOrDefault(s => s.Code == Scheme);
        if (Current is null)
        {
            return;
        }

        Periods = await DocumentIssuer.PublishedPeriodsAsync(db, Current.Id, cancel);
        Quarters = Periods.Select(PublicBoardReader.QuarterOf).OfType<string>().Distinct().OrderDescending(StringComparer.Ordinal).ToList();
        Years = Periods.Select(p => int.Parse(p.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().OrderDescending().ToList();
        string? kind = DocumentKinds.All.Contains(Kind) ? Kind : null;
        var page = await new DocumentArchive(db, clock).ListAsync(actor, Current.Code, kind, null, Before, PageSize + 1, cancel);
        Documents = page.Take(PageSize).ToList();
        Older = page.Count > PageSize ? Documents[^1].Id : null;
        Jobs = IsOffice ? jobs.Recent(Current.Code).Take(5).ToList() : [];
    }
}
