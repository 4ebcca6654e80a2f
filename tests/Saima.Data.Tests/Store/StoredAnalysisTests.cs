using Saima.Data.Store;
using Saima.Scoring;
using Saima.Testing;

namespace Saima.Data.Tests.Store;

/// <summary>
/// What it takes and the rank intervals kept with a result set: at publication for a small set,
/// by the background doors for a big one (the thresholds lowered to zero on a small store), the
/// same numbers either way.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class StoredAnalysisTests(Stores stores)
{
    /// <summary>The league store published with both analyses left to the background (thresholds 0).</summary>
    private StoreOptions Deferred(StoreProvider provider) => stores.NewCopyOf(provider, "league-deferred", store =>
    {
        using (SaimaDb db = SaimaDb.Open(store))
        {
            db.Settings.Add(new Setting { Key = StoredAnalysis.IntervalsInlineCellsKey, Value = "0" });
            db.Settings.Add(new Setting { Key = StoredAnalysis.WhatItTakesInlineUnitsKey, Value = "0" });
            db.SaveChanges();
        }

        LeagueData.Seed(store);
    });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_StoresWhatItTakesOfEveryRankedUnit_AsComputedDirectly(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        ResultSet june = new ResultService(db, TimeProvider.System).Latest(scheme, "2025-06")!;

        var ranked = db.ResultRows.Where(r => r.ResultSetId == june.Id && r.Node == "Total" && r.Rank != null).ToList();
        ranked.Count.ShouldBe(5);
        db.WhatItTakes.Count(w => w.ResultSetId == june.Id).ShouldBe(ranked.Count, "every ranked unit's answer is stored at publication");
        (await new StoredAnalysis(db).IntervalsPendingAsync()).ShouldBeEmpty();
        ScoringInputs inputs = new AnalysisService(db, TimeProvider.System).InputsOf(june);
        var door = new StoredAnalysis(db);
        foreach (ResultRow row in ranked)
        {
            WhatItTakesAnswer stored = (await door.WhatItTakesOfAsync(june.Id, row.UnitId, null)).ShouldNotBeNull();
            WhatItTakesAnswer direct = AnalysisService.WhatItTakes(inputs, row.UnitId, row.Rank!.Value, ranked.Count).ShouldNotBeNull();
            ShouldBeSame(stored, direct, byCode: true);
        }

        // Somewhere to move up: the third unit (C05) has steps to one place up and to first place.
        long c05 = db.Units.Single(u => u.Code == "C05").Id;
        WhatItTakesAnswer third = (await door.WhatItTakesOfAsync(june.Id, c05, new Dictionary<string, string> { ["GDP"] = "地区生产总值" })).ShouldNotBeNull();
        third.Rank.ShouldBe(3);
        third.OneUp.ShouldContain(s => s.Reachable);
        third.First.ShouldContain(s => s.Reachable);
        third.OneUp.Single(s => s.Indicator == "GDP").Name.ShouldBe("地区生产总值", "names come from the reader");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BigSet_IsStoredWithoutAnalysis_AndTheBackgroundDoorsStoreWhatThePublicationWould(StoreProvider provider)
    {
        StoreOptions store = Deferred(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        ResultSet june = new ResultService(db, TimeProvider.System).Latest(scheme, "2025-06")!;
        var door = new StoredAnalysis(db);

        // Published: the rows are there, the intervals and the answers not yet.
        db.ResultRows.Count(r => r.ResultSetId == june.Id).ShouldBeGreaterThan(0);
        RankIntervals.RunOf(db, june.Id).ShouldBeNull();
        RankIntervals.Of(db, june.Id).ShouldBeEmpty();
        db.WhatItTakes.Count(w => w.ResultSetId == june.Id).ShouldBe(0);
        IReadOnlyList<long> pending = await door.IntervalsPendingAsync();
        pending.ShouldContain(june.Id);
        pending.Count.ShouldBeGreaterThan(1, "the store publishes several months");
        pending.ShouldBe(pending.OrderByDescending(id => id).ToList(), "the newest set, the one the pages show, comes first");

        // The background's step: intervals and sensitivity, as the publication stores them.
        door.CompleteIntervals(june.Id).ShouldBeTrue();
        door.CompleteIntervals(june.Id).ShouldBeFalse("done once");
        (await door.IntervalsPendingAsync()).ShouldNotContain(june.Id);

        using SaimaDb inline = SaimaDb.Open(stores.NewLeague(provider));
        ResultSet juneInline = new ResultService(inline, TimeProvider.System).Latest(inline.Schemes.Single(s => s.Code == "T").Id, "2025-06")!;
        RankIntervalRun run = RankIntervals.RunOf(db, june.Id).ShouldNotBeNull();
        RankIntervalRun runInline = RankIntervals.RunOf(inline, juneInline.Id).ShouldNotBeNull();
        (run.Replicates, run.Seed, run.WeightSpread, run.AlternativesJson, run.MeanShift)
            .ShouldBe((runInline.Replicates, runInline.Seed, runInline.WeightSpread, runInline.AlternativesJson, runInline.MeanShift));
        Dictionary<string, UnitRankInterval> ByCode(SaimaDb d, long set)
        {
            var codes = d.Units.ToDictionary(u => u.Id, u => u.Code);
            return RankIntervals.Of(d, set).Values.ToDictionary(i => codes[i.UnitId], i => i with { UnitId = 0 });
        }

        ByCode(db, june.Id).ShouldBe(ByCode(inline, juneInline.Id));
        ByCode(db, june.Id).Count.ShouldBe(5);
        (await RankIntervals.SensitivityAsync(db, june.Id, 100)).Select(r => (r.Ordinal, r.Kind, r.Code, r.FirstOrder))
            .ShouldBe((await RankIntervals.SensitivityAsync(inline, juneInline.Id, 100)).Select(r => (r.Ordinal, r.Kind, r.Code, r.FirstOrder)));

        // What it takes: the latest published set lacks every ranked unit's answer; asked for one, then the rest.
        var lacking = await door.LackingWhatItTakesAsync();
        (ResultSet set, IReadOnlyList<long> units) = lacking.ShouldHaveSingleItem();
        set.Id.ShouldBe(june.Id);
        units.Count.ShouldBe(5);
        ScoringInputs inputs = new AnalysisService(db, TimeProvider.System).InputsOf(june);
        long c05 = db.Units.Single(u => u.Code == "C05").Id;
        (await door.ComputeWhatItTakesAsync(set, inputs, [c05])).ShouldBe(1);
        (await door.ComputeWhatItTakesAsync(set, inputs, [c05])).ShouldBe(0, "stored once");
        (await door.LackingWhatItTakesAsync()).Single().Units.ShouldNotContain(c05);
        (await door.ComputeWhatItTakesAsync(set, inputs)).ShouldBe(4);
        (await door.LackingWhatItTakesAsync()).ShouldBeEmpty();

        var ranked = db.ResultRows.Where(r => r.ResultSetId == june.Id && r.Node == "Total" && r.Rank != null).ToList();
        foreach (ResultRow row in ranked)
        {
            WhatItTakesAnswer stored = (await door.WhatItTakesOfAsync(june.Id, row.UnitId, null)).ShouldNotBeNull();
            ShouldBeSame(stored, AnalysisService.WhatItTakes(inputs, row.UnitId, row.Rank!.Value, ranked.Count)!, byCode: true);
        }
    }

    /// <summary>Two answers with the same numbers (the stored one named by code when read without names).</summary>
    private static void ShouldBeSame(WhatItTakesAnswer stored, WhatItTakesAnswer direct, bool byCode)
    {
        (stored.Period, stored.NextYear, stored.Rank, stored.Ranked).ShouldBe((direct.Period, direct.NextYear, direct.Rank, direct.Ranked));
        static object[] Numbers(IReadOnlyList<WhatItTakesStep> steps) =>
            [.. steps.Select(s => (s.Indicator, s.Value, s.Needed, s.Reachable, s.ChangePercent, s.Cumulative, s.AnnualTarget))];
        Numbers(stored.OneUp).ShouldBe(Numbers(direct.OneUp));
        Numbers(stored.First).ShouldBe(Numbers(direct.First));
        if (byCode)
        {
            stored.OneUp.ShouldAllBe(s => s.Name == s.Indicator);
        }
    }
}
