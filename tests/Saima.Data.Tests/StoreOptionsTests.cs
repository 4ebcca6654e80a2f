using Microsoft.Data.Sqlite;
using Saima.Data;

namespace Saima.Data.Tests;

public sealed class StoreOptionsTests
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
    public void Pooled_LeavesPostgresAsGiven()
    {
        StoreOptions pg = StoreOptions.Postgres("Host=127.0.0.1;Port=5;Username=u;Database=d;Pooling=false");
        pg.Pooled().ShouldBe(pg);
    }
}
