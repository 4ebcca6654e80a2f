using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Saima.Data.Store;

/// <summary>The head of a hash chain: the place of its last entry (0 when empty) and that entry's hash.</summary>
public sealed record ChainHead(string Chain, long Seq, string Hash);

/// <summary>What a chain check found wrong with one place of a chain.</summary>
public enum ChainBreakKind
{
    /// <summary>A stored entry's content no longer hashes to its stored hash: it was changed.</summary>
    Changed,

    /// <summary>Places of the chain are missing: entries were removed.</summary>
    Removed,

    /// <summary>An entry stands outside the chain (no place or no hash): it was inserted behind the application's back.</summary>
    Inserted,

    /// <summary>The chain's stored head disagrees with its last entry: entries were removed from or added to its end.</summary>
    Head,
}

/// <summary>One break of a chain: the entry (by id, when there is one), its place, what is wrong and what was found.</summary>
public sealed record ChainBreak(ChainBreakKind Kind, long? Id, long? Seq, string Detail);

/// <summary>The result of checking a chain: intact, or its breaks (the first in chain order first).</summary>
public sealed record ChainReport(string Chain, long Entries, string HeadHash, IReadOnlyList<ChainBreak> Breaks)
{
    public bool Intact => Breaks.Count == 0;
}

/// <summary>One stored entry of a chain as read back: its id, place, stored hash and canonical form.</summary>
public sealed record ChainLink(long Id, long? Seq, string? Hash, string Canonical);

/// <summary>
/// Tamper-evident hash chains in the store (the audit trail, the result sets, and any other record
/// that must show later whether it was changed by hand): every entry gets a place (1, 2, 3, ...
/// without gaps) and the SHA-256 of <c>chain, place, previous hash, canonical form</c>, the
/// canonical form being the entry's fields in a fixed order, in invariant formats (times as UTC
/// ticks to the microsecond, doubles as their bits), each written with its length so that no two
/// entries share a form. The head (last place and hash) is kept in <c>hash_chains</c>, one row per
/// chain; appending locks that row inside the writer's transaction (PostgreSQL: a row lock held to
/// commit; SQLite: the write lock), so that writers append one after the other and a chain never
/// forks. Appends belong at the end of a transaction, after its other writes, so that the lock is
/// held briefly.
/// <para>
/// To chain a new kind of record: give its table <c>chain_seq</c> and <c>hash</c> columns, and in the
/// transaction that writes it call <see cref="Lock"/>, then for each record in order
/// <see cref="Link"/> (with the place after the head's) over its <see cref="Canonical"/> form, store
/// place and hash with the record, and finish with <see cref="Advance"/>. To check it, read the
/// records back as <see cref="ChainLink"/>s in place order and call <see cref="Verify"/>.
/// </para>
/// </summary>
public static class HashChain
{
    /// <summary>The hash before the first entry of every chain.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Locks the chain's head for the rest of the transaction and reads it (a chain not yet known
    /// starts empty). Call it after the transaction's other writes.
    /// </summary>
    public static ChainHead Lock(DbConnection connection, DbTransaction transaction, string chain)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The no-op update takes the row lock (PostgreSQL) or the write lock (SQLite) before the read.
        if (Execute(connection, transaction, "UPDATE hash_chains SET seq = seq WHERE name = @n", ("@n", chain)) == 0)
        {
            Execute(connection, transaction, "INSERT INTO hash_chains (name, seq, hash) VALUES (@n, 0, @h) ON CONFLICT (name) DO NOTHING", ("@n", chain), ("@h", Genesis));
            Execute(connection, transaction, "UPDATE hash_chains SET seq = seq WHERE name = @n", ("@n", chain));
        }

        return ReadHead(connection, transaction, chain);
    }

    /// <summary>Reads a chain's head without locking it.</summary>
    public static ChainHead ReadHead(DbConnection connection, DbTransaction? transaction, string chain)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using DbCommand cmd = Command(connection, transaction, "SELECT seq, hash FROM hash_chains WHERE name = @n", ("@n", chain));
        using DbDataReader r = cmd.ExecuteReader();
        return r.Read()
            ? new ChainHead(chain, Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1))
            : new ChainHead(chain, 0, Genesis);
    }

    /// <summary>Stores the chain's new head (inside the transaction that holds the lock of <see cref="Lock"/>).</summary>
    public static void Advance(DbConnection connection, DbTransaction transaction, ChainHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        Execute(connection, transaction, "UPDATE hash_chains SET seq = @s, hash = @h WHERE name = @n", ("@s", head.Seq), ("@h", head.Hash), ("@n", head.Chain));
    }

    /// <summary>The hash of the entry at place <paramref name="seq"/> of a chain, after the entry whose hash is <paramref name="previous"/>.</summary>
    public static string Link(string chain, long seq, string previous, string canonical)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{chain}\n{seq}\n{previous}\n{canonical}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A builder of canonical forms: fields appended in a fixed order.</summary>
    public static CanonicalForm Canonical() => new();

    /// <summary>
    /// Checks a chain read back in place order (entries without a place last, by id) against its
    /// stored head. Reports every break (the first ones, up to <paramref name="maxBreaks"/>) in chain order.
    /// </summary>
    public static ChainReport Verify(string chain, IEnumerable<ChainLink> links, ChainHead head, int maxBreaks = 20) =>
        Verify(chain, links, head, new ChainHead(chain, 0, Genesis), maxBreaks);

    /// <summary>
    /// Checks the part of a chain after a place already verified (<paramref name="from"/>: its place
    /// and hash; the genesis for the whole chain). The report counts every entry up to the head.
    /// </summary>
    public static ChainReport Verify(string chain, IEnumerable<ChainLink> links, ChainHead head, ChainHead from, int maxBreaks = 20)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(head);
        var breaks = new List<ChainBreak>();
        void Add(ChainBreak b)
        {
            if (breaks.Count < maxBreaks)
            {
                breaks.Add(b);
            }
        }

        long expected = from.Seq + 1;
        string previous = from.Hash;
        long? previousId = null;
        long entries = from.Seq;
        foreach (ChainLink link in links)
        {
            if (link.Seq is not { } seq || string.IsNullOrEmpty(link.Hash))
            {
                Add(new ChainBreak(ChainBreakKind.Inserted, link.Id, link.Seq,
                    $"entry {Id(link.Id)} has no place in the chain (no hash): it was inserted behind the application's back"));
                continue;
            }

            entries++;
            if (seq != expected)
            {
                string after = previousId is { } p ? $"after entry {Id(p)} (place {Num(expected - 1)})" : expected > 1 ? $"after place {Num(expected - 1)}" : "at the start";
                Add(new ChainBreak(ChainBreakKind.Removed, link.Id, seq, seq > expected
                    ? $"places {Num(expected)}..{Num(seq - 1)} of the chain are missing {after}, before entry {Id(link.Id)} (place {Num(seq)}): {Num(seq - expected)} entries were removed"
                    : $"entry {Id(link.Id)} claims place {Num(seq)}, expected {Num(expected)}"));

                // Resume after the gap: the entry's own link cannot be checked without its predecessor.
                expected = seq + 1;
                previous = link.Hash;
                previousId = link.Id;
                continue;
            }

            string computed = Link(chain, seq, previous, link.Canonical);
            if (!string.Equals(computed, link.Hash, StringComparison.Ordinal))
            {
                Add(new ChainBreak(ChainBreakKind.Changed, link.Id, seq,
                    $"entry {Id(link.Id)} (place {Num(seq)}) was changed or inserted: its stored hash is {link.Hash}, its content and the entry before it hash to {computed}"));
            }

            expected = seq + 1;
            previous = link.Hash;
            previousId = link.Id;
        }

        long last = expected - 1;
        if (last != head.Seq || !string.Equals(previous, head.Hash, StringComparison.Ordinal))
        {
            Add(new ChainBreak(ChainBreakKind.Head, previousId, last, last < head.Seq
                ? $"the chain's head says {Num(head.Seq)} entries ending in {head.Hash}, but the last stored entry is place {Num(last)}{(previousId is { } p ? $" (entry {Id(p)})" : string.Empty)}: {Num(head.Seq - last)} entries were removed from the end"
                : last > head.Seq
                    ? $"entries after place {Num(head.Seq)} (the chain's head, hash {head.Hash}) were added behind the application's back, up to place {Num(last)}{(previousId is { } q ? $" (entry {Id(q)})" : string.Empty)}"
                    : $"the chain's head says place {Num(head.Seq)} has hash {head.Hash}, the stored entry has {previous}"));
        }

        return new ChainReport(chain, entries, previous, breaks);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a statement with named parameters (shared by the chains' writers and readers).</summary>
    internal static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using DbCommand cmd = Command(connection, transaction, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>A command with named parameters, in the transaction given.</summary>
    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        DbCommand cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            DbParameter p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }
}

/// <summary>
/// The canonical form of a chained record: its fields in the order appended, each as its length and
/// text (null as <c>~</c>), numbers and times in invariant formats.
/// </summary>
public sealed class CanonicalForm
{
    private readonly StringBuilder _text = new();

    public CanonicalForm Add(string? value)
    {
        if (value is null)
        {
            _text.Append("~\n");
        }
        else
        {
            _text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
        }

        return this;
    }

    public CanonicalForm Add(long value) => Add(value.ToString(CultureInfo.InvariantCulture));

    public CanonicalForm Add(long? value) => Add(value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A double by its bits (null as missing), so that the form is exact.</summary>
    public CanonicalForm Add(double? value) =>
        Add(value is { } d ? BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture) : null);

    /// <summary>A time as UTC ticks to the microsecond (what PostgreSQL keeps).</summary>
    public CanonicalForm Add(DateTimeOffset value) => Add(Ticks(value));

    /// <summary>UTC ticks truncated to the microsecond.</summary>
    public static long Ticks(DateTimeOffset value)
    {
        long t = value.UtcTicks;
        return t - (t % 10);
    }

    public override string ToString() => _text.ToString();

    /// <summary>
    /// Feeds the form so far (as UTF-8) into <paramref name="hash"/> and empties it: a form of
    /// hundreds of thousands of fields hashed in pieces gives the digest of the whole text, without
    /// holding it. Pieces end between fields, so no character is split.
    /// </summary>
    public void FlushTo(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        // Chunk by chunk through one reused buffer: no copy of the whole text as a string and as
        // bytes (for a piece of thousands of rows, two objects on the large-object heap per piece,
        // which only a full collection frees: a township set's digest left 600 MB of them).
        _encoder ??= Encoding.UTF8.GetEncoder();
        foreach (ReadOnlyMemory<char> chunk in _text.GetChunks())
        {
            int max = Encoding.UTF8.GetMaxByteCount(chunk.Length);
            if (_bytes.Length < max)
            {
                _bytes = new byte[max];
            }

            // A chunk may end inside a surrogate pair: the encoder keeps the half until the next chunk.
            int n = _encoder.GetBytes(chunk.Span, _bytes, flush: false);
            hash.AppendData(_bytes, 0, n);
        }

        int last = _encoder.GetBytes(ReadOnlySpan<char>.Empty, _bytes, flush: true);
        hash.AppendData(_bytes, 0, last);
        _text.Clear();
    }

    private Encoder? _encoder;
    private byte[] _bytes = [];
}
