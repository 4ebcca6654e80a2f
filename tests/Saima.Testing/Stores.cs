using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using Saima.Data;

namespace Saima.Testing;

/// <summary>
/// The two stores every data test runs on: a SQLite file and a real PostgreSQL server. The server
/// is the one named by SAIMA_TEST_PG (a connection string; scripts/test.sh starts one), or else a
/// private cluster this fixture starts itself from Debian's postgresql binaries (as root it runs
/// them as the postgres user) and stops at the end. No mock: if neither is possible the tests fail
/// and say what is missing.
/// </summary>
public sealed class Stores : IDisposable
{
    private readonly string? _root;
    private readonly string? _pgBin;
    private readonly string _serverConnection;
    private readonly ConcurrentDictionary<(StoreProvider Provider, string Key), Lazy<(StoreOptions Template, object? State)>> _templates = new();
    private int _counter;

    public Stores()
    {
        string? given = Environment.GetEnvironmentVariable("SAIMA_TEST_PG");
        if (!string.IsNullOrWhiteSpace(given))
        {
            _serverConnection = given;
            return;
        }

        _pgBin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (_pgBin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): install the Debian package postgresql, or set SAIMA_TEST_PG to a connection string");
        }

        int port = FreePort();
        _root = Path.Combine(Path.GetTempPath(), "saima-test-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        bool root = Environment.UserName == "root";
        if (root)
        {
            Run("chown", "postgres:postgres", _root);
        }

        RunPg($"{_pgBin}/initdb -D {_root}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8", root);
        RunPg($"{_pgBin}/pg_ctl -D {_root}/data -l {_root}/server.log -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p {port} -k {_root} -c fsync=off -c synchronous_commit=off\" start", root);
        _serverConnection = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    /// <summary>A new, empty SQLite file.</summary>
    public StoreOptions NewSqlite()
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-test-sqlite");
        Directory.CreateDirectory(dir);
        return StoreOptions.SqliteFile(Path.Combine(dir, $"t{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}.db"));
    }

    /// <summary>A new, empty PostgreSQL database on the test server.</summary>
    public StoreOptions NewPostgres()
    {
        string name = $"saima_t{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..8]}";
        using (var c = new NpgsqlConnection(_serverConnection))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }

        var b = new NpgsqlConnectionStringBuilder(_serverConnection) { Database = name, Pooling = false };
        return StoreOptions.Postgres(b.ToString());
    }

    /// <summary>
    /// A new empty store of the given provider, with the latest schema: a copy of one store this
    /// fixture migrated once (migrating costs more than copying; the copy is the same database).
    /// </summary>
    public StoreOptions NewMigrated(StoreProvider provider) => NewCopyOf(provider, "migrated", _ => { });

    /// <summary>A new store of the given provider holding the league seed (<see cref="LeagueData.Seed"/>), copied from one seeded once.</summary>
    public StoreOptions NewLeague(StoreProvider provider) => NewCopyOf(provider, "league", LeagueData.Seed);

    /// <summary>
    /// A new store of the given provider holding what <paramref name="seed"/> writes into a
    /// migrated store: the seed runs once per provider and key (into a template store no test
    /// touches), and every call gets a copy of its own (SQLite: the file copied; PostgreSQL:
    /// <c>CREATE DATABASE … TEMPLATE …</c>), so that a test may write to it freely. The seed must
    /// depend on nothing but its key.
    /// </summary>
    public StoreOptions NewCopyOf(StoreProvider provider, string key, Action<StoreOptions> seed) =>
        NewCopyOf<object?>(provider, key, s =>
        {
            seed(s);
            return null;
        }).Store;

    /// <summary>As <see cref="NewCopyOf(StoreProvider, string, Action{StoreOptions})"/>, with what the seed returned (the same object for every copy: treat it as read-only).</summary>
    public (StoreOptions Store, T State) NewCopyOf<T>(StoreProvider provider, string key, Func<StoreOptions, T> seed)
    {
        var template = _templates.GetOrAdd((provider, key), _ => new Lazy<(StoreOptions, object?)>(() =>
        {
            StoreOptions store = provider == StoreProvider.Sqlite ? NewSqlite() : NewPostgres();
            SchemaMigrator.Migrate(store);
            object? state = seed(store);
            if (provider == StoreProvider.Sqlite)
            {
                // Everything into the main file, so that copying the file copies the store.
                using var c = new SqliteConnection(store.ConnectionString);
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                cmd.ExecuteNonQuery();
            }

            return (store, state);
        })).Value;
        StoreOptions copy;
        lock (template.Template)
        {
            copy = provider == StoreProvider.Sqlite ? CopySqlite(template.Template) : CopyPostgres(template.Template);
        }

        return (copy, (T)template.State!);
    }

    private StoreOptions CopySqlite(StoreOptions template)
    {
        SqliteConnection.ClearAllPools();
        StoreOptions copy = NewSqlite();
        File.Copy(new SqliteConnectionStringBuilder(template.ConnectionString).DataSource, new SqliteConnectionStringBuilder(copy.ConnectionString).DataSource);
        return copy;
    }

    private StoreOptions CopyPostgres(StoreOptions template)
    {
        string source = new NpgsqlConnectionStringBuilder(template.ConnectionString).Database!;
        string name = $"saima_t{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..8]}";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var c = new NpgsqlConnection(_serverConnection);
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = $"CREATE DATABASE {name} TEMPLATE {source}";
                cmd.ExecuteNonQuery();
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                // The template's last session is still closing on the server: wait for it.
                Thread.Sleep(100);
            }
        }

        var b = new NpgsqlConnectionStringBuilder(_serverConnection) { Database = name, Pooling = false };
        return StoreOptions.Postgres(b.ToString());
    }

    public void Dispose()
    {
        if (_root is null || _pgBin is null)
        {
            return;
        }

        try
        {
            RunPg($"{_pgBin}/pg_ctl -D {_root}/data -m immediate -w stop", Environment.UserName == "root");
            Directory.Delete(_root, recursive: true);
        }
        catch (InvalidOperationException)
        {
            // The server is gone already; nothing to clean.
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void RunPg(string command, bool asPostgres)
    {
        if (asPostgres)
        {
            Run("su", "postgres", "-s", "/bin/sh", "-c", command);
        }
        else
        {
            Run("/bin/sh", "-c", command);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode.ToString(CultureInfo.InvariantCulture)}): {err}");
        }
    }
}

/// <summary>The name of the test collection that shares one <see cref="Stores"/> (each test assembly defines it: xunit finds collection definitions only there).</summary>
public static class StoresCollection
{
    public const string Name = "stores";
}

/// <summary>The providers a data test runs on; the test name shows which (e.g. <c>(provider: Postgres)</c>).</summary>
public static class Providers
{
    public static TheoryData<StoreProvider> Both => new() { StoreProvider.Sqlite, StoreProvider.Postgres };
}
