using System.Net;
using System.Text.RegularExpressions;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>A browser of one role, signed in, with the anti-forgery token of its session.</summary>
public sealed record AccessSession(AccessRole Role, HttpClient Browser, string Token) : IDisposable
{
    /// <summary>Posts a form as the browser would (with the token); the values are sent as given.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields) =>
        Browser.PostAsync(path, new FormUrlEncodedContent(
            fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", Token))));

    public void Dispose() => Browser.Dispose();
}

/// <summary>The users of the access tests, one per role, on <see cref="AccessData"/>.</summary>
public static partial class AccessSessions
{
    public static string UserName(AccessRole role) => role switch
    {
        AccessRole.Office => "m.office",
        AccessRole.Reporter => "m.reporter.ca",
        AccessRole.Reviewer => "m.reviewer.ca",
        AccessRole.Department => "m.dept.ds",
        AccessRole.Leader => "m.leader",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "nobody signs in as anonymous"),
    };

    /// <summary>Creates the five users (office and leader without a unit; reporter and reviewer of CA; department of DS), and the user the admin cells edit.</summary>
    public static async Task CreateUsersAsync(WebApp web)
    {
        ArgumentNullException.ThrowIfNull(web);
        await web.CreateUserAsync(UserName(AccessRole.Office), SaimaRoles.Office);
        await web.CreateUserAsync(UserName(AccessRole.Reporter), SaimaRoles.Reporter, "CA");
        await web.CreateUserAsync(UserName(AccessRole.Reviewer), SaimaRoles.Reviewer, "CA");
        await web.CreateUserAsync(UserName(AccessRole.Department), SaimaRoles.Department, "DS");
        await web.CreateUserAsync(UserName(AccessRole.Leader), SaimaRoles.Leader);

        // Nobody signs in as it: the /admin/users/{name} cells change it.
        await web.CreateUserAsync(AccessData.AdminTarget, SaimaRoles.Leader);
    }

    /// <summary>A new browser, signed in as the role's user (anonymous: not signed in), holding its anti-forgery token.</summary>
    public static async Task<AccessSession> OpenAsync(WebApp web, AccessRole role)
    {
        ArgumentNullException.ThrowIfNull(web);
        HttpClient browser = web.NewBrowser();
        if (role != AccessRole.Anonymous)
        {
            string loginToken = await TokenAsync(browser, "/login");
            HttpResponseMessage login = await browser.PostAsync("/login", new FormUrlEncodedContent(
            [
                new("UserName", UserName(role)), new("Password", WebApp.UserPassword), new("__RequestVerificationToken", loginToken),
            ]));
            login.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"login of {UserName(role)}");
            login.Headers.Location!.OriginalString.ShouldBe("/");
        }

        // The token belongs to the session's user, not to a page: any page's form gives it.
        return new AccessSession(role, browser, await TokenAsync(browser, "/public"));
    }

    public static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        ArgumentNullException.ThrowIfNull(browser);
        string html = await browser.GetStringAsync(path);
        Match m = TokenRegex().Match(html);
        m.Success.ShouldBeTrue($"no anti-forgery token on {path}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex TokenRegex();
}
