using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A token just made: the secret (shown once, never stored) and its row.</summary>
public sealed record NewApiToken(string Secret, ApiToken Row);

/// <summary>A live token as the office's list shows it, with its owner's user name.</summary>
public sealed record LiveApiToken(long Id, string Owner, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt);

/// <summary>
/// The one door of personal API tokens (the web page /account/tokens, the office's /admin/tokens,
/// <c>saima token create</c>, password resets): <c>saima_</c> and 43 characters of 256 random bits
/// (base64url), of which only the SHA-256 is stored. Every creation and revocation writes the
/// audit trail (entity <c>api_token</c>, key <c>owner/prefix</c>, user: who acted).
/// </summary>
public sealed class ApiTokenService(SaimaDb db, TimeProvider clock)
{
    public const string Marker = "saima_";
    public const string AuditEntity = "api_token";
    public const int PrefixLength = 14;
    public const int MaxNameLength = 100;

    /// <summary>Live tokens one user may hold at once.</summary>
    public const int MaxActivePerUser = 20;

    /// <summary>The longest lifetime a token may be given, in days (ten years); null is "does not expire".</summary>
    public const int MaxDays = 3650;

    /// <summary>A user acting on their own tokens: only the name counts (roles play no part in one's own tokens).</summary>
    public static Actor Owner(string userName) => Actor.Leader(userName);

    /// <summary>SHA-256 of a token's text, lower-case hex (what the table holds).</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Now in UTC cut to whole microseconds, so that a time reads back the same from SQLite and PostgreSQL.</summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        DateTimeOffset now = clock.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>Whether a token may be used now.</summary>
    public static bool IsLive(ApiToken t, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.RevokedAt is null && (t.ExpiresAt is null || t.ExpiresAt > now);
    }

    /// <summary>
    /// The store's token check: the live token (not revoked, not expired) whose text this is, or
    /// null. Whether its user may use it now (locked by the office, a password to change) is the
    /// web application's part, where the users are.
    /// </summary>
    public async Task<ApiToken?> FindLiveAsync(string token, CancellationToken cancel = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string hash = Hash(token);
        ApiToken? row = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancel).ConfigureAwait(false);
        return row is not null && IsLive(row, Now(clock)) ? row : null;
    }

    /// <summary>The user's tokens, newest first.</summary>
    public Task<List<ApiToken>> ListAsync(string userId, CancellationToken cancel = default) =>
        db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.Id).ToListAsync(cancel);

    /// <summary>
    /// Makes a token for the user <paramref name="owner"/> (<paramref name="ownerId"/>), who acts
    /// (<paramref name="actor"/> has the owner's name: one makes tokens for oneself only);
    /// <paramref name="days"/> null: it does not expire. <paramref name="via"/> says where it was
    /// made when not on the web page (e.g. <c>saima token create</c>), in the audit entry's reason.
    /// </summary>
    /// <exception cref="AccessDeniedException">The actor is not the owner.</exception>
    /// <exception cref="WorkflowException"><see cref="WorkflowCodes.TokenName"/>, <see cref="WorkflowCodes.TokenDays"/>, <see cref="WorkflowCodes.TokenLimit"/>.</exception>
    public async Task<NewApiToken> CreateAsync(Actor actor, string ownerId, string owner, string name, int? days, string? via = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        if (!string.Equals(actor.Name, owner, StringComparison.Ordinal) || string.IsNullOrEmpty(ownerId))
        {
            throw new AccessDeniedException(WorkflowCodes.TokenNotOwn, $"{actor} may not make a token of user '{owner}': one makes personal API tokens for oneself", owner);
        }

        name = (name ?? string.Empty).Trim();
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new WorkflowException(WorkflowCodes.TokenName,
                string.Create(CultureInfo.InvariantCulture, $"a token's name has 1 to {MaxNameLength} characters and no control characters"),
                MaxNameLength.ToString(CultureInfo.InvariantCulture));
        }

        if (days is int d && (d < 1 || d > MaxDays))
        {
            throw new WorkflowException(WorkflowCodes.TokenDays,
                string.Create(CultureInfo.InvariantCulture, $"a token lives 1 to {MaxDays} days (or does not expire), not {d}"),
                MaxDays.ToString(CultureInfo.InvariantCulture));
        }

        DateTimeOffset now = Now(clock);
        var live = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == ownerId && t.RevokedAt == null)
            .Select(t => t.ExpiresAt).ToListAsync(cancel).ConfigureAwait(false);
        if (live.Count(e => e is null || e > now) >= MaxActivePerUser)
        {
            throw new WorkflowException(WorkflowCodes.TokenLimit,
                string.Create(CultureInfo.InvariantCulture, $"user '{owner}' holds {MaxActivePerUser} live tokens, the most one may hold; revoke one first"),
                MaxActivePerUser.ToString(CultureInfo.InvariantCulture));
        }

        string secret = Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var row = new ApiToken
        {
            UserId = ownerId,
            Name = name,
            TokenHash = Hash(secret),
            Prefix = secret[..PrefixLength],
            CreatedAt = now,
            ExpiresAt = days is int n ? now.AddDays(n) : null,
        };
        db.ApiTokens.Add(row);
        string lifetime = row.ExpiresAt is { } e ? "expires " + Text(e) : "does not expire";
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditEntity, owner + "/" + row.Prefix, "name", null, name,
            via is null ? lifetime : lifetime + "; made by " + via));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return new NewApiToken(secret, row);
    }

    /// <summary>Revokes one of the actor's own tokens (<paramref name="ownerId"/> is the actor's user); false when there is no such live token.</summary>
    public async Task<bool> RevokeOwnAsync(Actor actor, string ownerId, long id, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        ApiToken? row = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == ownerId, cancel).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        Revoke(actor, row, actor.Name, null, Now(clock));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return true;
    }

    /// <summary>The office revokes any user's token; false when there is no such live token. The reason goes into the audit trail.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    public async Task<bool> RevokeAnyAsync(Actor actor, long id, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("revoke another user's API token");
        ApiToken? row = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id, cancel).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        string owner = await OwnerNameAsync(row.UserId, cancel).ConfigureAwait(false);
        Revoke(actor, row, owner, string.IsNullOrWhiteSpace(reason) ? "revoked by the office" : reason.Trim(), Now(clock));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Revokes every live token of a user, e.g. when the office resets their password (an account
    /// that may be in other hands keeps no way in). Saved with the caller's next
    /// <see cref="DbContext.SaveChanges()"/> when <paramref name="save"/> is false. Returns how many.
    /// </summary>
    public async Task<int> RevokeAllOfAsync(Actor actor, string ownerId, string owner, string reason, bool save = true, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        if (!string.Equals(actor.Name, owner, StringComparison.Ordinal))
        {
            actor.RequireOffice("revoke another user's API tokens");
        }

        DateTimeOffset now = Now(clock);
        var rows = await db.ApiTokens.Where(t => t.UserId == ownerId && t.RevokedAt == null).ToListAsync(cancel).ConfigureAwait(false);
        rows = rows.Where(t => IsLive(t, now)).ToList();
        foreach (ApiToken row in rows)
        {
            Revoke(actor, row, owner, reason, now);
        }

        if (save && rows.Count > 0)
        {
            await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        }

        return rows.Count;
    }

    /// <summary>Every live token of every user, newest first, one page (the office's list): the total and the page's rows.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    public async Task<(int Total, IReadOnlyList<LiveApiToken> Rows)> ListLiveAsync(Actor actor, int page, int pageSize, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("list other users' API tokens");
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(1, page);
        DateTimeOffset now = Now(clock);

        // Expiry is compared in memory beside SQL's "not revoked": SQLite keeps times as text.
        // Live tokens are few (at most MaxActivePerUser per user), so the ids of all of them are read.
        var live = await db.ApiTokens.AsNoTracking().Where(t => t.RevokedAt == null)
            .OrderByDescending(t => t.Id).Select(t => new { t.Id, t.ExpiresAt }).ToListAsync(cancel).ConfigureAwait(false);
        var ids = live.Where(t => t.ExpiresAt is null || t.ExpiresAt > now).Select(t => t.Id).ToList();
        long[] shown = [.. ids.Skip((page - 1) * pageSize).Take(pageSize)];
        var rows = await db.ApiTokens.AsNoTracking().Where(t => shown.Contains(t.Id)).ToListAsync(cancel).ConfigureAwait(false);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string user in rows.Select(r => r.UserId).Distinct(StringComparer.Ordinal))
        {
            names[user] = await OwnerNameAsync(user, cancel).ConfigureAwait(false);
        }

        return (ids.Count, rows.OrderByDescending(r => r.Id)
            .Select(r => new LiveApiToken(r.Id, names[r.UserId], r.Name, r.Prefix, r.CreatedAt, r.LastUsedAt, r.ExpiresAt)).ToList());
    }

    private void Revoke(Actor actor, ApiToken row, string owner, string? reason, DateTimeOffset now)
    {
        row.RevokedAt = now;
        db.Audit.Add(AuditLog.Entry(now, actor, "revoke", AuditEntity, owner + "/" + row.Prefix, "revoked_at", null, Text(now), reason));
    }

    /// <summary>The user name of a web user (identity_users, written by the web application's Identity store); the id when unknown.</summary>
    private async Task<string> OwnerNameAsync(string userId, CancellationToken cancel)
    {
        string? name = await db.Database
            .SqlQuery<string>($"SELECT user_name AS \"Value\" FROM identity_users WHERE id = {userId}")
            .FirstOrDefaultAsync(cancel).ConfigureAwait(false);
        return name ?? userId;
    }

    private static string Text(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
