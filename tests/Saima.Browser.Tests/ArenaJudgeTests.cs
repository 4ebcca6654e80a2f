using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Browser.Tests;

/// <summary>The application for <see cref="ArenaJudgeTests"/>: a session with C01's round open and three judges, one of C02.</summary>
public sealed class ArenaApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public IReadOnlyList<ArenaIssuedJudge> Judges { get; private set; } = [];

    public async Task InitializeAsync()
    {
        IReadOnlyList<ArenaIssuedJudge> judges = [];
        App = await BrowserApp.StartAsync(seed: store =>
        {
            using SaimaDb db = SaimaDb.Open(store);
            var schemes = new SchemeService(db, TimeProvider.System);
            Actor office = Actor.Office("office.wang");
            schemes.AddUnit(office, "CITY", "江海市", UnitKind.City);
            schemes.AddUnit(office, "C01", "青山区", UnitKind.District, "CITY");
            schemes.AddUnit(office, "C02", "临江县", UnitKind.County, "CITY");
            schemes.AddUnit(office, "C03", "北湖县", UnitKind.County, "CITY");
            var arena = new ArenaService(db, TimeProvider.System);
            arena.CreateAsync(office, new ArenaSessionSpec("2025Q3-COUNTY", "2025年三季度县区擂台比拼", "county", ["C01", "C02", "C03"],
                [new("Q", "比质量", 20), new("P", "比项目", 30)], [new("LEAD", "市领导", 0.5, 1), new("PUB", "群众代表", 0.5, 1)], null)).GetAwaiter().GetResult();
            judges = [.. arena.IssueJudgesAsync(office, "2025Q3-COUNTY", new ArenaJudgeSpec("LEAD", 2, null, null)).GetAwaiter().GetResult(),
                .. arena.IssueJudgesAsync(office, "2025Q3-COUNTY", new ArenaJudgeSpec("PUB", null, ["张三"], "C02")).GetAwaiter().GetResult()];
            arena.OpenRoundAsync(office, "2025Q3-COUNTY", "C01").GetAwaiter().GetResult();
        });
        Judges = judges;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The judge's phone page at 390 px: steppers, the running total, sending, and a ballot made offline sent when the network returns.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ArenaJudgeTests(Chromium chromium, ArenaApp fixture) : IClassFixture<ArenaApp>
{
    [Fact]
    public async Task JudgePhone_StepsAndSends_AndAnOfflineBallotIsSentWhenTheNetworkReturns()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(JudgePhone_StepsAndSends_AndAnOfflineBallotIsSentWhenTheNetworkReturns));
        IPage page = tab.Page;
        await page.SetViewportSizeAsync(390, 844);
        string token = fixture.Judges[0].Token;
        await tab.GoAsync("/arena/j/" + token);

        await Assertions.Expect(page.Locator("#contestant")).ToContainTextAsync("青山区");
        ILocator q = page.Locator("fieldset[data-code=Q]");
        ILocator p = page.Locator("fieldset[data-code=P]");
        for (int i = 0; i < 3; i++)
        {
            await q.Locator("button.plus").ClickAsync();
        }

        await p.Locator("input.value").FillAsync("27");
        await p.Locator("input.value").DispatchEventAsync("change");
        await q.Locator("button.minus").ClickAsync();
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("28");
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390, "no sideways scrolling on a phone");
        (await q.Locator("button.plus").BoundingBoxAsync())!.Height.ShouldBeGreaterThanOrEqualTo(48, "a touch target");

        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("已送达");
        Latest(token).ShouldBe(("Q=1;P=27", 1));
        tab.ShouldBeClean();

        // The network drops: the corrected ballot is kept on the phone, and sent when it returns.
        await page.Context.SetOfflineAsync(true);
        await q.Locator("button.plus").ClickAsync();
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("网络中断");
        (await page.EvaluateAsync<int>("Object.keys(localStorage).filter(k => k.startsWith('saima.arena.pending:')).length")).ShouldBe(1);
        Latest(token).ShouldBe(("Q=1;P=27", 1), "nothing reached the server");
        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.dispatchEvent(new Event('online'))");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("已送达");
        Latest(token).ShouldBe(("Q=1.5;P=27", 2));
        (await page.EvaluateAsync<int>("Object.keys(localStorage).filter(k => k.startsWith('saima.arena.pending:')).length")).ShouldBe(0);
    }

    [Fact]
    public async Task JudgePhone_At360px_ShowsTheOpenRound_AndAnUnknownLinkSaysSo()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(JudgePhone_At360px_ShowsTheOpenRound_AndAnUnknownLinkSaysSo));
        await tab.Page.SetViewportSizeAsync(360, 740);
        await tab.GoAsync("/arena/j/" + fixture.Judges[1].Token);
        await Assertions.Expect(tab.Page.Locator("#contestant")).ToBeVisibleAsync();
        IResponse unknown = await tab.GoAsync("/arena/j/j_unknown");
        unknown.Status.ShouldBe(404);
        await Assertions.Expect(tab.Page.Locator("#judge-invalid")).ToBeVisibleAsync();
    }

    private (string Scores, int Version) Latest(string token)
    {
        using SaimaDb db = SaimaDb.Open(fixture.App.Store);
        string hash = ArenaService.Hash(token);
        long judge = db.ArenaJudges.Single(j => j.TokenHash == hash).Id;
        ArenaBallot b = db.ArenaBallots.Where(x => x.JudgeId == judge).OrderByDescending(x => x.Version).First();
        return (b.Scores, b.Version);
    }
}
