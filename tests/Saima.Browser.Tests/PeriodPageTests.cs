using Microsoft.Playwright;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>The application for <see cref="PeriodPageTests"/>: LeagueData (2025-07 open, one draft) and an office user.</summary>
public sealed class PeriodPagesApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await BrowserApp.StartAsync(seed: LeagueData.Seed);
        await App.CreateUserAsync("office.li", SaimaRoles.Office);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The office's periods, settings and publication confirmation in a browser, on a desktop and a phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PeriodPageTests(Chromium chromium, PeriodPagesApp fixture) : IClassFixture<PeriodPagesApp>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task PeriodsSettingsAndPublish_RenderInChinese_WithoutErrors(int width, int height)
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, $"{nameof(PeriodsSettingsAndPublish_RenderInChinese_WithoutErrors)}_{width}", "zh-CN");
        await tab.Page.SetViewportSizeAsync(width, height);
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);

        foreach ((string name, string path, string shown) in new[]
        {
            ("periods", "/admin/periods?scheme=T", "#period-rows tr[data-period='2025-07']"),
            ("publish", "/entry/publish?scheme=T&period=2025-07", "#missing-choice"),
            ("settings", "/admin/settings", "#zone-form"),
        })
        {
            await tab.GoAsync(path);
            await Assertions.Expect(tab.Page.Locator(shown)).ToBeVisibleAsync();
            await tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, $"period-{name}-{width}.png"), FullPage = true });
        }

        // Nothing is wider than the screen on a phone: the periods table scrolls in its own box.
        int overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.ShouldBeLessThanOrEqualTo(0);
        tab.ShouldBeClean();
    }
}
