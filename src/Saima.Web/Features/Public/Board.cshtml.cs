using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;

namespace Saima.Web.Features.Public;

/// <summary>An issued quarterly public board's file (<c>/public/board/{id}</c>), for anyone; any other document is 404 here.</summary>
[AllowAnonymous]
public sealed class BoardModel(SaimaDb db, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancel)
    {
        try
        {
            IssuedDocument doc = await new DocumentArchive(db, clock).ReadPublicAsync(id, cancel);
            Response.Headers["X-Content-SHA256"] = doc.Sha256;
            Response.Headers.CacheControl = "public, max-age=3600";
            return doc.ContentType == DocumentFormats.ContentType(DocumentFormats.Png)
                ? File(doc.Content, doc.ContentType)
                : File(doc.Content, doc.ContentType, doc.FileName);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
    }
}
