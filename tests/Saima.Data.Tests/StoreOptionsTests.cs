using Microsoft.Data.Sqlite;
using Saima.Data;

namespace Saima.Data.Tests;

[Collection(StoresCollection.Name)]
public sealed class StoreOptionsTests(Stores stores)
{
    [Fact]
    public void SqliteFile_IsUnpooled_AndPooledTurnsPoolingOn_KeepingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "saima-pooled-" + Guid.NewGuid().ToString("N") + ".db");
        StoreOptions plain = StoreOptions.SqliteFile(path);
        new SqliteConnectionStringBuilder(plain.ConnectionString).Pooling.ShouldBeFalse();

        StoreOptions pooled = plain.Pooled();
        var built = new SqliteConnectionStringBuilder(pooled.ConnectionString);
        built.Pooling.ShouldBeTrue();
        built.DataSource.ShouldBe(path);
        pooled.Provider.ShouldBe(StoreProvider.Sqlite);

        // The pooled store works: the schema goes in and is read back through pooled connections.
        try
        {
            SchemaMigrator.Migrate(pooled).ShouldNotBeEmpty();
            SchemaMigrator.CurrentVersion(pooled).ShouldBe(SchemaMigrator.LatestVersion(StoreProvider.Sqlite));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void Pooled_PostgresWithoutPooling_IsLeftAsGiven()
    {
        StoreOptions pg = StoreOptions.Postgres("Host=127.0.0.1;Port=5;Username=u;Database=d;Pooling=false");
        pg.Pooled().ShouldBe(pg);
    }

    [Fact]
    public void Pooled_Postgres_PreparesStatementsAndSkipsTheReset_UnlessTheConnectionStringSaysOtherwise()
    {
        var tuned = new Npgsql.NpgsqlConnectionStringBuilder(StoreOptions.Postgres("Host=127.0.0.1;Port=5;Username=u;Database=d").Pooled().ConnectionString);
        (tuned.MaxAutoPrepare, tuned.NoResetOnClose, tuned.Host, tuned.Database).ShouldBe((20, true, "127.0.0.1", "d"));

        var given = new Npgsql.NpgsqlConnectionStringBuilder(
            StoreOptions.Postgres("Host=127.0.0.1;Port=5;Username=u;Database=d;Max Auto Prepare=0;No Reset On Close=false").Pooled().ConnectionString);
        (given.MaxAutoPrepare, given.NoResetOnClose).ShouldBe((0, false));
    }

    [Fact]
    public async Task Pooled_Postgres_WorksOnARealServer()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(stores.NewMigrated(StoreProvider.Postgres).ConnectionString) { Pooling = true };
        StoreOptions pooled = StoreOptions.Postgres(b.ConnectionString).Pooled();
        try
        {
            // The same statements many times over pooled connections, not reset between uses: from
            // the sixth use on they run prepared; a change in between is seen.
            for (int i = 0; i < 12; i++)
            {
                using SaimaDb db = SaimaDb.Open(pooled);
                db.Units.Count().ShouldBe(i);
                long before = await Saima.Data.Store.ChangeStamp.ReadAsync(db);
                db.Units.Add(new Unit { Code = $"C{i:00}", Name = $"县{i}", Kind = UnitKind.County });
                db.SaveChanges();
                (await Saima.Data.Store.ChangeStamp.ReadAsync(db)).ShouldNotBe(before);
            }
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }
}
