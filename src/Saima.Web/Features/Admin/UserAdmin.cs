using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Identity;

namespace Saima.Web.Features.Admin;

/// <summary>A user as the list shows them.</summary>
public sealed record UserRow(string UserName, string? DisplayName, IReadOnlyList<string> Roles, string? UnitCode, string? UnitName, bool Locked, bool MustChange);

/// <summary>A refused change: the resource key of the message and its arguments.</summary>
public sealed class UserAdminException(string key, params object[] args) : Exception(key)
{
    public string Key { get; } = key;
    public object[] Args { get; } = args;
}

/// <summary>
/// User management for the office (/admin/users): create with a one-time password that must be
/// changed at first login (as <see cref="FirstAdmin"/>), reset it, lock and unlock, change roles,
/// unit and display name. Reporters and reviewers need a unit, a department a department-kind
/// unit; an office user keeps its own office role and cannot lock itself. Every change is audited
/// (<see cref="AdminAudit"/>), passwords never.
/// </summary>
public sealed class UserAdmin(UserManager<SaimaUser> users, SaimaDb db, SaimaAccess access, TimeProvider clock, Saima.Web.Security.DbTicketStore? sessions = null)
{
    private const int MaxName = 50;

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancel)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancel);
        var unitIds = all.Where(u => u.UnitId is not null).Select(u => u.UnitId!.Value).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancel);
        DateTimeOffset now = clock.GetUtcNow();
        var rows = new List<UserRow>(all.Count);
        foreach (SaimaUser u in all)
        {
            IList<string> roles = await users.GetRolesAsync(u);
            Unit? unit = u.UnitId is long id ? units.GetValueOrDefault(id) : null;
            rows.Add(new UserRow(u.UserName!, u.DisplayName, roles.Order(StringComparer.Ordinal).ToList(), unit?.Code, unit?.Name, u.LockoutEnd is { } end && end > now, u.MustChangePassword));
        }

        return rows;
    }

    /// <summary>Creates a user and returns its one-time password (shown once).</summary>
    public async Task<string> CreateAsync(string userName, string? displayName, IReadOnlyCollection<string> roles, string? unitCode)
    {
        Actor actor = access.As(ActorRole.Office);
        userName = (userName ?? string.Empty).Trim();
        if (userName.Length is < 2 or > MaxName || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new UserAdminException("User_BadName");
        }

        if (await users.FindByNameAsync(userName) is not null)
        {
            throw new UserAdminException("User_Exists", userName);
        }

        Unit? unit = await CheckAsync(roles, unitCode);
        string password = FirstAdmin.OneTimePassword();
        var user = new SaimaUser
        {
            UserName = userName,
            DisplayName = Blank(displayName),
            UnitId = unit?.Id,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRolesAsync(user, roles));
        AdminAudit.Record(db, clock, actor, "create", AdminAudit.UserEntity, userName, "roles", null, string.Join(",", roles.Order(StringComparer.Ordinal)),
            $"unit={unit?.Code ?? "-"}; display_name={user.DisplayName ?? "-"}; one-time password issued");
        return password;
    }

    /// <summary>Changes roles, unit and display name; each change is one audit entry with old and new value.</summary>
    public async Task UpdateAsync(string userName, string? displayName, IReadOnlyCollection<string> roles, string? unitCode)
    {
        Actor actor = access.As(ActorRole.Office);
        SaimaUser user = await FindAsync(userName);
        var old = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        if (IsSelf(user) && old.Contains(SaimaRoles.Office) && !roles.Contains(SaimaRoles.Office))
        {
            throw new UserAdminException("User_KeepOwnOffice");
        }

        Unit? unit = await CheckAsync(roles, unitCode);
        string? oldUnit = user.UnitId is long id ? await db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => u.Code).SingleOrDefaultAsync() : null;
        string? oldDisplay = user.DisplayName;
        user.DisplayName = Blank(displayName);
        user.UnitId = unit?.Id;
        bool changed = oldDisplay != user.DisplayName || oldUnit != unit?.Code;
        if (changed)
        {
            Check(await users.UpdateAsync(user));
        }

        var removed = old.Except(roles).ToList();
        var added = roles.Except(old).ToList();
        if (removed.Count > 0)
        {
            Check(await users.RemoveFromRolesAsync(user, removed));
        }

        if (added.Count > 0)
        {
            Check(await users.AddToRolesAsync(user, added));
        }

        if (removed.Count + added.Count > 0 || changed)
        {
            // The user's cookie carries roles and unit: a new stamp ends their open sessions at the next
            // check (IdentityExtensions.SessionCheck), and the next sign-in carries the new ones.
            Check(await users.UpdateSecurityStampAsync(user));
        }

        if (removed.Count + added.Count > 0)
        {
            AdminAudit.Record(db, clock, actor, "update", AdminAudit.UserEntity, user.UserName!, "roles", string.Join(",", old), string.Join(",", roles.Order(StringComparer.Ordinal)));
        }

        if (oldUnit != unit?.Code)
        {
            AdminAudit.Record(db, clock, actor, "update", AdminAudit.UserEntity, user.UserName!, "unit", oldUnit, unit?.Code);
        }

        if (oldDisplay != user.DisplayName)
        {
            AdminAudit.Record(db, clock, actor, "update", AdminAudit.UserEntity, user.UserName!, "display_name", oldDisplay, user.DisplayName);
        }
    }

    /// <summary>A new one-time password (shown once); the user must change it at next login.</summary>
    public async Task<string> ResetPasswordAsync(string userName)
    {
        Actor actor = access.As(ActorRole.Office);
        SaimaUser user = await FindAsync(userName);
        string password = FirstAdmin.OneTimePassword();
        string token = await users.GeneratePasswordResetTokenAsync(user);
        user.MustChangePassword = true;
        Check(await users.ResetPasswordAsync(user, token, password));

        // A reset says the account may be in other hands: its API tokens go with the old password
        // (saved with the audit entry below), and the new stamp ends its open sessions.
        int revoked = await new ApiTokenService(db, clock).RevokeAllOfAsync(actor, user.Id, user.UserName!, "password reset by the office", save: false);
        AdminAudit.Record(db, clock, actor, "reset_password", AdminAudit.UserEntity, user.UserName!, "must_change_password", "false", "true",
            revoked == 0 ? "one-time password issued" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"one-time password issued; {revoked} API token(s) revoked"));
        await EndSessionsAsync(user);
        return password;
    }

    /// <summary>Locks (until unlocked) or unlocks a user; an office user cannot lock itself.</summary>
    public async Task SetLockedAsync(string userName, bool locked)
    {
        Actor actor = access.As(ActorRole.Office);
        SaimaUser user = await FindAsync(userName);
        if (locked && IsSelf(user))
        {
            throw new UserAdminException("User_LockSelf");
        }

        // The office's lock, not the lockout after failed logins: a user locked out for a quarter
        // of an hour is still locked by the office when asked, and unlocking ends either.
        DateTimeOffset now = clock.GetUtcNow();
        bool was = IdentityExtensions.IsLockedByOffice(user, now);
        if (locked ? was : !(user.LockoutEnd is { } end && end > now))
        {
            return;
        }

        Check(await users.SetLockoutEnabledAsync(user, true));
        Check(await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null));
        if (!locked)
        {
            Check(await users.ResetAccessFailedCountAsync(user));
        }

        // A locked user's open sessions end now (the sessions on the server) or at the next check (IdentityExtensions.SessionCheck).
        Check(await users.UpdateSecurityStampAsync(user));
        if (locked)
        {
            await EndSessionsAsync(user);
        }

        AdminAudit.Record(db, clock, actor, locked ? "lock" : "unlock", AdminAudit.UserEntity, user.UserName!, "locked", was ? "true" : "false", locked ? "true" : "false");
    }

    /// <summary>Ends the user's login sessions on the server at once (every copy of their cookies).</summary>
    private async Task EndSessionsAsync(SaimaUser user)
    {
        if (sessions is not null)
        {
            await sessions.EndAllOfAsync(user.Id);
        }
    }

    public async Task<SaimaUser> FindAsync(string userName) =>
        await users.FindByNameAsync(userName ?? string.Empty) ?? throw new UserAdminException("User_NotFound", userName ?? string.Empty);

    /// <summary>The roles need a unit, and a department a department-kind unit.</summary>
    private async Task<Unit?> CheckAsync(IReadOnlyCollection<string> roles, string? unitCode)
    {
        if (roles.Count == 0)
        {
            throw new UserAdminException("User_NoRole");
        }

        string? unknown = roles.FirstOrDefault(r => !SaimaRoles.All.Contains(r));
        if (unknown is not null)
        {
            throw new UserAdminException("User_UnknownRole", unknown);
        }

        Unit? unit = null;
        string? code = Blank(unitCode);
        if (code is not null)
        {
            unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code)
                ?? throw new UserAdminException("User_UnknownUnit", code);
        }

        if (unit is null && (roles.Contains(SaimaRoles.Reporter) || roles.Contains(SaimaRoles.Reviewer) || roles.Contains(SaimaRoles.Department)))
        {
            throw new UserAdminException("User_UnitNeeded");
        }

        if (roles.Contains(SaimaRoles.Department) && unit is { Kind: not UnitKind.Department })
        {
            throw new UserAdminException("User_DepartmentUnit", unit.Code);
        }

        return unit;
    }

    private bool IsSelf(SaimaUser user) => string.Equals(user.UserName, access.Name, StringComparison.OrdinalIgnoreCase);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new UserAdminException("User_IdentityError", string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
