using System.Text;
using Microsoft.Data.Sqlite;
using Saima.Data.Backup;
using Saima.Data.Store;
using Saima.Data.Tests.Store;

namespace Saima.Data.Tests;

[Collection(StoresCollection.Name)]
public sealed class BackupRestoreTests(Stores stores) : IDisposable
{
    /// <summary>Files this test wrote outside the stores' folder, removed when it ends.</summary>
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (string file in _files)
        {
            File.Delete(file);
            File.Delete(DatabaseOps.ChecksumFile(file));
        }
    }

    private string TempFile(string prefix, string extension)
    {
        string file = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}{extension}");
        _files.Add(file);
        return file;
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Backup_ThenRestoreOverAStoreWithData_GivesTheBackedUpStore_WithIntactChains(StoreProvider provider)
    {
        using var w = Published(provider);
        string file = BackupFile(w.Store);
        AdminAudit.Record(w.Db, w.Clock, w.Office, "create", AdminAudit.UserEntity, "after-backup");

        int version = DatabaseOps.Restore(w.Store, file, force: true);

        version.ShouldBe(SchemaMigrator.LatestVersion(provider));
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Audit.Any(a => a.EntityKey == "after-backup").ShouldBeFalse();
        db.Units.Count().ShouldBe(6);
        AuditChain.Verify(db).Intact.ShouldBeTrue();
        DatabaseOps.HasTables(w.Store).ShouldBeTrue();
    }

    [Fact]
    public void SqliteRestore_OfABackupWithAValueChanged_IsRefused_AndTheStoreKeepsItsData()
    {
        using var w = Published(StoreProvider.Sqlite);
        string file = BackupFile(w.Store);
        byte[] bytes = File.ReadAllBytes(file);
        byte[] name = Encoding.UTF8.GetBytes("临江县");
        int at = bytes.AsSpan().IndexOf(name);
        at.ShouldBeGreaterThan(0);
        bytes[at + name.Length - 1] ^= 0x01; // one bit of a unit's name: integrity check still passes
        File.WriteAllBytes(file, bytes);

        var e = Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(w.Store, file, force: true));

        e.Message.ShouldContain("changed or damaged since its backup");
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Units.Count(u => u.Name == "临江县").ShouldBe(1);
    }

    [Fact]
    public void SqliteRestore_BitFlipsAnywhere_AreRefused_OrLeaveTheContentExactlyAsBackedUp()
    {
        using var w = Published(StoreProvider.Sqlite);
        string file = BackupFile(w.Store);
        byte[] original = File.ReadAllBytes(file);
        string expected;
        using (var c = new SqliteConnection($"Data Source={file};Pooling=False;Mode=ReadOnly"))
        {
            c.Open();
            expected = BackupCheck.ContentDigest(c);
        }

        var random = new Random(12);
        int refused = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            byte[] flipped = (byte[])original.Clone();
            int at;
            do
            {
                at = 100 + random.Next(flipped.Length - 100); // past the header, which is checked on its own
            }
            while (flipped[at] == 0); // a byte in use: VACUUM INTO leaves free space zeroed
            flipped[at] ^= (byte)(1 << random.Next(8));
            string damaged = file + "." + trial.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _files.Add(damaged);
            File.WriteAllBytes(damaged, flipped);
            StoreOptions target = stores.NewSqlite();
            try
            {
                DatabaseOps.Restore(target, damaged, force: true);
                using var c = new SqliteConnection($"Data Source={damaged};Pooling=False;Mode=ReadOnly");
                c.Open();
                BackupCheck.ContentDigest(c).ShouldBe(expected, $"flip at byte {at} was accepted with other content");
            }
            catch (DatabaseOpsException)
            {
                refused++;
                File.Exists(DatabaseOps.SqlitePath(target)).ShouldBeFalse("nothing is created for a refused backup");
            }
        }

        refused.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void SqliteRestore_OfAForeignSqliteFile_IsRefused()
    {
        using var w = Published(StoreProvider.Sqlite);
        string foreign = TempFile("foreign", ".db");
        using (var c = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hello');";
            cmd.ExecuteNonQuery();
        }

        Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(w.Store, foreign, force: true)).Message.ShouldContain("not a Saima store");
        Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(w.Store, foreign, force: true, @unchecked: true)).Message.ShouldContain("not a Saima store");
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Units.Count().ShouldBe(6);
    }

    [Fact]
    public void SqliteRestore_OfAPlainCopyWithoutChecksum_NeedsUnchecked()
    {
        using var w = Published(StoreProvider.Sqlite);
        string copy = TempFile("copy", ".db");
        using (var c = new SqliteConnection(w.Store.ConnectionString))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"VACUUM INTO '{copy}'";
            cmd.ExecuteNonQuery();
        }

        StoreOptions target = stores.NewSqlite();
        Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(target, copy, force: false)).Message.ShouldContain("--unchecked");
        DatabaseOps.Restore(target, copy, force: false, @unchecked: true).ShouldBe(SchemaMigrator.LatestVersion(StoreProvider.Sqlite));
    }

    [Theory]
    [InlineData("truncated", true)]
    [InlineData("flipped", true)]
    [InlineData("truncated", false)]
    [InlineData("flipped", false)]
    public void PostgresRestore_OfADamagedDump_LeavesTheLiveDatabaseAsItWas(string damage, bool checksum)
    {
        using var w = Published(StoreProvider.Postgres);
        string file = BackupFile(w.Store);
        byte[] bytes = File.ReadAllBytes(file);
        if (damage == "truncated")
        {
            Array.Resize(ref bytes, bytes.Length * 2 / 3);
        }
        else
        {
            for (int i = bytes.Length / 3; i < bytes.Length; i += 997)
            {
                bytes[i] ^= 0x5a;
            }
        }

        File.WriteAllBytes(file, bytes);
        long before;
        using (SaimaDb db = SaimaDb.Open(w.Store))
        {
            before = db.Audit.LongCount();
        }

        // With its checksum beside it, the damage is found before anything is restored; without
        // it (a dump made otherwise), the restore into a new database fails and is dropped.
        if (!checksum)
        {
            File.Delete(DatabaseOps.ChecksumFile(file));
            Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(w.Store, file, force: true)).Message.ShouldContain("--unchecked");
        }

        string refused = Should.Throw<DatabaseOpsException>(() => DatabaseOps.Restore(w.Store, file, force: true, @unchecked: !checksum)).Message;
        refused.ShouldContain("was not touched");
        if (checksum)
        {
            refused.ShouldContain("SHA-256");
        }

        using (SaimaDb db = SaimaDb.Open(w.Store))
        {
            db.Audit.LongCount().ShouldBe(before);
            db.Units.Count().ShouldBe(6);
            AuditChain.Verify(db).Intact.ShouldBeTrue();
        }
    }

    private World Published(StoreProvider provider)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2025-06", ("C01", 10), ("C02", 20), ("C03", 30), ("C04", 40));
        return w;
    }

    private string BackupFile(StoreOptions store)
    {
        string file = TempFile("saima-backup", ".bak");
        DatabaseOps.Backup(store, file, force: false);
        return file;
    }
}
