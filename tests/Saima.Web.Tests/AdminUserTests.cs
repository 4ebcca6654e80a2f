using System.Net;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// User management, maps and the audit viewer: a created user logs in only with the one-time
/// password shown once and must change it; the unit rules; lock and unlock; an office user cannot
/// lock itself or drop its own office role; GeoJSON upload good and bad; each change in the trail.
/// </summary>
public sealed class AdminUserTests
{
    [Fact]
    public async Task CreatedUser_LogsInOnlyWithTheOneTimePassword_AndMustChangeIt()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();

        HttpResponseMessage created = await web.PostFormAsync("/admin/users", "/admin/users?handler=Create",
            ("NewUserName", "rep.new"), ("DisplayName", "新填报员"), ("Roles", "reporter"), ("UnitCode", "C02"));
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await created.Content.ReadAsStringAsync();
        string otp = WebApp.ShownPassword(html);
        otp.Length.ShouldBe(16);
        (await web.Client.GetStringAsync("/admin/users")).ShouldNotContain(otp, customMessage: "shown once");
        html.ShouldContain("data-user=\"rep.new\"");

        web.LogOutAll();
        (await web.LoginAsync("rep.new", WebApp.UserPassword)).StatusCode.ShouldBe(HttpStatusCode.OK, "a wrong password is refused");
        HttpResponseMessage login = await web.LoginAsync("rep.new", otp);
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().ShouldBe("/account/password");
        HttpResponseMessage other = await web.Client.GetAsync("/league");
        other.Headers.Location!.ToString().ShouldBe("/account/password");

        HttpResponseMessage changed = await web.PostFormAsync("/account/password", "/account/password",
            ("CurrentPassword", otp), ("NewPassword", "New-Reporter-Pw-1"), ("ConfirmPassword", "New-Reporter-Pw-1"));
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Client.GetAsync("/entry")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using SaimaDb db = SaimaDb.Open(web.Store);
        AuditEntry a = db.Audit.Single(x => x.Entity == "user" && x.EntityKey == "rep.new");
        (a.User, a.Action, a.Field, a.OldValue, a.NewValue).ShouldBe(("admin", "create", "roles", null, "reporter"));
        a.Reason!.ShouldContain("unit=C02");
        a.Reason!.ShouldNotContain(otp);
    }

    [Theory]
    [InlineData("reporter", "", "填报员、审核员和数据来源部门须指定单位")]
    [InlineData("reviewer", "", "填报员、审核员和数据来源部门须指定单位")]
    [InlineData("department", "C01", "数据来源部门须属于部门类单位，C01 不是部门")]
    [InlineData("reporter", "NOPE", "单位代码 NOPE 不存在")]
    public async Task UnitRules_RefuseTheUser_AndCreateNothing(string role, string unit, string message)
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        HttpResponseMessage r = await web.PostFormAsync("/admin/users", "/admin/users?handler=Create", ("NewUserName", "x.user"), ("Roles", role), ("UnitCode", unit));
        string html = await r.Content.ReadAsStringAsync();
        html.ShouldContain(message);
        html.ShouldNotContain("id=\"otp\"");
        (await web.Client.GetAsync("/admin/users/x.user")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lock_KeepsTheUserOut_Unlock_LetsThemIn_ResetForcesAChange_AllAudited()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", "reporter", "C01");
        await web.AdminAsync();

        (await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Lock")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        web.LogOutAll();
        HttpResponseMessage refused = await web.LoginAsync("rep.c01", WebApp.UserPassword);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("锁定");

        await web.AdminAsync();
        (await web.Client.GetStringAsync("/admin/users")).ShouldContain("data-user=\"rep.c01\" class=\"table-secondary\"");
        (await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Unlock")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await web.SwitchToAsync("rep.c01");

        await web.AdminAsync();
        HttpResponseMessage reset = await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Reset");
        string otp = WebApp.ShownPassword(await reset.Content.ReadAsStringAsync());
        web.LogOutAll();
        (await web.LoginAsync("rep.c01", WebApp.UserPassword)).StatusCode.ShouldBe(HttpStatusCode.OK, "the old password is gone");
        (await web.LoginAsync("rep.c01", otp)).Headers.Location!.ToString().ShouldBe("/account/password");

        using SaimaDb db = SaimaDb.Open(web.Store);
        var trail = db.Audit.Where(a => a.Entity == "user" && a.EntityKey == "rep.c01").OrderBy(a => a.Id).ToList();
        trail.Select(a => (a.Action, a.OldValue, a.NewValue)).ShouldBe(new (string, string?, string?)[]
        {
            ("lock", "false", "true"), ("unlock", "true", "false"), ("reset_password", "false", "true"),
        });
        trail.ShouldAllBe(a => a.User == "admin");
    }

    [Fact]
    public async Task LockAndRoleChanges_EndTheUsersOpenSessions_WithinTheSessionCheck()
    {
        var clock = TestClocks.At(DateTimeOffset.UtcNow);
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed, time: clock);
        await web.CreateUserAsync("rep.c01", "reporter", "C01");
        await web.CreateUserAsync("rep.c02", "reporter", "C02");
        HttpClient locked = await SignedInAsync(web, "rep.c01");
        HttpClient demoted = await SignedInAsync(web, "rep.c02");
        (await locked.GetAsync("/entry")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await demoted.GetAsync("/entry")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await web.AdminAsync();
        (await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Lock")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.PostFormAsync("/admin/users/rep.c02", "/admin/users/rep.c02?handler=Save", ("Roles", "leader"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Their cookies still say reporter until the next check against the security stamp, which
        // then ends both sessions (the stamp changed).
        clock.Advance(IdentityExtensions.SessionCheck + TimeSpan.FromSeconds(1));
        HttpResponseMessage out1 = await locked.GetAsync("/entry");
        out1.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the locked user's session is over");
        new Uri(locked.BaseAddress!, out1.Headers.Location!).AbsolutePath.ShouldBe("/login");
        HttpResponseMessage out2 = await demoted.GetAsync("/entry");
        out2.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the demoted user's session is over too");
        new Uri(demoted.BaseAddress!, out2.Headers.Location!).AbsolutePath.ShouldBe("/login");

        // Signed in again, the user has the new role only.
        HttpClient leader = await SignedInAsync(web, "rep.c02");
        (await leader.GetAsync("/league")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await leader.GetAsync("/entry")).StatusCode.ShouldNotBe(HttpStatusCode.OK, "a leader does not enter figures");
        (await web.Client.GetAsync("/admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK, "the office's own session is untouched");
    }

    private static async Task<HttpClient> SignedInAsync(WebApp web, string user)
    {
        HttpClient browser = web.NewBrowser();
        string token = await AccessSessions.TokenAsync(browser, "/login");
        HttpResponseMessage login = await browser.PostAsync("/login", new FormUrlEncodedContent(
            [new("UserName", user), new("Password", WebApp.UserPassword), new("__RequestVerificationToken", token)]));
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"login of {user}");
        return browser;
    }

    /// <summary>A clock the test moves by hand.</summary>
    [Fact]
    public async Task Office_CannotLockItself_OrDropItsOwnOfficeRole_ButChangesOthersRolesAndUnit()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", "reporter", "C01");
        await web.AdminAsync();

        HttpResponseMessage self = await web.PostFormAsync("/admin/users/admin", "/admin/users/admin?handler=Lock");
        (await self.Content.ReadAsStringAsync()).ShouldContain("不能锁定自己");
        HttpResponseMessage drop = await web.PostFormAsync("/admin/users/admin", "/admin/users/admin?handler=Save", ("Roles", "leader"));
        (await drop.Content.ReadAsStringAsync()).ShouldContain("不能去掉自己的考核办角色");
        (await web.Client.GetAsync("/admin/audit")).StatusCode.ShouldBe(HttpStatusCode.OK, "still office");

        HttpResponseMessage change = await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Save",
            ("Roles", "reporter"), ("Roles", "reviewer"), ("UnitCode", "C03"), ("DisplayName", "丙"));
        change.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Audit.Count(a => a.EntityKey == "admin" && a.Entity == "user").ShouldBe(0);
        var trail = db.Audit.Where(a => a.Entity == "user" && a.EntityKey == "rep.c01").ToDictionary(a => a.Field!, a => (a.OldValue, a.NewValue));
        trail["roles"].ShouldBe(("reporter", "reporter,reviewer"));
        trail["unit"].ShouldBe(("C01", "C03"));
        trail["display_name"].ShouldBe(((string?)null, "丙"));

        string list = await web.Client.GetStringAsync("/admin/users");
        list.ShouldContain("填报员, 审核员");
    }

    [Fact]
    public async Task GeoJsonUpload_GoodIsStoredWithItsMatches_BadIsRefusedNamingWhatWasExpected()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();

        HttpResponseMessage bad = await web.PostFileAsync("/admin/maps", "/admin/maps", "GeoFile", "x.geojson", "{\"type\":\"Polygon\"}", ("Code", "counties"), ("Name", "县区"));
        (await bad.Content.ReadAsStringAsync()).ShouldContain("the file is not a GeoJSON FeatureCollection; expected");
        HttpResponseMessage noCode = await web.PostFileAsync("/admin/maps", "/admin/maps", "GeoFile", "x.geojson", Geo("C01", null), ("Code", "counties"), ("Name", "县区"));
        (await noCode.Content.ReadAsStringAsync()).ShouldContain("features[1] has no properties.code");
        (await web.Client.GetStringAsync("/admin/maps")).ShouldNotContain("data-map=\"counties\"");

        HttpResponseMessage good = await web.PostFileAsync("/admin/maps", "/admin/maps", "GeoFile", "x.geojson", Geo("C01", "C02", "C03", "C04", "C05", "X99"), ("Code", "counties"), ("Name", "县区"));
        string html = await good.Content.ReadAsStringAsync();
        html.ShouldContain("地图已保存：6 个要素，其中 5 个与考核对象匹配，1 个未匹配。");
        html.ShouldContain("X99");
        html.ShouldContain("data-map=\"counties\"");

        // The map page uses it.
        string data = await web.Client.GetStringAsync("/map/data?scheme=T&period=2025-06");
        data.ShouldContain("\"C05\"");

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Audit.Single(a => a.Entity == "geo_map").ShouldSatisfyAllConditions(a => a.Action.ShouldBe("create"), a => a.User.ShouldBe("admin"), a => a.NewValue!.ShouldStartWith("features=6"));
    }

    [Fact]
    public async Task AuditViewer_NewestFirst_Filters_AndPages()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", "reporter", "C01");
        await web.AdminAsync();
        await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Lock");
        await web.PostFormAsync("/admin/users/rep.c01", "/admin/users/rep.c01?handler=Unlock");

        string all = await web.Client.GetStringAsync("/admin/audit");
        all.IndexOf("data-action=\"unlock\"", StringComparison.Ordinal).ShouldBeLessThan(all.IndexOf("data-action=\"lock\"", StringComparison.Ordinal));
        all.ShouldContain("id=\"page-older\"", customMessage: "LeagueData's publications fill more than a page");

        string users = await web.Client.GetStringAsync("/admin/audit?entity=user&user=admin");
        System.Text.RegularExpressions.Regex.Matches(users, "<tr data-entity=").Count.ShouldBe(2);
        users.ShouldNotContain("data-entity=\"figure\"");

        string byAction = await web.Client.GetStringAsync("/admin/audit?action=publish&user=office.wang");
        byAction.ShouldContain("data-action=\"publish\"");
        byAction.ShouldNotContain("data-action=\"approve\"");

        string future = await web.Client.GetStringAsync("/admin/audit?from=2999-01-01");
        future.ShouldContain("id=\"audit-empty\"");
        // Today as the office sees it (the filter's dates are days in the office's zone, Asia/Shanghai by default).
        string today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (await web.Client.GetStringAsync($"/admin/audit?entity=user&from={today}&to={today}")).ShouldContain("data-action=\"unlock\"");

        string page2 = await web.Client.GetStringAsync("/admin/audit?p=2");
        page2.ShouldContain("id=\"page-newer\"");
    }

    private static string Geo(params string?[] codes) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", codes.Select((c, i) =>
            "{\"type\":\"Feature\",\"properties\":{" + (c is null ? "\"name\":\"x\"" : $"\"code\":\"{c}\"") + "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[["
            + i + ",0],[" + (i + 1) + ",0],[" + (i + 1) + ",1],[" + i + ",0]]]}}")) + "]}";
}
