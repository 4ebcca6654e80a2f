using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// API tokens under a password reset, a lockout and the office's list; return comments only to
/// the review's people. On <see cref="LeagueData"/> (2025-06 published) with one user per role.
/// </summary>
public sealed partial class TokenHardeningTests
{
    private const string Schemes = "/api/v1/schemes";

    [Fact]
    public async Task PasswordReset_RevokesTheUsersTokens_WhichStayRevokedAfterTheNewPassword()
    {
        await using var web = await StartAsync();
        string token = await web.MakeTokenAsync("rep.c01");
        using HttpClient program = web.ProgramClient(token);
        (await program.GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await web.SwitchToAsync("office.li");
        (await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Reset")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await program.GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The user sets a new password: the old token stays dead.
        using (IServiceScope scope = web.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            SaimaUser user = (await users.FindByNameAsync("rep.c01"))!;
            user.MustChangePassword = false;
            (await users.RemovePasswordAsync(user)).Succeeded.ShouldBeTrue();
            (await users.AddPasswordAsync(user, "Brand-New-Pass-77")).Succeeded.ShouldBeTrue();
        }

        HttpResponseMessage after = await program.GetAsync(Schemes);
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await after.Content.ReadAsStringAsync()).ShouldContain("revoked");
        using SaimaDb db = SaimaDb.Open(web.Store);
        AuditEntry revoke = db.Audit.Single(a => a.Entity == ApiTokenService.AuditEntity && a.Action == "revoke");
        (revoke.User, revoke.Reason).ShouldBe(("office.li", "password reset by the office"));
        revoke.EntityKey.ShouldStartWith("rep.c01/saima_");
    }

    [Fact]
    public async Task Lockout_AfterWrongPasswords_DoesNotRefuseTheUsersToken_TheOfficeLockDoes()
    {
        await using var web = await StartAsync();
        string token = await web.MakeTokenAsync("rep.c01");
        using HttpClient program = web.ProgramClient(token);
        for (int i = 0; i < IdentityExtensions.MaxFailedLogins; i++)
        {
            await web.LoginAsync("rep.c01", "Wrong-Pass-Word-1");
        }

        using (IServiceScope scope = web.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            (await users.IsLockedOutAsync((await users.FindByNameAsync("rep.c01"))!)).ShouldBeTrue();
        }

        (await program.GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.OK, "wrong passwords typed under a name do not switch off its programs");

        await web.SwitchToAsync("office.li");
        (await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Lock")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await program.GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the office's lock refuses tokens");
    }

    [Fact]
    public async Task AdminTokens_ListsEveryLiveTokenWithItsOwner_AndTheOfficeRevokesAny_Audited()
    {
        await using var web = await StartAsync();
        string rep = await web.MakeTokenAsync("rep.c01", "报送脚本");
        string leader = await web.MakeTokenAsync("leader.zhou", "周报");
        long leaderTokenId;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ApiToken revoked = db.ApiTokens.Single(t => t.Name == "周报");
            leaderTokenId = revoked.Id;
        }

        await web.SwitchToAsync("office.li");
        string html = await web.Client.GetStringAsync("/admin/tokens");
        html.ShouldContain("data-owner=\"rep.c01\"");
        html.ShouldContain("报送脚本");
        html.ShouldContain("data-owner=\"leader.zhou\"");
        html.ShouldContain(rep[..ApiTokenService.PrefixLength]);
        html.ShouldNotContain(rep, customMessage: "only the prefix, never the token");

        HttpResponseMessage r = await web.PostFormAsync("/admin/tokens", "/admin/tokens?handler=Revoke",
            ("TokenId", leaderTokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Reason", "离职"));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r.Headers.Location!.ToString().ShouldBe("/admin/tokens?done=revoked");
        (await web.ProgramClient(leader).GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await web.ProgramClient(rep).GetAsync(Schemes)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await web.Client.GetStringAsync("/admin/tokens")).ShouldNotContain("data-owner=\"leader.zhou\"");

        // Twice: nothing live to revoke.
        (await web.PostFormAsync("/admin/tokens", "/admin/tokens?handler=Revoke",
            ("TokenId", leaderTokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using SaimaDb check = SaimaDb.Open(web.Store);
        AuditEntry audit = check.Audit.Single(a => a.Entity == ApiTokenService.AuditEntity && a.Action == "revoke");
        (audit.User, audit.Reason).ShouldBe(("office.li", "离职"));
        audit.EntityKey.ShouldStartWith("leader.zhou/");
    }

    [Fact]
    public async Task AdminTokens_IsPaged()
    {
        await using var web = await StartAsync(db =>
        {
            // 60 live tokens of the leader: more than a page.
            string id = db.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM identity_users WHERE user_name = 'leader.zhou'").Single();
            for (int i = 0; i < 60; i++)
            {
                db.ApiTokens.Add(new ApiToken { UserId = id, Name = "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), TokenHash = "h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Prefix = "saima_x", CreatedAt = DateTimeOffset.UtcNow });
            }

            db.SaveChanges();
        });
        await web.SwitchToAsync("office.li");
        string first = await web.Client.GetStringAsync("/admin/tokens");
        Regex.Matches(first, "data-token=").Count.ShouldBe(50);
        first.ShouldContain("共 60 个有效令牌");
        first.ShouldContain("/admin/tokens?p=2");
        Regex.Matches(await web.Client.GetStringAsync("/admin/tokens?p=2"), "data-token=").Count.ShouldBe(10);
    }

    [Fact]
    public async Task ReturnComment_IsServedToTheUnitItsReviewersAndTheOffice_NeverToLeadersOrOtherUnits()
    {
        await using var web = await StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long c01 = db.Units.Single(u => u.Code == "C01").Id;
            long gdp = db.Indicators.Single(i => i.Code == "GDP").Id;
            Figure f = db.Figures.Single(x => x.UnitId == c01 && x.Period == "2025-06" && x.IsCurrent && x.IndicatorId == gdp);
            f.Status.ShouldBe(FigureStatus.Published);
            f.Comment = "内部意见：口径存疑";
            db.SaveChanges();
        }

        foreach ((string user, bool sees) in new[] { ("rep.c01", true), ("rev.c01", true), ("office.li", true), ("leader.zhou", false), ("rev.c02", false), ("rep.c02", false) })
        {
            using HttpClient program = web.ProgramClient(await web.MakeTokenAsync(user));
            HttpResponseMessage r = await program.GetAsync("/api/v1/schemes/T/periods/2025-06/figures?unit=C01&indicator=GDP");
            r.StatusCode.ShouldBe(HttpStatusCode.OK, user);
            JsonElement figure = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Single();
            JsonElement comment = figure.GetProperty("comment");
            if (sees)
            {
                comment.GetString().ShouldBe("内部意见：口径存疑", user);
            }
            else
            {
                comment.ValueKind.ShouldBe(JsonValueKind.Null, $"{user} must not read the review's comment");
            }
        }
    }

    private static async Task<WebApp> StartAsync(Action<SaimaDb>? more = null)
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await web.CreateUserAsync("rep.c02", SaimaRoles.Reporter, "C02");
        await web.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await web.CreateUserAsync("rev.c02", SaimaRoles.Reviewer, "C02");
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        if (more is not null)
        {
            using SaimaDb db = SaimaDb.Open(web.Store);
            more(db);
        }

        return web;
    }
}
