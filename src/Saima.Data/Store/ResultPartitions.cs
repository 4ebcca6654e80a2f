using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Saima.Data.Store;

/// <summary>
/// On PostgreSQL the result tables <c>result_rows</c> and <c>warning_results</c> are partitioned by
/// result set (schema version 33): each set's rows are a table of their own
/// (<c>result_rows_s123</c>), attached as the set's partition. The publication
/// (<see cref="BulkWriter"/>) makes the table, copies the rows into it, then attaches it, so that
/// its primary key is built once over the set's rows rather than grown by millions of inserts into
/// one index holding every set. On SQLite there are no partitions and nothing here is used.
/// </summary>
public static class ResultPartitions
{
    /// <summary>The partitioned tables, whose rows are written with their result set.</summary>
    public static readonly IReadOnlyList<string> Tables = ["result_rows", "warning_results"];

    /// <summary>The name of a result set's partition of a result table: result_rows_s123.</summary>
    public static string NameOf(string table, long resultSetId) =>
        string.Create(CultureInfo.InvariantCulture, $"{table}_s{resultSetId}");

    /// <summary>
    /// For rows written one by one rather than by the publication's COPY (a set put together by
    /// hand: an older store's rows loaded again, a test's fixture): the set's empty partitions, made
    /// and attached at once, inside the caller's transaction if any. Nothing on SQLite.
    /// </summary>
    public static void AddEmpty(SaimaDb db, long resultSetId)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.GetDbConnection() is not NpgsqlConnection pg)
        {
            return;
        }

        db.Database.OpenConnection();
        try
        {
            foreach (string table in Tables)
            {
                Create(pg, table, resultSetId);
                Attach(pg, table, resultSetId);
            }
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>
    /// Makes the table of one result set's rows of a partitioned result table, without an index yet;
    /// returns the start of the COPY into it. In the caller's transaction: if it fails, the table
    /// is gone with it.
    /// </summary>
    internal static string Create(NpgsqlConnection pg, string table, long resultSetId)
    {
        string part = NameOf(table, resultSetId);
        (string from, string to) = Bounds(resultSetId);
        // The check, made with the table and so tested as each row is copied, is the partition's
        // bound: attaching finds it proven and does not read the rows again.
        Execute(pg, $"CREATE TABLE {part} (LIKE {table} INCLUDING DEFAULTS, CONSTRAINT {part}_set CHECK (result_set_id >= {from} AND result_set_id < {to}))");
        return $"COPY {part}";
    }

    /// <summary>
    /// Attaches the set's table as its partition. Attaching builds its primary key in one pass over
    /// the rows (sorting them once, instead of inserting millions of entries one by one into an
    /// index); the statistics are gathered at once, so that the pages' first queries of the new set
    /// are planned with them. Readers of other sets are not held up: attaching takes a lock on the
    /// partitioned table that lets them read. Two publications at once take turns here (the lock is
    /// held to the end of each one's transaction), always result_rows first, so they cannot deadlock.
    /// </summary>
    internal static void Attach(NpgsqlConnection pg, string table, long resultSetId)
    {
        string part = NameOf(table, resultSetId);
        (string from, string to) = Bounds(resultSetId);
        Execute(pg, $"ALTER TABLE {table} ATTACH PARTITION {part} FOR VALUES FROM ({from}) TO ({to})");
        Execute(pg, $"ANALYZE {part}");
    }

    private static (string From, string To) Bounds(long resultSetId) =>
        (resultSetId.ToString(CultureInfo.InvariantCulture), (resultSetId + 1).ToString(CultureInfo.InvariantCulture));

    private static void Execute(NpgsqlConnection pg, string sql)
    {
        using var command = new NpgsqlCommand(sql, pg) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }
}
