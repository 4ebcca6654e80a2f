using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Saima.Data;
using Saima.Data.Backup;
using Saima.Data.Bulk;
using Saima.Data.Demo;
using Spectre.Console;

namespace Saima.Cli;

/// <summary>
/// The operations commands of shared/contracts/ops-cli.md: <c>saima demo</c>, <c>saima db
/// init|migrate|backup|restore</c> and <c>saima import</c>. Results go to standard output;
/// progress bars go to standard error, and only when it is a terminal.
/// </summary>
internal static class OpsCommands
{
    private const string StoreHelp = """

        The database: --db FILE (SQLite, default saima.db in the working folder) or
        --postgres CONNSTRING (e.g. "Host=127.0.0.1;Port=5432;Username=saima;Password=...;Database=saima").
        """;

    private const string DemoDescription = """
        Builds the demo city 澜川市 (Lanchuan, invented) into a new database: 12 counties and
        districts in 2 tracks (城区/县), 150 townships and streets, 40 departments and 2 zones;
        three schemes (the six comparisons with 50 indicators, the township arena, the departments'
        show-and-compare), targets, monthly figures for 2024-01..2025-12 with every period published
        and scored but the last, which is open with late and returned submissions; bonus and penalty
        items; a GeoJSON map (table geo_maps). The same seed gives the same city.

        It refuses a database that already holds data unless --force is given; with --force the
        database is emptied and rebuilt from an empty schema.

        The first administrator is 'admin': with SAIMA_ADMIN_PASSWORD set, that is its password;
        otherwise a random one-time password is printed once (change it at first login).

        Examples:
          saima demo
          saima demo --db /var/lib/saima/demo.db --force
          saima demo --postgres "Host=127.0.0.1;Username=postgres;Database=saima_demo"
        """ + StoreHelp;

    private const string DbDescription = """
        Creates, upgrades, backs up and restores the database.

        Examples:
          saima db init --db saima.db
          saima db migrate --db saima.db
          saima db backup --db saima.db backups/saima-2025-06-30.db
          saima db restore --db saima.db backups/saima-2025-06-30.db --force
        """;

    private const string InitDescription = """
        Creates a new database with the latest schema (no data). A SQLite file is created; a
        PostgreSQL database is created on its server if it does not exist. Refuses a database that
        already has a schema (use migrate).

        Example:
          saima db init --db saima.db
        """ + StoreHelp;

    private const string MigrateDescription = """
        Applies the schema scripts the database has not had yet, each in its own transaction, and
        lists them (or says the database is up to date). Data are kept.

        Example:
          saima db migrate --postgres "Host=db;Username=saima;Database=saima"
        """ + StoreHelp;

    private const string BackupDescription = """
        Writes a backup of the whole database to FILE: for SQLite a consistent copy made with
        VACUUM INTO (itself a SQLite database); for PostgreSQL a pg_dump archive in custom format
        (needs pg_dump). The file appears only when complete; an existing file needs --force.

        Example:
          saima db backup --db saima.db saima-backup.db
        """ + StoreHelp;

    private const string RestoreDescription = """
        Restores a backup made by 'saima db backup' into the database. A database that holds data
        is replaced only with --force. PostgreSQL needs pg_restore.

        Example:
          saima db restore --db saima.db saima-backup.db --force
        """ + StoreHelp;

    private const string ImportDescription = """
        Bulk-loads figures from a long CSV file into one import batch (PostgreSQL: binary COPY;
        SQLite: one transaction). Columns (header row, any order): unit, indicator, period, value,
        and optionally scheme (then it must be the --scheme given). Periods are 2025-06, 2025-Q2 or
        2025 as the scheme's frequency says; an empty value is a missing figure. Every code is
        checked against the scheme first; on any error nothing is loaded (exit 2).

        Example:
          saima import --db saima.db --scheme LC-COUNTY --file figures-2026-01.csv
        """ + StoreHelp;

    public static Command BuildDemo(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = StoreOptions();
        var force = new Option<bool>("--force") { Description = "Empty a database that holds data and rebuild it." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the generator (default 20240101).", DefaultValueFactory = _ => 20240101, HelpName = "S" };
        var verbose = new Option<bool>("--verbose") { Description = "Print each step of the build with its time." };
        var command = new Command("demo", DemoDescription) { db, postgres, force, seed, verbose };
        command.SetAction(parse => Guarded(stderr, () => Demo(Store(parse.GetValue(db), parse.GetValue(postgres)), parse.GetValue(force), parse.GetValue(seed), parse.GetValue(verbose), stdout, stderr)));
        return command;
    }

    public static Command BuildDb(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("db", DbDescription);

        var (db, postgres) = StoreOptions();
        var init = new Command("init", InitDescription) { db, postgres };
        var initDb = db;
        var initPg = postgres;
        init.SetAction(parse => Guarded(stderr, () => Init(Store(parse.GetValue(initDb), parse.GetValue(initPg)), stdout)));
        command.Add(init);

        (db, postgres) = StoreOptions();
        var migrate = new Command("migrate", MigrateDescription) { db, postgres };
        var migrateDb = db;
        var migratePg = postgres;
        migrate.SetAction(parse => Guarded(stderr, () => Migrate(Store(parse.GetValue(migrateDb), parse.GetValue(migratePg)), stdout)));
        command.Add(migrate);

        (db, postgres) = StoreOptions();
        var backupFile = new Argument<string>("FILE") { Description = "The backup file to write." };
        var backupForce = new Option<bool>("--force") { Description = "Replace FILE if it exists." };
        var backup = new Command("backup", BackupDescription) { db, postgres, backupFile, backupForce };
        var backupDb = db;
        var backupPg = postgres;
        backup.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(backupDb), parse.GetValue(backupPg));
            string file = parse.GetValue(backupFile)!;
            Timed(stderr, $"Backing up {store}", () => DatabaseOps.Backup(store, file, parse.GetValue(backupForce)));
            stdout.WriteLine($"backed up {store} to {file} ({Size(file)})");
        }));
        command.Add(backup);

        (db, postgres) = StoreOptions();
        var restoreFile = new Argument<string>("FILE") { Description = "A backup made by 'saima db backup'." };
        var restoreForce = new Option<bool>("--force") { Description = "Replace a database that holds data." };
        var restore = new Command("restore", RestoreDescription) { db, postgres, restoreFile, restoreForce };
        var restoreDb = db;
        var restorePg = postgres;
        restore.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(restoreDb), parse.GetValue(restorePg));
            string file = parse.GetValue(restoreFile)!;
            int version = 0;
            Timed(stderr, $"Restoring {file}", () => version = DatabaseOps.Restore(store, file, parse.GetValue(restoreForce)));
            stdout.WriteLine($"restored {file} into {store} (schema version {version.ToString(CultureInfo.InvariantCulture)})");
            int latest = SchemaMigrator.LatestVersion(store.Provider);
            if (version < latest)
            {
                stdout.WriteLine($"the backup has an older schema; run 'saima db migrate' to bring it to version {latest.ToString(CultureInfo.InvariantCulture)}");
            }
        }));
        command.Add(restore);
        return command;
    }

    public static Command BuildImport(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = StoreOptions();
        var scheme = new Option<string>("--scheme") { Description = "The scheme's code (e.g. LC-COUNTY).", Required = true, HelpName = "CODE" };
        var file = new Option<string>("--file") { Description = "The CSV file: unit, indicator, period, value[, scheme].", Required = true, HelpName = "F.csv" };
        var status = new Option<string>("--status") { Description = "Status of the loaded figures: submitted (default) or approved.", DefaultValueFactory = _ => "submitted", HelpName = "STATUS" };
        var user = new Option<string>("--user") { Description = "Who the import is recorded as (default: import).", DefaultValueFactory = _ => "import", HelpName = "NAME" };
        var command = new Command("import", ImportDescription) { db, postgres, scheme, file, status, user };
        command.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(db), parse.GetValue(postgres));
            RequireSchema(store);
            FigureStatus figureStatus = parse.GetValue(status)!.ToLowerInvariant() switch
            {
                "submitted" => FigureStatus.Submitted,
                "approved" => FigureStatus.Approved,
                string s => throw new CliInputException($"--status: '{s}' is not a status; expected submitted or approved"),
            };
            string path = parse.GetValue(file)!;
            BulkLoadResult? result = null;
            WithProgress(stderr, "Loading figures", (report) => result = FigureBulkLoader.LoadCsv(store, parse.GetValue(scheme)!, path, new BulkLoadOptions
            {
                EnteredBy = parse.GetValue(user)!,
                Status = figureStatus,
                Progress = (phase, done, total) => report(phase == "read" ? 0.5 * done / Math.Max(1, total) : 0.5 + (0.5 * done / Math.Max(1, total))),
            }));
            double rate = result!.Rows / Math.Max(result.Elapsed.TotalSeconds, 1e-9);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loaded {result.Rows} figures into scheme {parse.GetValue(scheme)} as import {result.ImportId} in {result.Elapsed.TotalSeconds:0.00} s ({rate:0} rows/s)"));
            if (result.PeriodsCreated.Count > 0)
            {
                stdout.WriteLine($"new open periods: {string.Join(", ", result.PeriodsCreated)}");
            }
        }));
        return command;
    }

    private static void Demo(StoreOptions store, bool force, ulong seed, bool verbose, TextWriter stdout, TextWriter stderr)
    {
        DatabaseOps.EnsureDatabase(store);
        if (DatabaseOps.HoldsData(store))
        {
            if (!force)
            {
                throw new CliInputException($"{store} already holds data; the demo is built into an empty database. Give --force to empty it and rebuild the demo");
            }

            DatabaseOps.Reset(store);
            DatabaseOps.EnsureDatabase(store);
        }

        var sw = Stopwatch.StartNew();
        DemoSummary? summary = null;
        string step = "schema";
        WithProgress(stderr, "Building the demo city", report =>
        {
            SchemaMigrator.Migrate(store);
            summary = DemoCity.Build(store, new DemoOptions
            {
                Seed = seed,
                Progress = (name, share) =>
                {
                    if (verbose && name != step)
                    {
                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {sw.Elapsed.TotalSeconds,6:0.00} s  {name}"));
                        step = name;
                    }

                    report(share);
                },
            });
        });
        var s = summary!;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"built the demo city 澜川市 (Lanchuan) into {store} in {sw.Elapsed.TotalSeconds:0.0} s"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {s.Units} units, {s.Schemes} schemes ({DemoCity.CountyScheme}, {DemoCity.TownshipScheme}, {DemoCity.DepartmentScheme}), {s.Indicators} indicators, {s.Targets} targets"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {s.Figures} figures; {s.PublishedPeriods} of {s.Periods} periods published, {s.ResultSets} scored; open periods: {s.LateFigures} figures late, {s.ReturnedFigures} returned"));

        // The first administrator. Identity comes with the web application; until then nothing
        // password-related is stored, and the password is shown here once.
        string? given = Environment.GetEnvironmentVariable("SAIMA_ADMIN_PASSWORD");
        if (!string.IsNullOrEmpty(given))
        {
            stdout.WriteLine("administrator: admin (password from SAIMA_ADMIN_PASSWORD)");
        }
        else
        {
            stdout.WriteLine($"administrator: admin, one-time password: {OneTimePassword()} (shown once; change it at first login)");
        }
    }

    private static void Init(StoreOptions store, TextWriter stdout)
    {
        DatabaseOps.EnsureDatabase(store);
        if (DatabaseOps.HasTables(store))
        {
            throw new CliInputException($"{store} already has a schema (version {SchemaMigrator.CurrentVersion(store).ToString(CultureInfo.InvariantCulture)}); use 'saima db migrate' to upgrade it");
        }

        var applied = SchemaMigrator.Migrate(store);
        stdout.WriteLine($"created {store} with schema version {applied[^1].Version.ToString(CultureInfo.InvariantCulture)} ({string.Join(", ", applied.Select(a => a.Name))})");
    }

    private static void Migrate(StoreOptions store, TextWriter stdout)
    {
        DatabaseOps.EnsureDatabase(store);
        int before = SchemaMigrator.CurrentVersion(store);
        var applied = SchemaMigrator.Migrate(store);
        if (applied.Count == 0)
        {
            stdout.WriteLine($"{store} is up to date (schema version {before.ToString(CultureInfo.InvariantCulture)}); nothing to do");
            return;
        }

        foreach (var a in applied)
        {
            stdout.WriteLine($"applied {a.Name}");
        }

        stdout.WriteLine($"{store}: schema version {before.ToString(CultureInfo.InvariantCulture)} -> {applied[^1].Version.ToString(CultureInfo.InvariantCulture)}");
    }

    private static void RequireSchema(StoreOptions store)
    {
        if (!DatabaseOps.Exists(store))
        {
            throw new CliInputException($"{store}: no such database; create it with 'saima db init' or 'saima demo'");
        }

        DatabaseOps.EnsureDatabase(store);
        int version = SchemaMigrator.CurrentVersion(store);
        int latest = SchemaMigrator.LatestVersion(store.Provider);
        if (version == 0)
        {
            throw new CliInputException($"{store} has no Saima schema; run 'saima db init' first");
        }

        if (version < latest)
        {
            throw new CliInputException($"{store} has schema version {version.ToString(CultureInfo.InvariantCulture)}, older than {latest.ToString(CultureInfo.InvariantCulture)}; run 'saima db migrate' first");
        }
    }

    private static (Option<string> Db, Option<string> Postgres) StoreOptions() =>
        (new Option<string>("--db") { Description = "A SQLite database file (default: saima.db in the working folder).", HelpName = "FILE" },
         new Option<string>("--postgres") { Description = "A PostgreSQL connection string instead of a SQLite file.", HelpName = "CONNSTRING" });

    private static StoreOptions Store(string? db, string? postgres)
    {
        if (db is not null && postgres is not null)
        {
            throw new CliInputException("give --db FILE or --postgres CONNSTRING, not both");
        }

        if (postgres is not null)
        {
            try
            {
                var b = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
                if (string.IsNullOrEmpty(b.Database))
                {
                    throw new CliInputException("--postgres: the connection string names no Database; expected e.g. \"Host=127.0.0.1;Username=saima;Database=saima\"");
                }
            }
            catch (ArgumentException e)
            {
                throw new CliInputException($"--postgres: not a connection string ({e.Message}); expected e.g. \"Host=127.0.0.1;Username=saima;Database=saima\"");
            }

            return Saima.Data.StoreOptions.Postgres(postgres);
        }

        return Saima.Data.StoreOptions.SqliteFile(db ?? Path.Combine(Environment.CurrentDirectory, "saima.db"));
    }

    /// <summary>A progress bar on standard error when it is a terminal; otherwise the work runs silently.</summary>
    private static void WithProgress(TextWriter stderr, string title, Action<Action<double>> work)
    {
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
        {
            work(_ => { });
            return;
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(title, maxValue: 1.0);
                work(share => task.Value = Math.Clamp(share, 0, 1));
                task.Value = 1.0;
            });
    }

    private static void Timed(TextWriter stderr, string title, Action work) => WithProgress(stderr, title, report => work());

    private static string OneTimePassword()
    {
        // No 0/O, 1/l/I: it is read off a screen and typed once.
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }

    private static string Size(string file)
    {
        long bytes = new FileInfo(file).Length;
        return bytes >= 1 << 20
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} kB");
    }

    /// <summary>Runs an operations command: bad input exits 2 with one clear line, anything else 1.</summary>
    private static int Guarded(TextWriter stderr, Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (Exception e) when (e is CliInputException or DatabaseOpsException or BulkLoadException or Saima.Scoring.ScoringException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return CliApp.BadInput;
        }
        catch (Npgsql.NpgsqlException e)
        {
            stderr.WriteLine($"error: PostgreSQL: {e.Message}");
            return CliApp.Failure;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            stderr.WriteLine($"error: SQLite: {e.Message}");
            return CliApp.Failure;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return CliApp.Failure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: internal failure: {e}");
            return CliApp.Failure;
        }
    }
}
