using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Web.Features.Api;

/// <summary>The authentication schemes and policies of the HTTP API.</summary>
public static class ApiAuth
{
    /// <summary><c>Authorization: Bearer &lt;token&gt;</c> with a personal API token.</summary>
    public const string TokenScheme = "SaimaToken";

    /// <summary>The API's scheme: the token when an Authorization header is sent, else the login cookie; challenges and refusals always as JSON.</summary>
    public const string ApiScheme = "SaimaApi";

    /// <summary>Any signed-in user, by token or cookie (reading).</summary>
    public const string ReadPolicy = "saima.api";

    /// <summary>The claim holding the id of the token a request came with.</summary>
    public const string TokenClaim = "saima:token";

    /// <summary>Whether the request was authenticated by a personal API token (writes need one: a browser's cookie only reads, so no cross-site request can change anything).</summary>
    public static bool ByToken(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == TokenScheme);
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c>: the token's SHA-256 is looked up, a
/// revoked or expired token is refused, and the principal is made by Identity's own claims
/// factory, as at login (name, roles, <c>saima:unit</c>), so that the same policies,
/// <see cref="Access.SaimaAccess"/> and <see cref="Access.UnitScope"/> apply. Challenges and
/// refusals are ProblemDetails JSON, never a redirect to the login page.
/// </summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SaimaDb db,
    UserManager<SaimaUser> users,
    IUserClaimsPrincipalFactory<SaimaUser> claims,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>How stale last_used_at may get before a use writes it again (not one write per request).</summary>
    private static readonly TimeSpan UseResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string token = header["Bearer ".Length..].Trim();
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("the bearer token is empty");
        }

        string hash = ApiTokenService.Hash(token);
        ApiToken? row = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        DateTimeOffset now = ApiTokenService.Now(clock);
        if (row is null)
        {
            return AuthenticateResult.Fail("the token is not known");
        }

        if (row.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("the token has been revoked");
        }

        if (row.ExpiresAt is { } expires && expires <= now)
        {
            return AuthenticateResult.Fail("the token has expired");
        }

        SaimaUser? user = await users.FindByIdAsync(row.UserId);
        if (user is null)
        {
            return AuthenticateResult.Fail("the token's user no longer exists");
        }

        // Only the office's lock refuses a token: the lockout after failed logins guards the
        // password, and a token is not a password login (else anyone could disable a user's
        // programs by typing wrong passwords under their name).
        if (IdentityExtensions.IsLockedByOffice(user, clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("the token's user is locked out");
        }

        if (user.MustChangePassword)
        {
            return AuthenticateResult.Fail("the token's user must change the password first");
        }

        ClaimsPrincipal login = await claims.CreateAsync(user);
        ClaimsIdentity from = login.Identities.First();
        var identity = new ClaimsIdentity(from.Claims, Scheme.Name, from.NameClaimType, from.RoleClaimType);
        identity.AddClaim(new Claim(ApiAuth.TokenClaim, row.Id.ToString(CultureInfo.InvariantCulture)));

        if (row.LastUsedAt is not { } used || now - used >= UseResolution)
        {
            long id = row.Id;
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync();
        string? failure = result.Failure?.Message;
        Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer realm=\"saima\""
            : $"Bearer realm=\"saima\", error=\"invalid_token\", error_description=\"{failure}\"";
        await ApiProblems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure ?? "send a personal API token (Authorization: Bearer <token>; make one at /account/tokens) or sign in");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden", "the user does not hold a role this needs");
}
