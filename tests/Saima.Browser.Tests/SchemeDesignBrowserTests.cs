using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Saima.Browser.Tests;

/// <summary>
/// The office designs a scheme in a real browser: the form is filled field by field, an engine
/// refusal comes back in Chinese beside the rule's parameters, and the corrected scheme is created
/// and listed. Screenshots of the form at desktop and phone width (390 px).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SchemeDesignBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task Office_CreatesASchemeInTheForm_AfterTheEnginesRefusalIsShownBesideTheField()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: LeagueData.Seed);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(Office_CreatesASchemeInTheForm_AfterTheEnginesRefusalIsShownBesideTheField), "zh-CN");
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);

        await tab.GoAsync("/admin/schemes/new");
        IPage p = tab.Page;
        await p.Locator("#code").FillAsync("B1");
        await p.Locator("#name").FillAsync("浏览器测试方案");
        await p.Locator("select[name='Picks[0].Kind']").SelectOptionAsync("County");
        await p.Locator("input[name='Picks[0].Track']").FillAsync("县");
        await p.Locator("input[name='Dims[0].Code']").FillAsync("Econ");
        await p.Locator("input[name='Dims[0].Name']").FillAsync("经济发展");
        await p.Locator("input[name='Inds[0].Code']").FillAsync("GDP");
        await p.Locator("input[name='Inds[0].Name']").FillAsync("地区生产总值");
        await p.Locator("input[name='Inds[0].Dimension']").FillAsync("Econ");
        await p.Locator("select[name='Inds[0].Rule']").SelectOptionAsync("tiers");
        await p.Locator("input[name='Inds[0].RuleParams']").FillAsync("分档界限=60/80, 各档得分=0/5");
        await p.Locator("#create-button").ClickAsync();
        await p.WaitForLoadStateAsync(LoadState.Load);

        ILocator error = p.Locator("[data-field='Inds[0].RuleParams']");
        await Assertions.Expect(error).ToContainTextAsync("计分引擎不接受此项");
        (await p.Locator("input[name='Inds[0].Name']").InputValueAsync()).ShouldBe("地区生产总值");
        await p.SetViewportSizeAsync(390, 844);
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "scheme-new-phone.png"), FullPage = true });
        await p.SetViewportSizeAsync(1280, 900);
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "scheme-new-desktop.png"), FullPage = true });

        await p.Locator("input[name='Inds[0].RuleParams']").FillAsync("分档界限=60/80, 各档得分=0/5/10");
        await tab.SubmitAsync(p.Locator("#create-button"), CreatedRegex());
        await tab.GoAsync("/admin/schemes");
        await Assertions.Expect(p.Locator("tr[data-scheme='B1']")).ToHaveCountAsync(1);
        tab.ShouldBeClean();
    }

    [GeneratedRegex("/admin/schemes/B1$")]
    private static partial Regex CreatedRegex();
}
