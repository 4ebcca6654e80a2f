using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Entry;

/// <summary>
/// Publication with a confirmation step (/entry/publish?scheme=&amp;period=): the period's
/// completeness (<see cref="PublishCheck"/>), and publishing it (<see cref="FigureWorkflow.Publish"/>),
/// refused while figures are not approved; with figures missing, the office says how they count
/// (the scheme's imputation rule or zero).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class PublishModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>Units listed in the per-unit table; those with something missing or unapproved come first.</summary>
    public const int UnitsShown = 50;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    /// <summary>How missing figures count: <see cref="MissingRules.Scheme"/> or <see cref="MissingRules.Zero"/>.</summary>
    [BindProperty]
    public string? Missing { get; set; }

    public AssessmentScheme? Scheme { get; private set; }
    public ReportingPeriod? PeriodRow { get; private set; }
    public PublishSummary? Summary { get; private set; }
    public string? Error { get; private set; }

    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || PeriodRow is null)
        {
            return NotFound();
        }

        try
        {
            new FigureWorkflow(db, clock).Publish(access.As(ActorRole.Office), Scheme.Id, PeriodRow.Code, string.IsNullOrWhiteSpace(Missing) ? null : Missing.Trim());
        }
        catch (WorkflowException e)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            db.ChangeTracker.Clear();
            await LoadAsync(cancel);
            return Page();
        }

        return Redirect("/league?scheme=" + Uri.EscapeDataString(Scheme.Code) + "&period=" + Uri.EscapeDataString(PeriodRow.Code));
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        if (SchemeCode is null || Period is null)
        {
            return false;
        }

        Scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == SchemeCode, cancel);
        if (Scheme is null)
        {
            return false;
        }

        long schemeId = Scheme.Id;
        PeriodRow = await db.Periods.AsNoTracking().SingleOrDefaultAsync(p => p.SchemeId == schemeId && p.Code == Period, cancel);
        if (PeriodRow is null)
        {
            return false;
        }

        Summary = PublishCheck.Load(db, schemeId, PeriodRow.Code);
        return true;
    }
}
