using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Saima.Data.Store;

/// <summary>The state of the store's two chains: the audit trail and the result sets.</summary>
public sealed record StoreChains(ChainReport Audit, ChainReport Results)
{
    public bool Intact => Audit.Intact && Results.Intact;
}

/// <summary>The head hash of the audit trail at the end of one day (in the office's zone).</summary>
public sealed record DayHead(DateOnly Day, long Seq, string Hash, long EntriesThatDay);

/// <summary>
/// The audit trail's and the result sets' hash chains (<see cref="HashChain"/>). Every audit entry
/// is written here, whoever writes it (the context's SaveChanges, the bulk writer, the bulk loader):
/// placed and hashed under the chain's lock in the writer's transaction. Result sets are chained
/// when stored (their rows and warnings enter the hash as a digest). <see cref="Verify"/>
/// recomputes both chains from what is stored.
/// </summary>
public static class AuditChain
{
    /// <summary>The audit trail's chain.</summary>
    public const string AuditName = "audit";

    /// <summary>The result sets' chain.</summary>
    public const string ResultsName = "result_sets";

    /// <summary>The canonical form of an audit entry (its id is not part of it: the place is).</summary>
    public static string Canonical(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return HashChain.Canonical()
            .Add(e.At).Add(e.User).Add(e.Action).Add(e.Entity).Add(e.EntityKey)
            .Add(e.Field).Add(e.OldValue).Add(e.NewValue).Add(e.Reason)
            .ToString();
    }

    /// <summary>
    /// Writes audit entries at the end of the chain inside the context's current transaction: their
    /// place and hash are set on them. Called by <see cref="SaimaDb"/>'s SaveChanges for entries
    /// added to the context, and by the bulk writers.
    /// </summary>
    internal static void Append(SaimaDb db, IReadOnlyList<AuditEntry> entries)
    {
        IDbContextTransaction tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("audit entries are written inside the transaction of their change");
        Append(db.Database.GetDbConnection(), tx.GetDbTransaction(), entries);
    }

    /// <summary>Writes audit entries at the end of the chain inside a transaction on a raw connection.</summary>
    internal static void Append(DbConnection connection, DbTransaction tx, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        ChainHead head = HashChain.Lock(connection, tx, AuditName);
        long seq = head.Seq;
        string previous = head.Hash;
        foreach (AuditEntry e in entries)
        {
            seq++;
            e.ChainSeq = seq;
            e.Hash = HashChain.Link(AuditName, seq, previous, Canonical(e));
            previous = e.Hash;
        }

        Insert(connection, tx, entries);
        HashChain.Advance(connection, tx, head with { Seq = seq, Hash = previous });
    }

    /// <summary>
    /// Places and hashes a result set that was just stored (its id known), with its rows and
    /// warnings, and saves them; inside the transaction that stored it.
    /// </summary>
    /// <param name="digest">The digest of the set's rows and warnings (<see cref="Digest(ResultTable)"/>).</param>
    internal static void AppendResultSet(SaimaDb db, ResultSet set, string digest)
    {
        IDbContextTransaction tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("result sets are chained inside the transaction that stored them");
        DbConnection connection = db.Database.GetDbConnection();
        ChainHead head = HashChain.Lock(connection, tx.GetDbTransaction(), ResultsName);
        long seq = head.Seq + 1;
        string hash = HashChain.Link(ResultsName, seq, head.Hash, Canonical(set, digest));
        HashChain.Execute(connection, tx.GetDbTransaction(), "UPDATE result_sets SET chain_seq = @s, hash = @h WHERE id = @i", ("@s", seq), ("@h", hash), ("@i", set.Id));
        set.ChainSeq = seq;
        set.Hash = hash;
        db.Entry(set).Property(s => s.ChainSeq).IsModified = false;
        db.Entry(set).Property(s => s.Hash).IsModified = false;
        HashChain.Advance(connection, tx.GetDbTransaction(), head with { Seq = seq, Hash = hash });
    }

    /// <summary>The canonical form of a result set, given the digest of its rows and warnings.</summary>
    public static string Canonical(ResultSet set, string digest)
    {
        ArgumentNullException.ThrowIfNull(set);
        return HashChain.Canonical()
            .Add(set.Id).Add(set.SchemeId).Add(set.SchemeVersionId).Add(set.Period).Add(set.ComputedAt).Add(set.ComputedBy)
            .Add(set.InputHash).Add(set.ExplainJson).Add(digest)
            .ToString();
    }

    /// <summary>The SHA-256 of a result set's rows and warnings, in unit and node order, numbers by their bits.</summary>
    public static string Digest(IEnumerable<ResultRow> rows, IEnumerable<WarningResult> warnings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var form = HashChain.Canonical();
        int n = 0;
        foreach (ResultRow r in rows.OrderBy(r => r.UnitId).ThenBy(r => r.Node, StringComparer.Ordinal))
        {
            Row(form, r.UnitId, r.Node, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange);
            Piece(form, sha, ref n);
        }

        return DigestEnd(form, sha, n, warnings.OrderBy(w => w.UnitId).ThenBy(w => w.Indicator, StringComparer.Ordinal));
    }

    /// <summary>
    /// The same digest of a scored period read straight from the engine's arrays: the rows in unit
    /// id and node code order through two small index orders, no row object made or sorted.
    /// </summary>
    internal static string Digest(ResultTable table)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var form = HashChain.Canonical();
        int n = 0;
        int[] nodes = table.NodesByCode();
        foreach (int u in table.UnitsById())
        {
            long unitId = table.UnitId(u);
            foreach (int k in nodes)
            {
                Row(form, unitId, table.Node(k), table.Value(u, k), table.Score(u, k), table.Rank(u, k), table.TrackRank(u, k), table.RankChange(u, k));
                Piece(form, sha, ref n);
            }
        }

        return DigestEnd(form, sha, n, table.WarningsByUnitAndIndicator());
    }

    /// <summary>What a result row adds to its set's digest, whether read from the store or from the engine's arrays.</summary>
    private static void Row(CanonicalForm form, long unitId, string node, double? value, double? score, int? rank, int? trackRank, int? rankChange) =>
        form.Add(unitId).Add(node).Add(value).Add(score).Add(rank).Add(trackRank).Add(rankChange);

    // Hashed in pieces of a few thousand rows: the digest of the whole canonical text, which
    // for a township scheme (40,000 units × 56 nodes) would be hundreds of megabytes at once.
    private const int DigestPiece = 4096;

    private static void Piece(CanonicalForm form, IncrementalHash sha, ref int n)
    {
        if (++n % DigestPiece == 0)
        {
            form.FlushTo(sha);
        }
    }

    private static string DigestEnd(CanonicalForm form, IncrementalHash sha, int n, IEnumerable<WarningResult> sortedWarnings)
    {
        form.Add("warnings");
        foreach (WarningResult w in sortedWarnings)
        {
            form.Add(w.UnitId).Add(w.Indicator).Add(w.Value).Add(w.Target).Add(w.Completion).Add(w.Expected).Add(w.Gap).Add(w.Level);
            Piece(form, sha, ref n);
        }

        form.FlushTo(sha);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A chain's stored head (its last place and hash), read with one statement.</summary>
    public static async Task<ChainHead> HeadAsync(SaimaDb db, string chain, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancel).ConfigureAwait(false);
        try
        {
            return HashChain.ReadHead(db.Database.GetDbConnection(), null, chain);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Recomputes both chains from what is stored and compares them with their heads.</summary>
    public static StoreChains Verify(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return Verify(db);
    }

    /// <summary>Recomputes both chains from what is stored and compares them with their heads.</summary>
    public static StoreChains Verify(SaimaDb db) => new(VerifyAudit(db), VerifyResults(db));

    /// <summary>Recomputes the audit trail's chain (streaming: one entry in memory at a time), in one snapshot of the store.</summary>
    public static ChainReport VerifyAudit(SaimaDb db) => InSnapshot(db, (connection, tx) =>
        HashChain.Verify(
            AuditName,
            ReadAudit(connection, tx, all: true).Select(e => new ChainLink(e.Id, e.ChainSeq, e.Hash, Canonical(e))),
            HashChain.ReadHead(connection, tx, AuditName)));

    /// <summary>Recomputes the result sets' chain, each set's rows and warnings read back and digested, in one snapshot of the store.</summary>
    public static ChainReport VerifyResults(SaimaDb db) => InSnapshot(db, (connection, tx) =>
    {
        ChainHead head = HashChain.ReadHead(connection, tx, ResultsName);
        List<ResultSet> sets = ReadSets(connection, tx, all: true);
        return HashChain.Verify(
            ResultsName,
            sets.Select(set => new ChainLink(set.Id, set.ChainSeq, set.Hash, Canonical(set, Digest(ReadRows(connection, tx, set.Id), ReadWarnings(connection, tx, set.Id))))),
            head);
    });

    /// <summary>Runs a read in one snapshot: a deferred transaction on SQLite (no write lock), repeatable read on PostgreSQL.</summary>
    internal static T InSnapshot<T>(SaimaDb db, Func<DbConnection, DbTransaction, T> read)
    {
        ArgumentNullException.ThrowIfNull(db);
        DbConnection connection = Open(db);
        try
        {
            using DbTransaction tx = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: true)
                : connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            T result = read(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>
    /// The audit trail's head hash at the end of each day (in the office's zone, given as its
    /// offset from UTC), newest day first, one page of days.
    /// </summary>
    public static IReadOnlyList<DayHead> DayHeads(SaimaDb db, TimeSpan offset, int skip, int take)
    {
        ArgumentNullException.ThrowIfNull(db);
        int minutes = (int)offset.TotalMinutes;
        string day = db.Provider == StoreProvider.Sqlite
            ? $"strftime('%Y-%m-%d', at, '{minutes.ToString("+0;-0", CultureInfo.InvariantCulture)} minutes')"
            : $"to_char((at AT TIME ZONE 'UTC') + interval '{minutes.ToString(CultureInfo.InvariantCulture)} minutes', 'YYYY-MM-DD')";
        string sql = $"""
            SELECT d.day, d.seq, a.hash, d.n FROM (
                SELECT {day} AS day, max(chain_seq) AS seq, count(*) AS n FROM audit WHERE chain_seq IS NOT NULL GROUP BY {day}
            ) d JOIN audit a ON a.chain_seq = d.seq
            ORDER BY d.day DESC LIMIT {take.ToString(CultureInfo.InvariantCulture)} OFFSET {skip.ToString(CultureInfo.InvariantCulture)}
            """;
        DbConnection connection = Open(db);
        try
        {
            using DbCommand cmd = HashChain.Command(connection, null, sql);
            using DbDataReader r = cmd.ExecuteReader();
            var list = new List<DayHead>();
            while (r.Read())
            {
                list.Add(new DayHead(
                    DateOnly.ParseExact(r.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture),
                    r.IsDBNull(2) ? string.Empty : r.GetString(2),
                    Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)));
            }

            return list;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>
    /// Chains the entries and result sets stored before the chains existed (no place yet), oldest
    /// id first; run by the migrator in the transaction of the script that adds the chains.
    /// </summary>
    internal static void ChainExisting(DbConnection connection, DbTransaction tx)
    {
        var entries = ReadAudit(connection, tx, all: false).ToList();
        if (entries.Count > 0)
        {
            ChainHead head = HashChain.Lock(connection, tx, AuditName);
            long seq = head.Seq;
            string previous = head.Hash;
            foreach (AuditEntry e in entries)
            {
                seq++;
                e.ChainSeq = seq;
                e.Hash = HashChain.Link(AuditName, seq, previous, Canonical(e));
                previous = e.Hash;
            }

            SetPlaces(connection, tx, "audit", entries.Select(e => (e.Id, e.ChainSeq!.Value, e.Hash!)));
            HashChain.Advance(connection, tx, head with { Seq = seq, Hash = previous });
        }

        List<ResultSet> sets = ReadSets(connection, tx, all: false);
        if (sets.Count == 0)
        {
            return;
        }

        ChainHead results = HashChain.Lock(connection, tx, ResultsName);
        long place = results.Seq;
        string last = results.Hash;
        var placed = new List<(long, long, string)>();
        foreach (ResultSet set in sets)
        {
            place++;
            last = HashChain.Link(ResultsName, place, last, Canonical(set, Digest(ReadRows(connection, tx, set.Id), ReadWarnings(connection, tx, set.Id))));
            placed.Add((set.Id, place, last));
        }

        SetPlaces(connection, tx, "result_sets", placed);
        HashChain.Advance(connection, tx, results with { Seq = place, Hash = last });
    }

    private static DbConnection Open(SaimaDb db)
    {
        db.Database.OpenConnection();
        return db.Database.GetDbConnection();
    }

    private static IEnumerable<AuditEntry> ReadAudit(DbConnection connection, DbTransaction? tx, bool all) =>
        ReadAudit(connection, tx, all
            ? "ORDER BY CASE WHEN chain_seq IS NULL THEN 1 ELSE 0 END, chain_seq, id"
            : "WHERE chain_seq IS NULL ORDER BY id");

    /// <summary>The entries after a place of the chain, and those without a place (last), in chain order.</summary>
    internal static IEnumerable<AuditEntry> ReadAuditAfter(DbConnection connection, DbTransaction? tx, long seq) =>
        ReadAudit(connection, tx, "WHERE chain_seq > " + seq.ToString(CultureInfo.InvariantCulture)
            + " OR chain_seq IS NULL ORDER BY CASE WHEN chain_seq IS NULL THEN 1 ELSE 0 END, chain_seq, id");

    private static IEnumerable<AuditEntry> ReadAudit(DbConnection connection, DbTransaction? tx, string where)
    {
        string sql = "SELECT id, at, \"user\", action, entity, entity_key, field, old_value, new_value, reason, chain_seq, hash FROM audit " + where;
        using DbCommand cmd = HashChain.Command(connection, tx, sql);
        using DbDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new AuditEntry
            {
                Id = r.GetInt64(0),
                At = Time(r.GetValue(1)),
                User = r.GetString(2),
                Action = r.GetString(3),
                Entity = r.GetString(4),
                EntityKey = r.GetString(5),
                Field = Text(r, 6),
                OldValue = Text(r, 7),
                NewValue = Text(r, 8),
                Reason = Text(r, 9),
                ChainSeq = r.IsDBNull(10) ? null : Convert.ToInt64(r.GetValue(10), CultureInfo.InvariantCulture),
                Hash = Text(r, 11),
            };
        }
    }

    private static List<ResultSet> ReadSets(DbConnection connection, DbTransaction tx, bool all) =>
        ReadSets(connection, tx, all
            ? "ORDER BY CASE WHEN chain_seq IS NULL THEN 1 ELSE 0 END, chain_seq, id"
            : "WHERE chain_seq IS NULL ORDER BY id");

    /// <summary>The result sets after a place of the chain, and those without a place (last), in chain order.</summary>
    internal static List<ResultSet> ReadSetsAfter(DbConnection connection, DbTransaction tx, long seq) =>
        ReadSets(connection, tx, "WHERE chain_seq > " + seq.ToString(CultureInfo.InvariantCulture)
            + " OR chain_seq IS NULL ORDER BY CASE WHEN chain_seq IS NULL THEN 1 ELSE 0 END, chain_seq, id");

    private static List<ResultSet> ReadSets(DbConnection connection, DbTransaction tx, string where)
    {
        string sql = "SELECT id, scheme_id, scheme_version_id, period, computed_at, computed_by, input_hash, explain_json, chain_seq, hash FROM result_sets " + where;
        using DbCommand cmd = HashChain.Command(connection, tx, sql);
        using DbDataReader r = cmd.ExecuteReader();
        var sets = new List<ResultSet>();
        while (r.Read())
        {
            sets.Add(new ResultSet
            {
                Id = r.GetInt64(0), SchemeId = r.GetInt64(1), SchemeVersionId = r.GetInt64(2), Period = r.GetString(3),
                ComputedAt = Time(r.GetValue(4)), ComputedBy = r.GetString(5), InputHash = r.GetString(6),
                ExplainJson = Text(r, 7),
                ChainSeq = r.IsDBNull(8) ? null : Convert.ToInt64(r.GetValue(8), CultureInfo.InvariantCulture),
                Hash = Text(r, 9),
            });
        }

        return sets;
    }

    internal static List<ResultRow> ReadRows(DbConnection connection, DbTransaction tx, long setId)
    {
        using DbCommand cmd = HashChain.Command(connection, tx, "SELECT unit_id, node, value, score, rank, track_rank, rank_change FROM result_rows WHERE result_set_id = @s", ("@s", setId));
        using DbDataReader r = cmd.ExecuteReader();
        var list = new List<ResultRow>();
        while (r.Read())
        {
            list.Add(new ResultRow
            {
                UnitId = r.GetInt64(0), Node = r.GetString(1), Value = Double(r, 2), Score = Double(r, 3),
                Rank = Int(r, 4), TrackRank = Int(r, 5), RankChange = Int(r, 6),
            });
        }

        return list;
    }

    internal static List<WarningResult> ReadWarnings(DbConnection connection, DbTransaction tx, long setId)
    {
        using DbCommand cmd = HashChain.Command(connection, tx, "SELECT unit_id, indicator, value, target, completion, expected, gap, level FROM warning_results WHERE result_set_id = @s", ("@s", setId));
        using DbDataReader r = cmd.ExecuteReader();
        var list = new List<WarningResult>();
        while (r.Read())
        {
            list.Add(new WarningResult
            {
                UnitId = r.GetInt64(0), Indicator = r.GetString(1), Value = Double(r, 2), Target = Double(r, 3),
                Completion = Double(r, 4), Expected = Double(r, 5), Gap = Double(r, 6), Level = Text(r, 7),
            });
        }

        return list;
    }

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static int? Int(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>A stored time: ISO 8601 text on SQLite, a UTC timestamp on PostgreSQL.</summary>
    private static DateTimeOffset Time(object value) => value switch
    {
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        _ => throw new InvalidOperationException($"unexpected stored time {value}"),
    };

    private static void Insert(DbConnection connection, DbTransaction tx, IReadOnlyList<AuditEntry> entries)
    {
        if (connection is NpgsqlConnection pg)
        {
            using NpgsqlBinaryImporter copy = pg.BeginBinaryImport(
                "COPY audit (at, \"user\", action, entity, entity_key, field, old_value, new_value, reason, chain_seq, hash) FROM STDIN (FORMAT BINARY)");
            foreach (AuditEntry e in entries)
            {
                copy.StartRow();
                copy.Write(e.At.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                copy.Write(e.User, NpgsqlDbType.Text);
                copy.Write(e.Action, NpgsqlDbType.Text);
                copy.Write(e.Entity, NpgsqlDbType.Text);
                copy.Write(e.EntityKey, NpgsqlDbType.Text);
                CopyText(copy, e.Field);
                CopyText(copy, e.OldValue);
                CopyText(copy, e.NewValue);
                CopyText(copy, e.Reason);
                copy.Write(e.ChainSeq!.Value, NpgsqlDbType.Bigint);
                copy.Write(e.Hash!, NpgsqlDbType.Text);
            }

            copy.Complete();
            return;
        }

        using SqliteCommand insert = ((SqliteConnection)connection).CreateCommand();
        insert.Transaction = (SqliteTransaction)tx;
        insert.CommandText = "INSERT INTO audit (at, user, action, entity, entity_key, field, old_value, new_value, reason, chain_seq, hash) VALUES ($at, $user, $action, $entity, $key, $field, $old, $new, $reason, $seq, $hash)";
        SqliteParameter[] p = [.. new[] { "$at", "$user", "$action", "$entity", "$key", "$field", "$old", "$new", "$reason", "$hash" }.Select(n => insert.Parameters.Add(n, SqliteType.Text))];
        SqliteParameter seqParameter = insert.Parameters.Add("$seq", SqliteType.Integer);
        insert.Prepare();
        foreach (AuditEntry e in entries)
        {
            // The text SaimaDb's converter writes for a time on SQLite: ISO 8601 UTC with ticks, sorting as time.
            p[0].Value = e.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            p[1].Value = e.User;
            p[2].Value = e.Action;
            p[3].Value = e.Entity;
            p[4].Value = e.EntityKey;
            p[5].Value = (object?)e.Field ?? DBNull.Value;
            p[6].Value = (object?)e.OldValue ?? DBNull.Value;
            p[7].Value = (object?)e.NewValue ?? DBNull.Value;
            p[8].Value = (object?)e.Reason ?? DBNull.Value;
            p[9].Value = e.Hash!;
            seqParameter.Value = e.ChainSeq!.Value;
            insert.ExecuteNonQuery();
        }
    }

    private static void CopyText(NpgsqlBinaryImporter copy, string? v)
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

    private static void SetPlaces(DbConnection connection, DbTransaction tx, string table, IEnumerable<(long Id, long Seq, string Hash)> places)
    {
        if (connection is NpgsqlConnection pg)
        {
            HashChain.Execute(connection, tx, "CREATE TEMP TABLE chain_places (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL) ON COMMIT DROP");
            using (NpgsqlBinaryImporter copy = pg.BeginBinaryImport("COPY chain_places (id, seq, hash) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, seq, hash) in places)
                {
                    copy.StartRow();
                    copy.Write(id, NpgsqlDbType.Bigint);
                    copy.Write(seq, NpgsqlDbType.Bigint);
                    copy.Write(hash, NpgsqlDbType.Text);
                }

                copy.Complete();
            }

            HashChain.Execute(connection, tx, $"UPDATE {table} t SET chain_seq = p.seq, hash = p.hash FROM chain_places p WHERE t.id = p.id");
            HashChain.Execute(connection, tx, "DROP TABLE chain_places");
            return;
        }

        using DbCommand update = HashChain.Command(connection, tx, $"UPDATE {table} SET chain_seq = @s, hash = @h WHERE id = @i", ("@s", 0L), ("@h", string.Empty), ("@i", 0L));
        update.Prepare();
        foreach (var (id, seq, hash) in places)
        {
            update.Parameters[0].Value = seq;
            update.Parameters[1].Value = hash;
            update.Parameters[2].Value = id;
            update.ExecuteNonQuery();
        }
    }
}
