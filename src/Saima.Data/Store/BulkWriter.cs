using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

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

    /// <summary>The rows and warnings of a result set.</summary>
    public static void WriteResults(SaimaDb db, long resultSetId, IReadOnlyList<ResultRow> rows, IReadOnlyList<WarningResult> warnings, PublishPhases? phases = null)
    {
        IDbContextTransaction tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("results are written inside the transaction that computed them");
        DbConnection connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection pg)
        {
            CopyPostgres(pg, resultSetId, rows, warnings, phases);
        }
        else
        {
            InsertSqlite((SqliteConnection)connection, (SqliteTransaction)tx.GetDbTransaction(), resultSetId, rows, warnings, phases);
        }
    }

    private static void CopyPostgres(NpgsqlConnection pg, long resultSetId, IReadOnlyList<ResultRow> rows, IReadOnlyList<WarningResult> warnings, PublishPhases? phases)
    {
        using (NpgsqlBinaryImporter copy = pg.BeginBinaryImport(
            "COPY result_rows (result_set_id, unit_id, node, value, score, rank, track_rank, rank_change) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (ResultRow r in rows)
            {
                copy.StartRow();
                copy.Write(resultSetId, NpgsqlDbType.Bigint);
                copy.Write(r.UnitId, NpgsqlDbType.Bigint);
                copy.Write(r.Node, NpgsqlDbType.Text);
                Double(copy, r.Value);
                Double(copy, r.Score);
                Integer(copy, r.Rank);
                Integer(copy, r.TrackRank);
                Integer(copy, r.RankChange);
            }

            copy.Complete();
        }

        phases?.Lap("rows.copy");
        if (warnings.Count == 0)
        {
            return;
        }

        using (NpgsqlBinaryImporter copy = pg.BeginBinaryImport(
            "COPY warning_results (result_set_id, unit_id, indicator, value, target, completion, expected, gap, level) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (WarningResult w in warnings)
            {
                copy.StartRow();
                copy.Write(resultSetId, NpgsqlDbType.Bigint);
                copy.Write(w.UnitId, NpgsqlDbType.Bigint);
                copy.Write(w.Indicator, NpgsqlDbType.Text);
                Double(copy, w.Value);
                Double(copy, w.Target);
                Double(copy, w.Completion);
                Double(copy, w.Expected);
                Double(copy, w.Gap);
                if (w.Level is null)
                {
                    copy.WriteNull();
                }
                else
                {
                    copy.Write(w.Level, NpgsqlDbType.Text);
                }
            }

            copy.Complete();
        }

        phases?.Lap("warnings.copy");
    }

    private static void Text(NpgsqlBinaryImporter copy, string? v)
    {
        if (v is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(v, NpgsqlDbType.Text);
        }
    }

    private static void Double(NpgsqlBinaryImporter copy, double? v)
    {
        if (v is { } d)
        {
            copy.Write(d, NpgsqlDbType.Double);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void Integer(NpgsqlBinaryImporter copy, int? v)
    {
        if (v is { } i)
        {
            copy.Write(i, NpgsqlDbType.Integer);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void InsertSqlite(SqliteConnection connection, SqliteTransaction tx, long resultSetId, IReadOnlyList<ResultRow> rows, IReadOnlyList<WarningResult> warnings, PublishPhases? phases)
    {
        using (SqliteCommand insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO result_rows (result_set_id, unit_id, node, value, score, rank, track_rank, rank_change) VALUES ($set, $unit, $node, $value, $score, $rank, $track_rank, $rank_change)";
            SqliteParameter[] p = Parameters(insert, ("$set", I), ("$unit", I), ("$node", T), ("$value", R), ("$score", R), ("$rank", I), ("$track_rank", I), ("$rank_change", I));
            insert.Prepare();
            p[0].Value = resultSetId;
            foreach (ResultRow r in rows)
            {
                p[1].Value = r.UnitId;
                p[2].Value = r.Node;
                p[3].Value = Db(r.Value);
                p[4].Value = Db(r.Score);
                p[5].Value = Db(r.Rank);
                p[6].Value = Db(r.TrackRank);
                p[7].Value = Db(r.RankChange);
                insert.ExecuteNonQuery();
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
            foreach (WarningResult w in warnings)
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
