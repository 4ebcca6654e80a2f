using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Saima.Data.Intake;

/// <summary>
/// Inserts an upload's figures on the context's open transaction: binary COPY on PostgreSQL, one
/// prepared statement reused on SQLite. EF's change tracker would cost a second per 10,000 rows.
/// </summary>
internal static class FigureBulkInsert
{
    /// <summary>One new figure: its unit, indicator, period, value, revision, explanation and flags.</summary>
    public sealed record Row(long UnitId, long IndicatorId, string Period, double? Value, int Revision, string? Explanation, FigureFlags Flags);

    public static void Insert(SaimaDb db, long schemeId, long? importId, FigureStatus status, string user, DateTimeOffset at, IReadOnlyList<Row> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (db.Provider == StoreProvider.Postgres)
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            using NpgsqlBinaryImporter copy = connection.BeginBinaryImport(
                "COPY figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at, import_id, explanation, flags) FROM STDIN (FORMAT BINARY)");
            DateTime utc = at.UtcDateTime;
            foreach (Row r in rows)
            {
                copy.StartRow();
                copy.Write(schemeId, NpgsqlDbType.Bigint);
                copy.Write(r.UnitId, NpgsqlDbType.Bigint);
                copy.Write(r.IndicatorId, NpgsqlDbType.Bigint);
                copy.Write(r.Period, NpgsqlDbType.Text);
                if (r.Value is double v)
                {
                    copy.Write(v, NpgsqlDbType.Double);
                }
                else
                {
                    copy.WriteNull();
                }

                copy.Write((int)status, NpgsqlDbType.Integer);
                copy.Write(r.Revision, NpgsqlDbType.Integer);
                copy.Write(true, NpgsqlDbType.Boolean);
                copy.Write(user, NpgsqlDbType.Text);
                copy.Write(utc, NpgsqlDbType.TimestampTz);
                if (importId is long id)
                {
                    copy.Write(id, NpgsqlDbType.Bigint);
                }
                else
                {
                    copy.WriteNull();
                }

                if (r.Explanation is not null)
                {
                    copy.Write(r.Explanation, NpgsqlDbType.Text);
                }
                else
                {
                    copy.WriteNull();
                }

                copy.Write((int)r.Flags, NpgsqlDbType.Integer);
            }

            copy.Complete();
            return;
        }

        var sqlite = (SqliteConnection)db.Database.GetDbConnection();
        using SqliteCommand cmd = sqlite.CreateCommand();
        cmd.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = "INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at, import_id, explanation, flags) "
            + "VALUES ($scheme, $unit, $indicator, $period, $value, $status, $revision, 1, $user, $at, $import, $explanation, $flags)";
        cmd.Parameters.AddWithValue("$scheme", schemeId);
        SqliteParameter unit = cmd.Parameters.Add("$unit", SqliteType.Integer);
        SqliteParameter indicator = cmd.Parameters.Add("$indicator", SqliteType.Integer);
        SqliteParameter period = cmd.Parameters.Add("$period", SqliteType.Text);
        SqliteParameter value = cmd.Parameters.Add("$value", SqliteType.Real);
        cmd.Parameters.AddWithValue("$status", (int)status);
        SqliteParameter revision = cmd.Parameters.Add("$revision", SqliteType.Integer);
        cmd.Parameters.AddWithValue("$user", user);

        // The same text form the model's converter writes, so that times sort and read back alike.
        cmd.Parameters.AddWithValue("$at", at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$import", (object?)importId ?? DBNull.Value);
        SqliteParameter explanation = cmd.Parameters.Add("$explanation", SqliteType.Text);
        SqliteParameter flags = cmd.Parameters.Add("$flags", SqliteType.Integer);
        cmd.Prepare();
        foreach (Row r in rows)
        {
            unit.Value = r.UnitId;
            indicator.Value = r.IndicatorId;
            period.Value = r.Period;
            value.Value = (object?)r.Value ?? DBNull.Value;
            revision.Value = r.Revision;
            explanation.Value = (object?)r.Explanation ?? DBNull.Value;
            flags.Value = (int)r.Flags;
            cmd.ExecuteNonQuery();
        }
    }
}
