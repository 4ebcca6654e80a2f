using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Api;
using Saima.Web.Identity;

namespace Saima.Web.Features.Account;

/// <summary>
/// The user's personal API tokens (/account/tokens): make one (shown once, only its SHA-256 kept),
/// see when each was made, last used and expires, and revoke it. Any signed-in user; each sees and
/// revokes only their own. Both changes are in the audit trail (<see cref="ApiTokenService"/>, the one door of tokens).
/// </summary>
public sealed class TokensModel(ApiTokenService tokens, UserManager<SaimaUser> users, TimeProvider clock, IStringLocalizer<ApiTexts> texts) : PageModel
{
    /// <summary>The lifetimes offered, in days; 0 is "does not expire".</summary>
    public static readonly int[] Lifetimes = [30, 90, 365, 0];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public int Days { get; set; } = 90;

    [BindProperty]
    public long TokenId { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    /// <summary>The token just made: shown on this response only.</summary>
    public string? NewSecret { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (users.GetUserId(User) is not { } id)
        {
            return Challenge();
        }

        await LoadAsync(id, cancel);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancel)
    {
        if (users.GetUserId(User) is not { } id)
        {
            return Challenge();
        }

        if (!Lifetimes.Contains(Days))
        {
            Error = texts["Tokens_NameRequired", ApiTokenService.MaxNameLength];
        }
        else
        {
            try
            {
                string me = User.Identity!.Name!;
                NewApiToken made = await tokens.CreateAsync(ApiTokenService.Owner(me), id, me, Name ?? string.Empty, Days == 0 ? null : Days, cancel: cancel);
                NewSecret = made.Secret;
                Name = null;

                // The secret is on this page only: no cache keeps it.
                Response.Headers.CacheControl = "no-store";
            }
            catch (WorkflowException e)
            {
                Error = e.Code == WorkflowCodes.TokenLimit
                    ? texts["Tokens_TooMany", ApiTokenService.MaxActivePerUser]
                    : texts["Tokens_NameRequired", ApiTokenService.MaxNameLength];
            }
        }

        await LoadAsync(id, cancel);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancel)
    {
        if (users.GetUserId(User) is not { } id)
        {
            return Challenge();
        }

        // Another user's token, or one revoked already, is not there for this user.
        return await tokens.RevokeOwnAsync(ApiTokenService.Owner(User.Identity!.Name!), id, TokenId, cancel)
            ? Redirect("/account/tokens?done=revoked")
            : NotFound();
    }

    private async Task LoadAsync(string userId, CancellationToken cancel)
    {
        Now = clock.GetUtcNow();
        Tokens = await tokens.ListAsync(userId, cancel);
    }

    /// <summary>"active", "revoked" or "expired".</summary>
    public string State(ApiToken t) => t.RevokedAt is not null ? "revoked" : ApiTokenService.IsLive(t, Now) ? "active" : "expired";
}
