using Saima.Data;

namespace Saima.Cli.Tests;

/// <summary>`saima db`, `saima demo` and `saima import` on SQLite files (the PostgreSQL paths are covered in Saima.Data.Tests).</summary>
public sealed class OpsCommandTests
{
    [Theory]
    [InlineData("Host=db;Port=5432;Username=saima;Database=country", 0)]
    [InlineData("Host=db;Database=country;Command Timeout=300", 300)]
    [InlineData("Host=db;Database=country;commandtimeout=45", 45)]
    public void ScaleBuild_OnPostgres_RunsWithoutACommandTimeout_UnlessTheConnectionStringSetsOne(string connection, int expected)
    {
        StoreOptions store = OpsCommands.WithoutCommandTimeout(StoreOptions.Postgres(connection));

        new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString).CommandTimeout.ShouldBe(expected);
        new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString).Database.ShouldBe("country");
        OpsCommands.WithoutCommandTimeout(StoreOptions.SqliteFile("x.db")).ShouldBe(StoreOptions.SqliteFile("x.db"));
    }

    [Fact]
    public void DbInit_ThenMigrate_SaysNothingToDo()
    {
        using var dir = new CliTempDir();
        string db = dir["s.db"];

        CliRun init = CliRunner.Run("db", "init", "--db", db);
        CliRun migrate = CliRunner.Run("db", "migrate", "--db", db);

        init.Exit.ShouldBe(0, init.ToString());
        init.Out.ShouldContain($"schema version {SchemaMigrator.LatestVersion(StoreProvider.Sqlite)}");
        migrate.Exit.ShouldBe(0, migrate.ToString());
        migrate.Out.ShouldContain("is up to date");
        migrate.Out.ShouldContain("nothing to do");
        CliRunner.Run("db", "init", "--db", db).ShouldBeBadInput("already has a schema", "saima db migrate");
    }

    [Fact]
    public void DbMigrate_OlderDatabase_ListsTheScriptsApplied()
    {
        using var dir = new CliTempDir();
        StoreOptions store = StoreOptions.SqliteFile(dir["old.db"]);
        SchemaMigrator.Migrate(store, upTo: 1);

        CliRun run = CliRunner.Run("db", "migrate", "--db", dir["old.db"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("applied 0002_results");
        run.Out.ShouldContain("applied 0003_demo_geo");
    }

    [Fact]
    public void Demo_DatabaseHoldingData_RefusedWithoutForce()
    {
        using var dir = new CliTempDir();
        string db = HoldingOneUnit(dir, "full.db");

        CliRun run = CliRunner.Run("demo", "--db", db);

        run.ShouldBeBadInput("already holds data", "--force");
        using var ctx = SaimaDb.Open(StoreOptions.SqliteFile(db));
        ctx.Units.Count().ShouldBe(1);
    }

    [Fact]
    public void Demo_BothDbAndPostgres_BadInput()
    {
        CliRunner.Run("demo", "--db", "x.db", "--postgres", "Host=127.0.0.1;Database=x").ShouldBeBadInput("not both");
    }

    [Fact]
    public void DbBackupRestore_Sqlite_RoundTrips()
    {
        using var dir = new CliTempDir();
        string db = HoldingOneUnit(dir, "a.db");

        CliRun backup = CliRunner.Run("db", "backup", "--db", db, dir["a.bak"]);
        CliRun restore = CliRunner.Run("db", "restore", "--db", dir["b.db"], dir["a.bak"]);

        backup.Exit.ShouldBe(0, backup.ToString());
        restore.Exit.ShouldBe(0, restore.ToString());
        using (var ctx = SaimaDb.Open(StoreOptions.SqliteFile(dir["b.db"])))
        {
            ctx.Units.Single().Name.ShouldBe("澜湖区");
        }

        SchemaMigrator.CurrentVersion(StoreOptions.SqliteFile(dir["b.db"])).ShouldBe(SchemaMigrator.LatestVersion(StoreProvider.Sqlite));
        CliRunner.Run("db", "restore", "--db", dir["b.db"], dir["a.bak"]).ShouldBeBadInput("holds data", "--force");
        CliRunner.Run("db", "restore", "--db", dir["b.db"], dir["a.bak"], "--force").Exit.ShouldBe(0);
        CliRunner.Run("db", "backup", "--db", db, dir["a.bak"]).ShouldBeBadInput("exists", "--force");
        CliRunner.Run("db", "restore", "--db", dir["c.db"], dir["missing.bak"]).ShouldBeBadInput("no such file");
    }

    [Fact]
    public void Import_UnknownScheme_BadInput()
    {
        using var dir = new CliTempDir();
        string db = dir["i.db"];
        CliRunner.Run("db", "init", "--db", db).Exit.ShouldBe(0);
        string csv = dir.Write("f.csv", "unit,indicator,period,value\nC01,GDP,2025-06,1\n");

        CliRunner.Run("import", "--db", db, "--scheme", "NOPE", "--file", csv).ShouldBeBadInput("unknown scheme 'NOPE'");
        CliRunner.Run("import", "--db", dir["none.db"], "--scheme", "NOPE", "--file", csv).ShouldBeBadInput("no such database");
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("db", "init")]
    [InlineData("db", "migrate")]
    [InlineData("db", "backup")]
    [InlineData("db", "restore")]
    [InlineData("import")]
    public void Help_EachCommand_ExplainsWithAnExample(params string[] command)
    {
        CliRun run = CliRunner.Run([.. command, "--help"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("Example");
        run.Out.ShouldContain("saima " + string.Join(' ', command));
    }

    private static string HoldingOneUnit(CliTempDir dir, string name)
    {
        string db = dir[name];
        CliRunner.Run("db", "init", "--db", db).Exit.ShouldBe(0);
        using var ctx = SaimaDb.Open(StoreOptions.SqliteFile(db));
        ctx.Units.Add(new Unit { Code = "C01", Name = "澜湖区", Kind = UnitKind.District });
        ctx.SaveChanges();
        return db;
    }
}
