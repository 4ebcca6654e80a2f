using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// Benchmarking in a real browser: the unit page's 对标先进 section with named peers and an
/// external benchmark, the catch-up target, and the office's settings page, at desktop and phone width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BenchmarkPageTests(Chromium chromium)
{
    [Fact]
    public async Task UnitPeersSection_AndSettingsPage_OnDesktopAndPhone()
    {
        long schemeId = 0;
        await using BrowserApp app = await BrowserApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            using SaimaDb db = SaimaDb.Open(store);
            long scheme = schemeId = db.Schemes.Single(s => s.Code == "T").Id;
            long c03 = db.Units.Single(u => u.Code == "C03").Id;
            Actor office = Actor.Office("office.wang");
            new AnalysisService(db, TimeProvider.System).SetSettingsAsync(office, scheme, null, ["GDP", "EMP"]).GetAwaiter().GetResult();
            var peers = new PeerService(db, TimeProvider.System);
            peers.SetNamedPeersAsync(office, scheme, c03, ["C01", "C02"]).GetAwaiter().GetResult();
            peers.AddBenchmarkAsync(office, scheme, "先进城市甲", "REV", "2025-06", 66, "先进城市甲统计局《统计月报》").GetAwaiter().GetResult();
            peers.AddBenchmarkAsync(office, scheme, "先进城市乙", "REV", "2025-06", 58, "先进城市乙统计公报").GetAwaiter().GetResult();
        });
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(UnitPeersSection_AndSettingsPage_OnDesktopAndPhone));
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);

        await tab.GoAsync("/unit/C03?scheme=T");
        ILocator section = tab.Page.Locator("#unit-peers");
        await Assertions.Expect(section).ToContainTextAsync("考核办指定的对标单位");
        await Assertions.Expect(section.Locator("tr[data-indicator='REV'] .benchmarks")).ToContainTextAsync("先进城市甲");
        await section.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "unit-peers-desktop.png") });

        await section.Locator("tr[data-indicator='REV'] a.set-target").ClickAsync();
        await tab.Page.WaitForURLAsync(new Regex("/unit/C03/peers"));
        await Assertions.Expect(tab.Page.Locator("#gap-path tbody tr").First).ToBeVisibleAsync();
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "unit-catch-up-desktop.png"), FullPage = true });

        await tab.GoAsync("/admin/analysis?scheme=" + schemeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(tab.Page.Locator("#benchmark-list tbody tr")).ToHaveCountAsync(2);
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "analysis-admin-desktop.png"), FullPage = true });

        await tab.Page.SetViewportSizeAsync(390, 844);
        await tab.GoAsync("/unit/C03?scheme=T");
        await tab.Page.Locator("#unit-peers").ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "unit-peers-phone.png") });
        await tab.GoAsync("/admin/analysis?scheme=" + schemeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "analysis-admin-phone.png"), FullPage = true });
        tab.ShouldBeClean();
    }
}
