using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data;

namespace Saima.Web.Features.Api;

/// <summary>A token just made: the secret (shown once, never stored) and its row.</summary>
public sealed record NewApiToken(string Secret, ApiToken Row);

/// <summary>
/// Personal API tokens: <c>saima_</c> and 43 characters of 256 random bits (base64url). Only the
/// SHA-256 is stored. Creating and revoking a token writes the audit trail (entity
/// <c>api_token</c>, key <c>user/prefix</c>).
/// </summary>
public sealed class ApiTokens(SaimaDb db, TimeProvider clock)
{
    public const string Marker = "saima_";
    public const string AuditEntity = "api_token";
    public const int PrefixLength = 14;
    public const int MaxNameLength = 100;

    /// <summary>Live tokens one user may hold at once.</summary>
    public const int MaxActivePerUser = 20;

    /// <summary>SHA-256 of a token's text, lower-case hex (what the table holds).</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Now in UTC cut to whole microseconds, so that a time reads back the same from SQLite and PostgreSQL.</summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        DateTimeOffset now = clock.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>Whether a token may be used now.</summary>
    public static bool IsLive(ApiToken t, DateTimeOffset now) => t.RevokedAt is null && (t.ExpiresAt is null || t.ExpiresAt > now);

    /// <summary>The user's tokens, newest first.</summary>
    public Task<List<ApiToken>> ListAsync(string userId, CancellationToken cancel) =>
        db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.Id).ToListAsync(cancel);

    /// <summary>Makes a token for the user; <paramref name="days"/> null: it does not expire.</summary>
    public async Task<NewApiToken> CreateAsync(string userId, string userName, string name, int? days, CancellationToken cancel)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            throw new ArgumentException($"a token's name has 1 to {MaxNameLength} characters", nameof(name));
        }

        DateTimeOffset now = Now(clock);
        var live = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId && t.RevokedAt == null)
            .Select(t => t.ExpiresAt).ToListAsync(cancel);
        if (live.Count(e => e is null || e > now) >= MaxActivePerUser)
        {
            throw new InvalidOperationException($"a user holds at most {MaxActivePerUser} live tokens; revoke one first");
        }

        string secret = Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var row = new ApiToken
        {
            UserId = userId,
            Name = name,
            TokenHash = Hash(secret),
            Prefix = secret[..PrefixLength],
            CreatedAt = now,
            ExpiresAt = days is int d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(row);
        db.Audit.Add(Audit(now, userName, "create", row, "name", null, name, row.ExpiresAt is { } e ? "expires " + Text(e) : "does not expire"));
        await db.SaveChangesAsync(cancel);
        return new NewApiToken(secret, row);
    }

    /// <summary>Revokes one of the user's own tokens; false when the user has no such live token.</summary>
    public async Task<bool> RevokeAsync(string userId, string userName, long id, CancellationToken cancel)
    {
        ApiToken? row = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancel);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        DateTimeOffset now = Now(clock);
        row.RevokedAt = now;
        db.Audit.Add(Audit(now, userName, "revoke", row, "revoked_at", null, Text(now), null));
        await db.SaveChangesAsync(cancel);
        return true;
    }

    private static AuditEntry Audit(DateTimeOffset at, string user, string action, ApiToken row, string field, string? oldValue, string? newValue, string? reason) => new()
    {
        At = at,
        User = user,
        Action = action,
        Entity = AuditEntity,
        EntityKey = user + "/" + row.Prefix,
        Field = field,
        OldValue = oldValue,
        NewValue = newValue,
        Reason = reason,
    };

    private static string Text(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
