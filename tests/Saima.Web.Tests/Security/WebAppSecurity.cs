using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>What the hardening tests need of a running application beyond <see cref="StartAsync"/>.</summary>
public sealed partial class WebApp
{
    /// <summary>
    /// Starts the application as <see cref="StartAsync"/> does, with configuration values of its own
    /// (e.g. <c>Saima:KnownProxies</c>, <c>Saima:LoginLimit</c>).
    /// </summary>
    public static async Task<WebApp> StartConfiguredAsync(IReadOnlyDictionary<string, string?> settings, Action<StoreOptions>? seed = null, TimeProvider? time = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
        Directory.CreateDirectory(dir);
        StoreOptions store = StoreOptions.SqliteFile(Path.Combine(dir, $"w{Environment.ProcessId}_{Guid.NewGuid():N}.db"));
        if (seed is not null)
        {
            SchemaMigrator.Migrate(store);
            seed(store);
        }

        var output = new StringWriter();
        WebApplication app = SaimaWeb.Build([], new WebOptions
        {
            Store = store,
            AdminPassword = AdminPassword,
            Output = output,
            Time = time ?? TimeProvider.System,
            ConfigureBuilder = b =>
            {
                b.WebHost.UseTestServer();
                b.Configuration.AddInMemoryCollection(settings);
            },
        });
        await app.StartAsync();
        return new WebApp(app, store, output.ToString());
    }

    /// <summary>The cookies this browser would send (to copy them into another client).</summary>
    public string CookieHeader() => _cookies.GetCookieHeader(Client.BaseAddress!);

    /// <summary>One request as it reaches the application from a socket: the client's address, the Host header and any other headers.</summary>
    public Task<HttpContext> RawAsync(string method, string path, string host, System.Net.IPAddress remote, params (string Name, string Value)[] headers) =>
        _app.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Request.Host = new HostString(host);
            c.Request.Scheme = "http";
            c.Connection.RemoteIpAddress = remote;
            foreach ((string name, string value) in headers)
            {
                c.Request.Headers[name] = value;
            }
        });

    /// <summary>A client of the same application without the cookie jar (a copied cookie is sent by hand).</summary>
    public HttpClient BareClient() => new(_app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("http://127.0.0.1/") };
}
