using Microsoft.EntityFrameworkCore;
using Saima.Data;

namespace Saima.Data.Tests;

[Collection(StoresCollection.Name)]
public sealed class SchemaMigratorTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Migrate_EmptyDatabase_AppliesEveryScriptOnce(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        SchemaMigrator.CurrentVersion(store).ShouldBe(0);

        int[] all = SchemaMigrator.Scripts(provider).Select(s => s.Version).ToArray();
        all[0].ShouldBe(1);
        all.Zip(all.Skip(1)).ShouldAllBe(p => p.Second > p.First, "scripts are numbered upwards, each number once (numbers are handed out ahead, so one may land before the one below it)");
        SchemaMigrator.Migrate(store).Select(s => s.Version).ShouldBe(all);
        SchemaMigrator.CurrentVersion(store).ShouldBe(SchemaMigrator.LatestVersion(provider));
        SchemaMigrator.Migrate(store).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Migrate_SetsAutovacuumOfTheBigTables_OnPostgres_AndRecordsTheVersionOnSqlite(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using var db = SaimaDb.Open(store);
        db.Database.SqlQueryRaw<int>("SELECT version AS \"Value\" FROM schema_version").ToList().ShouldContain(28);
        if (provider == StoreProvider.Sqlite)
        {
            return; // SQLite has no per-table autovacuum: version 28 is recorded and changes nothing
        }

        string[] Options(string table) =>
            db.Database.SqlQuery<string>($"SELECT coalesce(array_to_string(reloptions, ','), '') AS \"Value\" FROM pg_class WHERE relname = {table} AND relkind = 'r'")
                .ToList().Single().Split(',');

        Options("figures").ShouldBe(
            ["autovacuum_vacuum_scale_factor=0.01", "autovacuum_vacuum_threshold=10000", "autovacuum_vacuum_insert_scale_factor=0.01",
             "autovacuum_analyze_scale_factor=0.005", "autovacuum_analyze_threshold=10000"],
            ignoreOrder: true);
        foreach (string table in new[] { "unit_traces", "audit" })
        {
            Options(table).ShouldContain("autovacuum_vacuum_insert_scale_factor=0.01", table);
        }

        // From version 33 the result rows and warnings are partitioned by result set (each
        // publication analyses its own partition): the partitioned tables take no such setting.
        string Kind(string table) =>
            db.Database.SqlQuery<string>($"SELECT relkind::text AS \"Value\" FROM pg_class WHERE relname = {table} AND relnamespace = current_schema()::regnamespace").Single();
        Kind("result_rows").ShouldBe("p");
        Kind("warning_results").ShouldBe("p");
    }

    [Fact]
    public void Migrate_OnPostgres_TheWriteOnceResultTablesHaveNoForeignKeys_TheSmallOnesKeepTheirs()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Postgres);
        using var db = SaimaDb.Open(store);
        int ForeignKeys(string table) =>
            db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_constraint WHERE contype = 'f' AND conrelid = {table}::regclass").Single();

        ForeignKeys("result_rows").ShouldBe(0, "one door writes them, in the transaction of their own set");
        ForeignKeys("warning_results").ShouldBe(0);
        ForeignKeys("unit_traces").ShouldBe(0, "written by the same door with the set, one per unit (version 33)");
        ForeignKeys("what_it_takes").ShouldBe(2);
        ForeignKeys("rank_intervals").ShouldBe(2);
        db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_constraint WHERE contype = 'p' AND conrelid = 'result_rows'::regclass").Single()
            .ShouldBe(1, "the primary key stays");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migrate_TwoNodesStartingTogether_ApplyEachScriptOnceBetweenThem(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        using var start = new Barrier(4);
        Task<IReadOnlyList<SchemaMigrator.Script>>[] nodes = Enumerable.Range(0, 4)
            .Select(_ => Task.Factory.StartNew(() => { start.SignalAndWait(); return SchemaMigrator.Migrate(store); }, TaskCreationOptions.LongRunning))
            .ToArray();
        IReadOnlyList<SchemaMigrator.Script>[] results = await Task.WhenAll(nodes);

        int[] applied = results.SelectMany(n => n).Select(s => s.Version).Order().ToArray();
        applied.ShouldBe(SchemaMigrator.Scripts(provider).Select(s => s.Version).ToArray(), "every script applied once, by one of the nodes");
        using var db = SaimaDb.Open(store);
        db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM schema_version").ToList().Single()
            .ShouldBe(applied.Length);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Migrate_DatabaseOfPreviousVersion_OpensWithItsDataIntact(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        SchemaMigrator.Migrate(store, upTo: 1);
        SchemaMigrator.CurrentVersion(store).ShouldBe(1);
        var at = new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);
        // The rows are written as a store of version 1 held them (plain SQL): today's model has columns that version lacks.
        using (var db = SaimaDb.Open(store))
        {
            string stamp = provider == StoreProvider.Sqlite ? "'2025-07-01T08:00:00.0000000+00:00'" : "'2025-07-01T08:00:00+00:00'";
            string yes = provider == StoreProvider.Sqlite ? "1" : "TRUE";
            string no = provider == StoreProvider.Sqlite ? "0" : "FALSE";
#pragma warning disable EF1002 // constants only, no user input
            db.Database.ExecuteSqlRaw("INSERT INTO units (code, name, name_en, kind) VALUES ('C01', '青山区', 'Qingshan', 2)");
            db.Database.ExecuteSqlRaw($"INSERT INTO schemes (code, name, frequency, created_at, created_by) VALUES ('S1', '县域赛马', 'month', {stamp}, 'office')");
            db.Database.ExecuteSqlRaw($"INSERT INTO indicators (scheme_id, code, name, direction, frequency, cumulative, is_public, sort_order) VALUES (1, 'GDP', '地区生产总值', 1, 'month', {yes}, {no}, 0)");
            db.Database.ExecuteSqlRaw($"INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at) VALUES (1, 1, 1, '2025-06', 123.45, 0, 1, {yes}, 'reporter', {stamp})");
#pragma warning restore EF1002
        }

        SchemaMigrator.Migrate(store).Select(s => s.Version).ShouldBe(SchemaMigrator.Scripts(provider).Select(s => s.Version).Where(v => v > 1));

        using (var db = SaimaDb.Open(store))
        {
            Figure f = db.Figures.Single();
            f.Value.ShouldBe(123.45);
            f.EnteredAt.ShouldBe(at);
            db.Units.Single().Name.ShouldBe("青山区");
            db.ResultSets.Count().ShouldBe(0);
        }
    }

    [Fact]
    public void Scripts_BothProviders_HaveTheSameVersionsAndNames()
    {
        SchemaMigrator.Scripts(StoreProvider.Postgres).Select(s => s.Name)
            .ShouldBe(SchemaMigrator.Scripts(StoreProvider.Sqlite).Select(s => s.Name));
    }
}
