using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// One Saima web application on a fresh SQLite file, in process (ASP.NET Core's test server),
/// with a browser-like client: cookies kept, redirects not followed, so tests see each step.
/// </summary>
public sealed partial class WebApp : IAsyncDisposable
{
    public const string AdminPassword = "Test-Admin-Pw-2025";

    /// <summary>The seeded store files of <see cref="Seeded"/>, by seed.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<System.Reflection.MethodInfo, Lazy<string>> SeededFiles = new();

    private readonly WebApplication _app;
    private readonly CookieContainer _cookies = new();

    private WebApp(WebApplication app, StoreOptions store, string output)
    {
        _app = app;
        Store = store;
        Output = output;
        Client = new HttpClient(new CookieHandler(_cookies) { InnerHandler = app.GetTestServer().CreateHandler() })
        {
            BaseAddress = new Uri("http://127.0.0.1/"),
        };
    }

    public StoreOptions Store { get; }

    /// <summary>What the application printed at start (the one-time password).</summary>
    public string Output { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Starts the application. <paramref name="adminPassword"/> plays SAIMA_ADMIN_PASSWORD; null
    /// makes a one-time password. <paramref name="seed"/> writes into the store before start;
    /// <paramref name="time"/> is the application's clock (default the system's).
    /// </summary>
    public static async Task<WebApp> StartAsync(string? adminPassword = AdminPassword, Action<StoreOptions>? seed = null, TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"w{Environment.ProcessId}_{Guid.NewGuid():N}.db");
        StoreOptions store = StoreOptions.SqliteFile(file);
        if (seed is { Target: null })
        {
            // A static method (LeagueData.Seed and the like) writes the same store every time:
            // seeded once per run, and each application gets a copy of the file.
            File.Copy(Seeded(seed), file);
        }
        else if (seed is not null)
        {
            SchemaMigrator.Migrate(store);
            seed(store);
        }

        var output = new StringWriter();
        WebApplication app = SaimaWeb.Build([], new WebOptions
        {
            Store = store,
            AdminPassword = adminPassword,
            Output = output,
            Time = time ?? TimeProvider.System,
            ConfigureBuilder = b =>
            {
                b.WebHost.UseTestServer();
                // The unit pages' warm-up at start reads in the background: off unless a test asks for it.
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Saima:WarmUp"] = "false" });
                if (settings is not null)
                {
                    b.Configuration.AddInMemoryCollection(settings);
                }
            },
        });
        await app.StartAsync();
        return new WebApp(app, store, output.ToString());
    }

    /// <summary>The file of a store that <paramref name="seed"/> (a static method) wrote into a migrated store, made once per seed and never opened again.</summary>
    private static string Seeded(Action<StoreOptions> seed) => SeededFiles.GetOrAdd(seed.Method, _ => new Lazy<string>(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
        string file = Path.Combine(dir, $"seed{Environment.ProcessId}_{Guid.NewGuid():N}.db");
        StoreOptions store = StoreOptions.SqliteFile(file);
        SchemaMigrator.Migrate(store);
        seed(store);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection(store.ConnectionString))
        {
            // Everything into the main file, so that copying the file copies the store.
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return file;
    })).Value;

    /// <summary>The one-time password the application printed, if it did.</summary>
    public string OneTimePassword()
    {
        Match m = OneTimeRegex().Match(Output);
        m.Success.ShouldBeTrue($"no one-time password in: {Output}");
        return m.Groups[1].Value;
    }

    /// <summary>The anti-forgery token of the first form on the page at <paramref name="path"/>.</summary>
    public async Task<string> TokenAsync(string path)
    {
        string html = await Client.GetStringAsync(path);
        Match m = TokenRegex().Match(html);
        m.Success.ShouldBeTrue($"no anti-forgery token on {path}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>Posts a form as the browser would: with the page's anti-forgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string postPath, params (string Name, string Value)[] fields)
    {
        string token = await TokenAsync(pagePath);
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await Client.PostAsync(postPath, new FormUrlEncodedContent(form));
    }

    public Task<HttpResponseMessage> LoginAsync(string user, string password) =>
        PostFormAsync("/login", "/login", ("UserName", user), ("Password", password));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [GeneratedRegex(@"one-time password: (\S+)")]
    private static partial Regex OneTimeRegex();

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex TokenRegex();

    /// <summary>Keeps cookies like a browser; the test server's handler has none of its own.</summary>
    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri!;
            string header = cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Remove("Cookie");
                request.Headers.Add("Cookie", header);
            }

            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (string c in setCookies)
                {
                    cookies.SetCookies(uri, c);
                }
            }

            return response;
        }
    }
}
