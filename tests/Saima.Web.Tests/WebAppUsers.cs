using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

public sealed partial class WebApp
{
    public const string UserPassword = "Test-User-Pw-2025";

    /// <summary>Creates a user with a role and, when given, the unit (by code) of its <c>saima:unit</c> claim.</summary>
    public async Task CreateUserAsync(string name, string role, string? unitCode = null)
    {
        long? unitId = null;
        if (unitCode is not null)
        {
            using SaimaDb db = SaimaDb.Open(Store);
            unitId = db.Units.Single(u => u.Code == unitCode).Id;
        }

        using IServiceScope scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
        var user = new SaimaUser { UserName = name, UnitId = unitId, CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
        (await users.CreateAsync(user, UserPassword)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
    }

    /// <summary>Logs out whoever is logged in and logs in <paramref name="name"/>.</summary>
    public async Task SwitchToAsync(string name)
    {
        _cookies.GetCookies(Client.BaseAddress!).ToList().ForEach(c => c.Expired = true);
        HttpResponseMessage login = await LoginAsync(name, UserPassword);
        login.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect, $"login of {name}");
    }
}
