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
/// The operations commands (docs/operations.md): <c>saima demo</c>, <c>saima db
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

        With --scale province|large|country it builds a synthetic store to measure with instead:
        counties named like the city's in two tracks, one monthly scheme (100 or 200 indicators),
        24 months of figures by the bulk path, every period published and scored but the last;
        country adds 40,000 townships × 50 indicators in a second scheme.

        It refuses a database that already holds data unless --force is given; with --force the
        database is emptied and rebuilt from an empty schema.

        The first administrator is 'admin': with SAIMA_ADMIN_PASSWORD set, that is its password;
        otherwise a random one-time password is printed once (change it at first login).

        Examples:
          saima demo
          saima demo --db /var/lib/saima/demo.db --force
          saima demo --postgres "Host=127.0.0.1;Username=postgres;Database=saima_demo"
          saima demo --scale province --db province.db
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
        VACUUM INTO (itself a SQLite database, with the SHA-256 of its content inside, checked
        by restore); for PostgreSQL a pg_dump archive in custom format
        (needs pg_dump). The file appears only when complete; an existing file needs --force.

        Example:
          saima db backup --db saima.db saima-backup.db
        """ + StoreHelp;

    private const string RestoreDescription = """
        Restores a backup made by 'saima db backup' into the database. A database that holds data
        is replaced only with --force. Nothing is replaced before the backup was checked: a SQLite
        backup must pass SQLite's integrity check, be a Saima store this version can open and match
        the checksum written when it was made (a damaged, changed or foreign file is refused, exit
        2); a PostgreSQL dump is restored into a new database, checked (schema version, audit and
        result chains) and only then swapped for the live one, whose other sessions are ended. A
        damaged dump leaves the live database as it was. PostgreSQL needs pg_restore.

        Example:
          saima db restore --db saima.db saima-backup.db --force
        """ + StoreHelp;

    private const string ImportDescription = """
        Imports figures into a scheme from an .xlsx, .xls (WPS, older Excel) or .csv file: a filled
        template (saima template) or any sheet with the columns unit, indicator, period, value (in
        Chinese or English headers). Every row is checked (unknown unit or indicator, not a number,
        outside the indicator's plausible range, a year-to-date figure below last month's, a
        duplicate, a published period); the whole file is taken or nothing is, and every error is
        listed with its sheet, row, column and reason in Chinese and English (exit 2). Figures are
        stored as drafts, or as submitted with --submit.

        With --bulk the CSV (unit, indicator, period, value[, scheme]) is loaded by the bulk path
        instead (PostgreSQL: binary COPY; SQLite: one transaction): codes are checked first and on
        any error nothing is loaded, but plausible ranges are not checked; for history and large
        loads.

        Examples:
          saima import --db saima.db --scheme LC-COUNTY --file 青山区-2025-12.xlsx
          saima import --db saima.db --scheme LC-COUNTY --file figures.csv --period 2025-12 --submit
          saima import --db saima.db --scheme LC-COUNTY --file history.csv --bulk --status approved
        """ + StoreHelp;

    private const string ExportDescription = """
        Writes a period's figures (every revision, with status, who and when), results (score,
        rank, track rank, change) and warnings to an .xlsx workbook.

        Example:
          saima export --db saima.db --scheme LC-COUNTY --period 2025-11 --out 2025-11.xlsx
        """ + StoreHelp;

    private const string TemplateDescription = """
        Writes the Excel template a unit fills for a period (its indicators with codes, units of
        measure, last period's value and the year's target, with validation of the value column),
        or with --source the template a source department fills for all units.

        Examples:
          saima template --db saima.db --scheme LC-COUNTY --period 2025-12 --unit LC01 --out LC01.xlsx
          saima template --db saima.db --scheme LC-COUNTY --period 2025-12 --source D-STAT --out stats.xlsx
        """ + StoreHelp;

    public static Command BuildDemo(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = StoreOptions();
        var force = new Option<bool>("--force") { Description = "Empty a database that holds data and rebuild it." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the generator (default 20240101).", DefaultValueFactory = _ => 20240101, HelpName = "S" };
        var verbose = new Option<bool>("--verbose") { Description = "Print each step of the build with its time." };
        var scale = new Option<string>("--scale")
        {
            Description = "city (the demo city, default), province (100 counties × 100 indicators × 24 months), large (1,000 × 200 × 24) or country (3,000 × 200 × 24 and 40,000 townships × 50).",
            DefaultValueFactory = _ => "city",
            HelpName = "SIZE",
        };
        scale.AcceptOnlyFromAmong("city", "province", "large", "country");
        var counties = new Option<int?>("--counties") { Description = "With --scale: this many counties instead of the size's (to measure one size of publication).", HelpName = "N" };
        var indicators = new Option<int?>("--indicators") { Description = "With --scale: this many indicators of the county scheme instead of the size's (at least 10).", HelpName = "N" };
        var months = new Option<int?>("--months") { Description = "With --scale: this many months instead of 24 (at least 2; the last stays open).", HelpName = "N" };
        var command = new Command("demo", DemoDescription) { db, postgres, force, seed, verbose, scale, counties, indicators, months };
        command.SetAction(parse => Guarded(stderr, () => Demo(Store(parse.GetValue(db), parse.GetValue(postgres)), parse.GetValue(force), parse.GetValue(seed), parse.GetValue(verbose), parse.GetValue(scale) ?? "city", stdout, stderr,
            (parse.GetValue(counties), parse.GetValue(indicators), parse.GetValue(months)))));
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
        var restoreUnchecked = new Option<bool>("--unchecked") { Description = "Accept a backup without the checksum 'saima db backup' writes: a SQLite copy made otherwise (after its integrity check), a pg_dump archive without FILE.sha256 beside it (still restored into a new database and checked first)." };
        var restore = new Command("restore", RestoreDescription) { db, postgres, restoreFile, restoreForce, restoreUnchecked };
        var restoreDb = db;
        var restorePg = postgres;
        restore.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(restoreDb), parse.GetValue(restorePg));
            string file = parse.GetValue(restoreFile)!;
            int version = 0;
            Timed(stderr, $"Restoring {file}", () => version = DatabaseOps.Restore(store, file, parse.GetValue(restoreForce), parse.GetValue(restoreUnchecked)));
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
        var file = new Option<string>("--file") { Description = "The file: .xlsx, .xls or .csv (with --bulk: .csv).", Required = true, HelpName = "FILE" };
        var period = new Option<string>("--period") { Description = "The period of rows that name none (e.g. 2025-12).", HelpName = "PERIOD" };
        var unit = new Option<string>("--unit") { Description = "The unit of rows that name none.", HelpName = "CODE" };
        var submit = new Option<bool>("--submit") { Description = "Store the figures as submitted (报送) rather than as drafts." };
        var bulk = new Option<bool>("--bulk") { Description = "Load a large CSV by the bulk path (see above)." };
        var status = new Option<string>("--status") { Description = "With --bulk: status of the loaded figures, submitted (default) or approved.", DefaultValueFactory = _ => "submitted", HelpName = "STATUS" };
        var user = new Option<string>("--user") { Description = "Who the import is recorded as (default: import).", DefaultValueFactory = _ => "import", HelpName = "NAME" };
        var command = new Command("import", ImportDescription) { db, postgres, scheme, file, period, unit, submit, bulk, status, user };
        command.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(db), parse.GetValue(postgres));
            RequireSchema(store);
            string path = parse.GetValue(file)!;
            if (!parse.GetValue(bulk))
            {
                Upload(store, parse.GetValue(scheme)!, path, parse.GetValue(user)!, new Saima.Data.Intake.ImportOptions
                {
                    Period = parse.GetValue(period),
                    UnitCode = parse.GetValue(unit),
                    Submit = parse.GetValue(submit),
                }, stdout, stderr);
                return;
            }

            FigureStatus figureStatus = parse.GetValue(status)!.ToLowerInvariant() switch
            {
                "submitted" => FigureStatus.Submitted,
                "approved" => FigureStatus.Approved,
                string s => throw new CliInputException($"--status: '{s}' is not a status; expected submitted or approved"),
            };
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

    /// <summary>The validated upload: all or nothing, every error listed where the user finds it.</summary>
    private static void Upload(StoreOptions store, string scheme, string path, string user, Saima.Data.Intake.ImportOptions options, TextWriter stdout, TextWriter stderr)
    {
        Saima.Data.Intake.ImportResult result;
        Stream content;
        try
        {
            content = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{path}: cannot read the file: {e.Message}");
        }

        using (content)
        using (SaimaDb context = SaimaDb.Open(store))
        {
            // The command line runs on the server's own host, as the office.
            result = new Saima.Data.Intake.FigureImporter(context, TimeProvider.System).Import(scheme, content, Path.GetFileName(path), Saima.Data.Store.Actor.Office(user), options);
        }

        if (!result.Accepted)
        {
            foreach (Saima.Data.Intake.ImportError error in result.Errors)
            {
                string column = error.Column.Length > 0 ? $", {error.Column}" : string.Empty;
                string row = error.Row > 0 ? string.Create(CultureInfo.InvariantCulture, $", row {error.Row}") : string.Empty;
                string sheet = error.Sheet.Length > 0 ? $"{error.Sheet}{row}{column}: " : string.Empty;
                stderr.WriteLine($"{path}: {sheet}{error.ReasonZh} | {error.ReasonEn}");
            }

            throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {result.ErrorCount} error(s); nothing was imported (文件有 {result.ErrorCount} 处错误，未导入任何数据)"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {result.Inserted} figures ({result.Replaced} replacing drafts, {result.SkippedBlank} blank cells skipped) into scheme {scheme} as import {result.ImportId}"));
    }

    public static Command BuildExport(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = StoreOptions();
        var scheme = new Option<string>("--scheme") { Description = "The scheme's code.", Required = true, HelpName = "CODE" };
        var period = new Option<string>("--period") { Description = "The period (e.g. 2025-11).", Required = true, HelpName = "PERIOD" };
        var output = new Option<string>("--out") { Description = "The .xlsx file to write.", Required = true, HelpName = "FILE" };
        var current = new Option<bool>("--current-only") { Description = "Only the current revision of each figure (the file then imports back cleanly)." };
        var user = new Option<string>("--user") { Description = "Who the export is recorded as (default: export).", DefaultValueFactory = _ => "export", HelpName = "NAME" };
        var command = new Command("export", ExportDescription) { db, postgres, scheme, period, output, current, user };
        command.SetAction(parse => Guarded(stderr, () =>
        {
            StoreOptions store = Store(parse.GetValue(db), parse.GetValue(postgres));
            RequireSchema(store);
            string path = parse.GetValue(output)!;
            Saima.Data.Intake.ExportSummary summary = WriteAtomically(path, stream =>
            {
                using SaimaDb context = SaimaDb.Open(store);
                return new Saima.Data.Intake.PeriodExporter(context, TimeProvider.System).Export(
                    parse.GetValue(scheme)!, parse.GetValue(period)!, stream, parse.GetValue(user)!,
                    new Saima.Data.Intake.ExportOptions { CurrentOnly = parse.GetValue(current) });
            });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: {summary.Figures} figures, {summary.Results} result rows, {summary.Warnings} warnings"));
        }));
        return command;
    }

    public static Command BuildTemplate(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = StoreOptions();
        var scheme = new Option<string>("--scheme") { Description = "The scheme's code.", Required = true, HelpName = "CODE" };
        var period = new Option<string>("--period") { Description = "The period (e.g. 2025-12).", Required = true, HelpName = "PERIOD" };
        var unit = new Option<string>("--unit") { Description = "The unit that fills it.", HelpName = "CODE" };
        var source = new Option<string>("--source") { Description = "Or: the source department that fills it for all units.", HelpName = "CODE" };
        var output = new Option<string>("--out") { Description = "The .xlsx file to write.", Required = true, HelpName = "FILE" };
        var user = new Option<string>("--user") { Description = "Who the template is recorded as made by (default: office).", DefaultValueFactory = _ => "office", HelpName = "NAME" };
        var command = new Command("template", TemplateDescription) { db, postgres, scheme, period, unit, source, output, user };
        command.SetAction(parse => Guarded(stderr, () =>
        {
            string? unitCode = parse.GetValue(unit), sourceCode = parse.GetValue(source);
            if ((unitCode is null) == (sourceCode is null))
            {
                throw new CliInputException("give --unit CODE or --source CODE (one of them)");
            }

            StoreOptions store = Store(parse.GetValue(db), parse.GetValue(postgres));
            RequireSchema(store);
            string path = parse.GetValue(output)!;
            Saima.Data.Intake.TemplateSummary summary = WriteAtomically(path, stream =>
            {
                using SaimaDb context = SaimaDb.Open(store);
                var writer = new Saima.Data.Intake.TemplateWriter(context, TimeProvider.System);
                return unitCode is not null
                    ? writer.WriteUnitTemplate(parse.GetValue(scheme)!, parse.GetValue(period)!, unitCode, stream, parse.GetValue(user)!)
                    : writer.WriteSourceTemplate(parse.GetValue(scheme)!, parse.GetValue(period)!, sourceCode!, stream, parse.GetValue(user)!);
            });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {summary.Rows} rows to fill"));
        }));
        return command;
    }

    /// <summary>Writes a file through a temp file renamed into place, so a failure leaves nothing behind.</summary>
    private static T WriteAtomically<T>(string path, Func<Stream, T> write)
    {
        using var outputs = new OutputSet();
        T result;
        using (Stream stream = outputs.Create(path, path))
        {
            result = write(stream);
        }

        outputs.Commit();
        return result;
    }

    private static void Demo(StoreOptions store, bool force, ulong seed, bool verbose, string scale, TextWriter stdout, TextWriter stderr,
        (int? Counties, int? Indicators, int? Months) custom = default)
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
        DemoScale? size = scale switch
        {
            "province" => DemoScale.Province,
            "large" => DemoScale.Large,
            "country" => DemoScale.Country,
            _ => null,
        };
        void Progress(Action<double> report, string name, double share)
        {
            if (verbose && name != step)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {sw.Elapsed.TotalSeconds,6:0.00} s  {name}"));
                step = name;
            }

            report(share);
        }

        if (size is { } big)
        {
            store = WithoutCommandTimeout(store);
            WithProgress(stderr, $"Building the {scale} store", report =>
            {
                SchemaMigrator.Migrate(store);
                DemoScaleSize of = DemoScaleSize.Of(big);
                of = of with { Counties = custom.Counties ?? of.Counties, CountyIndicators = custom.Indicators ?? of.CountyIndicators };
                summary = DemoCity.BuildScale(store, of, new DemoOptions
                {
                    Seed = seed,
                    Months = custom.Months ?? new DemoOptions().Months,
                    Progress = (name, share) => Progress(report, name, share),
                    Log = verbose ? stdout.WriteLine : null,
                });
            });
            var b = summary!;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built the {scale} store into {store} in {sw.Elapsed.TotalSeconds:0.0} s"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {b.Units} units, {b.Schemes} schemes, {b.Indicators} indicators, {b.Targets} targets, {b.Figures} figures; {b.PublishedPeriods} of {b.Periods} periods published, {b.ResultSets} scored"));
        }
        else
        {
            WithProgress(stderr, "Building the demo city", report =>
            {
                SchemaMigrator.Migrate(store);
                summary = DemoCity.Build(store, new DemoOptions { Seed = seed, Progress = (name, share) => Progress(report, name, share) });
            });
            var s = summary!;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built the demo city 澜川市 (Lanchuan) into {store} in {sw.Elapsed.TotalSeconds:0.0} s"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Units} units, {s.Schemes} schemes ({DemoCity.CountyScheme}, {DemoCity.TownshipScheme}, {DemoCity.DepartmentScheme}), {s.Indicators} indicators, {s.Targets} targets"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Figures} figures; {s.PublishedPeriods} of {s.Periods} periods published, {s.ResultSets} scored; open periods: {s.LateFigures} figures late, {s.ReturnedFigures} returned"));
        }

        // The first administrator (docs/operations.md), stored with the users of the web application.
        Saima.Web.Identity.FirstAdmin.Ensure(store, Environment.GetEnvironmentVariable(Saima.Web.Identity.FirstAdmin.PasswordVariable), stdout);
    }

    /// <summary>
    /// A synthetic store is one long batch: on PostgreSQL a statement of a country's build (a
    /// township scheme's 40,000 units, a period's million figures) may take longer than Npgsql's
    /// 30 s command timeout on a busy server, which would stop the build half-way. Unless the
    /// connection string sets <c>Command Timeout</c> itself, the build runs without one.
    /// </summary>
    internal static StoreOptions WithoutCommandTimeout(StoreOptions store)
    {
        if (store.Provider != StoreProvider.Postgres)
        {
            return store;
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(store.ConnectionString, @"(^|;)\s*command\s*timeout\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        {
            return store;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString) { CommandTimeout = 0 };
        return store with { ConnectionString = builder.ConnectionString };
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

    internal static void RequireSchema(StoreOptions store)
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

    internal static (Option<string> Db, Option<string> Postgres) StoreOptions() =>
        (new Option<string>("--db") { Description = "A SQLite database file (default: saima.db in the working folder).", HelpName = "FILE" },
         new Option<string>("--postgres") { Description = "A PostgreSQL connection string instead of a SQLite file.", HelpName = "CONNSTRING" });

    internal static StoreOptions Store(string? db, string? postgres)
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

    private static string Size(string file)
    {
        long bytes = new FileInfo(file).Length;
        return bytes >= 1 << 20
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} kB");
    }

    /// <summary>Runs an operations command: bad input exits 2 with one clear line, anything else 1.</summary>
    internal static int Guarded(TextWriter stderr, Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (Exception e) when (e is CliInputException or DatabaseOpsException or BulkLoadException or Saima.Scoring.ScoringException
            or Saima.Data.Store.NotFoundException or Saima.Data.Store.WorkflowException or Saima.Data.Store.AccessDeniedException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return CliApp.BadInput;
        }
        catch (ArgumentException e)
        {
            // The intake services name an unknown scheme, period or unit this way.
            stderr.WriteLine($"error: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
            return CliApp.BadInput;
        }
        catch (Npgsql.NpgsqlException e) when (e.InnerException is TimeoutException)
        {
            stderr.WriteLine("error: PostgreSQL: a statement took longer than the connection's command timeout (Npgsql's default is 30 s) and was cancelled; "
                + "nothing of it was stored. If the server is busy or the store large, give a longer one in the connection string, e.g. \"…;Command Timeout=300\" (0: none)");
            return CliApp.Failure;
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
