using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StoreOptions = Saima.Data.StoreOptions;
using StoreProvider = Saima.Data.StoreProvider;

namespace Saima.Web.Identity;

public static class IdentityExtensions
{
    /// <summary>Failed logins before an account is locked, and for how long.</summary>
    public const int MaxFailedLogins = 5;

    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Whether the office locked the user (/admin/users: a lock until unlocked,
    /// <see cref="DateTimeOffset.MaxValue"/>), as opposed to the lockout of
    /// <see cref="MaxFailedLogins"/> failed logins, which ends after <see cref="LockoutTime"/>.
    /// The office's lock refuses everything (login, API tokens); the lockout refuses password logins only.
    /// </summary>
    public static bool IsLockedByOffice(SaimaUser user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockoutEnd is { } end && end > now.AddDays(365);
    }

    /// <summary>How often a session's cookie is checked against the user's security stamp.</summary>
    public static readonly TimeSpan SessionCheck = TimeSpan.FromMinutes(1);

    /// <summary>ASP.NET Core Identity with cookie login, lockout and password rules, stored in the store's database.</summary>
    public static IServiceCollection AddSaimaIdentity(this IServiceCollection services, StoreOptions store)
    {
        // Pooled: every request resolves Identity's security-stamp validator, and with it a user store on this context.
        services.AddDbContextPool<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentity<SaimaUser, IdentityRole>(ConfigureIdentity)
            .AddEntityFrameworkStores<SaimaIdentityDb>()
            .AddErrorDescriber<LocalizedIdentityErrors>()
            .AddClaimsPrincipalFactory<SaimaClaimsFactory>()
            .AddDefaultTokenProviders();
        // How soon a changed user (locked, other roles or unit, new password) loses what the cookie
        // still says: the cookie is checked against the user's security stamp this often (one read
        // of the user per session and interval) instead of Identity's default thirty minutes.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionCheck);

        // The keys that sign and encrypt cookies live in the database, not in the home folder of
        // the process: several nodes behind one proxy read each other's cookies, and a node that
        // is replaced does not log everyone out. They are stored as ASP.NET Core writes them (no
        // key encryption at rest): whoever can read the database can read them, as with every
        // other secret of the store; protect the database (docs/deploy.md).
        services.AddDataProtection()
            .SetApplicationName("Saima")
            .PersistKeysToDbContext<SaimaIdentityDb>();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "saima.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;

            // HTTPS is not required on 127.0.0.1; behind a TLS proxy the cookie is Secure.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/login";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        return services;
    }

    internal static void ConfigureIdentity(IdentityOptions o)
    {
        o.Password.RequiredLength = 10;
        o.Password.RequireDigit = true;
        o.Password.RequireLowercase = true;
        o.Password.RequireUppercase = true;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequiredUniqueChars = 4;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = MaxFailedLogins;
        o.Lockout.DefaultLockoutTimeSpan = LockoutTime;
        o.User.RequireUniqueEmail = false;
        o.SignIn.RequireConfirmedAccount = false;
        o.SignIn.RequireConfirmedEmail = false;

        // The tables of 0004_identity.sql: no passkeys table.
        o.Stores.SchemaVersion = IdentitySchemaVersions.Version1;
    }

    /// <summary>Sends a user with a one-time password to the password change, whatever they asked for.</summary>
    public static IApplicationBuilder UseForcedPasswordChange(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.HasClaim(c => c.Type == SaimaClaims.MustChangePassword)
            && !ForcedChangeAllows(context.Request.Path))
        {
            context.Response.Redirect("/account/password");
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static bool ForcedChangeAllows(PathString path) =>
        path.StartsWithSegments("/account/password", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/logout", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/culture", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Adds the unit and the forced-change mark to the user's cookie.</summary>
internal sealed class SaimaClaimsFactory(UserManager<SaimaUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<SaimaUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(SaimaUser user)
    {
        ClaimsIdentity identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        if (user.UnitId is long unit)
        {
            identity.AddClaim(new Claim(SaimaClaims.Unit, unit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(SaimaClaims.MustChangePassword, "true"));
        }

        return identity;
    }
}
