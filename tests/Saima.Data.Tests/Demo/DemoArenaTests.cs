using Saima.Data;
using Saima.Data.Demo;
using Saima.Data.Store;

namespace Saima.Data.Tests.Demo;

/// <summary>The demo city's on-site evaluations: one published with ballots of every category and its rank points in the assessment, one upcoming with judges and no ballot.</summary>
[Collection(StoresCollection.Name)]
public sealed class DemoArenaTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Build_ShipsOnePublishedAndOneUpcomingSession(StoreProvider provider)
    {
        // The six-month build (DemoCopies.Small: Months = 6, ComputeResults = false), shared with the demo city's tests.
        StoreOptions store = DemoCopies.SmallCity(stores, provider);

        using SaimaDb db = SaimaDb.Open(store);
        var arena = new ArenaService(db, TimeProvider.System);
        ArenaSessionView published = (await arena.SessionAsync(DemoCity.ArenaPublished))!;
        published.Published.ShouldBeTrue();
        published.Place.ShouldNotBeNull();
        published.Contestants.ShouldAllBe(c => c.State == ArenaRoundState.Closed && c.Ballots > 0);
        ArenaResults results = await arena.ResultsAsync(Actor.Leader("leader"), DemoCity.ArenaPublished);
        results.Contestants.ShouldAllBe(c => c.Score != null && c.Categories.Count == published.Categories.Count, "ballots from judges of every category");
        db.Adjustments.AsEnumerable().Where(a => a.Reason.StartsWith("现场评议 " + DemoCity.ArenaPublished, StringComparison.Ordinal))
            .ShouldAllBe(a => a.Status == AdjustmentStatus.Approved);
        db.Adjustments.Count(a => a.Reason.StartsWith("现场评议")).ShouldBeGreaterThanOrEqualTo(4, "+2, +1.5, +1 for the first three, −1 for the last");

        ArenaSessionView upcoming = (await arena.SessionAsync(DemoCity.ArenaUpcoming))!;
        upcoming.Published.ShouldBeFalse();
        upcoming.Graded.ShouldBeTrue();
        upcoming.Judges.ShouldBeGreaterThan(0);
        upcoming.Contestants.ShouldAllBe(c => c.State == ArenaRoundState.Pending && c.Ballots == 0);
    }
}
