using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Saima.Web.Identity;

/// <summary>
/// The first administrator, <c>admin</c> (docs/operations.md): created with the users, once.
/// With SAIMA_ADMIN_PASSWORD that is its password (automation; no forced change); otherwise a
/// random one-time password is printed once and must be changed at first login. There is never a
/// built-in password.
/// </summary>
public static class FirstAdmin
{
    public const string UserName = "admin";
    public const string PasswordVariable = "SAIMA_ADMIN_PASSWORD";

    /// <summary>Creates the roles and, when no user <c>admin</c> exists, the administrator.</summary>
    /// <exception cref="InvalidOperationException">The given password breaks the password rules.</exception>
    public static async Task EnsureAsync(IServiceProvider services, string? password, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (string role in SaimaRoles.All)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false), $"role {role}");
            }
        }

        var users = services.GetRequiredService<UserManager<SaimaUser>>();
        if (await users.FindByNameAsync(UserName).ConfigureAwait(false) is not null)
        {
            return;
        }

        bool given = !string.IsNullOrEmpty(password);
        var admin = new SaimaUser
        {
            UserName = UserName,
            DisplayName = "考核办管理员",
            MustChangePassword = !given,
            LockoutEnabled = true,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        string secret = given ? password! : OneTimePassword();
        IdentityResult created = await users.CreateAsync(admin, secret).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(given
                ? $"{PasswordVariable} does not meet the password rules: {string.Join("; ", created.Errors.Select(e => e.Description))}"
                : $"could not create the administrator: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        }

        Check(await users.AddToRoleAsync(admin, SaimaRoles.Office).ConfigureAwait(false), "the administrator's role");
        output.WriteLine(given
            ? "administrator: admin (password from SAIMA_ADMIN_PASSWORD)"
            : $"administrator: admin, one-time password: {secret} (shown once; change it at first login)");
    }

    /// <summary>The same, outside the web application (<c>saima demo</c>): a store that has the latest schema.</summary>
    public static void Ensure(Saima.Data.StoreOptions store, string? password, TextWriter output)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentityCore<SaimaUser>(IdentityExtensions.ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SaimaIdentityDb>();
        using ServiceProvider provider = services.BuildServiceProvider();
        using IServiceScope scope = provider.CreateScope();
        EnsureAsync(scope.ServiceProvider, password, output).GetAwaiter().GetResult();
    }

    /// <summary>16 characters without 0/O, 1/l/I (read off a screen, typed once), meeting the password rules.</summary>
    public static string OneTimePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        while (true)
        {
            string p = RandomNumberGenerator.GetString(alphabet, 16);
            if (p.Any(char.IsDigit) && p.Any(char.IsLower) && p.Any(char.IsUpper))
            {
                return p;
            }
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"could not create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
