using System.CommandLine;
using Saima.Web;

namespace Saima.Cli;

/// <summary><c>saima serve</c>: the web application (docs/operations.md).</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    private const string Description = """
        Starts the web application on --urls (default http://127.0.0.1:5000) until Ctrl+C.
        With no database given it uses saima.db in the working folder and builds the demo city
        there on first start. On a store given with --db or --postgres that holds no scheme yet
        (a new file, an empty database) it says how to load the demo (saima demo --db FILE) or
        how to start empty in the browser (/admin/units, then /admin/schemes/new). The schema is
        brought up to date before it listens; GET /healthz answers 200 once it serves pages.

        The first administrator is 'admin': with SAIMA_ADMIN_PASSWORD set when the users are
        created, that is its password; otherwise a one-time password is printed here once and
        must be changed at first login. There is no built-in password.

        PostgreSQL may also come from configuration: the environment variable Saima__Postgres.

        Examples:
          saima serve
          saima serve --db /var/lib/saima/saima.db --urls http://0.0.0.0:8080
          saima serve --postgres "Host=127.0.0.1;Username=saima;Database=saima"
        """;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var urls = new Option<string>("--urls") { Description = "Where to listen (semicolon-separated).", DefaultValueFactory = _ => DefaultUrls, HelpName = "URLS" };
        var command = new Command("serve", Description) { db, postgres, urls };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string? file = parse.GetValue(db);
            string? pg = parse.GetValue(postgres) ?? NullIfEmpty(Environment.GetEnvironmentVariable("Saima__Postgres"));
            var store = OpsCommands.Store(file, pg).Pooled();
            var app = SaimaWeb.Build([], new WebOptions
            {
                Store = store,
                Urls = parse.GetValue(urls),
                DemoIfEmpty = file is null && pg is null,
                Output = stdout,
            });
            stdout.WriteLine($"Saima serves {store} on {parse.GetValue(urls)} (Ctrl+C stops it)");
            stdout.Flush();
            app.Run();
        }));
        return command;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
