using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class AuditChainTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void EveryWriter_ChainsItsEntries_AndTheChainsVerifyIntact(StoreProvider provider)
    {
        using var w = Published(provider);

        StoreChains chains = AuditChain.Verify(w.Store);

        chains.Audit.Breaks.ShouldBeEmpty();
        chains.Results.Breaks.ShouldBeEmpty();
        using SaimaDb db = SaimaDb.Open(w.Store);
        long entries = db.Audit.LongCount();
        chains.Audit.Entries.ShouldBe(entries);
        db.Audit.Where(a => a.ChainSeq != null).Select(a => a.ChainSeq!.Value).OrderBy(s => s).ToList()
            .ShouldBe(Enumerable.Range(1, (int)entries).Select(i => (long)i).ToList(), "places 1..n without gaps");
        chains.Audit.HeadHash.ShouldBe(db.Audit.OrderByDescending(a => a.ChainSeq).First().Hash);
        chains.Results.Entries.ShouldBe(db.ResultSets.LongCount());
        chains.Results.Entries.ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AnEntryEditedBySql_IsNamedByItsId_AsChanged(StoreProvider provider)
    {
        using var w = Published(provider);
        long id = MiddleId(w);

        Sql(w, $"UPDATE audit SET new_value = 'forged' WHERE id = {id}");

        ChainReport report = AuditChain.Verify(w.Store).Audit;
        report.Intact.ShouldBeFalse();
        report.Breaks[0].Kind.ShouldBe(ChainBreakKind.Changed);
        report.Breaks[0].Id.ShouldBe(id);
        report.Breaks[0].Detail.ShouldContain($"entry {id}");
        report.Breaks.Count.ShouldBe(1, "only the edited entry breaks: each link is checked against the stored hash before it");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AnEntryRemovedBySql_IsFound_InTheMiddleAndAtTheEnd(StoreProvider provider)
    {
        using var w = Published(provider);
        long id = MiddleId(w);
        long next = Scalar(w, $"SELECT min(id) FROM audit WHERE id > {id}");

        Sql(w, $"DELETE FROM audit WHERE id = {id}");

        ChainReport report = AuditChain.Verify(w.Store).Audit;
        report.Breaks[0].Kind.ShouldBe(ChainBreakKind.Removed);
        report.Breaks[0].Id.ShouldBe(next);
        report.Breaks[0].Detail.ShouldContain("1 entries were removed");

        long last = Scalar(w, "SELECT max(id) FROM audit");
        Sql(w, $"DELETE FROM audit WHERE id = {last}");
        AuditChain.Verify(w.Store).Audit.Breaks.ShouldContain(b => b.Kind == ChainBreakKind.Head && b.Detail.Contains("removed from the end", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AnEntryInsertedBySql_IsNamedByItsId_AsInserted(StoreProvider provider)
    {
        using var w = Published(provider);
        string at = provider == StoreProvider.Sqlite ? "'2025-07-01T09:00:00.0000000Z'" : "'2025-07-01T09:00:00Z'";

        Sql(w, $"INSERT INTO audit (at, \"user\", action, entity, entity_key, field, old_value, new_value) VALUES ({at}, 'office.wang', 'approve', 'figure', 'S1/C01/Rev/2025-06', 'status', 'submitted', 'approved')");
        long inserted = Scalar(w, "SELECT max(id) FROM audit");

        ChainReport report = AuditChain.Verify(w.Store).Audit;
        report.Breaks.Single().Kind.ShouldBe(ChainBreakKind.Inserted);
        report.Breaks.Single().Id.ShouldBe(inserted);

        // Given a place and a made-up hash, it is still found: its hash does not follow from the chain.
        long head = Scalar(w, "SELECT seq FROM hash_chains WHERE name = 'audit'");
        Sql(w, $"UPDATE audit SET chain_seq = {head + 1}, hash = 'abc' WHERE id = {inserted}");
        Sql(w, $"UPDATE hash_chains SET seq = {head + 1}, hash = 'abc' WHERE name = 'audit'");
        ChainReport placed = AuditChain.Verify(w.Store).Audit;
        placed.Breaks[0].Kind.ShouldBe(ChainBreakKind.Changed);
        placed.Breaks[0].Id.ShouldBe(inserted);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AResultRowEditedBySql_BreaksTheResultChain_AtItsSet(StoreProvider provider)
    {
        using var w = Published(provider);
        long set = Scalar(w, "SELECT min(id) FROM result_sets");

        Sql(w, $"UPDATE result_rows SET score = score + 0.000001 WHERE result_set_id = {set} AND unit_id = {w.Unit("C02")} AND node = 'Total'");

        StoreChains chains = AuditChain.Verify(w.Store);
        chains.Audit.Intact.ShouldBeTrue();
        chains.Results.Breaks.Single().Kind.ShouldBe(ChainBreakKind.Changed);
        chains.Results.Breaks.Single().Id.ShouldBe(set);
    }

    [Fact]
    public async Task ConcurrentWriters_OnPostgres_AppendOneAfterTheOther_WithoutAFork()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Postgres);
        var clock = TestClocks.At(new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero));
        const int Writers = 8, Each = 15;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                using SaimaDb db = SaimaDb.Open(store);
                AdminAudit.Record(db, clock, Actor.Office("office." + t.ToString(CultureInfo.InvariantCulture)), "update", AdminAudit.UserEntity,
                    "user" + i.ToString(CultureInfo.InvariantCulture), "note", null, "x");
            }
        })));

        ChainReport report = AuditChain.Verify(store).Audit;
        report.Breaks.ShouldBeEmpty();
        report.Entries.ShouldBe(Writers * Each);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void EntriesStoredBeforeTheChains_AreChainedByTheMigrator(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        SchemaMigrator.Migrate(store, upTo: 9);
        string at = provider == StoreProvider.Sqlite ? "'2025-07-01T08:00:00.1234567Z'" : "'2025-07-01T08:00:00.123456Z'";
        using (SaimaDb db = SaimaDb.Open(store))
        {
#pragma warning disable EF1002 // constants only
            for (int i = 0; i < 5; i++)
            {
                db.Database.ExecuteSqlRaw($"INSERT INTO audit (at, \"user\", action, entity, entity_key, new_value) VALUES ({at}, 'office', 'create', 'unit', 'U{i}', '单位{i}')");
            }
#pragma warning restore EF1002
        }

        SchemaMigrator.Migrate(store);

        ChainReport report = AuditChain.Verify(store).Audit;
        report.Breaks.ShouldBeEmpty();
        report.Entries.ShouldBe(5);
        using (SaimaDb db = SaimaDb.Open(store))
        {
            AdminAudit.Record(db, TimeProvider.System, Actor.Office("office"), "create", AdminAudit.UserEntity, "u6");
        }

        AuditChain.Verify(store).Audit.Entries.ShouldBe(6);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void DayHeads_GiveTheLastHashOfEachDay_InTheOfficeZone_NewestFirst(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        var clock = TestClocks.At(new DateTimeOffset(2025, 7, 1, 15, 0, 0, TimeSpan.Zero)); // 23:00 in Beijing
        using (SaimaDb db = SaimaDb.Open(store))
        {
            AdminAudit.Record(db, clock, Actor.Office("office"), "create", AdminAudit.UserEntity, "a");
            clock.Advance(TimeSpan.FromHours(2)); // 01:00 on 2 July in Beijing, still 1 July in UTC
            AdminAudit.Record(db, clock, Actor.Office("office"), "create", AdminAudit.UserEntity, "b");
            AdminAudit.Record(db, clock, Actor.Office("office"), "create", AdminAudit.UserEntity, "c");
        }

        using (SaimaDb db = SaimaDb.Open(store))
        {
            IReadOnlyList<DayHead> days = AuditChain.DayHeads(db, TimeSpan.FromHours(8), 0, 10);
            days.Select(d => (d.Day, d.Seq, d.EntriesThatDay)).ShouldBe(new[] { (new DateOnly(2025, 7, 2), 3L, 2L), (new DateOnly(2025, 7, 1), 1L, 1L) });
            days[0].Hash.ShouldBe(AuditChain.VerifyAudit(db).HeadHash);
            AuditChain.DayHeads(db, TimeSpan.FromHours(8), 1, 10).Single().Day.ShouldBe(new DateOnly(2025, 7, 1));
        }
    }

    /// <summary>S1 with 2025-06's revenue published: seeded once per provider, a copy of its own for each test.</summary>
    private World Published(StoreProvider provider) => World.CopyOf(stores, provider, "audit-chain-published", w =>
    {
        w.CreateScheme();
        w.PublishRevenue("2025-06", ("C01", 10), ("C02", 20), ("C03", 30), ("C04", 40));
    });

    private static long MiddleId(World w) => Scalar(w, "SELECT id FROM audit ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM audit)");

    private static void Sql(World w, string sql)
    {
        using SaimaDb db = SaimaDb.Open(w.Store);
#pragma warning disable EF1002 // constants only, no user input
        db.Database.ExecuteSqlRaw(sql);
#pragma warning restore EF1002
    }

    private static long Scalar(World w, string sql)
    {
        using SaimaDb db = SaimaDb.Open(w.Store);
        using var connection = SchemaMigrator.OpenConnection(w.Store);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
