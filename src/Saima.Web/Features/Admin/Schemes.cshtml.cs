using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;

namespace Saima.Web.Features.Admin;

public sealed record SchemeListRow(string Code, string Name, string Frequency, int Units, int Indicators, int Version);

/// <summary>The schemes, each linking to its administration page.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class SchemesModel(SaimaDb db) : PageModel
{
    public IReadOnlyList<SchemeListRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel)
    {
        bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        Rows = await db.Schemes.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new SchemeListRow(
                s.Code,
                english && s.NameEn != null ? s.NameEn : s.Name,
                s.Frequency,
                db.SchemeUnits.Count(u => u.SchemeId == s.Id),
                db.Indicators.Count(i => i.SchemeId == s.Id),
                db.SchemeVersions.Where(v => v.SchemeId == s.Id).Max(v => (int?)v.Version) ?? 0))
            .ToListAsync(cancel);
    }
}
