using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Admin;

/// <summary>
/// A copy of a scheme as the start of the next year (/admin/schemes/{code}/copy): new code and
/// names, optionally the targets of a year moved to another; <see cref="SchemeDesigner.CopyAsync"/> does it.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class SchemeCopyModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<SchemeTexts> s) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty]
    public string? NewCode { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? NameEn { get; set; }

    [BindProperty]
    public bool MoveTargets { get; set; }

    [BindProperty]
    public int? TargetsFrom { get; set; }

    [BindProperty]
    public int? TargetsTo { get; set; }

    public AssessmentScheme Scheme { get; private set; } = null!;
    public IReadOnlyList<int> TargetYears { get; private set; } = [];
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        int year = TargetYears.Count > 0 ? TargetYears[^1] : clock.GetUtcNow().Year;
        TargetsFrom ??= year;
        TargetsTo ??= year + 1;
        NewCode ??= Code + "-" + (year + 1).ToString(CultureInfo.InvariantCulture);
        Name ??= Scheme.Name;
        NameEn ??= Scheme.NameEn;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        try
        {
            var copy = new SchemeCopy(NewCode ?? string.Empty, Name ?? string.Empty)
            {
                NameEn = NameEn,
                TargetsFrom = MoveTargets ? TargetsFrom : null,
                TargetsTo = MoveTargets ? TargetsTo : null,
            };
            AssessmentScheme made = await new SchemeDesigner(db, clock).CopyAsync(access.As(ActorRole.Office), Scheme.Code, copy, cancel);
            return Redirect($"/admin/schemes/{Uri.EscapeDataString(made.Code)}");
        }
        catch (SchemeDraftException e)
        {
            Error = s["Error_Fields"];
            foreach (DraftError x in e.Errors)
            {
                FieldErrors[x.Field == "Code" ? "NewCode" : x.Field] = SchemeTexts.Draft(s, x);
            }
        }

        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        AssessmentScheme? scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(x => x.Code == Code, cancel);
        if (scheme is null)
        {
            return false;
        }

        Scheme = scheme;
        TargetYears = await db.Targets.AsNoTracking().Where(t => t.SchemeId == scheme.Id).Select(t => t.Year).Distinct().OrderBy(y => y).ToListAsync(cancel);
        return true;
    }
}
