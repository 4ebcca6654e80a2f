using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;

namespace Saima.Web.Tests;

/// <summary>What the API tests need of the application: clients without cookies, and its services.</summary>
public sealed partial class WebApp
{
    /// <summary>A client with no cookie: a program, not a browser; with a bearer token when given.</summary>
    public HttpClient ProgramClient(string? token = null)
    {
        var client = new HttpClient(_app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("http://127.0.0.1/") };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Logs in as <paramref name="user"/> and makes a personal API token on /account/tokens; returns the secret the page shows once.</summary>
    public async Task<string> MakeTokenAsync(string user, string name = "程序", string days = "90")
    {
        await SwitchToAsync(user);
        HttpResponseMessage r = await PostFormAsync("/account/tokens", "/account/tokens?handler=Create", ("Name", name), ("Days", days));
        r.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        string html = await r.Content.ReadAsStringAsync();
        Match m = SecretRegex().Match(html);
        m.Success.ShouldBeTrue("no token on the page");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"id=""token-secret"">(saima_[A-Za-z0-9_-]+)</code>")]
    private static partial Regex SecretRegex();
}
