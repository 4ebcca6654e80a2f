using System.Net;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>The foundation of the web application: health, login, the first administrator, lockout, anti-forgery, headers, languages, escaping.</summary>
public sealed class FoundationTests
{
    [Fact]
    public async Task Healthz_Anonymous_Returns200()
    {
        await using var web = await WebApp.StartAsync();
        HttpResponseMessage r = await web.Client.GetAsync("/healthz");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Home_Anonymous_RedirectsToLogin()
    {
        await using var web = await WebApp.StartAsync();
        HttpResponseMessage r = await web.Client.GetAsync("/");
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=%2F");
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/public")]
    public async Task PublicPages_Anonymous_Return200(string path)
    {
        await using var web = await WebApp.StartAsync();
        (await web.Client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_AdminFromEnvironmentPassword_ReachesHomeWithoutForcedChange()
    {
        await using var web = await WebApp.StartAsync(WebApp.AdminPassword);
        web.Output.ShouldContain("administrator: admin (password from SAIMA_ADMIN_PASSWORD)");
        web.Output.ShouldNotContain("one-time password");

        HttpResponseMessage login = await web.LoginAsync("admin", WebApp.AdminPassword);
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().ShouldBe("/");

        HttpResponseMessage home = await web.Client.GetAsync("/");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain("本期概览");
    }

    [Fact]
    public async Task Login_OneTimePassword_ForcesChangeBeforeAnythingElse()
    {
        await using var web = await WebApp.StartAsync(adminPassword: null);
        string oneTime = web.OneTimePassword();

        HttpResponseMessage login = await web.LoginAsync("admin", oneTime);
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().ShouldBe("/account/password");

        // Any other page sends the user back to the password change.
        foreach (string path in new[] { "/", "/public", "/login" })
        {
            HttpResponseMessage other = await web.Client.GetAsync(path);
            other.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            other.Headers.Location!.ToString().ShouldBe("/account/password", customMessage: path);
        }

        string form = await web.Client.GetStringAsync("/account/password");
        form.ShouldContain("一次性密码");

        HttpResponseMessage weak = await web.PostFormAsync("/account/password", "/account/password",
            ("CurrentPassword", oneTime), ("NewPassword", "short"), ("ConfirmPassword", "short"));
        weak.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await weak.Content.ReadAsStringAsync()).ShouldContain("密码至少 10 位");

        const string newPassword = "Lanchuan-2025-ok";
        HttpResponseMessage changed = await web.PostFormAsync("/account/password", "/account/password",
            ("CurrentPassword", oneTime), ("NewPassword", newPassword), ("ConfirmPassword", newPassword));
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        changed.Headers.Location!.ToString().ShouldBe("/");
        (await web.Client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The one-time password is spent; the new one works.
        (await web.PostFormAsync("/", "/logout")).Headers.Location!.ToString().ShouldBe("/login");
        (await (await web.LoginAsync("admin", oneTime)).Content.ReadAsStringAsync()).ShouldContain("用户名或密码错误");
        HttpResponseMessage relogin = await web.LoginAsync("admin", newPassword);
        relogin.Headers.Location!.ToString().ShouldBe("/");
    }

    [Fact]
    public async Task Login_WrongPasswordFiveTimes_LocksTheAccount_WithoutSayingSo()
    {
        await using var web = await WebApp.StartAsync();
        for (int i = 0; i < Identity.IdentityExtensions.MaxFailedLogins; i++)
        {
            HttpResponseMessage wrong = await web.LoginAsync("admin", "Wrong-password-1");
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        HttpResponseMessage right = await web.LoginAsync("admin", WebApp.AdminPassword);
        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await right.Content.ReadAsStringAsync();
        html.ShouldContain("用户名或密码错误", customMessage: "a locked name answers as an unknown one or a wrong password");
        html.ShouldNotContain("账户已锁定");
        (await web.Client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/culture")]
    [InlineData("/logout")]
    public async Task Post_WithoutAntiforgeryToken_Returns400(string path)
    {
        await using var web = await WebApp.StartAsync();
        await web.Client.GetAsync("/login");
        HttpResponseMessage r = await web.Client.PostAsync(path, new FormUrlEncodedContent(
            [new("UserName", "admin"), new("Password", WebApp.AdminPassword), new("culture", "en")]));
        r.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/")]
    [InlineData("/lib/bootstrap/bootstrap.min.css")]
    public async Task Responses_CarrySecurityHeaders(string path)
    {
        await using var web = await WebApp.StartAsync();
        HttpResponseMessage r = await web.Client.GetAsync(path);
        string csp = r.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self';");
        csp.ShouldNotContain("unsafe-inline");
        csp.ShouldContain("frame-ancestors 'none'");
        r.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        r.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        r.Headers.GetValues("Referrer-Policy").Single().ShouldBe("same-origin");
    }

    [Fact]
    public async Task Pages_HaveNoInlineScriptOrStyle()
    {
        await using var web = await WebApp.StartAsync();
        await web.LoginAsync("admin", WebApp.AdminPassword);
        foreach (string path in new[] { "/", "/login", "/public", "/account/password" })
        {
            string html = await web.Client.GetStringAsync(path);
            System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0, path);
            html.ShouldNotContain(" style=", customMessage: path);
            html.ShouldNotContain("//cdn", customMessage: path);
        }
    }

    [Fact]
    public async Task Language_ChineseByDefault_EnglishAfterTheSwitch()
    {
        await using var web = await WebApp.StartAsync();
        string zh = await web.Client.GetStringAsync("/login");
        zh.ShouldContain("<html lang=\"zh-CN\">");
        zh.ShouldContain("<title>登录 · 赛马 · 考核评价平台</title>");

        HttpResponseMessage sw = await web.PostFormAsync("/login", "/culture", ("culture", "en"), ("returnUrl", "/login"));
        sw.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        sw.Headers.Location!.ToString().ShouldBe("/login");
        string en = await web.Client.GetStringAsync("/login");
        en.ShouldContain("<html lang=\"en\">");
        en.ShouldContain("Log in");
        en.ShouldNotContain("登录");

        await web.PostFormAsync("/login", "/culture", ("culture", "zh-CN"), ("returnUrl", "/login"));
        (await web.Client.GetStringAsync("/login")).ShouldContain("登录");
    }

    [Fact]
    public async Task Language_SwitchToAnotherSite_StaysHere()
    {
        await using var web = await WebApp.StartAsync();
        HttpResponseMessage sw = await web.PostFormAsync("/login", "/culture", ("culture", "en"), ("returnUrl", "https://evil.example/"));
        sw.Headers.Location!.ToString().ShouldBe("/");
    }

    [Fact]
    public async Task Home_ShowsTopAndBottomThreeOfTheCurrentPublishedPeriod_UnitNamesAsText()
    {
        await using var web = await WebApp.StartAsync(seed: HomeData.Seed);
        await web.LoginAsync("admin", WebApp.AdminPassword);
        string html = await web.Client.GetStringAsync("/");

        html.ShouldContain("测试考核方案");
        html.ShouldContain("通报期 2025-11 · 考核对象 7 个");
        html.ShouldNotContain("2025-10");
        html.ShouldNotContain("2025-12");
        html.ShouldContain("<td class=\"unit\">甲县</td>");
        html.ShouldContain("<td class=\"unit\">&lt;script&gt;alert(1)&lt;/script&gt;</td>");
        html.ShouldNotContain("<script>alert(1)</script>");
        html.IndexOf("甲县", StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf("庚县", StringComparison.Ordinal));
        html.ShouldNotContain("丁县", customMessage: "the fourth of seven is neither top nor bottom three");
        html.ShouldContain("91.50");
    }

    [Fact]
    public async Task Home_English_ShowsEnglishUnitNames()
    {
        await using var web = await WebApp.StartAsync(seed: HomeData.Seed);
        await web.LoginAsync("admin", WebApp.AdminPassword);
        await web.PostFormAsync("/", "/culture", ("culture", "en"), ("returnUrl", "/"));
        string html = await web.Client.GetStringAsync("/");
        html.ShouldContain("Test scheme");
        html.ShouldContain("County A");
        html.ShouldContain("Top three");
    }
}
