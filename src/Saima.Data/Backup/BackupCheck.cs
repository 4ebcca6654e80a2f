using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Saima.Data.Store;

namespace Saima.Data.Backup;

/// <summary>
/// What makes a backup safe to restore. A SQLite backup carries, in a table of its own
/// (<c>saima_backup</c>), the SHA-256 of its whole content (every table's rows, values by type and
/// bits) and its schema version, written when it was made; before it replaces anything, a restore
/// runs SQLite's full integrity check on it, refuses a SQLite file that is not a Saima store (no
/// schema version) or of a newer Saima, and recomputes the checksum. A PostgreSQL restore goes into a
/// new database first, which is checked (schema version, the audit and result chains) and only then
/// swapped for the live one: a damaged dump leaves the live database as it was.
/// </summary>
public static class BackupCheck
{
    /// <summary>The table in a SQLite backup that holds its checksum.</summary>
    public const string InfoTable = "saima_backup";

    private const string Format = "saima-sqlite-backup/1";

    /// <summary>Writes the checksum table into a SQLite backup just made (before it is moved into place).</summary>
    internal static void Seal(string file, DateTimeOffset at)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        c.Open();
        int version = SchemaVersion(c);
        string digest = ContentDigest(c);
        using DbCommand cmd = c.CreateCommand();
        cmd.CommandText = $"""
            CREATE TABLE {InfoTable} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO {InfoTable} (key, value) VALUES ('format', @f), ('created_at', @a), ('schema_version', @v), ('content_sha256', @d);
            """;
        Bulk.FigureBulkLoader.AddParameter(cmd, "@f", Format);
        Bulk.FigureBulkLoader.AddParameter(cmd, "@a", at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Bulk.FigureBulkLoader.AddParameter(cmd, "@v", version.ToString(CultureInfo.InvariantCulture));
        Bulk.FigureBulkLoader.AddParameter(cmd, "@d", digest);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Checks a SQLite backup fully without changing it: integrity, a Saima schema this build
    /// knows, and the checksum written at backup time (unless <paramref name="allowUnsealed"/>, for a
    /// copy of a store made otherwise). Returns its schema version.
    /// </summary>
    /// <exception cref="DatabaseOpsException">The file is damaged, foreign or of a newer Saima.</exception>
    public static int CheckSqlite(string file, bool allowUnsealed = false)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            c.Open();
            string integrity = IntegrityCheck(c);
            if (integrity != "ok")
            {
                throw new DatabaseOpsException($"{file} is damaged (SQLite integrity check: {integrity}); nothing was restored");
            }

            if (!HasTable(c, "schema_version"))
            {
                throw new DatabaseOpsException($"{file} is a SQLite database but not a Saima store (it has no schema version); nothing was restored");
            }

            int version = SchemaVersion(c);
            int latest = SchemaMigrator.LatestVersion(StoreProvider.Sqlite);
            if (version < 1 || version > latest)
            {
                throw new DatabaseOpsException(version > latest
                    ? $"{file} has schema version {N(version)}, newer than this Saima knows ({N(latest)}); upgrade Saima; nothing was restored"
                    : $"{file} has no Saima schema; nothing was restored");
            }

            if (!HasTable(c, InfoTable))
            {
                if (allowUnsealed)
                {
                    return version;
                }

                throw new DatabaseOpsException($"{file} has no checksum (it was not made by 'saima db backup' of this version); give --unchecked to restore it after its integrity check alone; nothing was restored");
            }

            Dictionary<string, string> info = Info(c);
            if (info.GetValueOrDefault("format") != Format || !info.TryGetValue("content_sha256", out string? stored))
            {
                throw new DatabaseOpsException($"{file}: its checksum table is not one 'saima db backup' writes; nothing was restored");
            }

            if (info.GetValueOrDefault("schema_version") != N(version))
            {
                throw new DatabaseOpsException($"{file}: schema version {N(version)}, but the backup was made at version {info.GetValueOrDefault("schema_version")}; the file was changed; nothing was restored");
            }

            string computed = ContentDigest(c);
            if (!string.Equals(computed, stored, StringComparison.Ordinal))
            {
                throw new DatabaseOpsException($"{file} was changed or damaged since its backup (content SHA-256 {computed}, written at backup time {stored}); nothing was restored");
            }

            return version;
        }
        catch (SqliteException e)
        {
            throw new DatabaseOpsException($"{file} is damaged or not a SQLite database ({e.Message.TrimEnd('.')}); nothing was restored");
        }
    }

    /// <summary>SQLite's full integrity check of an open database: <c>ok</c>, or its first findings.</summary>
    public static string IntegrityCheck(SqliteConnection connection, int max = 5)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA integrity_check({N(max)})";
        using DbDataReader r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read())
        {
            lines.Add(r.GetString(0));
        }

        return string.Join("; ", lines);
    }

    /// <summary>
    /// The SHA-256 of a SQLite database's content: its schema (every table, index and trigger as
    /// written), then every table (but the checksum's own) in name order, its columns and rows in
    /// stored order, each value by its type and bits.
    /// </summary>
    internal static string ContentDigest(SqliteConnection c)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tables = new List<string>();
        using (DbCommand list = c.CreateCommand())
        {
            list.CommandText = $"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '{InfoTable}' ORDER BY name";
            using DbDataReader r = list.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }

        // The schema itself (tables, indexes, triggers), so that a changed trigger or column counts too.
        using (DbCommand schema = c.CreateCommand())
        {
            schema.CommandText = $"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name <> '{InfoTable}' ORDER BY type, name";
            using DbDataReader r = schema.ExecuteReader();
            while (r.Read())
            {
                for (int i = 0; i < 4; i++)
                {
                    Text(sha, r.IsDBNull(i) ? "\u0000" : r.GetString(i));
                }
            }
        }

        byte[] buffer = new byte[8];
        foreach (string table in tables)
        {
            Text(sha, "table " + table);
            using DbCommand cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            using var r = (SqliteDataReader)cmd.ExecuteReader();
            for (int i = 0; i < r.FieldCount; i++)
            {
                Text(sha, r.GetName(i));
            }

            while (r.Read())
            {
                sha.AppendData("\u001e"u8);
                for (int i = 0; i < r.FieldCount; i++)
                {
                    object v = r.GetValue(i);
                    switch (v)
                    {
                        case DBNull:
                            sha.AppendData("n"u8);
                            break;
                        case long l:
                            sha.AppendData("i"u8);
                            BitConverter.TryWriteBytes(buffer, l);
                            sha.AppendData(buffer);
                            break;
                        case double d:
                            sha.AppendData("r"u8);
                            BitConverter.TryWriteBytes(buffer, BitConverter.DoubleToInt64Bits(d));
                            sha.AppendData(buffer);
                            break;
                        case byte[] b:
                            sha.AppendData("b"u8);
                            BitConverter.TryWriteBytes(buffer, (long)b.Length);
                            sha.AppendData(buffer);
                            sha.AppendData(b);
                            break;
                        default:
                            sha.AppendData("t"u8);
                            Text(sha, Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty);
                            break;
                    }
                }
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Restores a pg_dump archive into a new database beside the live one, checks it, and only then
    /// swaps it in (the live database is renamed away, the new one takes its name, the old one is
    /// dropped). Other sessions on the live database are ended at the swap. A dump that fails to
    /// restore or check leaves the live database untouched (and the new one dropped).
    /// </summary>
    internal static int RestorePostgres(StoreOptions store, string file, Action<string, StoreOptions, IEnumerable<string>> runPgTool)
    {
        var live = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        string name = live.Database ?? throw new DatabaseOpsException($"{store}: the connection string names no database");
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string staging = Truncate(name, 40) + "_restore_" + suffix;
        string old = Truncate(name, 40) + "_replaced_" + suffix;
        var stagingStore = StoreOptions.Postgres(new NpgsqlConnectionStringBuilder(store.ConnectionString) { Database = staging, Pooling = false }.ToString());
        string maintenance = new NpgsqlConnectionStringBuilder(store.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
        Maintenance(maintenance, $"CREATE DATABASE {Quote(staging)}");
        bool swapped = false;
        try
        {
            try
            {
                runPgTool("pg_restore", stagingStore, ["--no-owner", "--exit-on-error", "--single-transaction", file]);
            }
            catch (InvalidOperationException e)
            {
                throw new DatabaseOpsException($"{file} could not be restored ({e.Message}); the live database {name} was not touched");
            }

            int version = CheckPostgres(stagingStore, file, name);
            NpgsqlConnection.ClearAllPools();
            using (var c = new NpgsqlConnection(maintenance))
            {
                c.Open();
                Run(c, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @d AND pid <> pg_backend_pid()", name);
                Run(c, $"ALTER DATABASE {Quote(name)} RENAME TO {Quote(old)}");
                try
                {
                    Run(c, $"ALTER DATABASE {Quote(staging)} RENAME TO {Quote(name)}");
                }
                catch (PostgresException)
                {
                    Run(c, $"ALTER DATABASE {Quote(old)} RENAME TO {Quote(name)}");
                    throw;
                }

                swapped = true;
                Run(c, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @d AND pid <> pg_backend_pid()", old);
                Run(c, $"DROP DATABASE {Quote(old)}");
            }

            return version;
        }
        finally
        {
            if (!swapped)
            {
                NpgsqlConnection.ClearAllPools();
                Maintenance(maintenance, $"DROP DATABASE IF EXISTS {Quote(staging)} WITH (FORCE)");
            }
        }
    }

    /// <summary>Checks a restored PostgreSQL database before it replaces the live one.</summary>
    private static int CheckPostgres(StoreOptions restored, string file, string live)
    {
        int version;
        using (DbConnection c = SchemaMigrator.OpenConnection(restored))
        {
            object? has = SchemaMigrator.Scalar(c, null, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'");
            if (Convert.ToInt64(has, CultureInfo.InvariantCulture) == 0)
            {
                throw new DatabaseOpsException($"{file} is not a backup of a Saima store (no schema version after restoring it); the live database {live} was not touched");
            }

            object? v = SchemaMigrator.Scalar(c, null, "SELECT max(version) FROM schema_version");
            version = v is null or DBNull ? 0 : Convert.ToInt32(v, CultureInfo.InvariantCulture);
        }

        int latest = SchemaMigrator.LatestVersion(StoreProvider.Postgres);
        if (version < 1 || version > latest)
        {
            throw new DatabaseOpsException($"{file} has schema version {N(version)}, which this Saima (version {N(latest)}) cannot open; the live database {live} was not touched");
        }

        if (version >= 12)
        {
            StoreChains chains = AuditChain.Verify(restored);
            ChainBreak? first = chains.Audit.Breaks.FirstOrDefault() ?? chains.Results.Breaks.FirstOrDefault();
            if (first is not null)
            {
                throw new DatabaseOpsException($"{file}: the restored audit or result chain is broken ({first.Detail}); the live database {live} was not touched");
            }
        }

        return version;
    }

    private static bool HasTable(SqliteConnection c, string name)
    {
        using DbCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @n";
        Bulk.FigureBulkLoader.AddParameter(cmd, "@n", name);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static int SchemaVersion(SqliteConnection c)
    {
        if (!HasTable(c, "schema_version"))
        {
            return 0;
        }

        using DbCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT max(version) FROM schema_version";
        object? v = cmd.ExecuteScalar();
        return v is null or DBNull ? 0 : Convert.ToInt32(v, CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> Info(SqliteConnection c)
    {
        using DbCommand cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT key, value FROM {InfoTable}";
        using DbDataReader r = cmd.ExecuteReader();
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Read())
        {
            info[r.GetString(0)] = r.GetString(1);
        }

        return info;
    }

    private static void Text(IncrementalHash sha, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }

    private static void Maintenance(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        Run(c, sql);
    }

    private static void Run(NpgsqlConnection c, string sql, string? database = null)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        if (database is not null)
        {
            cmd.Parameters.AddWithValue("d", database);
        }

        cmd.ExecuteNonQuery();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
