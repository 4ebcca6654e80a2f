using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Admin;

/// <summary>
/// Every live personal API token of every user (/admin/tokens, the office only), a page of
/// <see cref="PageSize"/> at a time, newest first: owner, name, prefix, created, last used,
/// expiry; the office revokes any of them, audited with its reason (<see cref="ApiTokenService.RevokeAnyAsync"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class AdminTokensModel(ApiTokenService tokens, SaimaAccess access) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public long TokenId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public int Total { get; private set; }

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public IReadOnlyList<LiveApiToken> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel)
    {
        PageNumber = Math.Max(1, PageNumber);
        (Total, Rows) = await tokens.ListLiveAsync(access.As(ActorRole.Office), PageNumber, PageSize, cancel);
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancel) =>
        await tokens.RevokeAnyAsync(access.As(ActorRole.Office), TokenId, Reason, cancel)
            ? Redirect("/admin/tokens?done=revoked")
            : NotFound();
}
