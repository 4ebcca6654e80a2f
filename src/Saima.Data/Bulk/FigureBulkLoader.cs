using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Saima.Data.Bulk;

/// <summary>One figure for <see cref="FigureBulkLoader.Load"/>: codes as users write them; EnteredAt defaults to the load's clock.</summary>
public sealed record BulkFigure(string Unit, string Indicator, string Period, double? Value, FigureStatus Status = FigureStatus.Submitted, string? Comment = null, DateTimeOffset? EnteredAt = null);

/// <summary>How a bulk load records its figures.</summary>
public sealed record BulkLoadOptions
{
    /// <summary>Who the figures and the import batch are recorded as entered by.</summary>
    public string EnteredBy { get; init; } = "import";

    /// <summary>The status of figures read from a CSV file (the file has no status column).</summary>
    public FigureStatus Status { get; init; } = FigureStatus.Submitted;

    /// <summary>The file name recorded on the import batch (default: the CSV file's name).</summary>
    public string? FileName { get; init; }

    /// <summary>
    /// Lets figures go into published periods. Only the demo builder does this (it loads history);
    /// otherwise a published period is closed to intake and corrections go through the workflow.
    /// </summary>
    public bool AllowPublishedPeriods { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Called now and then with the phase ("read", "load"), the work done and the total.</summary>
    public Action<string, long, long>? Progress { get; init; }
}

/// <summary>What one bulk load did.</summary>
public sealed record BulkLoadResult(long ImportId, int Rows, IReadOnlyList<string> PeriodsCreated, TimeSpan ReadTime, TimeSpan LoadTime)
{
    public TimeSpan Elapsed => ReadTime + LoadTime;
}

/// <summary>
/// Loads many figures into the <c>figures</c> table as one import batch, fast: PostgreSQL through
/// Npgsql's binary COPY, SQLite through one transaction with one prepared INSERT reused for every
/// row (synchronous=OFF while it runs). Every code is checked against the scheme before anything
/// is written, and the whole load is one transaction: on any error nothing stays.
/// </summary>
/// <remarks>
/// <para>
/// The CSV format (UTF-8, a BOM accepted, comma-separated, one header row, RFC 4180 quotes within a
/// line): columns <c>unit</c>, <c>indicator</c>, <c>period</c>, <c>value</c> (required, any order,
/// names case-insensitive) and <c>scheme</c> (optional: when present every row must name the
/// scheme being loaded). <c>value</c> uses '.' as decimal point and may be empty (a missing
/// figure). <c>period</c> is <c>2025-06</c>, <c>2025-Q2</c> or <c>2025</c> as the scheme's frequency
/// says. Every unit must take part in the scheme; every indicator must be one of the scheme's
/// reported indicators (derived growth indicators are computed, not loaded). A unit, indicator and
/// period may appear once, and must not already have a figure. Periods not yet known are created
/// open; a published period is refused. Figures are stored as revision 1, current, with the status
/// given (default submitted), one import batch and one audit entry.
/// </para>
/// <para>
/// A large PostgreSQL load (at least <see cref="LargeLoadRows"/> figures and at least a quarter of
/// the figures already stored) locks <c>figures</c> (ACCESS EXCLUSIVE: readers wait for the load's
/// few seconds) and, in its one transaction, drops the table's foreign keys, its unique key and its
/// plain indexes (names and definitions read from pg_constraint and pg_index), takes a block of
/// ids from the table's sequence, COPYs, then rebuilds the indexes and re-adds the unique key and
/// the foreign keys exactly as they were. Re-adding them checks every row; a violation rolls the
/// whole transaction back, the dropped constraints and indexes with it.
/// </para>
/// </remarks>
public static class FigureBulkLoader
{
    private const int MaxErrors = 10;

    /// <summary>
    /// From this many figures on, a PostgreSQL load (into a table holding no more than four times
    /// as many) drops the foreign keys and secondary indexes of <c>figures</c> for the COPY and
    /// rebuilds them after, in the same transaction: a per-row foreign-key look-up and index insert
    /// costs far more than one sort and one join over the table.
    /// </summary>
    public const int LargeLoadRows = 50_000;

    /// <summary>Loads a long CSV file (see the remarks of <see cref="FigureBulkLoader"/>).</summary>
    /// <exception cref="BulkLoadException">Bad input; nothing was written.</exception>
    public static BulkLoadResult LoadCsv(StoreOptions store, string schemeCode, string path, BulkLoadOptions? options = null)
    {
        options ??= new BulkLoadOptions();
        if (!File.Exists(path))
        {
            throw new BulkLoadException($"{path}: no such file");
        }

        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        SchemeCodes codes = SchemeCodes.Read(connection, schemeCode);
        var sw = Stopwatch.StartNew();
        Batch batch = ReadCsv(path, codes, options);
        TimeSpan read = sw.Elapsed;
        return Write(connection, store.Provider, codes, batch, options with { FileName = options.FileName ?? Path.GetFileName(path) }, read);
    }

    /// <summary>Loads figures given in memory (the demo builder uses this).</summary>
    /// <exception cref="BulkLoadException">Bad input; nothing was written.</exception>
    public static BulkLoadResult Load(StoreOptions store, string schemeCode, IEnumerable<BulkFigure> figures, BulkLoadOptions? options = null)
    {
        options ??= new BulkLoadOptions();
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        SchemeCodes codes = SchemeCodes.Read(connection, schemeCode);
        var sw = Stopwatch.StartNew();
        var batch = new Batch(codes);
        int n = 0;
        foreach (BulkFigure f in figures)
        {
            n++;
            batch.Add(new Where("figure ", n), f.Unit, f.Indicator, f.Period, f.Value.HasValue, f.Value ?? 0, f.Status, f.Comment, f.EnteredAt);
        }

        batch.ThrowIfErrors("figures");
        return Write(connection, store.Provider, codes, batch, options with { FileName = options.FileName ?? "(generated)" }, sw.Elapsed);
    }

    private static Batch ReadCsv(string path, SchemeCodes codes, BulkLoadOptions options)
    {
        string file = Path.GetFileName(path);
        var batch = new Batch(codes);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        long total = stream.Length;
        var lines = new LineReader(reader);
        if (!lines.TryRead(out ReadOnlySpan<char> header))
        {
            throw new BulkLoadException($"{file}: empty file; expected a header row with unit, indicator, period, value");
        }

        var names = new List<string>();
        if (!SplitLine(header, names))
        {
            throw new BulkLoadException($"{file}:1: unterminated quote in the header");
        }

        int cUnit = -1, cIndicator = -1, cPeriod = -1, cValue = -1, cScheme = -1;
        for (int i = 0; i < names.Count; i++)
        {
            ref int slot = ref cUnit;
            switch (names[i].Trim().ToLowerInvariant())
            {
                case "unit": slot = ref cUnit; break;
                case "indicator": slot = ref cIndicator; break;
                case "period": slot = ref cPeriod; break;
                case "value": slot = ref cValue; break;
                case "scheme": slot = ref cScheme; break;
                default:
                    throw new BulkLoadException($"{file}:1: unknown column '{names[i]}'; expected scheme, unit, indicator, period, value");
            }

            if (slot >= 0)
            {
                throw new BulkLoadException($"{file}:1: column '{names[i]}' appears twice");
            }

            slot = i;
        }

        foreach ((string name, int c) in new[] { ("unit", cUnit), ("indicator", cIndicator), ("period", cPeriod), ("value", cValue) })
        {
            if (c < 0)
            {
                throw new BulkLoadException($"{file}:1: missing column '{name}'; expected unit, indicator, period, value (and optionally scheme)");
            }
        }

        int columns = names.Count;
        int line = 1;
        string prefix = file + ":";
        var fields = new List<string>();
        Span<Range> ranges = stackalloc Range[columns + 1];
        while (lines.TryRead(out ReadOnlySpan<char> text))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            if ((line & 0xFFFF) == 0)
            {
                options.Progress?.Invoke("read", stream.Position, total);
            }

            var where = new Where(prefix, line); // formatted only for an error message
            ReadOnlySpan<char> unit, indicator, period, value, scheme = default;
            if (text.Contains('"'))
            {
                if (!SplitLine(text, fields))
                {
                    batch.Error($"{where}: unterminated quote (a quoted field may not span lines)");
                    continue;
                }

                if (fields.Count != columns)
                {
                    batch.Error($"{where}: {fields.Count.ToString(CultureInfo.InvariantCulture)} fields; expected {columns.ToString(CultureInfo.InvariantCulture)} as in the header");
                    continue;
                }

                unit = fields[cUnit];
                indicator = fields[cIndicator];
                period = fields[cPeriod];
                value = fields[cValue];
                if (cScheme >= 0)
                {
                    scheme = fields[cScheme];
                }
            }
            else
            {
                ReadOnlySpan<char> span = text;
                int count = span.Split(ranges, ',');
                if (count != columns)
                {
                    batch.Error($"{where}: {count.ToString(CultureInfo.InvariantCulture)} fields; expected {columns.ToString(CultureInfo.InvariantCulture)} as in the header");
                    continue;
                }

                unit = span[ranges[cUnit]];
                indicator = span[ranges[cIndicator]];
                period = span[ranges[cPeriod]];
                value = span[ranges[cValue]];
                if (cScheme >= 0)
                {
                    scheme = span[ranges[cScheme]];
                }
            }

            if (cScheme >= 0 && !scheme.Trim().Equals(codes.SchemeCode, StringComparison.Ordinal))
            {
                batch.Error($"{where}: scheme: '{scheme.ToString()}' is not the scheme being loaded ('{codes.SchemeCode}')");
                continue;
            }

            value = value.Trim();
            double v = 0;
            bool has = value.Length > 0;
            if (has && (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out v) || !double.IsFinite(v)))
            {
                batch.Error($"{where}: value: '{value.ToString()}' is not a number; expected a finite number with '.' as decimal point, or empty");
                continue;
            }

            batch.Add(where, unit.Trim(), indicator.Trim(), period.Trim(), has, v, options.Status, null);
        }

        options.Progress?.Invoke("read", total, total);
        batch.ThrowIfErrors(file);
        if (batch.Count == 0)
        {
            throw new BulkLoadException($"{file}: no figures (only a header)");
        }

        return batch;
    }

    /// <summary>Splits one CSV line with RFC 4180 quotes; false when a quote is left open.</summary>
    private static bool SplitLine(ReadOnlySpan<char> line, List<string> fields)
    {
        fields.Clear();
        var sb = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        sb.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return !quoted;
    }

    private static BulkLoadResult Write(DbConnection connection, StoreProvider provider, SchemeCodes codes, Batch batch, BulkLoadOptions options, TimeSpan read)
    {
        var sw = Stopwatch.StartNew();
        batch.CheckPeriods(options.AllowPublishedPeriods);
        batch.CheckExisting(connection);
        batch.ThrowIfErrors(options.FileName!);

        DateTimeOffset now = options.Clock.GetUtcNow();
        Dictionary<string, string>? sqliteSettings = null;
        if (provider == StoreProvider.Sqlite)
        {
            // Durability is bought back by the commit at the end: synchronous=OFF and a big page
            // cache while one transaction writes, then the database's own settings again.
            sqliteSettings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["synchronous"] = Convert.ToString(SchemaMigrator.Scalar(connection, null, "PRAGMA synchronous"), CultureInfo.InvariantCulture)!,
                ["journal_mode"] = Convert.ToString(SchemaMigrator.Scalar(connection, null, "PRAGMA journal_mode"), CultureInfo.InvariantCulture)!,
                ["cache_size"] = Convert.ToString(SchemaMigrator.Scalar(connection, null, "PRAGMA cache_size"), CultureInfo.InvariantCulture)!,
            };
            SchemaMigrator.Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
        }

        try
        {
            bool large = provider == StoreProvider.Postgres && IsLargePostgresLoad((NpgsqlConnection)connection, batch.Count);
            using DbTransaction tx = connection.BeginTransaction();
            if (large)
            {
                LockForRebuild((NpgsqlConnection)connection);
            }

            long importId = InsertImport(connection, tx, codes.SchemeId, options, batch.Count, now);
            List<string> created = batch.InsertNewPeriods(connection, tx, provider, now);
            if (provider == StoreProvider.Postgres)
            {
                var pg = (NpgsqlConnection)connection;
                IReadOnlyList<string>? rebuild = large ? DropFigureKeysAndIndexes(pg) : null;
                long firstId = large ? ReserveIds(pg, batch.Count) : 0;
                CopyPostgres(pg, codes.SchemeId, batch, importId, firstId, options, now);
                foreach (string sql in rebuild ?? [])
                {
                    using var cmd = new NpgsqlCommand(sql, pg) { CommandTimeout = 0 }; // grows with the table
                    cmd.ExecuteNonQuery();
                }
            }
            else
            {
                InsertSqlite((SqliteConnection)connection, (SqliteTransaction)tx, codes.SchemeId, batch, importId, options, now);
            }

            Store.AuditChain.Append(connection, tx, [new AuditEntry
            {
                At = now, User = options.EnteredBy, Action = "import", Entity = "import", EntityKey = importId.ToString(CultureInfo.InvariantCulture),
                NewValue = $"{batch.Count.ToString(CultureInfo.InvariantCulture)} figures of scheme {codes.SchemeCode}",
                Reason = $"bulk load of {options.FileName}",
            }]);

            tx.Commit();
            options.Progress?.Invoke("load", batch.Count, batch.Count);
            return new BulkLoadResult(importId, batch.Count, created, read, sw.Elapsed);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new BulkLoadException($"{options.FileName}: a figure is already stored for the same unit, indicator and period ({e.MessageText}); nothing was loaded");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new BulkLoadException($"{options.FileName}: a figure refers to a scheme, unit, indicator or import that is not stored ({e.MessageText}); nothing was loaded");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new BulkLoadException($"{options.FileName}: {e.Message.TrimEnd('.')} (a figure already stored?); nothing was loaded");
        }
        finally
        {
            if (sqliteSettings is not null)
            {
                SchemaMigrator.Execute(connection, null,
                    $"PRAGMA journal_mode={sqliteSettings["journal_mode"]}; PRAGMA synchronous={sqliteSettings["synchronous"]}; PRAGMA cache_size={sqliteSettings["cache_size"]};");
            }
        }
    }

    /// <summary>
    /// Whether a PostgreSQL load is large enough to load <c>figures</c> without its foreign keys and
    /// secondary indexes and rebuild them after: at least <see cref="LargeLoadRows"/> figures, and at
    /// least a quarter of the figures already stored (the rebuild sorts and checks the whole table, so
    /// a small load into a big table is faster row by row).
    /// </summary>
    private static bool IsLargePostgresLoad(NpgsqlConnection connection, int rows)
    {
        if (rows < LargeLoadRows)
        {
            return false;
        }

        // reltuples is -1 (never analysed) or stale right after a load; the size on disk (about
        // 120 bytes a figure, indexes apart) keeps the estimate honest in between.
        long stored = Convert.ToInt64(SchemaMigrator.Scalar(connection, null,
            "SELECT greatest(c.reltuples::bigint, pg_relation_size(c.oid) / 120) FROM pg_class c WHERE c.oid = 'figures'::regclass"), CultureInfo.InvariantCulture);
        return rows >= stored / 4;
    }

    /// <summary>
    /// First thing in a large load's transaction, before it writes anything: the tables the foreign
    /// keys of <c>figures</c> refer to (SHARE ROW EXCLUSIVE, as re-adding the keys will take: their
    /// readers go on, their writers wait), then <c>figures</c> itself (ACCESS EXCLUSIVE: everyone
    /// waits). Taking them all at the start, referred tables first, means a session that wrote an
    /// import row and then waits for <c>figures</c> is waited for here instead of deadlocking with
    /// the re-added foreign keys at the end. Also gives the index builds room to sort in memory.
    /// </summary>
    private static void LockForRebuild(NpgsqlConnection connection)
    {
        var referred = new List<string>();
        using (var cmd = new NpgsqlCommand(
            "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'figures'::regclass AND contype = 'f' AND confrelid <> conrelid ORDER BY 1", connection))
        using (NpgsqlDataReader r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                referred.Add(r.GetString(0));
            }
        }

        string sql = "SET LOCAL maintenance_work_mem = '256MB'; "
            + (referred.Count > 0 ? $"LOCK TABLE {string.Join(", ", referred)} IN SHARE ROW EXCLUSIVE MODE; " : string.Empty)
            + "LOCK TABLE figures IN ACCESS EXCLUSIVE MODE";
        SchemaMigrator.Execute(connection, null, sql);
    }

    /// <summary>
    /// Inside the load's transaction, under <see cref="LockForRebuild"/>: drops the foreign keys of <c>figures</c>, its unique
    /// constraints and its plain indexes (all read from the catalogue: names and definitions as the
    /// schema made them), and returns the statements that recreate them, indexes first. The primary
    /// key stays (ids only grow: appending to it is cheap), and so does any index another table's
    /// foreign key depends on. Re-adding a foreign key checks every row in one join; a violation
    /// fails the statement and the whole transaction rolls back, restoring what was dropped.
    /// </summary>
    private static List<string> DropFigureKeysAndIndexes(NpgsqlConnection connection)
    {
        var foreignKeys = new List<(string Name, string Definition)>();
        var uniques = new List<(string Name, string Definition)>();
        var indexes = new List<(string Name, string Definition)>();
        using (NpgsqlCommand cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT 'f', quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE conrelid = 'figures'::regclass AND contype = 'f'
                UNION ALL
                SELECT 'u', quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM pg_constraint c
                 WHERE c.conrelid = 'figures'::regclass AND c.contype = 'u'
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)
                UNION ALL
                SELECT 'i', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                 WHERE i.indrelid = 'figures'::regclass
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1, 2
                """;
            using NpgsqlDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                (r.GetString(0) switch { "f" => foreignKeys, "u" => uniques, _ => indexes }).Add((r.GetString(1), r.GetString(2)));
            }
        }

        var drop = new List<string>();
        if (foreignKeys.Count + uniques.Count > 0)
        {
            drop.Add("ALTER TABLE figures " + string.Join(", ", foreignKeys.Concat(uniques).Select(c => "DROP CONSTRAINT " + c.Name)));
        }

        if (indexes.Count > 0)
        {
            drop.Add("DROP INDEX " + string.Join(", ", indexes.Select(i => i.Name)));
        }

        foreach (string sql in drop)
        {
            SchemaMigrator.Execute(connection, null, sql);
        }

        var rebuild = indexes.Select(i => i.Definition).ToList();
        rebuild.AddRange(uniques.Select(c => $"ALTER TABLE figures ADD CONSTRAINT {c.Name} {c.Definition}"));
        rebuild.AddRange(foreignKeys.Select(c => $"ALTER TABLE figures ADD CONSTRAINT {c.Name} {c.Definition}"));
        return rebuild;
    }

    private static long InsertImport(DbConnection connection, DbTransaction tx, long schemeId, BulkLoadOptions options, int rows, DateTimeOffset now)
    {
        using DbCommand cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO imports (scheme_id, file_name, imported_by, imported_at, rows) VALUES (@s, @f, @b, @a, @r) RETURNING id";
        AddParameter(cmd, "@s", schemeId);
        AddParameter(cmd, "@f", options.FileName!);
        AddParameter(cmd, "@b", options.EnteredBy);
        AddParameter(cmd, "@a", Timestamp(connection is NpgsqlConnection ? StoreProvider.Postgres : StoreProvider.Sqlite, now));
        AddParameter(cmd, "@r", rows);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive ids from the sequence of <c>figures.id</c> and returns
    /// the first, or 0 (the column's default then numbers the rows) when the sequence does not count
    /// by one. ALTER SEQUENCE holds a lock that blocks every other session's nextval until the load
    /// commits or rolls back, so no one else can be handed an id of the range; a rollback restores
    /// the sequence too. Saves the server a nextval per row.
    /// </summary>
    private static long ReserveIds(NpgsqlConnection connection, int count)
    {
        object? sequence = SchemaMigrator.Scalar(connection, null,
            "SELECT s.seqrelid::regclass::text FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence('figures', 'id')::regclass AND s.seqincrement = 1");
        if (sequence is not string seq)
        {
            return 0;
        }

        using var cmd = new NpgsqlCommand($"ALTER SEQUENCE {seq} INCREMENT BY 1; SELECT nextval(@s::regclass)", connection);
        cmd.Parameters.AddWithValue("s", seq);
        long first = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var set = new NpgsqlCommand("SELECT setval(@s::regclass, @last)", connection);
        set.Parameters.AddWithValue("s", seq);
        set.Parameters.AddWithValue("last", first + count - 1);
        set.ExecuteNonQuery();
        return first;
    }

    private static void CopyPostgres(NpgsqlConnection connection, long schemeId, Batch batch, long importId, long firstId, BulkLoadOptions options, DateTimeOffset now)
    {
        DateTime at = now.UtcDateTime;
        using NpgsqlBinaryImporter writer = connection.BeginBinaryImport(
            $"COPY figures ({(firstId > 0 ? "id, " : string.Empty)}scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, comment, entered_by, entered_at, import_id) FROM STDIN (FORMAT BINARY)");
        Row[] rows = batch.Rows;
        for (int i = 0; i < batch.Count; i++)
        {
            ref readonly Row r = ref rows[i];
            writer.StartRow();
            if (firstId > 0)
            {
                writer.Write(firstId + i, NpgsqlDbType.Bigint);
            }

            writer.Write(schemeId, NpgsqlDbType.Bigint);
            writer.Write(r.UnitId, NpgsqlDbType.Bigint);
            writer.Write(r.IndicatorId, NpgsqlDbType.Bigint);
            writer.Write(batch.Periods[r.Period], NpgsqlDbType.Text);
            if (r.HasValue)
            {
                writer.Write(r.Value, NpgsqlDbType.Double);
            }
            else
            {
                writer.WriteNull();
            }

            writer.Write((int)r.Status, NpgsqlDbType.Integer);
            writer.Write(1, NpgsqlDbType.Integer);
            writer.Write(true, NpgsqlDbType.Boolean);
            if (r.Comment >= 0)
            {
                writer.Write(batch.Comments[r.Comment], NpgsqlDbType.Text);
            }
            else
            {
                writer.WriteNull();
            }

            writer.Write(options.EnteredBy, NpgsqlDbType.Text);
            writer.Write(r.EnteredAtTicks == 0 ? at : new DateTime(r.EnteredAtTicks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
            writer.Write(importId, NpgsqlDbType.Bigint);
            if ((i & 0xFFFF) == 0xFFFF)
            {
                options.Progress?.Invoke("load", i + 1, batch.Count);
            }
        }

        writer.Complete();
    }

    private static void InsertSqlite(SqliteConnection connection, SqliteTransaction tx, long schemeId, Batch batch, long importId, BulkLoadOptions options, DateTimeOffset now)
    {
        using SqliteCommand cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, comment, entered_by, entered_at, import_id) "
            + "VALUES ($s, $u, $i, $p, $v, $st, 1, 1, $c, $by, $at, $imp)";
        SqliteParameter pScheme = cmd.Parameters.Add("$s", SqliteType.Integer);
        SqliteParameter pUnit = cmd.Parameters.Add("$u", SqliteType.Integer);
        SqliteParameter pIndicator = cmd.Parameters.Add("$i", SqliteType.Integer);
        SqliteParameter pPeriod = cmd.Parameters.Add("$p", SqliteType.Text);
        SqliteParameter pValue = cmd.Parameters.Add("$v", SqliteType.Real);
        SqliteParameter pStatus = cmd.Parameters.Add("$st", SqliteType.Integer);
        SqliteParameter pComment = cmd.Parameters.Add("$c", SqliteType.Text);
        SqliteParameter pBy = cmd.Parameters.Add("$by", SqliteType.Text);
        SqliteParameter pAt = cmd.Parameters.Add("$at", SqliteType.Text);
        SqliteParameter pImport = cmd.Parameters.Add("$imp", SqliteType.Integer);
        pScheme.Value = schemeId;
        pBy.Value = options.EnteredBy;
        object defaultAt = (string)Timestamp(StoreProvider.Sqlite, now);
        var atText = new Dictionary<long, object>();
        pImport.Value = importId;
        cmd.Prepare();

        // Boxed once: the same few periods, statuses and ids recur on every row.
        object[] periods = batch.Periods.Select(p => (object)p).ToArray();
        object[] statuses = Enum.GetValues<FigureStatus>().Select(s => (object)(long)s).ToArray();
        Row[] rows = batch.Rows;
        for (int i = 0; i < batch.Count; i++)
        {
            ref readonly Row r = ref rows[i];
            pUnit.Value = batch.BoxedUnit(r.UnitId);
            pIndicator.Value = batch.BoxedIndicator(r.IndicatorId);
            pPeriod.Value = periods[r.Period];
            pValue.Value = r.HasValue ? r.Value : DBNull.Value;
            pStatus.Value = statuses[(int)r.Status];
            pComment.Value = r.Comment >= 0 ? batch.Comments[r.Comment] : DBNull.Value;
            if (r.EnteredAtTicks == 0)
            {
                pAt.Value = defaultAt;
            }
            else
            {
                if (!atText.TryGetValue(r.EnteredAtTicks, out object? text))
                {
                    text = Timestamp(StoreProvider.Sqlite, new DateTimeOffset(r.EnteredAtTicks, TimeSpan.Zero));
                    atText[r.EnteredAtTicks] = text;
                }

                pAt.Value = text;
            }

            cmd.ExecuteNonQuery();
            if ((i & 0xFFFF) == 0xFFFF)
            {
                options.Progress?.Invoke("load", i + 1, batch.Count);
            }
        }
    }

    /// <summary>A timestamp as each provider stores it (SQLite: the ISO text SaimaDb writes).</summary>
    internal static object Timestamp(StoreProvider provider, DateTimeOffset at) => provider == StoreProvider.Sqlite
        ? at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
        : at.ToUniversalTime();

    internal static void AddParameter(DbCommand command, string name, object? value)
    {
        DbParameter p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Reads lines (ended by \n, \r\n or \r) as spans over one buffer: no string for each line. A
    /// line is valid until the next call.
    /// </summary>
    private sealed class LineReader(TextReader reader)
    {
        private char[] _buffer = new char[1 << 16];
        private int _start;
        private int _end;
        private bool _eof;
        private bool _afterCr; // the last line ended with '\r': a '\n' right after it belongs to it

        public bool TryRead(out ReadOnlySpan<char> line)
        {
            while (true)
            {
                if (_afterCr && _start < _end)
                {
                    if (_buffer[_start] == '\n')
                    {
                        _start++;
                    }

                    _afterCr = false;
                }

                ReadOnlySpan<char> pending = _buffer.AsSpan(_start, _end - _start);
                int i = _afterCr ? -1 : pending.IndexOfAny('\r', '\n');
                if (i >= 0)
                {
                    line = pending[..i];
                    _afterCr = pending[i] == '\r';
                    _start += i + 1;
                    return true;
                }

                if (_eof)
                {
                    line = pending;
                    _start = _end;
                    return !pending.IsEmpty;
                }

                if (_start > 0)
                {
                    Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
                }

                int n = reader.Read(_buffer, _end, _buffer.Length - _end);
                _eof = n == 0;
                _end += n;
            }
        }
    }

    /// <summary>Where a figure came from ("f.csv:12", "figure 3"), kept as parts so a good row allocates nothing.</summary>
    private readonly record struct Where(string Prefix, int Number)
    {
        public override string ToString() => Prefix + Number.ToString(CultureInfo.InvariantCulture);
    }

    private struct Row
    {
        public long UnitId;
        public long IndicatorId;
        public double Value;
        public int Period;
        public int Comment;
        public FigureStatus Status;
        public bool HasValue;

        /// <summary>UTC ticks of the entry time; 0: the load's clock.</summary>
        public long EnteredAtTicks;
    }

    /// <summary>The codes a scheme accepts, read once before a load.</summary>
    private sealed class SchemeCodes
    {
        public required string SchemeCode { get; init; }
        public long SchemeId { get; init; }
        public required string Frequency { get; init; }
        public required Dictionary<string, long> Units { get; init; }
        public required Dictionary<string, long> Indicators { get; init; }
        public required HashSet<string> Derived { get; init; }
        public required Dictionary<string, (long Id, PeriodStatus Status)> Periods { get; init; }

        public static SchemeCodes Read(DbConnection connection, string code)
        {
            long schemeId;
            string frequency;
            using (DbCommand cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT id, frequency FROM schemes WHERE code = @c";
                AddParameter(cmd, "@c", code);
                using DbDataReader r = cmd.ExecuteReader();
                if (!r.Read())
                {
                    throw new BulkLoadException($"unknown scheme '{code}'; expected the code of a scheme in the database");
                }

                schemeId = r.GetInt64(0);
                frequency = r.GetString(1);
            }

            var units = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach ((string c, long id, _) in Query(connection, "SELECT u.code, u.id, 0 FROM scheme_units su JOIN units u ON u.id = su.unit_id WHERE su.scheme_id = @s", schemeId))
            {
                units[c] = id;
            }

            var indicators = new Dictionary<string, long>(StringComparer.Ordinal);
            var derived = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string c, long id, long growth) in Query(connection, "SELECT code, id, coalesce(growth_of_id, 0) FROM indicators WHERE scheme_id = @s", schemeId))
            {
                if (growth != 0)
                {
                    derived.Add(c);
                }
                else
                {
                    indicators[c] = id;
                }
            }

            var periods = new Dictionary<string, (long, PeriodStatus)>(StringComparer.Ordinal);
            foreach ((string c, long id, long status) in Query(connection, "SELECT code, id, status FROM periods WHERE scheme_id = @s", schemeId))
            {
                periods[c] = (id, (PeriodStatus)status);
            }

            return new SchemeCodes { SchemeCode = code, SchemeId = schemeId, Frequency = frequency, Units = units, Indicators = indicators, Derived = derived, Periods = periods };
        }

        private static List<(string, long, long)> Query(DbConnection connection, string sql, long schemeId)
        {
            using DbCommand cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            AddParameter(cmd, "@s", schemeId);
            using DbDataReader r = cmd.ExecuteReader();
            var list = new List<(string, long, long)>();
            while (r.Read())
            {
                list.Add((r.GetString(0), r.GetInt64(1), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)));
            }

            return list;
        }
    }

    /// <summary>The rows of one load, with codes resolved, and the errors found so far.</summary>
    private sealed class Batch(SchemeCodes codes)
    {
        // Units and indicators by code, as dense indexes (same order as _unitIndex/_indicatorIndex) into their ids.
        private readonly long[] _unitIds = [.. codes.Units.Values];
        private readonly long[] _indicatorIds = [.. codes.Indicators.Values];
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _units = Dense(codes.Units).GetAlternateLookup<ReadOnlySpan<char>>();
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _indicators = Dense(codes.Indicators).GetAlternateLookup<ReadOnlySpan<char>>();

        // The figures seen so far: per period, one bit for each indicator and unit (a set of keys without hashing).
        private readonly List<ulong[]> _seen = [];
        private readonly Dictionary<string, int> _periodIndex = new(StringComparer.Ordinal);
        private readonly Dictionary<long, int> _unitIndex = codes.Units.Values.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        private readonly Dictionary<long, int> _indicatorIndex = codes.Indicators.Values.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        private readonly Dictionary<long, object> _boxed = [];
        private readonly List<string> _errors = [];
        private int _errorCount;

        public Row[] Rows { get; private set; } = new Row[1024];
        public int Count { get; private set; }
        public List<string> Periods { get; } = [];
        public List<string> Comments { get; } = [];

        public void Error(string message)
        {
            _errorCount++;
            if (_errors.Count < MaxErrors)
            {
                _errors.Add(message);
            }
        }

        public void Add(Where where, ReadOnlySpan<char> unit, ReadOnlySpan<char> indicator, ReadOnlySpan<char> period, bool hasValue, double value, FigureStatus status, string? comment, DateTimeOffset? enteredAt = null)
        {
            if (!_units.TryGetValue(unit, out int u))
            {
                Error($"{where}: unit: '{unit.ToString()}' is not a unit of scheme {codes.SchemeCode}");
                return;
            }

            if (!_indicators.TryGetValue(indicator, out int ind))
            {
                string name = indicator.ToString();
                Error(codes.Derived.Contains(name)
                    ? $"{where}: indicator: '{name}' is derived (year-on-year growth computed from its level indicator); load the level instead"
                    : $"{where}: indicator: '{name}' is not an indicator of scheme {codes.SchemeCode}");
                return;
            }

            if (hasValue && !double.IsFinite(value))
            {
                Error($"{where}: value: {value.ToString(CultureInfo.InvariantCulture)} is not a finite number");
                return;
            }

            int p = PeriodIndex(where, period);
            if (p < 0)
            {
                return;
            }

            if (!Mark(p, ind, u, set: true))
            {
                Error($"{where}: duplicate figure: unit '{unit.ToString()}', indicator '{indicator.ToString()}' in period {Periods[p]} appears twice");
                return;
            }

            if (Count == Rows.Length)
            {
                var grown = new Row[Rows.Length * 2];
                Array.Copy(Rows, grown, Count);
                Rows = grown;
            }

            int c = -1;
            if (comment is not null)
            {
                c = Comments.Count;
                Comments.Add(comment);
            }

            Rows[Count++] = new Row { UnitId = _unitIds[u], IndicatorId = _indicatorIds[ind], Period = p, HasValue = hasValue, Value = value, Status = status, Comment = c, EnteredAtTicks = enteredAt?.UtcTicks ?? 0 };
        }

        private int PeriodIndex(Where where, ReadOnlySpan<char> period)
        {
            var lookup = _periodIndex.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(period, out int p))
            {
                return p;
            }

            string text = period.ToString();
            if (!ValidPeriod(text, codes.Frequency))
            {
                string expected = codes.Frequency switch { "quarter" => "YYYY-Qn, e.g. 2025-Q2", "year" => "YYYY, e.g. 2025", _ => "YYYY-MM, e.g. 2025-06" };
                Error($"{where}: period: '{text}' is not a period of a {codes.Frequency}ly scheme; expected {expected}");
                return -1;
            }

            p = Periods.Count;
            Periods.Add(text);
            _seen.Add(new ulong[(((long)_unitIds.Length * _indicatorIds.Length) + 63) / 64]);
            _periodIndex[text] = p;
            return p;
        }

        private static Dictionary<string, int> Dense(Dictionary<string, long> ids)
        {
            var index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
            foreach (string code in ids.Keys)
            {
                index[code] = index.Count;
            }

            return index;
        }

        /// <summary>Sets (or with <paramref name="set"/> false, only tests) the bit of a period, indicator and unit; false when it was set already.</summary>
        private bool Mark(int period, int indicator, int unit, bool set)
        {
            long bit = ((long)indicator * _unitIds.Length) + unit;
            ref ulong word = ref _seen[period][bit >> 6];
            ulong mask = 1UL << (int)(bit & 63);
            if ((word & mask) != 0)
            {
                return false;
            }

            if (set)
            {
                word |= mask;
            }

            return true;
        }

        public object BoxedUnit(long id) => Boxed(id);

        public object BoxedIndicator(long id) => Boxed(id);

        private object Boxed(long id)
        {
            if (!_boxed.TryGetValue(id, out object? box))
            {
                box = id;
                _boxed[id] = box;
            }

            return box;
        }

        public void CheckPeriods(bool allowPublished)
        {
            foreach (string p in Periods)
            {
                if (!allowPublished && codes.Periods.TryGetValue(p, out var known) && known.Status == PeriodStatus.Published)
                {
                    Error($"period {p} of scheme {codes.SchemeCode} is published: it takes no more figures (a correction is a new revision through review)");
                }
            }
        }

        /// <summary>A bulk load only adds: a unit, indicator and period that already has a figure is an error.</summary>
        public void CheckExisting(DbConnection connection)
        {
            var known = Periods.Where(codes.Periods.ContainsKey).ToList();
            if (known.Count == 0 || _errorCount > 0)
            {
                return;
            }

            using DbCommand cmd = connection.CreateCommand();
            var names = new List<string>();
            for (int i = 0; i < known.Count; i++)
            {
                names.Add("@p" + i.ToString(CultureInfo.InvariantCulture));
                AddParameter(cmd, names[^1], known[i]);
            }

            AddParameter(cmd, "@s", codes.SchemeId);
            cmd.CommandText = $"SELECT u.code, i.code, f.period, f.unit_id, f.indicator_id FROM figures f JOIN units u ON u.id = f.unit_id JOIN indicators i ON i.id = f.indicator_id WHERE f.scheme_id = @s AND f.is_current = {(connection is NpgsqlConnection ? "true" : "1")} AND f.period IN ({string.Join(", ", names)})";
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                long unitId = r.GetInt64(3), indicatorId = r.GetInt64(4);
                if (!_unitIndex.TryGetValue(unitId, out int u) || !_indicatorIndex.TryGetValue(indicatorId, out int ind))
                {
                    continue;
                }

                if (!Mark(_periodIndex[r.GetString(2)], ind, u, set: false))
                {
                    Error($"unit '{r.GetString(0)}', indicator '{r.GetString(1)}' already has a figure in period {r.GetString(2)}; a bulk load only adds new figures");
                }
            }
        }

        public List<string> InsertNewPeriods(DbConnection connection, DbTransaction tx, StoreProvider provider, DateTimeOffset now)
        {
            var created = new List<string>();
            foreach (string p in Periods.Where(p => !codes.Periods.ContainsKey(p)).Order(StringComparer.Ordinal))
            {
                using DbCommand cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO periods (scheme_id, code, status) VALUES (@s, @c, 0)";
                AddParameter(cmd, "@s", codes.SchemeId);
                AddParameter(cmd, "@c", p);
                cmd.ExecuteNonQuery();
                created.Add(p);
            }

            return created;
        }

        public void ThrowIfErrors(string file)
        {
            if (_errorCount == 0)
            {
                return;
            }

            string more = _errorCount > _errors.Count
                ? $"\n  … and {(_errorCount - _errors.Count).ToString(CultureInfo.InvariantCulture)} more"
                : string.Empty;
            throw new BulkLoadException(_errorCount == 1
                ? _errors[0] + "; nothing was loaded"
                : $"{file}: {_errorCount.ToString(CultureInfo.InvariantCulture)} errors, nothing was loaded:\n  {string.Join("\n  ", _errors)}{more}");
        }
    }

    internal static bool ValidPeriod(string p, string frequency)
    {
        static bool Year(string s) => s.Length >= 4 && s[..4].All(char.IsAsciiDigit) && s[0] != '0';
        return frequency switch
        {
            "year" => p.Length == 4 && Year(p),
            "quarter" => p.Length == 7 && Year(p) && p[4] == '-' && p[5] == 'Q' && p[6] is >= '1' and <= '4',
            _ => p.Length == 7 && Year(p) && p[4] == '-' && char.IsAsciiDigit(p[5]) && char.IsAsciiDigit(p[6])
                 && int.Parse(p.AsSpan(5, 2), CultureInfo.InvariantCulture) is >= 1 and <= 12,
        };
    }
}
