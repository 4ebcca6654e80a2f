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
        using Node a = Node.Start(store, log, "A");
        using Node b = Node.Start(store, log, "B");
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

    private static HttpClient Client(Node node, CookieContainer cookies, string? bearer = null)
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

    /// <summary>One <c>saima serve</c> process on a free port.</summary>
    private sealed class Node : IDisposable
    {
        private readonly Process _process;
        private readonly ITestOutputHelper _log;
        private readonly string _name;
        private readonly Task<string> _out;
        private readonly Task<string> _err;

        private Node(Process process, Uri address, ITestOutputHelper log, string name)
        {
            _process = process;
            Address = address;
            _log = log;
            _name = name;
            _out = process.StandardOutput.ReadToEndAsync();
            _err = process.StandardError.ReadToEndAsync();
        }

        public Uri Address { get; }

        public static Node Start(StoreOptions store, ITestOutputHelper log, string name)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            string url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
            string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
            var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "saima.dll"), "serve", "--postgres", store.ConnectionString, "--urls", url })
            {
                psi.ArgumentList.Add(arg);
            }

            psi.Environment["SAIMA_ADMIN_PASSWORD"] = Password;

            // A home of its own, as a node on another machine has: nothing is shared through
            // files (ASP.NET Core would otherwise keep its keys under ~/.aspnet on both).
            string home = Path.Combine(Path.GetTempPath(), "saima-node-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(home);
            psi.Environment["HOME"] = home;
            psi.Environment["DOTNET_CLI_HOME"] = home;
            return new Node(Process.Start(psi)!, new Uri(url), log, name);
        }

        public async Task ReadyAsync()
        {
            using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"node {_name} exited {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {await _err}{await _out}");
                }

                try
                {
                    if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                await Task.Delay(250);
            }

            throw new TimeoutException($"node {_name} did not become healthy");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _log.WriteLine($"node {_name} stdout:\n{_out.Result}\nstderr:\n{_err.Result}");
            _process.Dispose();
        }
    }
}
