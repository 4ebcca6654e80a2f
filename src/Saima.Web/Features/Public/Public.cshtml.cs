using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Public;

/// <summary>The public page (no login): published totals only. Public indicators come with the league tables.</summary>
[AllowAnonymous]
public sealed class PublicModel(SaimaDb db, IMemoryCache cache) : PageModel
{
    public IReadOnlyList<SchemeLeaders> Schemes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel) => Schemes = await Leaders.LoadAsync(db, cache, await ChangeStamp.ReadAsync(db, cancel), cancel);
}
