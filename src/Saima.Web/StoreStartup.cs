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

/// <summary>/healthz: ready when the store answers (the schema was brought up to date before listening).</summary>
internal sealed class StoreHealthCheck(SaimaDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the store does not answer");
}

/// <summary>What happens once, before the application listens.</summary>
internal static class StoreStartup
{
    public static void Prepare(IServiceProvider services, StoreOptions store, WebOptions options)
    {
        DatabaseOps.EnsureDatabase(store);
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
