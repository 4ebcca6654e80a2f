using Microsoft.AspNetCore.Identity;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;
using StoreOptions = Saima.Data.StoreOptions;

namespace Saima.Web.Security;

/// <summary>A user for whom no token may be made (unknown, locked, or with a one-time password still to change).</summary>
public sealed class TokenOwnerException(string message) : Exception(message);

/// <summary>
/// Makes a personal API token outside the web application (<c>saima token create</c>, on the
/// server's own host): the user is looked up among the web application's users, and the token
/// is made by the same door as on /account/tokens (<see cref="ApiTokenService.CreateAsync"/>),
/// audited as made by that user, with "made by saima token create" as the reason.
/// </summary>
public static class TokenIssuer
{
    /// <summary>What the audit entry says the token was made by.</summary>
    public const string Via = "saima token create";

    /// <exception cref="TokenOwnerException">No such user, a locked one, or one who must change a one-time password first.</exception>
    /// <exception cref="WorkflowException">A bad name or lifetime, or the user holds the most live tokens already.</exception>
    public static async Task<NewApiToken> CreateAsync(StoreOptions store, string userName, string name, int? days, TimeProvider clock, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        services.AddDbContext<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentityCore<SaimaUser>(IdentityExtensions.ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SaimaIdentityDb>();
        await using ServiceProvider provider = services.BuildServiceProvider();
        await using AsyncServiceScope scope = provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
        SaimaUser user = await users.FindByNameAsync((userName ?? string.Empty).Trim()).ConfigureAwait(false)
            ?? throw new TokenOwnerException($"no user '{userName}'; the users are on the web application's /admin/users");

        // A token of a locked user would be refused at once (the office's lock), or be made while
        // someone is guessing the user's password (the lockout): refuse to make it either way.
        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            throw new TokenOwnerException(IdentityExtensions.IsLockedByOffice(user, clock.GetUtcNow())
                ? $"user '{user.UserName}' is locked by the office; unlock them on /admin/users first"
                : $"user '{user.UserName}' is locked out after failed logins; try again later");
        }

        if (user.MustChangePassword)
        {
            throw new TokenOwnerException($"user '{user.UserName}' must change their one-time password first (the API refuses their tokens until then)");
        }

        using SaimaDb db = SaimaDb.Open(store);
        return await new ApiTokenService(db, clock)
            .CreateAsync(ApiTokenService.Owner(user.UserName!), user.Id, user.UserName!, name, days, Via, cancel).ConfigureAwait(false);
    }
}
