using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.WebEncoders;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.Api;
using Saima.Web.Features.Errors;
using Saima.Web.Features.Evidence;
using Saima.Web.Features.League;
using Saima.Web.Features.Shared;
using Saima.Web.Features.Units;
using Saima.Web.Identity;
using Saima.Web.Localization;
using Saima.Web.Security;

namespace Saima.Web;

/// <summary>How the web application is started: by <c>saima serve</c>, by Program.cs and by the tests.</summary>
public sealed class WebOptions
{
    /// <summary>
    /// The store. Null: PostgreSQL when configuration names <c>Saima:Postgres</c> (a connection
    /// string; environment variable <c>Saima__Postgres</c>), else the SQLite file <c>Saima:Db</c>,
    /// else <c>saima.db</c> in the working folder.
    /// </summary>
    public StoreOptions? Store { get; init; }

    /// <summary>Where to listen; null keeps ASP.NET Core's configuration (<c>--urls</c>, <c>ASPNETCORE_URLS</c>).</summary>
    public string? Urls { get; init; }

    /// <summary>Build the demo city into the store at start when it holds no units (the default saima.db of <c>saima serve</c>).</summary>
    public bool DemoIfEmpty { get; init; }

    /// <summary>
    /// The first administrator's password when the users are created: for automation, no forced
    /// change. Null: a one-time password is printed once to <see cref="Output"/> and must be
    /// changed at first login.
    /// </summary>
    public string? AdminPassword { get; init; } = Environment.GetEnvironmentVariable(FirstAdmin.PasswordVariable);

    /// <summary>Where start-up messages (the one-time password) go; default standard output.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>The clock of the application (tests pass a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Last changes to the builder before it builds (tests: a test server, logging).</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }
}

/// <summary>The Saima web application: Razor Pages over the store, behind login, Chinese first.</summary>
public static class SaimaWeb
{
    /// <summary>
    /// Builds the application and prepares its store (schema scripts, the demo city when asked,
    /// roles and the first administrator), so that it serves pages as soon as it listens.
    /// </summary>
    public static WebApplication Build(string[] args, WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The pages and the web root belong to this assembly, whichever program hosts it (saima, tests).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // No file watchers on appsettings: nothing here reloads configuration at run time, and
            // each watcher takes an inotify instance (128 per user by default), which the tests'
            // many in-process applications would otherwise exhaust.
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = typeof(SaimaWeb).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        if (options.Urls is not null)
        {
            builder.WebHost.UseUrls(options.Urls);
        }

        // SQL text at Information would bury the one-time password printed at start.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // Nor a handful of lines per request (request started/finished, page and handler executed),
        // as ASP.NET Core's templates have it: under load the console logger's lock was the largest
        // item of a CPU profile of the league table (bench/web/README.md). A more specific category
        // in configuration turns them back on (Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics);
        // start-up messages (Microsoft.Hosting.Lifetime) stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Chinese as characters, not &#x...; entities (markup characters are still encoded).
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        StoreOptions store = options.Store ?? StoreFromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSaimaStore(store);
        builder.Services.AddSaimaIdentity(store);
        builder.Services.AddSaimaSecurity();
        builder.Services.AddSaimaProxyAndThrottle(builder.Configuration);
        builder.Services.AddSaimaAccess();
        builder.Services.AddSaimaApi();
        builder.Services.AddSaimaEvidence(builder.Configuration);
        builder.Services.AddSaimaLocalization();
        builder.Services.AddScoped<LeagueQuery>();
        builder.Services.AddHostedService<Saima.Web.Features.Proofs.ChainCheckJob>();
        builder.Services.AddSingleton<Saima.Web.Features.Reports.ReportJobs>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Saima.Web.Features.Reports.ReportJobs>());
        builder.Services.AddSingleton<Saima.Web.Features.Analysis.BackgroundCpu>();
        builder.Services.AddSingleton(new Saima.Web.Features.Analysis.RequestsInFlight(TimeProvider.System));
        builder.Services.AddSingleton<Saima.Web.Features.Analysis.AnalysisJobs>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Saima.Web.Features.Analysis.AnalysisJobs>());
        // The first unit page after start: the set-wide parts read in the background once the server listens.
        builder.Services.AddSingleton<Saima.Web.Features.Units.UnitPageWarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Saima.Web.Features.Units.UnitPageWarmUp>());
        // Pages live in feature folders (Features/League holds the league page, its export and its query).
        builder.Services.AddRazorPages(o => o.RootDirectory = "/Features");
        // Frozen published data (Features/Shared/Published.cs, Features/Units/UnitExplain.cs), within a budget: every entry has a size.
        IConfiguration configuration = builder.Configuration;
        builder.Services.AddMemoryCache(o => o.SizeLimit = Math.Max(1, configuration.GetValue("Saima:CacheSize", Published.DefaultCacheSize)));
        options.ConfigureBuilder?.Invoke(builder);

        WebApplication app = builder.Build();
        // …and within a share of the process's memory (Features/Shared/CacheMemory.cs).
        CacheMemory.Set(app.Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(),
            Math.Max(0, app.Configuration.GetValue(CacheMemory.BudgetKey, CacheMemory.DefaultBudgetMegabytes)) * 1024L * 1024L);
        StoreStartup.Prepare(app.Services, store, options);

        // Counts the requests being answered: the background analysis waits for a quiet moment.
        Saima.Web.Features.Analysis.RequestsInFlight.Use(app);
        app.UseSaimaProxies();
        app.UseSaimaSecurityHeaders();
        app.UseSaimaErrorPages();
        app.UseStaticFiles();
        app.UseSaimaLocalization();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseForcedPasswordChange();
        app.UseAntiforgery();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapRazorPages();
        app.MapSaimaApi();
        app.MapSaimaEvidence();
        return app;
    }

    private static StoreOptions StoreFromConfiguration(IConfiguration configuration)
    {
        string? postgres = configuration["Saima:Postgres"];
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return StoreOptions.Postgres(postgres).Pooled();
        }

        return StoreOptions.SqliteFile(configuration["Saima:Db"] ?? Path.Combine(Environment.CurrentDirectory, "saima.db")).Pooled();
    }
}
