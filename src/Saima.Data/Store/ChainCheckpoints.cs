using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A place of a chain up to which the whole chain was verified intact, and when.</summary>
public sealed record ChainCheckpoint(string Chain, long Seq, string Hash, DateTimeOffset VerifiedAt);

/// <summary>
/// A chain checked from its latest checkpoint: the report (counting every entry), the checkpoint it
/// started from (null: the whole chain was verified), and how many entries were read and hashed.
/// </summary>
public sealed record ChainCheck(ChainReport Report, ChainCheckpoint? Since, long Checked)
{
    public bool Intact => Report.Intact;
}

/// <summary>
/// Checkpoints of the audit trail's and the result sets' hash chains (schema 0017,
/// <c>chain_checkpoints</c>). Verifying a chain whole reads every entry, which at a country's scale
/// is millions of rows: too much for a page. So the whole chains are verified on a schedule (one
/// node at a time, <see cref="JobLease"/>) or on the office's demand, and each intact verification
/// leaves a checkpoint: the head's place and hash. Pages then verify only what came after the
/// latest checkpoint, and check that the entry at the checkpoint's place still carries the hash it
/// had and that no place before it is missing. A change behind the application's back to an entry
/// before the checkpoint is found by the next whole verification (and by <c>saima audit verify</c>),
/// not by a page: the pages say since when they verify.
/// </summary>
public static class ChainCheckpoints
{
    /// <summary>The lease name of the scheduled whole verification.</summary>
    public const string JobName = "chain-check";

    /// <summary>Verifies both chains whole and, for each intact one, records a checkpoint at its head.</summary>
    public static StoreChains VerifyAndRecord(SaimaDb db, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        StoreChains chains = AuditChain.Verify(db);
        DateTimeOffset now = clock.GetUtcNow();
        DbConnection connection = Open(db);
        try
        {
            foreach (ChainReport report in new[] { chains.Audit, chains.Results })
            {
                if (!report.Intact || report.Entries == 0)
                {
                    continue;
                }

                using DbCommand insert = HashChain.Command(connection, null,
                    "INSERT INTO chain_checkpoints (chain, seq, hash, verified_at) VALUES (@c, @s, @h, @a) ON CONFLICT (chain, seq) DO UPDATE SET verified_at = excluded.verified_at",
                    ("@c", report.Chain), ("@s", report.Entries), ("@h", report.HeadHash), ("@a", now.ToString("O", CultureInfo.InvariantCulture)));
                insert.ExecuteNonQuery();
            }
        }
        finally
        {
            db.Database.CloseConnection();
        }

        return chains;
    }

    /// <summary>
    /// The scheduled whole verification, run by the node that holds (or takes) the job's lease for
    /// <paramref name="every"/>; the others skip it. Returns the chains' state when this node ran it.
    /// </summary>
    public static StoreChains? RunScheduled(SaimaDb db, TimeProvider clock, string holder, TimeSpan every)
    {
        if (!JobLease.TryTake(db, JobName, holder, every, clock))
        {
            return null;
        }

        return VerifyAndRecord(db, clock);
    }

    /// <summary>The latest checkpoint of a chain, or null.</summary>
    public static ChainCheckpoint? Latest(DbConnection connection, DbTransaction? tx, string chain)
    {
        using DbCommand cmd = HashChain.Command(connection, tx,
            "SELECT seq, hash, verified_at FROM chain_checkpoints WHERE chain = @c ORDER BY seq DESC LIMIT 1", ("@c", chain));
        using DbDataReader r = cmd.ExecuteReader();
        return r.Read()
            ? new ChainCheckpoint(chain, Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1),
                DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
            : null;
    }

    /// <summary>The audit trail verified from its latest checkpoint (whole when there is none), in one snapshot.</summary>
    public static ChainCheck VerifyAudit(SaimaDb db) => AuditChain.InSnapshot(db, (connection, tx) =>
    {
        ChainHead head = HashChain.ReadHead(connection, tx, AuditChain.AuditName);
        ChainCheckpoint? since = Latest(connection, tx, AuditChain.AuditName);
        long from = since?.Seq ?? 0;
        long read = 0;
        IEnumerable<ChainLink> links = AuditChain.ReadAuditAfter(connection, tx, from)
            .Select(e => { read++; return new ChainLink(e.Id, e.ChainSeq, e.Hash, AuditChain.Canonical(e)); });
        return Check(connection, tx, "audit", head, since, links, () => read);
    });

    /// <summary>The result sets' chain verified from its latest checkpoint (whole when there is none), in one snapshot.</summary>
    public static ChainCheck VerifyResults(SaimaDb db) => AuditChain.InSnapshot(db, (connection, tx) =>
    {
        ChainHead head = HashChain.ReadHead(connection, tx, AuditChain.ResultsName);
        ChainCheckpoint? since = Latest(connection, tx, AuditChain.ResultsName);
        List<ResultSet> sets = AuditChain.ReadSetsAfter(connection, tx, since?.Seq ?? 0);
        IEnumerable<ChainLink> links = sets.Select(set => new ChainLink(set.Id, set.ChainSeq, set.Hash,
            AuditChain.Canonical(set, AuditChain.Digest(AuditChain.ReadRows(connection, tx, set.Id), AuditChain.ReadWarnings(connection, tx, set.Id)))));
        return Check(connection, tx, "result_sets", head, since, links, () => sets.Count);
    });

    /// <summary>Both chains, each from its latest checkpoint.</summary>
    public static (ChainCheck Audit, ChainCheck Results) Verify(SaimaDb db) => (VerifyAudit(db), VerifyResults(db));

    private static ChainCheck Check(DbConnection connection, DbTransaction tx, string table, ChainHead head, ChainCheckpoint? since,
        IEnumerable<ChainLink> links, Func<long> read)
    {
        ChainHead from = since is null ? new ChainHead(head.Chain, 0, HashChain.Genesis) : new ChainHead(head.Chain, since.Seq, since.Hash);
        ChainReport report = HashChain.Verify(head.Chain, links, head, from);
        if (since is null)
        {
            return new ChainCheck(report, null, read());
        }

        // The checkpoint still holds: the entry at its place has the hash it had, and every place
        // up to it is there once.
        var breaks = new List<ChainBreak>();
        using (DbCommand anchor = HashChain.Command(connection, tx,
            $"SELECT id, hash FROM {table} WHERE chain_seq = @s", ("@s", since.Seq)))
        using (DbDataReader r = anchor.ExecuteReader())
        {
            if (!r.Read())
            {
                breaks.Add(new ChainBreak(ChainBreakKind.Removed, null, since.Seq,
                    $"the entry at place {Num(since.Seq)}, verified at {since.VerifiedAt:O}, is gone"));
            }
            else if (!string.Equals(r.IsDBNull(1) ? null : r.GetString(1), since.Hash, StringComparison.Ordinal))
            {
                breaks.Add(new ChainBreak(ChainBreakKind.Changed, r.GetInt64(0), since.Seq,
                    $"entry {Num(r.GetInt64(0))} (place {Num(since.Seq)}) no longer has the hash {since.Hash} it had when the chain was verified at {since.VerifiedAt:O}"));
            }
        }

        using (DbCommand count = HashChain.Command(connection, tx,
            $"SELECT count(*) FROM {table} WHERE chain_seq <= @s", ("@s", since.Seq)))
        {
            long places = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (places != since.Seq)
            {
                breaks.Add(new ChainBreak(ChainBreakKind.Removed, null, since.Seq,
                    $"{Num(since.Seq)} entries were verified up to place {Num(since.Seq)} at {since.VerifiedAt:O}; {Num(places)} are there now"));
            }
        }

        return new ChainCheck(breaks.Count == 0 ? report : report with { Breaks = [.. breaks, .. report.Breaks] }, since, read());
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static DbConnection Open(SaimaDb db)
    {
        db.Database.OpenConnection();
        return db.Database.GetDbConnection();
    }
}
