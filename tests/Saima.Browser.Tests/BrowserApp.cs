using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Saima.Data;
using Saima.Web;
using Saima.Web.Identity;
using StoreOptions = Saima.Data.StoreOptions;

namespace Saima.Browser.Tests;

/// <summary>
/// The Saima web application on a real port (Kestrel on 127.0.0.1, a port the system picks) over
/// a fresh SQLite file, for a real browser to talk to. Built by <see cref="SaimaWeb.Build"/>
/// exactly as <c>saima serve</c> builds it.
/// </summary>
public sealed partial class BrowserApp : IAsyncDisposable
{
    public const string AdminPassword = "Test-Admin-Pw-2025";
    public const string UserPassword = "Test-User-Pw-2025";

    private readonly WebApplication _app;

    private BrowserApp(WebApplication app, StoreOptions store, string output, string baseUrl)
    {
        _app = app;
        Store = store;
        Output = output;
        BaseUrl = baseUrl;
    }

    public StoreOptions Store { get; }

    /// <summary>What the application printed at start (the one-time password).</summary>
    public string Output { get; }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>
    /// Starts the application; <paramref name="adminPassword"/> plays SAIMA_ADMIN_PASSWORD (null:
    /// a one-time password); <paramref name="seed"/> writes into the store before start.
    /// </summary>
    public static async Task<BrowserApp> StartAsync(string? adminPassword = AdminPassword, Action<StoreOptions>? seed = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-browser-tests");
        Directory.CreateDirectory(dir);
        StoreOptions store = StoreOptions.SqliteFile(Path.Combine(dir, $"b{Environment.ProcessId}_{Guid.NewGuid():N}.db"));
        if (seed is not null)
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
            Urls = "http://127.0.0.1:0",
            ConfigureBuilder = b =>
            {
                b.Logging.SetMinimumLevel(LogLevel.Warning);

                // One browser signs in as many users, quickly: no throttle of login posts per address here.
                b.Configuration["Saima:LoginLimit"] = "100000";
            },
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BrowserApp(app, store, output.ToString(), address.TrimEnd('/'));
    }

    /// <summary>The one-time password the application printed.</summary>
    public string OneTimePassword()
    {
        Match m = OneTimeRegex().Match(Output);
        m.Success.ShouldBeTrue($"no one-time password in: {Output}");
        return m.Groups[1].Value;
    }

    /// <summary>Creates a user through Identity's UserManager with a role and, when given, its unit (by code).</summary>
    public async Task CreateUserAsync(string name, string role, string? unitCode = null)
    {
        long? unitId = null;
        if (unitCode is not null)
        {
            using SaimaDb db = SaimaDb.Open(Store);
            unitId = db.Units.Single(u => u.Code == unitCode).Id;
        }

        using IServiceScope scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
        var user = new SaimaUser { UserName = name, UnitId = unitId, CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
        (await users.CreateAsync(user, UserPassword)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
    }

    /// <summary>
    /// A GeoJSON map (geo_maps) with one unit square per code in a row, keyed by properties.code as
    /// the demo's maps are, so that /map has something to draw.
    /// </summary>
    public static void InsertMap(StoreOptions store, string code, string name, IReadOnlyList<string> codes)
    {
        var features = codes.Select((c, i) => new
        {
            type = "Feature",
            properties = new { code = c, name = c },
            geometry = new
            {
                type = "Polygon",
                coordinates = new[] { new[] { new[] { i, 0.0 }, new[] { i + 1, 0.0 }, new[] { i + 1, 1.0 }, new[] { i, 1.0 }, new[] { i, 0.0 } } },
            },
        });
        string json = JsonSerializer.Serialize(new { type = "FeatureCollection", features });
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO geo_maps (code, name, geo_json) VALUES (@c, @n, @j)";
        foreach ((string p, string v) in new[] { ("@c", code), ("@n", name), ("@j", json) })
        {
            DbParameter parameter = cmd.CreateParameter();
            parameter.ParameterName = p;
            parameter.Value = v;
            cmd.Parameters.Add(parameter);
        }

        cmd.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [GeneratedRegex(@"one-time password: (\S+)")]
    private static partial Regex OneTimeRegex();
}
