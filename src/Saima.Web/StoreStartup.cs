using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Saima.Data;
using Saima.Data.Backup;
using Saima.Data.Demo;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Web;

/// <summary>The store in the web application: one <see cref="SaimaDb"/> per request, on SQLite or PostgreSQL.</summary>
public static class StoreExtensions
{
    public static IServiceCollection AddSaimaStore(this IServiceCollection services, StoreOptions store)
    {
        services.AddSingleton(store);
        // One context per request from a pool: a context's construction and its internal service
        // scope were a large share of a page's allocations under load (bench/web/README.md).
        services.AddDbContextPool<SaimaDb>(o => SaimaDb.Configure(o, store));
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        services.AddScoped<OfficeTime>();
        return services;
    }
}

/// <summary>
/// /healthz: ready when the store answers and is sound: its schema version is the one this build
/// migrated to, and a SQLite file passes SQLite's quick check (its pages and records readable; run
/// at most once a minute, the answer kept meanwhile), so that a damaged file is not called healthy.
/// </summary>
internal sealed class StoreHealthCheck(SaimaDb db, StoreOptions store) : IHealthCheck
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(1);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (StoreOptions Store, DateTime At, string? Problem)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            return HealthCheckResult.Unhealthy("the store does not answer");
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTime now = DateTime.UtcNow;
            if (_last is not { } last || !ReferenceEquals(last.Store, store) || now - last.At > CheckEvery)
            {
                _last = last = (store, now, Problem());
            }

            return last.Problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(last.Problem);
        }
        finally
        {
            Gate.Release();
        }
    }

    private string? Problem()
    {
        try
        {
            using var connection = SchemaMigrator.OpenConnection(store);
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT max(version) FROM schema_version";
                object? v = cmd.ExecuteScalar();
                int version = v is null or DBNull ? 0 : Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
                if (version != SchemaMigrator.LatestVersion(store.Provider))
                {
                    return $"the store has schema version {version.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected {SchemaMigrator.LatestVersion(store.Provider).ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                }
            }

            if (connection is Microsoft.Data.Sqlite.SqliteConnection)
            {
                using var check = connection.CreateCommand();
                check.CommandText = "PRAGMA quick_check(3)";
                using var r = check.ExecuteReader();
                var found = new List<string>();
                while (r.Read())
                {
                    found.Add(r.GetString(0));
                }

                if (found is not ["ok"])
                {
                    return "the SQLite file is damaged: " + string.Join("; ", found);
                }
            }

            return null;
        }
        catch (System.Data.Common.DbException e)
        {
            return "the store cannot be read: " + e.Message;
        }
    }
}

/// <summary>What happens once, before the application listens.</summary>
internal static class StoreStartup
{
    public static void Prepare(IServiceProvider services, StoreOptions store, WebOptions options)
    {
        DatabaseOps.EnsureDatabase(store);

        // Several nodes starting together on one PostgreSQL take turns here (an advisory lock):
        // one migrates and makes the first administrator, the others find it done.
        using IDisposable turn = SchemaMigrator.StartupLock(store);
        SchemaMigrator.Migrate(store);
        TextWriter output = options.Output ?? Console.Out;
        if (options.DemoIfEmpty)
        {
            bool empty;
            using (SaimaDb db = SaimaDb.Open(store))
            {
                empty = !db.Units.Any();
            }

            if (empty)
            {
                output.WriteLine($"building the demo city into {store} (first start) ...");
                output.Flush();
                DemoCity.Build(store);
            }
        }

        else
        {
            SayIfEmpty(store, output);
        }

        using IServiceScope scope = services.CreateScope();
        FirstAdmin.EnsureAsync(scope.ServiceProvider, options.AdminPassword, output).GetAwaiter().GetResult();
        output.Flush();
    }

    /// <summary>A store without schemes (a new file, an empty database): how to load the demo, or how to start from nothing.</summary>
    internal static void SayIfEmpty(StoreOptions store, TextWriter output)
    {
        bool units, schemes;
        using (SaimaDb db = SaimaDb.Open(store))
        {
            units = db.Units.Any();
            schemes = db.Schemes.Any();
        }

        if (schemes)
        {
            return;
        }

        string where = store.Provider == StoreProvider.Sqlite
            ? "--db " + Quote(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource)
            : "--postgres \"CONNECTION\"";
        output.WriteLine($"{store} has {(units ? "units but " : string.Empty)}no scheme yet.");
        output.WriteLine($"  To try Saima with the demo city: stop here (Ctrl+C), run `saima demo {where}{(units ? " --force" : string.Empty)}`{(units ? " (it empties the store first)" : string.Empty)}, then serve again.");
        output.WriteLine("  To start empty: sign in as admin, add units at /admin/units and create a scheme at /admin/schemes/new.");
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? "\"" + path + "\"" : path;
}
