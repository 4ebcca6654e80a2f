using Saima.Data.Store;
using Saima.Scoring;
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
    public async Task Publish_StoresWhichFactorsMoveRanks_AsTheEngineComputesThemFromTheSameReplicates(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        LeagueData.Seed(store);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        var results = new ResultService(db, TimeProvider.System);
        ResultSet may = results.Latest(scheme, "2025-05")!;

        // 2025-05: no weight can move a rank, so nothing explains anything.
        RankIntervals.RunOf(db, may.Id)!.MeanShift.ShouldBe(0);
        (await RankIntervals.SensitivityAsync(db, may.Id, 100)).ShouldAllBe(f => f.FirstOrder == 0);

        // June computed again after the office adds method alternatives: a median instead of a
        // mean and ranks instead of min-max do move ranks.
        const string Alternatives = """{"normalise":[{"method":"minmax","range":[0,100]},{"method":"rank"}],"aggregate":[{"method":"arithmetic"},{"method":"median"}]}""";
        await new AnalysisService(db, TimeProvider.System).SetSettingsAsync(Actor.Office("office.wang"), scheme, Alternatives, []);
        ResultSet june = results.Compute(Actor.Office("office.wang"), results.Latest(scheme, "2025-06")!.SchemeVersionId, "2025-06");

        // The stored factors are the engine's, recomputed from the stored inputs.
        ScoringInputs inputs = new AnalysisService(db, TimeProvider.System).InputsOf(june);
        UncertaintyResult again = RankUncertainty.Run(inputs.Scheme, inputs.Dataset, inputs.Dataset.Periods.Length - 1, new UncertaintyOptions
        {
            Replicates = RankIntervals.Replicates,
            Seed = RankIntervals.Seed,
            WeightSpread = RankIntervals.WeightSpread,
            Alternatives = SchemeParser.ParseAlternatives(Alternatives),
            Sensitivity = true,
        });
        List<RankSensitivityRow> stored = await RankIntervals.SensitivityAsync(db, june.Id, 100);
        stored.Count.ShouldBe(again.Sensitivity!.Count);
        stored.Select(r => r.Ordinal).ShouldBe(Enumerable.Range(1, stored.Count));
        stored.Select(r => (r.Kind, r.Code, r.FirstOrder)).ShouldBe(again.Sensitivity.Select(f => (RankIntervals.KindName(f.Kind), f.Code, f.FirstOrder)));
        stored.Select(r => r.Kind).ShouldContain("normalise");
        stored.Select(r => r.Kind).ShouldContain("aggregate");
        RankIntervals.RunOf(db, june.Id)!.MeanShift!.Value.ShouldBe(again.MeanShift!.Value, 1e-12);
        again.MeanShift.Value.ShouldBeGreaterThan(0, "the alternatives do move June's ranks");
        stored.ShouldContain(f => f.FirstOrder > 0);
        (await RankIntervals.SensitivityAsync(db, june.Id, 2)).Select(r => r.Ordinal).ShouldBe([1, 2]);
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
