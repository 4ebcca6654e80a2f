using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Tests.Store;

/// <summary>
/// How many units each node of a result set ranked is stored with the set when it is computed
/// (the unit page reads it instead of counting a set's every row), equal to what counting the
/// set's rows gives; and a store migrated from before counts its existing sets once, the same.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ResultNodeRankedTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void CountsStoredWithTheSet_AreTheRowsCounted_AndAMigratedStoreCountsItsSetsTheSame(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();

        // C04 reports nothing in June: it is scored by the scheme's rule but may not rank at every node.
        w.PublishRevenue("2025-05", ("C01", 100), ("C02", 120), ("C03", 90), ("C04", 80));
        long june = w.PublishRevenue("2025-06", ("C01", 110), ("C02", 125), ("C03", 95)).Results.Id;

        Dictionary<(long, string), int> Counted() => w.Db.ResultRows.AsNoTracking().Where(r => r.Rank != null)
            .GroupBy(r => new { r.ResultSetId, r.Node }).Select(g => new { g.Key.ResultSetId, g.Key.Node, Count = g.Count() })
            .AsEnumerable().ToDictionary(g => (g.ResultSetId, g.Node), g => g.Count);
        Dictionary<(long, string), int> Stored() => w.Db.ResultNodeRanked.AsNoTracking()
            .AsEnumerable().ToDictionary(r => (r.ResultSetId, r.Node), r => r.Ranked);

        Dictionary<(long, string), int> counted = Counted();
        counted.Keys.Select(k => k.Item1).Distinct().Count().ShouldBe(2);
        counted.Keys.ShouldContain((june, "Total"));
        Stored().ShouldBe(counted, ignoreOrder: true);

        // As a store from before the counts were kept: the table gone, version 32 not applied (nor
        // what came after it, which is put back as it was once 32 is applied).
        DbConnection c = w.Db.Database.GetDbConnection();
        w.Db.Database.OpenConnection();
        SchemaMigrator.Execute(c, null, "DROP TABLE result_node_ranked");
        SchemaMigrator.Execute(c, null, "CREATE TABLE later_versions AS SELECT * FROM schema_version WHERE version > 32");
        SchemaMigrator.Execute(c, null, "DELETE FROM schema_version WHERE version >= 32");
        w.Db.Database.CloseConnection();

        SchemaMigrator.Migrate(w.Store, upTo: 32).Select(s => s.Version).ShouldBe([32]);
        Stored().ShouldBe(counted, ignoreOrder: true);

        w.Db.Database.OpenConnection();
        SchemaMigrator.Execute(c, null, "INSERT INTO schema_version SELECT * FROM later_versions");
        SchemaMigrator.Execute(c, null, "DROP TABLE later_versions");
        w.Db.Database.CloseConnection();
        SchemaMigrator.Migrate(w.Store).ShouldBeEmpty();
    }
}
