using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Checkpoints of the hash chains: a whole verification leaves one; afterwards the chains are
/// verified from it (reading only what came after), and what changes behind the application's
/// back after it, at it, or by removal before it is still found. Leases let one node run the
/// scheduled verification.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ChainCheckpointTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AfterACheckpoint_OnlyTheNewEntriesAreRead_AndTheCountsStayWhole(StoreProvider provider)
    {
        using var w = Published(provider);
        ChainCheck before = ChainCheckpoints.VerifyAudit(w.Db);
        before.Since.ShouldBeNull("no checkpoint yet: verified whole");
        before.Checked.ShouldBe(before.Report.Entries);

        ChainCheckpoints.VerifyAndRecord(w.Db, w.Clock).Intact.ShouldBeTrue();
        ChainCheck none = ChainCheckpoints.VerifyAudit(w.Db);
        none.Since!.Seq.ShouldBe(before.Report.Entries);
        none.Checked.ShouldBe(0);
        none.Report.Entries.ShouldBe(before.Report.Entries);
        none.Intact.ShouldBeTrue();

        w.PublishRevenue("2025-07", ("C01", 11), ("C02", 21), ("C03", 31), ("C04", 41));
        long total = Scalar(w, "SELECT count(*) FROM audit");
        ChainCheck after = ChainCheckpoints.VerifyAudit(w.Db);
        after.Intact.ShouldBeTrue(string.Join("; ", after.Report.Breaks.Select(b => b.Detail)));
        after.Report.Entries.ShouldBe(total);
        after.Checked.ShouldBe(total - before.Report.Entries, "only the entries after the checkpoint are read");
        after.Report.HeadHash.ShouldBe(AuditChain.VerifyAudit(w.Db).HeadHash);

        ChainCheck results = ChainCheckpoints.VerifyResults(w.Db);
        results.Intact.ShouldBeTrue();
        results.Checked.ShouldBe(w.Db.ResultSets.LongCount() - results.Since!.Seq);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ChangesAfterAtAndBeforeTheCheckpoint_AreFound_ByThePagesOrByTheWholeVerification(StoreProvider provider)
    {
        using var w = Published(provider);
        ChainCheckpoints.VerifyAndRecord(w.Db, w.Clock);
        long anchorSeq = ChainCheckpoints.VerifyAudit(w.Db).Since!.Seq;
        w.PublishRevenue("2025-07", ("C01", 11), ("C02", 21), ("C03", 31), ("C04", 41));

        // After the checkpoint: found from the checkpoint.
        long late = Scalar(w, $"SELECT id FROM audit WHERE chain_seq = {anchorSeq + 2}");
        Sql(w, $"UPDATE audit SET new_value = 'forged' WHERE id = {late}");
        ChainReport found = ChainCheckpoints.VerifyAudit(w.Db).Report;
        found.Breaks.ShouldContain(b => b.Kind == ChainBreakKind.Changed && b.Id == late);

        // At the checkpoint: its entry no longer carries the hash it had.
        using var fresh = Published(provider);
        ChainCheckpoints.VerifyAndRecord(fresh.Db, fresh.Clock);
        long anchor = Scalar(fresh, "SELECT id FROM audit WHERE chain_seq = (SELECT max(seq) FROM chain_checkpoints WHERE chain = 'audit')");
        Sql(fresh, $"UPDATE audit SET hash = 'ab' WHERE id = {anchor}");
        ChainCheckpoints.VerifyAudit(fresh.Db).Report.Breaks.ShouldContain(b => b.Kind == ChainBreakKind.Changed && b.Id == anchor);

        // Before the checkpoint: an edit is for the whole verification; a removal is counted.
        using var third = Published(provider);
        ChainCheckpoints.VerifyAndRecord(third.Db, third.Clock);
        long early = Scalar(third, "SELECT id FROM audit WHERE chain_seq = 2");
        Sql(third, $"UPDATE audit SET new_value = 'forged' WHERE id = {early}");
        ChainCheckpoints.VerifyAudit(third.Db).Intact.ShouldBeTrue("an edit before the checkpoint is not read by the pages");
        AuditChain.VerifyAudit(third.Db).Breaks.ShouldContain(b => b.Kind == ChainBreakKind.Changed && b.Id == early);
        ChainCheckpoints.VerifyAndRecord(third.Db, third.Clock).Intact.ShouldBeFalse();
        Sql(third, $"DELETE FROM audit WHERE chain_seq = 3");
        ChainCheckpoints.VerifyAudit(third.Db).Report.Breaks.ShouldContain(b => b.Kind == ChainBreakKind.Removed);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ALease_IsHeldByOneNode_UntilItExpires(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        TimeSpan hour = TimeSpan.FromHours(1);

        JobLease.TryTake(db, "job", "node-a", hour, clock).ShouldBeTrue();
        JobLease.TryTake(db, "job", "node-b", hour, clock).ShouldBeFalse("node A holds it");
        JobLease.TryTake(db, "other", "node-b", hour, clock).ShouldBeTrue("another job's lease is free");
        clock.Advance(TimeSpan.FromMinutes(50));
        JobLease.TryTake(db, "job", "node-a", hour, clock).ShouldBeTrue("the holder renews");
        clock.Advance(TimeSpan.FromMinutes(50));
        JobLease.TryTake(db, "job", "node-b", hour, clock).ShouldBeFalse("renewed: still node A's");
        JobLease.Holder(db, "job", clock)!.Value.Holder.ShouldBe("node-a");
        clock.Advance(TimeSpan.FromMinutes(11));
        JobLease.TryTake(db, "job", "node-b", hour, clock).ShouldBeTrue("expired: node B takes it");
        JobLease.TryTake(db, "job", "node-a", hour, clock).ShouldBeFalse();
        JobLease.Release(db, "job", "node-b");
        JobLease.TryTake(db, "job", "node-a", hour, clock).ShouldBeTrue("given back early");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TheScheduledVerification_RunsOnOneOfTwoNodesAskingTogether(StoreProvider provider)
    {
        using var w = Published(provider);
        using var start = new Barrier(2);
        Task<StoreChains?>[] nodes = new[] { "node-a", "node-b" }.Select(holder => Task.Factory.StartNew(() =>
        {
            using SaimaDb db = SaimaDb.Open(w.Store);
            start.SignalAndWait();
            return ChainCheckpoints.RunScheduled(db, w.Clock, holder, TimeSpan.FromHours(6));
        }, TaskCreationOptions.LongRunning)).ToArray();
        StoreChains?[] ran = await Task.WhenAll(nodes);

        ran.Count(r => r is not null).ShouldBe(1);
        ran.Single(r => r is not null)!.Intact.ShouldBeTrue();
        Scalar(w, "SELECT count(*) FROM chain_checkpoints").ShouldBe(2, "one checkpoint per chain");
    }

    private World Published(StoreProvider provider)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2025-06", ("C01", 10), ("C02", 20), ("C03", 30), ("C04", 40));
        return w;
    }

    private static void Sql(World w, string sql)
    {
        using SaimaDb db = SaimaDb.Open(w.Store);
#pragma warning disable EF1002 // constants only, no user input
        db.Database.ExecuteSqlRaw(sql);
#pragma warning restore EF1002
    }

    private static long Scalar(World w, string sql)
    {
        using var connection = SchemaMigrator.OpenConnection(w.Store);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
