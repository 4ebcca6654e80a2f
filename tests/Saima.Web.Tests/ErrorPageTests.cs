using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>The error pages: 404, 403 and 500 in the layout and the user's language, with a request id and no details; /api keeps bare status responses.</summary>
public sealed class ErrorPageTests
{
    [Fact]
    public async Task UnknownPage_Is404Page_InChinese_ThenEnglish_AndApiPathsKeepBareStatus()
    {
        await using var web = await WebApp.StartAsync();

        // Anonymous users are sent to the login page wherever they go (the site does not say which pages exist).
        (await web.Client.GetAsync("/no/such/page")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        HttpResponseMessage r = await web.Client.GetAsync("/no/such/page");
        r.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        string html = await r.Content.ReadAsStringAsync();
        html.ShouldContain("<h1 class=\"h3 mb-3\">页面不存在</h1>");
        html.ShouldContain("data-status=\"404\"");
        html.ShouldMatch("id=\"request-id\">[^<]+</code>");
        html.ShouldContain("id=\"language-switch\"", customMessage: "in the layout");

        HttpResponseMessage api = await web.Client.GetAsync("/api/no-such-thing");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await api.Content.ReadAsStringAsync()).ShouldNotContain("<html");
        (await web.Client.GetAsync("/unit/NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await web.Client.GetAsync("/unit/NOPE")).Content.ReadAsStringAsync()).ShouldContain("页面不存在");
        await web.PostFormAsync("/", "/culture", ("culture", "en"), ("returnUrl", "/"));
        (await web.Client.GetStringAsync("/")).ShouldContain("lang=\"en\"");
        HttpResponseMessage en = await web.Client.GetAsync("/no/such/page");
        en.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await en.Content.ReadAsStringAsync()).ShouldContain("Page not found");
    }

    [Fact]
    public async Task ForbiddenPage_Is403Page()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        await web.SwitchToAsync("leader.zhou");
        HttpResponseMessage r = await web.Client.GetAsync("/entry/status");
        r.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        string html = await r.Content.ReadAsStringAsync();
        html.ShouldContain("<h1 class=\"h3 mb-3\">无权访问</h1>");
        html.ShouldContain("data-status=\"403\"");
    }

    [Fact]
    public async Task Exception_Is500Page_WithoutDetails()
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
        Directory.CreateDirectory(dir);
        StoreOptions store = StoreOptions.SqliteFile(Path.Combine(dir, $"e{Environment.ProcessId}_{Guid.NewGuid():N}.db"));
        WebApplication app = SaimaWeb.Build([], new WebOptions
        {
            Store = store,
            AdminPassword = WebApp.AdminPassword,
            Output = new StringWriter(),
            ConfigureBuilder = b =>
            {
                b.WebHost.UseTestServer();
                b.Services.Configure<MvcOptions>(o => o.Filters.Add(new Boom()));
            },
        });
        await app.StartAsync();
        try
        {
            using HttpClient client = app.GetTestClient();
            HttpResponseMessage r = await client.GetAsync("/login?boom=1");
            r.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            string html = await r.Content.ReadAsStringAsync();
            html.ShouldContain("<h1 class=\"h3 mb-3\">系统出错</h1>");
            html.ShouldContain("data-status=\"500\"");
            html.ShouldMatch("id=\"request-id\">[^<]+</code>");
            html.ShouldNotContain(Boom.Secret);
            html.ShouldNotContain("InvalidOperationException");
            html.ShouldNotContain("   at ");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Throws in the login page when asked to (?boom), as a bug would.</summary>
    private sealed class Boom : IAsyncPageFilter
    {
        public const string Secret = "secret-detail-4711";

        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            if (context.HttpContext.Request.Path == "/login" && context.HttpContext.Request.Query.ContainsKey("boom"))
            {
                throw new InvalidOperationException(Secret);
            }

            return next();
        }
    }
}
