using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>The office's list of on-site evaluations (<c>/arena</c>), newest first, a page at a time.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class IndexModel(SaimaDb db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<ArenaSession> Sessions { get; private set; } = [];

    public int Total { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public async Task OnGetAsync(int p = 1, CancellationToken cancel = default)
    {
        PageNumber = Math.Max(1, p);
        (Sessions, Total) = await new ArenaService(db, clock).ListAsync((PageNumber - 1) * PageSize, PageSize, cancel);
    }
}
