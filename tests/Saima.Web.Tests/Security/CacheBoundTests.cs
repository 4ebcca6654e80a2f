using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Saima.Web.Tests;

/// <summary>The application's memory cache cannot be grown by made-up query values.</summary>
public sealed class CacheBoundTests
{
    [Fact]
    public async Task League_ManyMadeUpSortValues_KeepOneEntry_NotOneEach()
    {
        await using var web = await LeagueTableTests.StartAsync();
        var cache = (MemoryCache)web.Services.GetRequiredService<IMemoryCache>();
        (await web.Client.GetAsync("/league?scheme=T")).StatusCode.ShouldBe(HttpStatusCode.OK);
        int before = cache.Count;

        for (int i = 0; i < 200; i++)
        {
            HttpResponseMessage r = await web.Client.GetAsync("/league?scheme=T&sort=x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        cache.Count.ShouldBeLessThanOrEqualTo(before + 1, "an unknown sort is the default order, kept at most once");
    }

    [Fact]
    public async Task League_UnknownSort_IsServedInRankOrder_AndLinksWithoutIt()
    {
        await using var web = await LeagueTableTests.StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&sort=x%24y");
        page.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        page.Html.ShouldNotContain("x$y");
    }

    [Fact]
    public async Task Cache_HasASizeLimit_AndTheConfiguredBudgetIsKept()
    {
        await using var web = await WebApp.StartConfiguredAsync(new Dictionary<string, string?> { ["Saima:CacheSize"] = "3" }, LeagueData.Seed);
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cache = (MemoryCache)web.Services.GetRequiredService<IMemoryCache>();
        foreach (string q in new[] { "", "&node=GDP", "&node=REV", "&node=AIR", "&node=EMP", "&period=2025-05", "&sort=score", "&sort=-unit" })
        {
            (await web.Client.GetAsync("/league?scheme=T" + q)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Every entry has a size (an entry without one would throw under a limit); the count stays within the budget.
        cache.Count.ShouldBeLessThanOrEqualTo(3);
    }
}
