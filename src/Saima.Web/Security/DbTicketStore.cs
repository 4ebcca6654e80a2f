using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Saima.Web.Identity;

namespace Saima.Web.Security;

/// <summary>A login session on the server (table auth_sessions): the ticket the cookie stands for.</summary>
public sealed class AuthSession
{
    /// <summary>The session's id: 256 random bits, base64url; the only thing the (encrypted) cookie holds.</summary>
    public required string Id { get; set; }

    /// <summary>The signed-in user (identity_users.id).</summary>
    public string? UserId { get; set; }

    /// <summary>The authentication ticket (claims, expiry), serialized.</summary>
    public required byte[] Ticket { get; set; }

    /// <summary>Unix seconds (UTC).</summary>
    public long CreatedAt { get; set; }

    /// <summary>Unix seconds (UTC); an expired session is as good as none, and is deleted at the next login.</summary>
    public long ExpiresAt { get; set; }
}

/// <summary>
/// Login sessions kept in the database (<see cref="CookieAuthenticationOptions.SessionStore"/>):
/// the cookie holds a session id, the session lives in auth_sessions. Logging out deletes the
/// session, so that a copied cookie stops working at once (not when it expires); an office reset
/// or lock ends all of a user's sessions (<see cref="EndAllOfAsync"/>); and several web nodes on
/// one database share the sessions. One read of the session per request that carries the cookie.
/// </summary>
public sealed class DbTicketStore(IServiceScopeFactory scopes, TimeProvider clock) : ITicketStore
{
    /// <summary>How long a session lives when its ticket says nothing (the cookie's own lifetime then applies).</summary>
    private static readonly TimeSpan Fallback = TimeSpan.FromHours(8);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        string id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        SaimaIdentityDb db = scope.ServiceProvider.GetRequiredService<SaimaIdentityDb>();

        // Sessions that expired are gone for good: cleared as new ones come (an index on expires_at).
        await db.Sessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync().ConfigureAwait(false);
        db.Sessions.Add(new AuthSession
        {
            Id = id,
            UserId = UserId(ticket),
            Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = now,
            ExpiresAt = Expiry(ticket, now),
        });
        await db.SaveChangesAsync().ConfigureAwait(false);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        byte[] bytes = TicketSerializer.Default.Serialize(ticket);
        long expires = Expiry(ticket, now);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        SaimaIdentityDb db = scope.ServiceProvider.GetRequiredService<SaimaIdentityDb>();

        // A session that was ended (logout, reset) stays ended: renewing never brings it back.
        await db.Sessions.Where(s => s.Id == key)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expires)).ConfigureAwait(false);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        SaimaIdentityDb db = scope.ServiceProvider.GetRequiredService<SaimaIdentityDb>();
        var row = await db.Sessions.AsNoTracking().Where(s => s.Id == key)
            .Select(s => new { s.Ticket, s.ExpiresAt }).SingleOrDefaultAsync().ConfigureAwait(false);
        return row is null || row.ExpiresAt < now ? null : TicketSerializer.Default.Deserialize(row.Ticket);
    }

    public async Task RemoveAsync(string key)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        SaimaIdentityDb db = scope.ServiceProvider.GetRequiredService<SaimaIdentityDb>();
        await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync().ConfigureAwait(false);
    }

    /// <summary>Ends every session of a user at once (an office reset or lock); returns how many.</summary>
    public async Task<int> EndAllOfAsync(string userId)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        SaimaIdentityDb db = scope.ServiceProvider.GetRequiredService<SaimaIdentityDb>();
        return await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync().ConfigureAwait(false);
    }

    private static string? UserId(AuthenticationTicket ticket) => ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier);

    private static long Expiry(AuthenticationTicket ticket, long now) =>
        ticket.Properties.ExpiresUtc?.ToUnixTimeSeconds() ?? now + (long)Fallback.TotalSeconds;
}
