using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web;
using Saima.Web.Identity;
using StoreOptions = Saima.Data.StoreOptions;

namespace Saima.Cli.Tests;

/// <summary><c>saima token create</c>: one token on standard output, made by the web page's door, that the API accepts.</summary>
public sealed class TokenCommandTests
{
    private const string AdminPassword = "Cli-Admin-Pw-2025";

    [Fact]
    public async Task TokenCreate_PrintsOnlyTheToken_WhichTheApiOfTheAppAccepts_AndIsAudited()
    {
        using var dir = new CliTempDir();
        string db = StoreWithAdmin(dir);

        CliRun run = CliRunner.Run("token", "create", "--user", "admin", "--name", "夜间导入", "--days", "30", "--db", db);

        run.Exit.ShouldBe(0, run.ToString());
        run.Err.ShouldBeEmpty();
        string[] lines = CliRunner.Lines(run.Out);
        lines.Length.ShouldBe(1, "nothing but the token on standard output");
        string token = lines[0];
        token.ShouldMatch("^saima_[A-Za-z0-9_-]{43}$");

        var store = StoreOptions.SqliteFile(db);
        using (SaimaDb ctx = SaimaDb.Open(store))
        {
            ApiToken row = (await new ApiTokenService(ctx, TimeProvider.System).FindLiveAsync(token)).ShouldNotBeNull("the store's token check knows it");
            row.Name.ShouldBe("夜间导入");
            row.ExpiresAt.ShouldBe(row.CreatedAt.AddDays(30));
            AuditEntry audit = ctx.Audit.Single(a => a.Entity == ApiTokenService.AuditEntity);
            (audit.User, audit.Action, audit.NewValue).ShouldBe(("admin", "create", "夜间导入"));
            audit.Reason.ShouldNotBeNull().ShouldContain("saima token create");
        }

        // The application of that store, listening on a free port, answers the token.
        await using WebApplication app = SaimaWeb.Build([], new WebOptions { Store = store, Urls = "http://127.0.0.1:0", AdminPassword = AdminPassword, Output = TextWriter.Null });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.GetAsync("/api/v1/schemes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        (await client.GetAsync("/api/v1/schemes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await app.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task TokenCreate_UnknownOrLockedUser_IsBadInput_AndMakesNoToken()
    {
        using var dir = new CliTempDir();
        string db = StoreWithAdmin(dir);
        CliRunner.Run("token", "create", "--user", "nobody", "--db", db).ShouldBeBadInput("no user 'nobody'");

        await LockAsync(StoreOptions.SqliteFile(db), "admin");
        CliRun locked = CliRunner.Run("token", "create", "--user", "admin", "--db", db);
        locked.ShouldBeBadInput("locked");
        locked.Out.ShouldBeEmpty();
        using SaimaDb ctx = SaimaDb.Open(StoreOptions.SqliteFile(db));
        ctx.ApiTokens.Count().ShouldBe(0);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void TokenCreate_BadLifetimeOrName_IsBadInput()
    {
        using var dir = new CliTempDir();
        string db = StoreWithAdmin(dir);
        CliRunner.Run("token", "create", "--user", "admin", "--days", "0", "--db", db).ShouldBeBadInput("1 to 3650 days");
        CliRunner.Run("token", "create", "--user", "admin", "--name", " ", "--db", db).ShouldBeBadInput("1 to 100 characters");
        CliRunner.Run("token", "create", "--db", db).ShouldBeBadInput("--user");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void TokenCreateHelp_ExplainsWithAnExample()
    {
        CliRun help = CliRunner.Run("token", "create", "--help");
        help.Exit.ShouldBe(0, help.ToString());
        help.Out.ShouldContain("Example");
        help.Out.ShouldContain("saima token create --user");
        help.Out.ShouldContain("--days");
        help.Out.ShouldContain("--postgres");
    }

    /// <summary>A new store with its administrator (password given: no forced change).</summary>
    private static string StoreWithAdmin(CliTempDir dir)
    {
        string db = dir["t.db"];
        CliRunner.Run("db", "init", "--db", db).Exit.ShouldBe(0);
        FirstAdmin.Ensure(StoreOptions.SqliteFile(db), AdminPassword, TextWriter.Null);
        return db;
    }

    private static async Task LockAsync(StoreOptions store, string user)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentityCore<SaimaUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<SaimaIdentityDb>();
        await using ServiceProvider sp = services.BuildServiceProvider();
        using IServiceScope scope = sp.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
        SaimaUser u = (await users.FindByNameAsync(user))!;
        (await users.SetLockoutEndDateAsync(u, DateTimeOffset.MaxValue)).Succeeded.ShouldBeTrue();
    }
}
