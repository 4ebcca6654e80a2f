using System.Net;
using System.Text.RegularExpressions;

namespace Saima.Web.Tests;

/// <summary>What the administration tests need of <see cref="WebApp"/> beyond the shared helpers.</summary>
public sealed partial class WebApp
{
    /// <summary>Forgets every cookie: nobody is logged in.</summary>
    public void LogOutAll() => _cookies.GetCookies(Client.BaseAddress!).ToList().ForEach(c => c.Expired = true);

    /// <summary>Logs in the first administrator (SAIMA_ADMIN_PASSWORD, no forced change).</summary>
    public async Task AdminAsync()
    {
        LogOutAll();
        (await LoginAsync("admin", AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    /// <summary>Posts a multipart form (a file upload) with the page's anti-forgery token.</summary>
    public async Task<HttpResponseMessage> PostFileAsync(string pagePath, string postPath, string fileField, string fileName, string content, params (string Name, string Value)[] fields)
    {
        string token = await TokenAsync(pagePath);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        foreach ((string name, string value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(content)), fileField, fileName);
        return await Client.PostAsync(postPath, form);
    }

    /// <summary>The one-time password shown on an admin page (<c>id="otp"</c>).</summary>
    public static string ShownPassword(string html)
    {
        Match m = Regex.Match(html, "id=\"otp\">([^<]+)<");
        m.Success.ShouldBeTrue("no one-time password shown");
        return m.Groups[1].Value;
    }
}
