using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Saima.Data;

/// <summary>
/// Schema upgrades in place: ordered SQL scripts per provider (embedded from
/// <c>Migrations/Sqlite</c> and <c>Migrations/Postgres</c>, named <c>NNNN_name.sql</c>), each applied
/// once inside a transaction and recorded in <c>schema_version</c>. EF Core's own migrations need
/// the design-time tools, which are absent here; a database made by one version opens under the
/// next with its data intact.
/// </summary>
public static class SchemaMigrator
{
    public sealed record Script(int Version, string Name, string Sql);

    /// <summary>The script that adds the hash chains of the audit trail and the result sets.</summary>
    private const int ChainScript = 12;

    /// <summary>The scripts of a provider, in version order.</summary>
    public static IReadOnlyList<Script> Scripts(StoreProvider provider)
    {
        Assembly asm = typeof(SchemaMigrator).Assembly;
        string folder = provider == StoreProvider.Sqlite ? ".Migrations.Sqlite." : ".Migrations.Postgres.";
        var scripts = new List<Script>();
        foreach (string resource in asm.GetManifestResourceNames())
        {
            int at = resource.IndexOf(folder, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string file = resource[(at + folder.Length)..^4];
            int version = int.Parse(file.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
            using Stream stream = asm.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Script(version, file, reader.ReadToEnd()));
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    /// <summary>The latest schema version this build knows.</summary>
    public static int LatestVersion(StoreProvider provider) => Scripts(provider)[^1].Version;

    /// <summary>Opens a raw connection to the store (SQLite in WAL mode, foreign keys on).</summary>
    public static DbConnection OpenConnection(StoreOptions store)
    {
        DbConnection connection = store.Provider == StoreProvider.Sqlite
            ? new SqliteConnection(store.ConnectionString)
            : new NpgsqlConnection(store.ConnectionString);
        connection.Open();
        if (store.Provider == StoreProvider.Sqlite)
        {
            Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
        }

        return connection;
    }

    /// <summary>The schema version of the store: 0 for an empty database.</summary>
    public static int CurrentVersion(StoreOptions store)
    {
        using DbConnection connection = OpenConnection(store);
        return CurrentVersion(connection, store.Provider);
    }

    private static int CurrentVersion(DbConnection connection, DbTransaction tx)
    {
        object? max = Scalar(connection, tx, "SELECT max(version) FROM schema_version");
        return max is null or DBNull ? 0 : Convert.ToInt32(max, CultureInfo.InvariantCulture);
    }

    private static int CurrentVersion(DbConnection connection, StoreProvider provider)
    {
        string exists = provider == StoreProvider.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'";
        if (Convert.ToInt64(Scalar(connection, null, exists), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        object? max = Scalar(connection, null, "SELECT max(version) FROM schema_version");
        return max is null or DBNull ? 0 : Convert.ToInt32(max, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies every script newer than the store's version, up to <paramref name="upTo"/> (default: all),
    /// each in its own transaction. Returns the scripts applied.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store was made by a newer Saima.</exception>
    public static IReadOnlyList<Script> Migrate(StoreOptions store, int? upTo = null, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        using DbConnection connection = OpenConnection(store);

        // Web nodes starting together on one PostgreSQL migrate one at a time: each takes the
        // schema's advisory lock (held by the session, released below or when the connection
        // ends) and reads the version only then, so the second finds the first one's work done.
        // SQLite's writers serialize on the file's lock already.
        bool locked = store.Provider == StoreProvider.Postgres;
        if (locked)
        {
            Scalar(connection, null, MigrationLock);
        }

        try
        {
            return Apply(connection, store, upTo, clock);
        }
        finally
        {
            if (locked)
            {
                Scalar(connection, null, MigrationUnlock);
            }
        }
    }

    /// <summary>
    /// Holds, until disposed, the lock of a node's start-up on PostgreSQL (migrations, a first
    /// store's demo data and first administrator): nodes starting together on one database take
    /// turns, and the later ones find the work done. On SQLite nothing is held (one node per file).
    /// </summary>
    public static IDisposable StartupLock(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Provider != StoreProvider.Postgres)
        {
            return new Held(null);
        }

        DbConnection connection = OpenConnection(store);
        Scalar(connection, null, "SELECT pg_advisory_lock(5317, hashtext(current_schema()))");
        return new Held(connection);
    }

    private sealed class Held(DbConnection? connection) : IDisposable
    {
        public void Dispose()
        {
            if (connection is null)
            {
                return;
            }

            try
            {
                Scalar(connection, null, "SELECT pg_advisory_unlock(5317, hashtext(current_schema()))");
            }
            finally
            {
                connection.Dispose(); // ending the session releases it in any case
            }
        }
    }

    /// <summary>Takes the advisory lock of migrations on the connection's schema (waits for another holder).</summary>
    internal const string MigrationLock = "SELECT pg_advisory_lock(5316, hashtext(current_schema()))";

    private const string MigrationUnlock = "SELECT pg_advisory_unlock(5316, hashtext(current_schema()))";

    private static List<Script> Apply(DbConnection connection, StoreOptions store, int? upTo, TimeProvider clock)
    {
        IReadOnlyList<Script> scripts = Scripts(store.Provider);
        int current = CurrentVersion(connection, store.Provider);
        if (current > scripts[^1].Version)
        {
            throw new InvalidOperationException(
                $"the database has schema version {current}, newer than this Saima knows ({scripts[^1].Version}); upgrade Saima");
        }

        if (current == 0)
        {
            Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        }

        var applied = new List<Script>();
        foreach (Script script in scripts)
        {
            if (script.Version <= current || (upTo is { } max && script.Version > max))
            {
                continue;
            }

            using DbTransaction tx = connection.BeginTransaction();

            // On SQLite the transaction began with the write lock (BEGIN IMMEDIATE): another
            // process that migrated meanwhile is seen here, and its scripts are not run again.
            if (store.Provider == StoreProvider.Sqlite && CurrentVersion(connection, tx) >= script.Version)
            {
                tx.Commit();
                continue;
            }

            Execute(connection, tx, script.Sql);
            if (script.Version == ChainScript)
            {
                // Entries and result sets stored before the chains existed are chained here, in
                // the same transaction: a store is never half chained.
                Store.AuditChain.ChainExisting(connection, tx);
            }

            using (DbCommand record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @a)";
                AddParameter(record, "@v", script.Version);
                AddParameter(record, "@n", script.Name);
                AddParameter(record, "@a", clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }

            tx.Commit();
            applied.Add(script);
        }

        return applied;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        DbParameter p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Runs a script without a time limit: a script that builds an index over a country's figures
    /// (60 million rows) takes minutes, far over a command's default 30 s, and cut off it would
    /// leave the store unmigrated.
    /// </summary>
    internal static void Execute(DbConnection connection, DbTransaction? tx, string sql)
    {
        using DbCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(DbConnection connection, DbTransaction? tx, string sql)
    {
        using DbCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
