using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>Sessions end on the server; the login tells nothing about names and is throttled per address; the password page counts toward the lockout; proxies and hosts as configured.</summary>
public sealed partial class SessionAndLoginTests
{
    [Fact]
    public async Task Logout_EndsTheSessionOnTheServer_ACopiedCookieStopsWorking()
    {
        await using var web = await WebApp.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        string copied = web.CookieHeader();
        using HttpClient thief = web.BareClient();
        (await GetWithCookieAsync(thief, "/admin", copied)).StatusCode.ShouldBe(HttpStatusCode.OK, "the copied cookie works while the session lasts");

        (await web.PostFormAsync("/", "/logout")).Headers.Location!.ToString().ShouldBe("/login");

        HttpResponseMessage after = await GetWithCookieAsync(thief, "/admin", copied);
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect, "logout ended the session for every copy of the cookie");
        after.Headers.Location!.ToString().ShouldStartWith("http://127.0.0.1/login");
    }

    [Fact]
    public async Task OfficeLock_EndsTheUsersOpenSessionsAtOnce()
    {
        await using var web = await WebApp.StartAsync();
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        await web.SwitchToAsync("leader.zhou");
        string leader = web.CookieHeader();
        using HttpClient copy = web.BareClient();
        (await GetWithCookieAsync(copy, "/", leader)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.SwitchToAsync("office.li");
        (await web.PostFormAsync("/admin/users/leader.zhou", "/admin/users/leader.zhou?handler=Lock")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await GetWithCookieAsync(copy, "/", leader)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the lock ended the session now, not at the next stamp check");
    }

    [Fact]
    public async Task Login_UnknownWrongAndLockedNames_GetTheSameAnswer()
    {
        await using var web = await WebApp.StartAsync();
        await web.CreateUserAsync("rep.a", SaimaRoles.Leader);
        await web.CreateUserAsync("rep.b", SaimaRoles.Leader);
        for (int i = 0; i < IdentityExtensions.MaxFailedLogins; i++)
        {
            await web.LoginAsync("rep.b", "Wrong-Pass-Word-1");
        }

        string unknown = await LoginMessageAsync(web, "no.such.user", "Wrong-Pass-Word-1");
        string wrong = await LoginMessageAsync(web, "rep.a", "Wrong-Pass-Word-1");
        string lockedWrong = await LoginMessageAsync(web, "rep.b", "Wrong-Pass-Word-1");
        string lockedRight = await LoginMessageAsync(web, "rep.b", WebApp.UserPassword);

        wrong.ShouldContain("用户名或密码错误");
        unknown.ShouldBe(wrong);
        lockedWrong.ShouldBe(wrong);
        lockedRight.ShouldBe(wrong, "even the right password of a locked name says no more than a wrong one");
    }

    [Fact]
    public async Task Login_ManyPostsFromOneAddress_AreThrottled_WhateverTheNames()
    {
        await using var web = await WebApp.StartConfiguredAsync(new Dictionary<string, string?> { ["Saima:LoginLimit"] = "3" });
        for (int i = 0; i < 3; i++)
        {
            (await web.LoginAsync("name" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "Wrong-Pass-Word-1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        HttpResponseMessage throttled = await web.LoginAsync("admin", WebApp.AdminPassword);
        throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter.ShouldNotBeNull();
        (await throttled.Content.ReadAsStringAsync()).ShouldContain("登录尝试过于频繁");
        (await web.Client.GetAsync("/login")).StatusCode.ShouldBe(HttpStatusCode.OK, "only login posts are throttled");
    }

    [Fact]
    public async Task PasswordPage_WrongCurrentPasswords_CountTowardTheLockout()
    {
        await using var web = await WebApp.StartAsync();
        await web.CreateUserAsync("rep.a", SaimaRoles.Leader);
        await web.SwitchToAsync("rep.a");
        for (int i = 0; i < IdentityExtensions.MaxFailedLogins; i++)
        {
            HttpResponseMessage r = await web.PostFormAsync("/account/password", "/account/password",
                ("CurrentPassword", "Guess-Number-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("NewPassword", "New-Pass-Word-99"), ("ConfirmPassword", "New-Pass-Word-99"));
            r.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await r.Content.ReadAsStringAsync()).ShouldContain("当前密码不正确");
        }

        using (IServiceScope scope = web.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            (await users.IsLockedOutAsync((await users.FindByNameAsync("rep.a"))!)).ShouldBeTrue("five wrong current passwords lock as five wrong logins do");
        }

        // Locked, even the right current password changes nothing.
        HttpResponseMessage right = await web.PostFormAsync("/account/password", "/account/password",
            ("CurrentPassword", WebApp.UserPassword), ("NewPassword", "New-Pass-Word-99"), ("ConfirmPassword", "New-Pass-Word-99"));
        right.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ForwardedProto_FromAKnownProxy_MakesCookiesSecureAndSendsHsts_FromAnyoneElseIsIgnored()
    {
        await using var web = await WebApp.StartConfiguredAsync(new Dictionary<string, string?> { ["Saima:KnownProxies"] = "10.0.0.5" });

        HttpContext proxied = await web.RawAsync("GET", "/login", "saima.example.gov.cn", IPAddress.Parse("10.0.0.5"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.7"));
        proxied.Response.StatusCode.ShouldBe(200);
        proxied.Response.Headers.StrictTransportSecurity.ToString().ShouldStartWith("max-age=31536000");
        string cookies = string.Join("\n", proxied.Response.Headers.SetCookie.ToArray());
        cookies.ShouldContain("saima.af");
        cookies.ShouldContain("secure", Case.Insensitive);

        HttpContext forged = await web.RawAsync("GET", "/login", "saima.example.gov.cn", IPAddress.Parse("10.9.9.9"), ("X-Forwarded-Proto", "https"));
        forged.Response.StatusCode.ShouldBe(200);
        forged.Response.Headers.StrictTransportSecurity.ToString().ShouldBeEmpty("X-Forwarded-Proto from an unknown address is ignored");
        string.Join("\n", forged.Response.Headers.SetCookie.ToArray()).ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task ForwardedHeaders_WithoutConfiguredProxies_AreIgnored_EvenFromLoopback()
    {
        await using var web = await WebApp.StartConfiguredAsync(new Dictionary<string, string?>());
        HttpContext r = await web.RawAsync("GET", "/login", "saima.example.gov.cn", IPAddress.Loopback, ("X-Forwarded-Proto", "https"));
        r.Response.Headers.StrictTransportSecurity.ToString().ShouldBeEmpty();
        string.Join("\n", r.Response.Headers.SetCookie.ToArray()).ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task AllowedHosts_OtherHostHeaders_Get400_NeverARedirectToThem()
    {
        await using var web = await WebApp.StartConfiguredAsync(new Dictionary<string, string?> { ["Saima:AllowedHosts"] = "saima.example.gov.cn" });
        HttpContext evil = await web.RawAsync("GET", "/", "evil.example", IPAddress.Parse("203.0.113.7"));
        evil.Response.StatusCode.ShouldBe(400);
        evil.Response.Headers.Location.ToString().ShouldBeEmpty();

        HttpContext good = await web.RawAsync("GET", "/", "saima.example.gov.cn", IPAddress.Parse("203.0.113.7"));
        good.Response.StatusCode.ShouldBe(302);
        good.Response.Headers.Location.ToString().ShouldStartWith("http://saima.example.gov.cn/login");
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static async Task<string> LoginMessageAsync(WebApp web, string user, string password)
    {
        HttpResponseMessage r = await web.LoginAsync(user, password);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        Match m = LoginErrorRegex().Match(await r.Content.ReadAsStringAsync());
        m.Success.ShouldBeTrue("the login page says why");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"id=""login-error"">([^<]*)<")]
    private static partial Regex LoginErrorRegex();
}
