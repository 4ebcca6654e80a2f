using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Data.Store;
using Saima.Web.Features.Benchmarks;
using Saima.Web.Features.Units;
using Xunit.Abstractions;

namespace Saima.Web.Tests;

/// <summary>
/// What a unit page reads once another unit's page of the same result set was built: the set-wide
/// parts (the peers' units and context values, the explanation's scheme and weights, the ranked
/// counts, the indicators) are kept per set and change stamp and shared, so a page reads its own
/// unit's rows only, as many queries for every unit; a new result set is read again; and the
/// warm-up at start reads the shared parts before the first visitor.
/// </summary>
public sealed class UnitPageSharedTests : IClassFixture<BoundedListsTests.BigStore>
{
    private const string Scheme = DemoCity.ScaleCountyScheme;

    private readonly BoundedListsTests.BigStore _store;
    private readonly ITestOutputHelper _output;

    public UnitPageSharedTests(BoundedListsTests.BigStore store, ITestOutputHelper output) => (_store, _output) = (store, output);

    [Fact]
    public async Task UnitPages_AfterAnotherUnitsPage_ReadOnlyTheirOwnRows_AsManyQueriesForEveryUnit()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var commands = new CommandRecorder(web.Store.ConnectionString);

        var pages = new List<(int Commands, IReadOnlyList<(string Sql, int Rows)> Reads)>();
        foreach (string unit in new[] { "X0001", "X0002", "X0060", "X0130" })
        {
            commands.Clear();
            string html = await web.Client.GetStringAsync("/unit/" + unit + "?scheme=" + Scheme);
            html.ShouldContain("id=\"unit-indicators\"");
            html.ShouldContain("id=\"unit-peers\"");
            html.ShouldContain("id=\"explain-tree\"");
            pages.Add((commands.Count(_ => true), commands.Reads));
        }

        _output.WriteLine(string.Join("; ", pages.Select(p => $"{p.Commands} commands, {p.Reads.Sum(r => r.Rows)} rows")));

        // The first page reads the set-wide parts: every unit's total row among them.
        pages[0].Reads.ShouldContain(r => r.Rows >= BoundedListsTests.Counties, "the first page of the set reads a row per unit");
        foreach (var (count, reads) in pages.Skip(1))
        {
            reads.ShouldAllBe(r => r.Rows < BoundedListsTests.Counties, "a later unit's page reads no query of a row per unit");
            count.ShouldBeLessThan(pages[0].Commands);
            count.ShouldBe(pages[1].Commands, "every later unit's page runs as many queries");
            reads.Sum(r => r.Rows).ShouldBeLessThan(pages[0].Reads.Sum(r => r.Rows));
        }
    }

    [Fact]
    public async Task WarmUpAtStart_ReadsTheSharedParts_TheFirstVisitReadsItsUnitsRowsOnly()
    {
        await using WebApp web = await _store.StartAsync(new Dictionary<string, string?> { [UnitPageWarmUp.EnabledKey] = "true" });
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await web.Services.GetRequiredService<UnitPageWarmUp>().Done.WaitAsync(TimeSpan.FromMinutes(2));
        using var commands = new CommandRecorder(web.Store.ConnectionString);

        string html = await web.Client.GetStringAsync("/unit/X0077?scheme=" + Scheme);

        html.ShouldContain("id=\"unit-peers\"");
        html.ShouldContain("id=\"explain-tree\"");
        commands.Reads.ShouldNotBeEmpty();
        commands.Reads.ShouldAllBe(r => r.Rows < BoundedListsTests.Counties, "the set-wide parts were read by the warm-up");
        commands.Count(IsCount).ShouldBe(0, "the ranked units were counted by the warm-up");
    }

    [Fact]
    public async Task NewResultSet_PeersComeFromIt_NotFromTheSetKeptBefore()
    {
        await using var web = await LeagueTableTests.StartAsync();
        long schemeId, unitId;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            schemeId = db.Schemes.Single(s => s.Code == "T").Id;
            unitId = db.Units.Single(u => u.Code == "C01").Id;
            await new AnalysisService(db, TimeProvider.System).SetSettingsAsync(Actor.Office("office.wang"), schemeId, null, ["GDP", "EMP"]);
        }

        string before = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        before.ShouldContain("id=\"peers-gaps\"");
        long oldSet = await KeptPeersSetAsync(web, unitId, schemeId);

        ResultSet june;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var results = new ResultService(db, TimeProvider.System);
            june = results.Compute(Actor.Office("office.wang"), results.Latest(schemeId, "2025-06")!.SchemeVersionId, "2025-06");
        }

        june.Id.ShouldNotBe(oldSet);
        string after = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        after.ShouldContain("id=\"peers-gaps\"");
        (await KeptPeersSetAsync(web, unitId, schemeId)).ShouldBe(june.Id, "the page's peers come from the new set");
        await web.Client.GetStringAsync("/unit/C02?scheme=T");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long stamp = await ChangeStamp.ReadAsync(db);
            var cache = web.Services.GetRequiredService<IMemoryCache>();
            cache.TryGetValue(UnitPeers.SharedKey(stamp, june.Id), out PeerSet? shared).ShouldBeTrue();
            shared!.Set.Id.ShouldBe(june.Id);
            cache.TryGetValue(UnitPeers.SharedKey(stamp, oldSet), out PeerSet? _).ShouldBeFalse("nothing of the old set is kept under the new stamp");
        }
    }

    /// <summary>The result set of the unit's peers kept by its page under the current stamp (Chinese).</summary>
    private static async Task<long> KeptPeersSetAsync(WebApp web, long unitId, long schemeId)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long stamp = await ChangeStamp.ReadAsync(db);
        web.Services.GetRequiredService<IMemoryCache>().TryGetValue(("unit-peers", stamp, unitId, schemeId, false), out UnitPeersView? view).ShouldBeTrue();
        return view!.Comparison.ResultSetId;
    }

    private static bool IsCount(string sql) => sql.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase) && sql.Contains("result_rows", StringComparison.Ordinal);
}
