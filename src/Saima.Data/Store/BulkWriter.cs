using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Saima.Data.Store;

/// <summary>
/// Writes many rows at once, inside the caller's transaction: binary COPY on PostgreSQL, one
/// prepared INSERT reused on SQLite. A city's 150 units × 60 nodes are 9,000 result rows (and
/// publishing its period 9,000 audit entries); through the change tracker they cost seconds, this
/// way tens of milliseconds. Doubles are written as binary doubles on both, so they read back to the bit.
/// </summary>
internal static class BulkWriter
{
    /// <summary>Audit entries (their ids are not read back), at the end of the audit chain.</summary>
    public static void WriteAudit(SaimaDb db, IReadOnlyList<AuditEntry> entries) => AuditChain.Append(db, entries);

    /// <summary>
    /// The rows and warnings of a result set, read from the engine's arrays as they are written
    /// (<see cref="ResultTable"/>): no row object is made.
    /// </summary>
    public static void WriteResults(SaimaDb db, long resultSetId, ResultTable table, PublishPhases? phases = null)
    {
        IDbContextTransaction tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("results are written inside the transaction that computed them");
        DbConnection connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection pg)
        {
            CopyPostgres(pg, resultSetId, table, phases);
        }
        else
        {
            InsertSqlite((SqliteConnection)connection, (SqliteTransaction)tx.GetDbTransaction(), resultSetId, table, phases);
        }
    }

    /// <summary>
    /// Rows of one text per key (a result set's unit traces): each made in turn by
    /// <paramref name="textOf"/> as UTF-8 (valid until the next call) and written at once, so only one is held.
    /// </summary>
    public static void WriteTexts(SaimaDb db, string table, string keyColumn, string textColumn, long resultSetId, int count, Func<int, (long Key, ReadOnlyMemory<byte> Utf8)> textOf)
    {
        IDbContextTransaction tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("texts of a result set are written inside a transaction");
        DbConnection connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection pg)
        {
            using var copy = new PgCopyWriter(pg, $"COPY {table} (result_set_id, {keyColumn}, {textColumn}) FROM STDIN (FORMAT BINARY)");
            for (int i = 0; i < count; i++)
            {
                (long key, ReadOnlyMemory<byte> text) = textOf(i);
                copy.StartRow(3);
                copy.Int64(resultSetId);
                copy.Int64(key);
                copy.Text(text.Span);
            }

            copy.Complete();
            return;
        }

        using SqliteCommand insert = ((SqliteConnection)connection).CreateCommand();
        insert.Transaction = (SqliteTransaction)tx.GetDbTransaction();
        insert.CommandText = $"INSERT INTO {table} (result_set_id, {keyColumn}, {textColumn}) VALUES ($set, $key, $text)";
        SqliteParameter[] p = Parameters(insert, ("$set", I), ("$key", I), ("$text", T));
        insert.Prepare();
        p[0].Value = resultSetId;
        for (int i = 0; i < count; i++)
        {
            (long key, ReadOnlyMemory<byte> text) = textOf(i);
            p[1].Value = key;
            p[2].Value = Encoding.UTF8.GetString(text.Span);
            insert.ExecuteNonQuery();
        }
    }

    private static void CopyPostgres(NpgsqlConnection pg, long resultSetId, ResultTable table, PublishPhases? phases)
    {
        byte[][] nodes = Enumerable.Range(0, table.Nodes).Select(k => Encoding.UTF8.GetBytes(table.Node(k))).ToArray();
        using (var copy = new PgCopyWriter(pg, ResultPartitions.Create(pg, "result_rows", resultSetId) + " (result_set_id, unit_id, node, value, score, rank, track_rank, rank_change) FROM STDIN (FORMAT BINARY)"))
        {
            for (int u = 0; u < table.Units; u++)
            {
                long unitId = table.UnitId(u);
                for (int k = 0; k < table.Nodes; k++)
                {
                    copy.StartRow(8);
                    copy.Int64(resultSetId);
                    copy.Int64(unitId);
                    copy.Text(nodes[k]);
                    copy.Double(table.Value(u, k));
                    copy.Double(table.Score(u, k));
                    copy.Int32(table.Rank(u, k));
                    copy.Int32(table.TrackRank(u, k));
                    copy.Int32(table.RankChange(u, k));
                }
            }

            copy.Complete();
        }

        ResultPartitions.Attach(pg, "result_rows", resultSetId);
        phases?.Lap("rows.copy");
        if (table.WarningCount == 0)
        {
            return;
        }

        using (var copy = new PgCopyWriter(pg, ResultPartitions.Create(pg, "warning_results", resultSetId) + " (result_set_id, unit_id, indicator, value, target, completion, expected, gap, level) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (WarningResult w in table.Warnings())
            {
                copy.StartRow(9);
                copy.Int64(resultSetId);
                copy.Int64(w.UnitId);
                copy.Text(w.Indicator);
                copy.Double(w.Value);
                copy.Double(w.Target);
                copy.Double(w.Completion);
                copy.Double(w.Expected);
                copy.Double(w.Gap);
                copy.Text(w.Level);
            }

            copy.Complete();
        }

        ResultPartitions.Attach(pg, "warning_results", resultSetId);
        phases?.Lap("warnings.copy");
    }

    private static void InsertSqlite(SqliteConnection connection, SqliteTransaction tx, long resultSetId, ResultTable table, PublishPhases? phases)
    {
        using (SqliteCommand insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO result_rows (result_set_id, unit_id, node, value, score, rank, track_rank, rank_change) VALUES ($set, $unit, $node, $value, $score, $rank, $track_rank, $rank_change)";
            SqliteParameter[] p = Parameters(insert, ("$set", I), ("$unit", I), ("$node", T), ("$value", R), ("$score", R), ("$rank", I), ("$track_rank", I), ("$rank_change", I));
            insert.Prepare();
            p[0].Value = resultSetId;
            for (int u = 0; u < table.Units; u++)
            {
                p[1].Value = table.UnitId(u);
                for (int k = 0; k < table.Nodes; k++)
                {
                    p[2].Value = table.Node(k);
                    p[3].Value = Db(table.Value(u, k));
                    p[4].Value = Db(table.Score(u, k));
                    p[5].Value = Db(table.Rank(u, k));
                    p[6].Value = Db(table.TrackRank(u, k));
                    p[7].Value = Db(table.RankChange(u, k));
                    insert.ExecuteNonQuery();
                }
            }
        }

        phases?.Lap("rows.copy");
        using (SqliteCommand insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO warning_results (result_set_id, unit_id, indicator, value, target, completion, expected, gap, level) VALUES ($set, $unit, $indicator, $value, $target, $completion, $expected, $gap, $level)";
            SqliteParameter[] p = Parameters(insert, ("$set", I), ("$unit", I), ("$indicator", T), ("$value", R), ("$target", R), ("$completion", R), ("$expected", R), ("$gap", R), ("$level", T));
            insert.Prepare();
            p[0].Value = resultSetId;
            foreach (WarningResult w in table.Warnings())
            {
                p[1].Value = w.UnitId;
                p[2].Value = w.Indicator;
                p[3].Value = Db(w.Value);
                p[4].Value = Db(w.Target);
                p[5].Value = Db(w.Completion);
                p[6].Value = Db(w.Expected);
                p[7].Value = Db(w.Gap);
                p[8].Value = (object?)w.Level ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }

        phases?.Lap("warnings.copy");
    }

    private const SqliteType I = SqliteType.Integer;
    private const SqliteType R = SqliteType.Real;
    private const SqliteType T = SqliteType.Text;

    private static SqliteParameter[] Parameters(SqliteCommand command, params (string Name, SqliteType Type)[] columns) =>
        columns.Select(c => command.Parameters.Add(c.Name, c.Type)).ToArray();

    private static object Db(double? v) => v is { } d ? d : DBNull.Value;

    private static object Db(int? v) => v is { } i ? i : DBNull.Value;
}
