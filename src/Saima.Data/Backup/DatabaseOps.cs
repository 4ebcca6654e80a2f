using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Saima.Data.Backup;

/// <summary>
/// A request the operator got wrong: a database that holds data without --force, a backup file
/// that is missing or not a backup, a file that is not a SQLite database. The CLI exits 2.
/// </summary>
public sealed class DatabaseOpsException(string message) : Exception(message);

/// <summary>
/// Whole-database operations for <c>saima db</c> and <c>saima demo</c>: create, check for data,
/// empty, back up and restore, on SQLite and PostgreSQL.
/// </summary>
public static class DatabaseOps
{
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");
    private static readonly byte[] PgDumpHeader = Encoding.ASCII.GetBytes("PGDMP");

    /// <summary>Whether the database exists (SQLite: the file; PostgreSQL: the database on its server).</summary>
    public static bool Exists(StoreOptions store)
    {
        if (store.Provider == StoreProvider.Sqlite)
        {
            return File.Exists(SqlitePath(store));
        }

        var b = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        using var c = new NpgsqlConnection(MaintenanceConnection(store));
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @n", c);
        cmd.Parameters.AddWithValue("n", b.Database ?? b.Username ?? "postgres");
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Creates the database if it does not exist (SQLite: checks the file is a SQLite database or empty).</summary>
    public static void EnsureDatabase(StoreOptions store)
    {
        if (store.Provider == StoreProvider.Sqlite)
        {
            string path = SqlitePath(store);
            if (Directory.Exists(path))
            {
                throw new DatabaseOpsException($"{path} is a directory; expected a SQLite database file");
            }

            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null && !Directory.Exists(dir))
            {
                throw new DatabaseOpsException($"{path}: the folder {dir} does not exist");
            }

            if (File.Exists(path) && !IsSqliteOrEmpty(path))
            {
                throw new DatabaseOpsException($"{path} is not a SQLite database; refusing to touch it");
            }

            return;
        }

        if (!Exists(store))
        {
            string name = new NpgsqlConnectionStringBuilder(store.ConnectionString).Database!;
            using var c = new NpgsqlConnection(MaintenanceConnection(store));
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", c);
            try
            {
                cmd.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another node starting at the same moment made it: it exists, as wanted.
            }
        }
    }

    /// <summary>
    /// Whether the database holds data: a row in any table but the schema version table and the
    /// hash chains' heads (which the schema itself seeds with each chain's genesis). An empty
    /// schema (after <c>saima db init</c>) holds no data. A database that does not exist holds none.
    /// </summary>
    public static bool HoldsData(StoreOptions store)
    {
        if (!Exists(store))
        {
            return false;
        }

        EnsureDatabase(store);
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        foreach (string table in Tables(connection, store.Provider))
        {
            if (table is "schema_version" or "hash_chains")
            {
                continue;
            }

            object? any = SchemaMigrator.Scalar(connection, null, $"SELECT 1 FROM {Quote(table)} LIMIT 1");
            if (any is not null and not DBNull)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the database has any table at all (a schema, even an empty one).</summary>
    public static bool HasTables(StoreOptions store)
    {
        if (!Exists(store))
        {
            return false;
        }

        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        return Tables(connection, store.Provider).Count > 0;
    }

    /// <summary>
    /// Empties the database completely (then <see cref="SchemaMigrator.Migrate"/> gives a fresh
    /// schema): SQLite deletes the file (only if it is a SQLite database); PostgreSQL drops and
    /// recreates its current schema.
    /// </summary>
    public static void Reset(StoreOptions store)
    {
        if (store.Provider == StoreProvider.Sqlite)
        {
            string path = SqlitePath(store);
            EnsureDatabase(store);
            SqliteConnection.ClearAllPools();
            foreach (string f in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                File.Delete(f);
            }

            return;
        }

        EnsureDatabase(store);
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        string schema = (string)SchemaMigrator.Scalar(connection, null, "SELECT current_schema()")!;
        SchemaMigrator.Execute(connection, null, $"DROP SCHEMA {Quote(schema)} CASCADE; CREATE SCHEMA {Quote(schema)};");
    }

    /// <summary>
    /// Writes a backup of the whole database to <paramref name="file"/>: SQLite a consistent copy
    /// made with <c>VACUUM INTO</c> (a SQLite file that opens as is) carrying the checksum of its
    /// content (<see cref="BackupCheck"/>); PostgreSQL a pg_dump archive (custom format). The file
    /// appears only when complete.
    /// </summary>
    public static void Backup(StoreOptions store, string file, bool force, TimeProvider? clock = null)
    {
        if (!Exists(store))
        {
            throw new DatabaseOpsException($"{store}: no such database");
        }

        if (File.Exists(file) && !force)
        {
            throw new DatabaseOpsException($"{file} exists; give --force to replace it");
        }

        string full = Path.GetFullPath(file);
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new DatabaseOpsException($"{file}: the folder {Path.GetDirectoryName(full)} does not exist");
        }

        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (store.Provider == StoreProvider.Sqlite)
            {
                EnsureDatabase(store);
                using DbConnection connection = SchemaMigrator.OpenConnection(store);
                using DbCommand cmd = connection.CreateCommand();
                cmd.CommandText = "VACUUM INTO @f";
                Bulk.FigureBulkLoader.AddParameter(cmd, "@f", temp);
                cmd.ExecuteNonQuery();
                BackupCheck.Seal(temp, (clock ?? TimeProvider.System).GetUtcNow());
            }
            else
            {
                RunPgTool("pg_dump", store, ["--format=custom", "--no-owner", $"--file={temp}"]);
            }

            // A dump carries no checksum of its own: its SHA-256 goes beside it (sha256sum's format),
            // written before the dump takes its name, so that a dump never stands without it.
            if (store.Provider == StoreProvider.Postgres)
            {
                File.WriteAllText(ChecksumFile(full), $"{Sha256(temp)}  {Path.GetFileName(full)}\n");
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Restores a backup made by <see cref="Backup"/> into the database, which must hold no data
    /// unless <paramref name="force"/> (then it is replaced). Nothing is replaced before the backup
    /// was checked: SQLite checks the file fully first (<see cref="BackupCheck.CheckSqlite"/>;
    /// <paramref name="unchecked"/> accepts a store copied otherwise, without a checksum, after its
    /// integrity check); PostgreSQL restores into a new database, checks it and swaps it in. Returns
    /// the restored schema version.
    /// </summary>
    public static int Restore(StoreOptions store, string file, bool force, bool @unchecked = false)
    {
        if (!File.Exists(file))
        {
            throw new DatabaseOpsException($"{file}: no such file");
        }

        byte[] head = new byte[16];
        int read;
        using (FileStream fs = File.OpenRead(file))
        {
            read = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        bool sqliteFile = read == 16 && head.AsSpan().SequenceEqual(SqliteHeader);
        bool dump = read >= 5 && head.AsSpan(0, 5).SequenceEqual(PgDumpHeader);
        if (store.Provider == StoreProvider.Sqlite && !sqliteFile)
        {
            throw new DatabaseOpsException(dump
                ? $"{file} is a PostgreSQL backup (pg_dump); restore it with --postgres"
                : $"{file} is not a SQLite backup of Saima");
        }

        if (store.Provider == StoreProvider.Postgres && !dump)
        {
            throw new DatabaseOpsException(sqliteFile
                ? $"{file} is a SQLite backup; restore it with --db FILE"
                : $"{file} is not a pg_dump archive (custom format) made by saima db backup");
        }

        if (store.Provider == StoreProvider.Sqlite)
        {
            // The whole file is checked before anything is touched.
            BackupCheck.CheckSqlite(file, @unchecked);
        }
        else
        {
            CheckDumpChecksum(store, file, @unchecked);
        }

        if (HoldsData(store) && !force)
        {
            throw new DatabaseOpsException($"{store} holds data; give --force to replace it with the backup");
        }

        if (store.Provider == StoreProvider.Sqlite)
        {
            EnsureDatabase(store);
            // The online backup API copies page by page into the open target, replacing it whole.
            using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            source.Open();
            using var target = (SqliteConnection)SchemaMigrator.OpenConnection(store);
            source.BackupDatabase(target);
            SchemaMigrator.Execute(target, null, $"DROP TABLE IF EXISTS {BackupCheck.InfoTable}");
        }
        else
        {
            EnsureDatabase(store);
            return BackupCheck.RestorePostgres(store, file, RunPgTool);
        }

        return SchemaMigrator.CurrentVersion(store);
    }

    /// <summary>The file beside a PostgreSQL dump that holds its SHA-256 (<c>FILE.sha256</c>, as sha256sum writes it).</summary>
    public static string ChecksumFile(string dump) => dump + ".sha256";

    private static string Sha256(string file)
    {
        using FileStream fs = File.OpenRead(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fs));
    }

    /// <summary>
    /// A dump must hash to the checksum written beside it at backup time; a dump without one (made
    /// otherwise) only with <paramref name="unchecked"/>. Either way it is then restored into a new
    /// database and checked there before it replaces anything.
    /// </summary>
    private static void CheckDumpChecksum(StoreOptions store, string file, bool @unchecked)
    {
        string name = new NpgsqlConnectionStringBuilder(store.ConnectionString).Database ?? "?";
        string sidecar = ChecksumFile(file);
        if (!File.Exists(sidecar))
        {
            if (@unchecked)
            {
                return;
            }

            throw new DatabaseOpsException(
                $"{file}: no checksum beside it ({sidecar}, written by saima db backup); give --unchecked to restore a dump made otherwise (it is still restored into a new database and checked before it replaces anything); the live database {name} was not touched");
        }

        string expected = File.ReadAllText(sidecar).Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        string actual = Sha256(file);
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseOpsException(
                $"{file}: its SHA-256 is {actual}, but {sidecar} (written at backup time) says {expected}: the dump was changed or damaged since; the live database {name} was not touched");
        }
    }

    /// <summary>The path of pg_dump or pg_restore: on PATH, else the newest Debian PostgreSQL's; null when absent.</summary>
    public static string? FindPgTool(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin", name))
                .Where(File.Exists)
                .OrderBy(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
                .LastOrDefault()
            : null;
    }

    private static void RunPgTool(string tool, StoreOptions store, IEnumerable<string> args)
    {
        string exe = FindPgTool(tool)
            ?? throw new InvalidOperationException($"{tool} is not installed (not on PATH nor under /usr/lib/postgresql/*/bin); install the PostgreSQL client tools (Debian: postgresql-client)");
        var b = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (!string.IsNullOrEmpty(b.Host))
        {
            psi.ArgumentList.Add($"--host={b.Host}");
        }

        psi.ArgumentList.Add($"--port={b.Port.ToString(CultureInfo.InvariantCulture)}");
        if (!string.IsNullOrEmpty(b.Username))
        {
            psi.ArgumentList.Add($"--username={b.Username}");
        }

        psi.ArgumentList.Add($"--dbname={b.Database}");
        psi.ArgumentList.Add("--no-password");
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (!string.IsNullOrEmpty(b.Password))
        {
            psi.Environment["PGPASSWORD"] = b.Password;
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed (exit {p.ExitCode.ToString(CultureInfo.InvariantCulture)}): {err.Result.Trim()}");
        }
    }

    private static List<string> Tables(DbConnection connection, StoreProvider provider)
    {
        using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = provider == StoreProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
        using DbDataReader r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string SqlitePath(StoreOptions store) => new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;

    private static bool IsSqliteOrEmpty(string path)
    {
        using FileStream fs = File.OpenRead(path);
        if (fs.Length == 0)
        {
            return true;
        }

        byte[] head = new byte[16];
        return fs.ReadAtLeast(head, 16, throwOnEndOfStream: false) == 16 && head.AsSpan().SequenceEqual(SqliteHeader);
    }

    private static string MaintenanceConnection(StoreOptions store) =>
        new NpgsqlConnectionStringBuilder(store.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
}
