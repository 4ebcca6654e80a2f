using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class RankIntervalTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publish_StoresEachUnitsIntervalWithTheResultSet(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        var results = new ResultService(db, TimeProvider.System);
        ResultSet may = results.Latest(scheme, "2025-05")!;
        ResultSet june = results.Latest(scheme, "2025-06")!;

        RankIntervalRun run = RankIntervals.RunOf(db, june.Id).ShouldNotBeNull();
        run.Replicates.ShouldBe(RankIntervals.Replicates);
        run.Seed.ShouldBe(unchecked((long)RankIntervals.Seed));
        run.WeightSpread.ShouldBe(0.25);
        run.AlternativesJson.ShouldBeNull();

        // 2025-05: every indicator ranks the units in code order, so no weight can move a rank.
        var mayIntervals = RankIntervals.Of(db, may.Id);
        mayIntervals.Count.ShouldBe(5);
        foreach (ResultRow row in db.ResultRows.Where(r => r.ResultSetId == may.Id && r.Node == "Total").ToList())
        {
            mayIntervals[row.UnitId].Low.ShouldBe(row.Rank);
            mayIntervals[row.UnitId].High.ShouldBe(row.Rank);
        }

        // 2025-06: AIR and EMP disagree with the economy; the intervals hold the rank and some widen.
        var juneIntervals = RankIntervals.Of(db, june.Id);
        var ranked = db.ResultRows.Where(r => r.ResultSetId == june.Id && r.Node == "Total").ToList();
        foreach (ResultRow row in ranked)
        {
            UnitRankInterval i = juneIntervals[row.UnitId];
            i.Low!.Value.ShouldBeLessThanOrEqualTo(i.High!.Value);
            i.Low.Value.ShouldBeInRange(1, 5);
            i.High.Value.ShouldBeInRange(1, 5);
            i.TrackLow!.Value.ShouldBeInRange(1, 3, "the larger track (县) has three units");
            i.TrackHigh!.Value.ShouldBeInRange(i.TrackLow.Value, 3);
        }

        var mayRanked = db.ResultRows.Where(r => r.ResultSetId == may.Id && r.Node == "Total").ToList();
        RankIntervals.Overlapping([.. mayRanked.Select(r => (r.UnitId, r.Rank!.Value))], mayIntervals).ShouldBeEmpty("clear ranks overlap nothing");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ResultSet_StoredWithoutIntervals_ShowsNone(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;

        // The seed's open period has a result set written by hand, as one stored before intervals existed.
        ResultSet open = new ResultService(db, TimeProvider.System).Latest(scheme, "2025-07")!;

        RankIntervals.RunOf(db, open.Id).ShouldBeNull();
        RankIntervals.Of(db, open.Id).ShouldBeEmpty();
        db.RankIntervals.Count(r => r.ResultSetId == open.Id).ShouldBe(0, "reading does not backfill");
    }

    [Fact]
    public void Overlapping_NamesUnitsWhoseIntervalMeetsANeighbours()
    {
        var intervals = new Dictionary<long, UnitRankInterval>
        {
            [10] = new(10, 1, 1, null, null),
            [20] = new(20, 2, 3, null, null),
            [30] = new(30, 2, 4, null, null),
            [40] = new(40, 5, 5, null, null),
            [50] = new(50, 6, 7, null, null),
        };

        IReadOnlyList<long> overlapping = RankIntervals.Overlapping([(50, 6), (10, 1), (30, 3), (20, 2), (40, 5)], intervals);

        // 20 (2–3) and 30 (2–4) overlap; 10, 40 and 50 are clearly apart from their neighbours.
        overlapping.ShouldBe([20, 30]);
    }

    [Theory]
    [InlineData(12, 1000)]
    [InlineData(200, 1000)]
    [InlineData(201, 995)]
    [InlineData(1000, 200)]
    [InlineData(3000, 100)]
    [InlineData(40000, 100)]
    public void Replicates_AreFullUpTo200Units_ThenShareABudget_NeverBelow100(int units, int expected) =>
        RankIntervals.ReplicatesFor(units).ShouldBe(expected);
}
