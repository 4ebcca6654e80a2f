using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Revisions;

/// <summary>
/// The corrected figures (修订清单) of a scheme: of one published period, or of one unit, newest
/// first and paged, each with the old and new value, the reason, when, and the unit's total and
/// rank before and after. Published data: every signed-in user reads it, as the league table.
/// </summary>
public sealed class RevisionsModel(SaimaDb db) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? UnitCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public AssessmentScheme? Scheme { get; private set; }
    public CorrectionPage? List { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        Scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == SchemeCode, cancel);
        if (Scheme is null)
        {
            return NotFound();
        }

        long? unitId = null;
        if (!string.IsNullOrWhiteSpace(UnitCode))
        {
            unitId = await db.Units.AsNoTracking().Where(u => u.Code == UnitCode).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel);
            if (unitId is null)
            {
                return NotFound();
            }
        }

        List = await new RevisionHistory(db).ListAsync(Scheme.Id, string.IsNullOrWhiteSpace(Period) ? null : Period, unitId, PageNumber, PageSize, cancel);
        return Page();
    }

    public string Link(int page)
    {
        string link = "/revisions?scheme=" + Uri.EscapeDataString(Scheme?.Code ?? string.Empty);
        if (!string.IsNullOrWhiteSpace(Period))
        {
            link += "&period=" + Uri.EscapeDataString(Period);
        }

        if (!string.IsNullOrWhiteSpace(UnitCode))
        {
            link += "&unit=" + Uri.EscapeDataString(UnitCode);
        }

        return page > 1 ? link + "&p=" + page.ToString(CultureInfo.InvariantCulture) : link;
    }
}
