using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// Leases of background jobs (schema 0017, <c>job_leases</c>): when several web nodes share one
/// database, a scheduled job runs on the node that holds its lease. Taking a lease is one
/// statement (an insert that, on a clash, takes over only a lease that expired or that the same
/// holder has), so two nodes asking at the same moment cannot both get it.
/// </summary>
public static class JobLease
{
    /// <summary>
    /// Takes (or renews) the lease <paramref name="name"/> for <paramref name="holder"/> until
    /// now + <paramref name="duration"/>: true when this holder has it now.
    /// </summary>
    public static bool TryTake(SaimaDb db, string name, string holder, TimeSpan duration, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentNullException.ThrowIfNull(clock);
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        long until = clock.GetUtcNow().Add(duration).ToUnixTimeSeconds();
        db.Database.OpenConnection();
        try
        {
            DbConnection connection = db.Database.GetDbConnection();
            using DbCommand take = HashChain.Command(connection, null,
                """
                INSERT INTO job_leases (name, holder, expires_at) VALUES (@n, @h, @u)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= @now
                """,
                ("@n", name), ("@h", holder), ("@u", until), ("@now", now));
            return take.ExecuteNonQuery() == 1;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>Gives a lease back early (nothing happens unless <paramref name="holder"/> holds it).</summary>
    public static void Release(SaimaDb db, string name, string holder)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Database.OpenConnection();
        try
        {
            using DbCommand release = HashChain.Command(db.Database.GetDbConnection(), null,
                "DELETE FROM job_leases WHERE name = @n AND holder = @h", ("@n", name), ("@h", holder));
            release.ExecuteNonQuery();
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>Who holds a lease now, and until when (Unix seconds); null when nobody does.</summary>
    public static (string Holder, long Until)? Holder(SaimaDb db, string name, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        db.Database.OpenConnection();
        try
        {
            using DbCommand read = HashChain.Command(db.Database.GetDbConnection(), null,
                "SELECT holder, expires_at FROM job_leases WHERE name = @n AND expires_at > @now",
                ("@n", name), ("@now", clock.GetUtcNow().ToUnixTimeSeconds()));
            using DbDataReader r = read.ExecuteReader();
            return r.Read() ? (r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)) : null;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }
}
