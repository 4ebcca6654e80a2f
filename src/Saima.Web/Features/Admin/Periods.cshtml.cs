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

namespace Saima.Web.Features.Admin;

/// <summary>
/// The periods of a scheme (/admin/periods), newest first and paged: status, deadline in the
/// office's time zone, who opened and published them; forms to open the next period, move a
/// deadline, close intake and reopen it (<see cref="PeriodService"/>), and links to the
/// publication confirmation.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class PeriodsModel(SaimaDb db, SaimaAccess access, TimeProvider clock, OfficeTime time, IStringLocalizer<PeriodTexts> p) : PageModel
{
    public const int PageSize = 24;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "code")]
    public string? DoneCode { get; set; }

    /// <summary>The period acted on (open: the new code).</summary>
    [BindProperty]
    public string? Period { get; set; }

    /// <summary>A local date and time in the office's zone.</summary>
    [BindProperty]
    public string? Deadline { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<ReportingPeriod> Rows { get; private set; } = [];
    public int Pages { get; private set; } = 1;
    public string SuggestedCode { get; private set; } = "";
    public string SuggestedDeadline { get; private set; } = "";
    public string? Error { get; private set; }

    /// <summary>The period the error is about (its row shows it), or null for the opening form.</summary>
    public string? ErrorPeriod { get; private set; }

    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public string? DoneText => Done is "opened" or "extended" or "closed" or "reopened" && DoneCode is not null ? p["Done_" + Done, DoneCode].Value : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel) ? Page() : NotFound();

    public Task<IActionResult> OnPostOpenAsync(CancellationToken cancel) =>
        ActAsync("opened", true, (actor, scheme, code, deadline) => new PeriodService(db, clock).OpenAsync(actor, scheme.Id, code, deadline, cancel), cancel);

    public Task<IActionResult> OnPostExtendAsync(CancellationToken cancel) =>
        ActAsync("extended", true, (actor, scheme, code, deadline) => new PeriodService(db, clock).ExtendAsync(actor, scheme.Id, code, deadline, Reason, cancel), cancel);

    public Task<IActionResult> OnPostCloseAsync(CancellationToken cancel) =>
        ActAsync("closed", false, (actor, scheme, code, _) => new PeriodService(db, clock).CloseIntakeAsync(actor, scheme.Id, code, Reason, cancel), cancel);

    public Task<IActionResult> OnPostReopenAsync(CancellationToken cancel) =>
        ActAsync("reopened", false, (actor, scheme, code, _) => new PeriodService(db, clock).ReopenAsync(actor, scheme.Id, code, Reason, cancel), cancel);

    public string StatusText(PeriodStatus s) => p["PeriodStatus_" + s.ToString()];

    public string Link(int page) =>
        "/admin/periods?scheme=" + Uri.EscapeDataString(Scheme?.Code ?? string.Empty) + "&p=" + page.ToString(CultureInfo.InvariantCulture);

    private async Task<IActionResult> ActAsync(string done, bool needsDeadline, Func<Actor, AssessmentScheme, string, DateTimeOffset, Task<ReportingPeriod>> act, CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null)
        {
            return NotFound();
        }

        string code = (Period ?? string.Empty).Trim();
        DateTimeOffset deadline = default;
        if (needsDeadline && !time.TryParse(Deadline, out deadline))
        {
            // An empty field is the store's refusal (a period needs a deadline); a malformed one is the form's.
            if (!string.IsNullOrWhiteSpace(Deadline))
            {
                (Error, ErrorPeriod) = (p["Error_Deadline"], done == "opened" ? null : code);
                return Page();
            }
        }

        try
        {
            ReportingPeriod period = await act(access.As(ActorRole.Office), Scheme, code, deadline);
            return Redirect(Link(1) + "&done=" + done + "&code=" + Uri.EscapeDataString(period.Code));
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            (Error, ErrorPeriod) = (WorkflowMessages.Text(HttpContext, e), done == "opened" ? null : code);
            return Page();
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        Schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel);
        Scheme = SchemeCode is null ? Schemes.FirstOrDefault() : Schemes.FirstOrDefault(s => s.Code == SchemeCode);
        if (Scheme is null)
        {
            return SchemeCode is null;
        }

        long schemeId = Scheme.Id;
        IQueryable<ReportingPeriod> periods = db.Periods.AsNoTracking().Where(x => x.SchemeId == schemeId);
        int count = await periods.CountAsync(cancel);
        Pages = Math.Max(1, (count + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);

        // Codes of one frequency sort as text in time order (2025-09 < 2025-10, 2025-Q4 < 2026-Q1).
        Rows = await periods.OrderByDescending(x => x.Code).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancel);
        string? latest = await periods.OrderByDescending(x => x.Code).Select(x => x.Code).FirstOrDefaultAsync(cancel);
        SuggestedCode = PeriodService.Next(Scheme.Frequency, latest, time.Today);
        SuggestedDeadline = SuggestDeadline(SuggestedCode);
        return true;
    }

    /// <summary>18:00 on the 10th after the period ends, as assessment offices commonly set it.</summary>
    private string SuggestDeadline(string code)
    {
        if (!Saima.Scoring.Period.TryParse(code, out Saima.Scoring.Period period))
        {
            return string.Empty;
        }

        int endMonth = period.Kind switch
        {
            Saima.Scoring.PeriodKind.Month => period.Sub,
            Saima.Scoring.PeriodKind.Quarter => period.Sub * 3,
            _ => 12,
        };
        var next = new DateTime(period.Year, endMonth, 1, 18, 0, 0, DateTimeKind.Unspecified).AddMonths(1).AddDays(9);
        return next.ToString(OfficeTime.InputFormat, CultureInfo.InvariantCulture);
    }
}
