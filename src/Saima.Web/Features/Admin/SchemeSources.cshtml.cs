using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Admin;

/// <summary>An indicator and the department that supplies it (数据来源), if any.</summary>
public sealed record SourceRow(string Code, string Name, bool Derived, string? SourceCode, string? SourceName);

/// <summary>
/// A scheme's data sources (/admin/schemes/{code}/sources): per indicator the department that
/// supplies it for every unit, set or cleared through <see cref="SchemeDesigner.SetSourceAsync"/>.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class SchemeSourcesModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<HomeTexts> home) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    [BindProperty]
    public string? IndicatorCode { get; set; }

    [BindProperty]
    public string? Department { get; set; }

    public AssessmentScheme Scheme { get; private set; } = null!;
    public IReadOnlyList<SourceRow> Rows { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Departments { get; private set; } = [];
    public string? Error { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        try
        {
            await new SchemeDesigner(db, clock).SetSourceAsync(access.As(ActorRole.Office), Scheme.Code, IndicatorCode ?? string.Empty, Department, cancel);
            return Redirect($"/admin/schemes/{Uri.EscapeDataString(Scheme.Code)}/sources?done={Uri.EscapeDataString(IndicatorCode ?? string.Empty)}");
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            Error = WorkflowMessages.Text(home, e);
        }

        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        AssessmentScheme? scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == Code, cancel);
        if (scheme is null)
        {
            return false;
        }

        Scheme = scheme;
        var rows = await (from i in db.Indicators.AsNoTracking()
                          where i.SchemeId == scheme.Id
                          orderby i.SortOrder
                          join u in db.Units.AsNoTracking() on i.SourceUnitId equals u.Id into src
                          from u in src.DefaultIfEmpty()
                          select new { i.Code, i.Name, i.NameEn, Derived = i.GrowthOfId != null, Source = u == null ? null : u.Code, SourceName = u == null ? null : u.Name, SourceNameEn = u == null ? null : u.NameEn })
            .ToListAsync(cancel);
        Rows = rows.Select(r => new SourceRow(r.Code, English && r.NameEn != null ? r.NameEn : r.Name, r.Derived, r.Source, English && r.SourceNameEn != null ? r.SourceNameEn : r.SourceName)).ToList();
        Departments = (await db.Units.AsNoTracking().Where(u => u.Kind == UnitKind.Department).OrderBy(u => u.Code).Take(SchemeNewModel.PickerCap)
            .Select(u => new { u.Code, u.Name, u.NameEn }).ToListAsync(cancel))
            .Select(u => (u.Code, English && u.NameEn != null ? u.NameEn : u.Name)).ToList();
        return true;
    }
}
