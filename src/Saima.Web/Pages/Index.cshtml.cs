using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;

namespace Saima.Web.Pages;

/// <summary>Home: the current published period of each scheme at a glance (leaders and laggards).</summary>
public sealed class IndexModel(SaimaDb db) : PageModel
{
    public IReadOnlyList<SchemeLeaders> Schemes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel) => Schemes = await Leaders.LoadAsync(db, cancel);
}
