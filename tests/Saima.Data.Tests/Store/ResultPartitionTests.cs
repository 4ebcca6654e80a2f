using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// On PostgreSQL a result set's rows are written into a table of their own and attached as the
/// set's partition of result_rows (schema version 33): each publication adds one partition with its
/// primary key, the rows read back through result_rows as before, a publication that fails leaves no
/// table behind, and a store migrated from version 32 keeps its rows, to the bit, as the partition
/// of the sets before.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ResultPartitionTests(Stores stores)
{
    [Fact]
    public void EachPublication_AttachesItsSetsPartition_WithItsPrimaryKey()
    {
        using var w = new World(stores.NewMigrated(StoreProvider.Postgres));
        w.CreateScheme();
        long may = w.PublishRevenue("2025-05", ("C01", 100), ("C02", 120), ("C03", 90), ("C04", 80)).Results.Id;
        long june = w.PublishRevenue("2025-06", ("C01", 110), ("C02", 125), ("C03", 95), ("C04", 70)).Results.Id;

        Partitions(w, "result_rows").ShouldBe(["result_rows_before_33", ResultPartitions.NameOf("result_rows", may), ResultPartitions.NameOf("result_rows", june)], ignoreOrder: true);
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.ResultRows.Count(r => r.ResultSetId == june).ShouldBe(fresh.ResultRows.Count(r => r.ResultSetId == may));
            fresh.ResultRows.Count(r => r.ResultSetId == june).ShouldBeGreaterThan(0);
        }

        w.Row(june, "C02", "Total").Rank.ShouldBe(1);

        // The partition's primary key holds: the same row twice is refused.
        var e = Should.Throw<Npgsql.PostgresException>(() => Execute(w,
            $"INSERT INTO result_rows (result_set_id, unit_id, node) SELECT result_set_id, unit_id, node FROM result_rows WHERE result_set_id = {june} LIMIT 1"));
        e.SqlState.ShouldBe("23505");

        // A row of another set cannot be put in the set's partition.
        Should.Throw<Npgsql.PostgresException>(() => Execute(w,
            $"INSERT INTO {ResultPartitions.NameOf("result_rows", june)} (result_set_id, unit_id, node) VALUES ({may}, {w.Unit("C01")}, 'X')")).SqlState.ShouldBe("23514");
    }

    [Fact]
    public void APublicationThatFails_LeavesNoPartitionAndNoSet()
    {
        using var w = new World(stores.NewMigrated(StoreProvider.Postgres));
        w.CreateScheme();
        w.PublishRevenue("2025-05", ("C01", 100), ("C02", 120), ("C03", 90), ("C04", 80));
        int sets = w.Db.ResultSets.Count();
        string[] before = Partitions(w, "result_rows");

        // The traces are written after the rows' partition is attached: failing there undoes it all.
        Execute(w, """
            CREATE FUNCTION refuse_trace() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_trace BEFORE INSERT ON unit_traces FOR EACH ROW EXECUTE FUNCTION refuse_trace();
            """);
        Should.Throw<Exception>(() => w.PublishRevenue("2025-06", ("C01", 110), ("C02", 125), ("C03", 95), ("C04", 70)));

        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.ResultSets.Count().ShouldBe(sets);
        }

        Partitions(w, "result_rows").ShouldBe(before, ignoreOrder: true);
        Tables(w, "result_rows_s%").Length.ShouldBe(before.Length - 1);
    }

    [Fact]
    public void AStoreFromVersion32_KeepsItsRows_AndPartitionsTheNextSets()
    {
        using var w = new World(stores.NewMigrated(StoreProvider.Postgres));
        w.CreateScheme();
        long may = w.PublishRevenue("2025-05", ("C01", 100), ("C02", 120), ("C03", 90), ("C04", 80)).Results.Id;
        long june = w.PublishRevenue("2025-06", ("C01", 110), ("C02", 125), ("C03", 95), ("C04", 70)).Results.Id;
        var stored = Rows(w);

        // As a store from before version 33: the same rows in plain tables.
        Execute(w, """
            CREATE TABLE rr_plain AS SELECT * FROM result_rows;
            CREATE TABLE wr_plain AS SELECT * FROM warning_results;
            DROP TABLE result_rows;
            DROP TABLE warning_results;
            ALTER TABLE rr_plain RENAME TO result_rows;
            ALTER TABLE result_rows ADD CONSTRAINT result_rows_pkey PRIMARY KEY (result_set_id, unit_id, node);
            ALTER TABLE wr_plain RENAME TO warning_results;
            ALTER TABLE warning_results ADD CONSTRAINT warning_results_pkey PRIMARY KEY (result_set_id, unit_id, indicator);
            DELETE FROM schema_version WHERE version = 33;
            """);
        Partitions(w, "result_rows").ShouldBeEmpty();

        SchemaMigrator.Migrate(w.Store).Select(s => s.Version).ShouldBe([33]);
        Partitions(w, "result_rows").ShouldBe(["result_rows_before_33"]);
        Partitions(w, "warning_results").ShouldBe(["warning_results_before_33"]);
        Rows(w).ShouldBe(stored);

        long july = w.PublishRevenue("2025-07", ("C01", 111), ("C02", 126), ("C03", 96), ("C04", 71)).Results.Id;
        Partitions(w, "result_rows").ShouldBe(["result_rows_before_33", ResultPartitions.NameOf("result_rows", july)], ignoreOrder: true);
        var after = Rows(w);
        after.Where(r => r.ResultSetId != july).ToList().ShouldBe(stored);
        after.Count(r => r.ResultSetId == july).ShouldBe(stored.Count(r => r.ResultSetId == june));
        may.ShouldBeLessThan(july);
    }

    private static List<(long ResultSetId, long Unit, string Node, double? Value, double? Score, int? Rank, int? TrackRank, int? RankChange)> Rows(World w)
    {
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        return fresh.ResultRows.AsNoTracking().OrderBy(r => r.ResultSetId).ThenBy(r => r.UnitId).ThenBy(r => r.Node).AsEnumerable()
            .Select(r => (r.ResultSetId, r.UnitId, r.Node, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange)).ToList();
    }

    private static string[] Partitions(World w, string table) => Strings(w, $"""
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = '{table}' AND p.relnamespace = current_schema()::regnamespace
        """);

    private static string[] Tables(World w, string like) => Strings(w, $"""
        SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE '{like}' AND relnamespace = current_schema()::regnamespace
        """);

    private static string[] Strings(World w, string sql)
    {
        using SaimaDb db = SaimaDb.Open(w.Store);
        DbConnection c = db.Database.GetDbConnection();
        c.Open();
        using DbCommand command = c.CreateCommand();
        command.CommandText = sql;
        using DbDataReader reader = command.ExecuteReader();
        var found = new List<string>();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }

        return [.. found];
    }

    private static void Execute(World w, string sql)
    {
        using SaimaDb db = SaimaDb.Open(w.Store);
        DbConnection c = db.Database.GetDbConnection();
        c.Open();
        SchemaMigrator.Execute(c, null, sql);
    }
}
