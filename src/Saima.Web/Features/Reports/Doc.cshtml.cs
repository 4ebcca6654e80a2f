using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Reports;

/// <summary>
/// An issued document's bytes (<c>/reports/doc/{id}</c>), as archived, with its SHA-256 in the
/// <c>X-Content-SHA256</c> header; 404 when there is none or the user may not read it
/// (<see cref="DocumentArchive.ReadAsync"/> decides).
/// </summary>
[Authorize]
public sealed class DocModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancel)
    {
        try
        {
            IssuedDocument doc = await new DocumentArchive(db, clock).ReadAsync(ReportTexts.Reader(access), id, cancel);
            Response.Headers["X-Content-SHA256"] = doc.Sha256;
            return File(doc.Content, doc.ContentType, doc.FileName);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
    }
}
