using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Testing;
using Xunit.Abstractions;

namespace Saima.Cli.Tests;

/// <summary>
/// Two <c>saima serve</c> processes on one PostgreSQL database, as two web nodes behind one proxy:
/// started together on an empty database they migrate it once between them; a login made on one
/// is valid on the other (data protection keys and sessions in the database) and a logout on the
/// other ends it on both; a publication made on one shows on the other at its next request.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed partial class TwoNodeTests(Stores stores, ITestOutputHelper log)
{
    private const string Password = "Two-nodes-Pass-2026";

    [Fact]
    public async Task TwoNodesOnOnePostgres_MigrateOnce_ShareLogins_AndSeeEachOthersPublications()
    {
        StoreOptions store = stores.NewPostgres();
        using ServeProcess a = ServeProcess.Start(store, log, "A", Password);
        using ServeProcess b = ServeProcess.Start(store, log, "B", Password);
        await Task.WhenAll(a.ReadyAsync(), b.ReadyAsync());

        // Started together on an empty database: each script applied once, by one of them.
        using (SaimaDb db = SaimaDb.Open(store))
        {
            db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM schema_version").ToList().Single()
                .ShouldBe(SchemaMigrator.Scripts(StoreProvider.Postgres).Count);
        }

        // One browser behind a proxy: the same cookies go to whichever node answers.
        var cookies = new CookieContainer();
        using var toA = Client(a, cookies);
        using var toB = Client(b, cookies);
        (await toB.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not logged in yet");

        string token = Antiforgery(await toA.GetStringAsync(new Uri("/login", UriKind.Relative)));
        HttpResponseMessage login = await toA.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("UserName", "admin"), new("Password", Password), new("__RequestVerificationToken", token),
        ]));
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect, await login.Content.ReadAsStringAsync());

        (await toB.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK, "the login made on node A is valid on node B");
        (await toA.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A publication on A shows on B at B's next request (B read the periods before).
        LeagueData.Seed(store);
        ApproveOpenPeriod(store);
        CliRun created = CliRunner.Run("token", "create", "--user", "admin", "--postgres", store.ConnectionString);
        created.Exit.ShouldBe(0, created.ToString());
        using var apiA = Client(a, new CookieContainer(), created.Out.Trim());
        using var apiB = Client(b, new CookieContainer(), created.Out.Trim());
        const string Results = "/api/v1/schemes/T/periods/2025-07/results";
        (await apiB.GetAsync(new Uri(Results, UriKind.Relative))).IsSuccessStatusCode.ShouldBeFalse("2025-07 is not published yet");
        string before = await apiB.GetStringAsync(new Uri("/api/v1/schemes/T/periods", UriKind.Relative));

        HttpResponseMessage published = await apiA.PostAsync(new Uri("/api/v1/schemes/T/periods/2025-07/publish", UriKind.Relative), null);
        published.IsSuccessStatusCode.ShouldBeTrue(await published.Content.ReadAsStringAsync());

        string after = await apiB.GetStringAsync(new Uri("/api/v1/schemes/T/periods", UriKind.Relative));
        after.ShouldNotBe(before, "node B lists the period as published");
        HttpResponseMessage results = await apiB.GetAsync(new Uri(Results, UriKind.Relative));
        results.StatusCode.ShouldBe(HttpStatusCode.OK, await results.Content.ReadAsStringAsync());
        using (JsonDocument doc = JsonDocument.Parse(await results.Content.ReadAsStringAsync()))
        {
            doc.RootElement.ToString().ShouldContain("C01");
        }

        // Logging out on B ends the session everywhere: A refuses the same cookie.
        string logoutToken = Antiforgery(await toB.GetStringAsync(new Uri("/admin/users", UriKind.Relative)));
        HttpResponseMessage logout = await toB.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", logoutToken),
        ]));
        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect, await logout.Content.ReadAsStringAsync());
        (await toA.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the session ended on B is over on A");
    }

    /// <summary>Submits and approves every figure of the seed's open period (2025-07), so that it can be published.</summary>
    private static void ApproveOpenPeriod(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var figures = new FigureWorkflow(db, TimeProvider.System);
        AssessmentScheme scheme = db.Schemes.Single(s => s.Code == "T");
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme.Id).ToList();
        var units = db.Units.Where(u => LeagueData.Codes.Contains(u.Code)).OrderBy(u => u.Code).ToList();
        Actor reviewer = Actor.Reviewer("reviewer.zhao");
        for (int u = 0; u < units.Count; u++)
        {
            Actor reporter = Actor.Reporter("reporter." + units[u].Code.ToLowerInvariant(), units[u].Id);
            foreach (Indicator indicator in indicators)
            {
                Figure f = figures.SaveDraft(reporter, scheme.Id, units[u].Id, indicator.Id, "2025-07", 200 + (10 * u));
                figures.Submit(reporter, f.Id);
                figures.Approve(reviewer, f.Id);
            }
        }
    }

    internal static HttpClient Client(ServeProcess node, CookieContainer cookies, string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = node.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private static string Antiforgery(string html)
    {
        Match m = AntiforgeryField().Match(html);
        m.Success.ShouldBeTrue("the page has an anti-forgery field");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
