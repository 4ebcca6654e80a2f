using System.Text.Json;
using Microsoft.Playwright;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// The application for <see cref="PageTests"/> (read only): LeagueData (one county is named
/// <c>&lt;script&gt;alert(1)&lt;/script&gt;</c>), a map whose features are exactly its five units,
/// and a leader to look at it.
/// </summary>
public sealed class PagesApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await BrowserApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            BrowserApp.InsertMap(store, "test-counties", "测试县区", LeagueData.Codes);
        });
        await App.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>What only a browser shows: charts drawn, Chinese glyphs rendered, names never run as script.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(Chromium chromium, PagesApp fixture) : IClassFixture<PagesApp>
{
    private const string Xss = "<script>alert(1)</script>";

    /// <summary>Pixels of the canvas inside <c>selector</c> that are neither transparent nor near white.</summary>
    private const string InkedPixels = """
        (selector) => {
            const canvas = document.querySelector(selector + " canvas");
            if (!canvas || canvas.width === 0 || canvas.height === 0) { return 0; }
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i + 3] > 0 && !(data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240)) { inked++; }
            }
            return inked;
        }
        """;

    [Fact]
    public async Task UnitChart_AndMap_DrawOnTheirCanvas_WithoutConsoleErrorsOrCspViolations()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(UnitChart_AndMap_DrawOnTheirCanvas_WithoutConsoleErrorsOrCspViolations));
        await tab.LoginAsync("leader.zhou", BrowserApp.UserPassword);

        await tab.GoAsync("/unit/C01?scheme=T");
        await Assertions.Expect(tab.Page.Locator("#unit-chart canvas")).ToHaveCountAsync(1);
        int chart = await InkAsync(tab.Page, "#unit-chart");
        chart.ShouldBeGreaterThan(1000, "the line chart of C01's score and rank is drawn");
        await tab.Page.Locator("#unit-chart").ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "unit-chart.png") });

        // Hovering shows the axis tooltip; drawn as markup, its markers carry style attributes that
        // the CSP refuses (a console error), so it must be drawn on the canvas.
        var box = (await tab.Page.Locator("#unit-chart canvas").BoundingBoxAsync())!;
        await tab.Page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await tab.Page.WaitForTimeoutAsync(300);
        await tab.Page.Mouse.MoveAsync(box.X + (box.Width / 3), box.Y + (box.Height / 2));
        await tab.Page.WaitForTimeoutAsync(300);

        await tab.GoAsync("/map?scheme=T");
        await Assertions.Expect(tab.Page.Locator("#geo-map canvas")).ToHaveCountAsync(1);
        int map = await InkAsync(tab.Page, "#geo-map");
        map.ShouldBeGreaterThan(5000, "the five coloured county squares are drawn");
        (await tab.Page.Locator("#geo-map").IsVisibleAsync()).ShouldBeTrue("map.js hides the element when its data fails");
        await tab.Page.Locator("#geo-map").ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "map.png") });
        var mapBox = (await tab.Page.Locator("#geo-map canvas").BoundingBoxAsync())!;
        await tab.Page.Mouse.MoveAsync(mapBox.X + (mapBox.Width / 2), mapBox.Y + (mapBox.Height / 2));
        await tab.Page.WaitForTimeoutAsync(300);

        tab.ShouldBeClean();
    }

    [Fact]
    public async Task Chinese_IsTheDefault_WithRealGlyphs_AndTheSwitchGivesEnglish()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(Chinese_IsTheDefault_WithRealGlyphs_AndTheSwitchGivesEnglish));
        IPage page = tab.Page;
        await tab.LoginAsync("leader.zhou", BrowserApp.UserPassword);
        await tab.GoAsync("/league?scheme=T");

        // The browser asked for en-US (Chromium.OpenAsync): Chinese is the default all the same.
        (await page.EvaluateAsync<string>("() => navigator.language")).ShouldBe("en-US");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("zh-CN");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("排名");
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        (await page.Locator("#league-table tr[data-unit=C01] td.unit").InnerTextAsync()).ShouldBe("甲县");

        // The fonts Chromium really used for the heading: a CJK face, with glyphs for both characters.
        var fonts = await PlatformFontsAsync(page, "h1");
        fonts.ShouldContain(f => f.Family.Contains("CJK", StringComparison.OrdinalIgnoreCase) && f.Glyphs >= 2,
            $"fonts used: {string.Join(", ", fonts.Select(f => $"{f.Family} ({f.Glyphs})"))}");

        // And no tofu: 赛 and 马 drawn in the page's font differ from each other and from a
        // character no font has (which would be drawn as the same empty box).
        var glyphs = await page.EvaluateAsync<string[]>("""
            () => ["赛", "马", "\uE000", "\uE001"].map(ch => {
                const c = document.createElement("canvas");
                c.width = 64; c.height = 64;
                const g = c.getContext("2d");
                g.font = "48px " + getComputedStyle(document.querySelector("h1")).fontFamily;
                g.fillText(ch, 4, 52);
                return c.toDataURL();
            })
            """);
        glyphs[0].ShouldNotBe(glyphs[1], "赛 and 马 are two glyphs");
        glyphs[0].ShouldNotBe(glyphs[2], "赛 is not the missing-glyph box");
        glyphs[1].ShouldNotBe(glyphs[2], "马 is not the missing-glyph box");
        glyphs[2].ShouldBe(glyphs[3], "characters no font has are the same box (the check can fail)");

        // The switch in the header: English, on the same page.
        await tab.SubmitAsync(page.Locator("#language-switch button"), new System.Text.RegularExpressions.Regex("/league\\?scheme=T"));
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("League table");
        (await page.Locator("#league-table tr[data-unit=C01] td.unit").InnerTextAsync()).ShouldBe("County A");

        // And back.
        await tab.SubmitAsync(page.Locator("#language-switch button"), new System.Text.RegularExpressions.Regex("/league\\?scheme=T"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("排名");
        tab.ShouldBeClean();
    }

    [Fact]
    public async Task UnitNamedScript_ShowsAsText_OnLeagueUnitAndMap_AndNoDialogOpens()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(UnitNamedScript_ShowsAsText_OnLeagueUnitAndMap_AndNoDialogOpens));
        IPage page = tab.Page;
        await tab.LoginAsync("leader.zhou", BrowserApp.UserPassword);

        await tab.GoAsync("/league?scheme=T");
        ILocator cell = page.Locator("#league-table tr[data-unit=C03] td.unit a");
        (await cell.InnerTextAsync()).ShouldBe(Xss);
        (await cell.Locator("script").CountAsync()).ShouldBe(0);

        await cell.ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/unit/C03"));
        await page.WaitForLoadStateAsync(LoadState.Load);
        (await page.Locator("#unit-name").InnerTextAsync()).ShouldBe(Xss);
        (await page.TitleAsync()).ShouldStartWith(Xss);
        (await page.Locator("main script").CountAsync()).ShouldBe(0, "no script element came from the name");
        (await InkAsync(page, "#unit-chart")).ShouldBeGreaterThan(1000);

        // The map's tooltip is HTML that map.js builds: the name must arrive there as text.
        await tab.GoAsync("/map?scheme=T");
        await InkAsync(page, "#geo-map");
        await page.EvaluateAsync("""
            () => echarts.getInstanceByDom(document.getElementById("geo-map"))
                .dispatchAction({ type: "showTip", seriesIndex: 0, name: "C03" })
            """);
        ILocator tip = page.Locator("#geo-map div").Filter(new() { HasText = "alert(1)" }).Last;
        await Assertions.Expect(tip).ToBeVisibleAsync();
        (await tip.InnerTextAsync()).ShouldContain(Xss);
        (await page.Locator("#geo-map script").CountAsync()).ShouldBe(0);

        // Give any script that did slip in the chance to run before looking for dialogs.
        await page.WaitForTimeoutAsync(300);
        tab.Dialogs.ShouldBeEmpty();
        tab.ShouldBeClean();
    }

    /// <summary>Waits until the chart inside <paramref name="selector"/> has drawn, and returns its inked pixels.</summary>
    private static async Task<int> InkAsync(IPage page, string selector)
    {
        // ECharts animates: wait for the drawing to settle (the count stops changing), then read it.
        await page.WaitForFunctionAsync($"(s) => ({InkedPixels})(s) > 0", selector);
        int last = -1;
        for (int i = 0; i < 40; i++)
        {
            int now = await page.EvaluateAsync<int>(InkedPixels, selector);
            if (now == last)
            {
                return now;
            }

            last = now;
            await page.WaitForTimeoutAsync(250);
        }

        return last;
    }

    /// <summary>The platform fonts Chromium used for the text of the first element matching <paramref name="selector"/> (DevTools protocol).</summary>
    private static async Task<List<(string Family, int Glyphs)>> PlatformFontsAsync(IPage page, string selector)
    {
        ICDPSession cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("DOM.enable");
        await cdp.SendAsync("CSS.enable");
        JsonElement? document = await cdp.SendAsync("DOM.getDocument");
        int root = document!.Value.GetProperty("root").GetProperty("nodeId").GetInt32();
        JsonElement? found = await cdp.SendAsync("DOM.querySelector", new() { ["nodeId"] = root, ["selector"] = selector });
        int node = found!.Value.GetProperty("nodeId").GetInt32();
        JsonElement? fonts = await cdp.SendAsync("CSS.getPlatformFontsForNode", new() { ["nodeId"] = node });
        var list = fonts!.Value.GetProperty("fonts").EnumerateArray()
            .Select(f => (f.GetProperty("familyName").GetString() ?? "", f.GetProperty("glyphCount").GetInt32()))
            .ToList();
        await cdp.DetachAsync();
        return list;
    }
}
