using Microsoft.Playwright;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>The application for <see cref="AccountTests"/>: an empty store whose administrator got a one-time password.</summary>
public sealed class AccountApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await BrowserApp.StartAsync(adminPassword: null);
        await App.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Logging in and the first administrator's forced password change, in a browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountTests(Chromium chromium, AccountApp fixture) : IClassFixture<AccountApp>
{
    [Fact]
    public async Task Login_WrongPasswordOrUnknownUser_ShowsTheMessage_AndStaysOnLogin()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(Login_WrongPasswordOrUnknownUser_ShowsTheMessage_AndStaysOnLogin));
        IPage page = tab.Page;
        // One answer whether the name exists, the password is wrong or the account is locked (it tells no one which names exist).
        foreach ((string user, string password) in new[] { ("leader.zhou", "Wrong-Password-1"), ("nobody", BrowserApp.UserPassword) })
        {
            await tab.GoAsync("/login");
            await page.Locator("#UserName").FillAsync(user);
            await page.Locator("#Password").FillAsync(password);
            await page.Locator("main form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("用户名或密码错误。连续多次失败后账户将暂时锁定，请稍后再试或联系考核办。");
            new Uri(page.Url).AbsolutePath.ShouldBe("/login", user);
            (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "saima.auth", user);
        }

        // A page behind the login still sends the browser to the login form.
        await tab.GoAsync("/league");
        new Uri(page.Url).AbsolutePath.ShouldBe("/login");

        // The right password works after the failures.
        await tab.LoginAsync("leader.zhou", BrowserApp.UserPassword);
        await Assertions.Expect(page.Locator("#current-user")).ToHaveTextAsync("leader.zhou");
        tab.ShouldBeClean();
    }

    [Fact]
    public async Task OneTimeAdmin_IsSentToChangeThePassword_UntilItIsChanged_ThenLogsInWithTheNewOne()
    {
        await using BrowserPage tab = await chromium.OpenAsync(fixture.App, nameof(OneTimeAdmin_IsSentToChangeThePassword_UntilItIsChanged_ThenLogsInWithTheNewOne));
        IPage page = tab.Page;
        string oneTime = fixture.App.OneTimePassword();
        const string chosen = "Chosen-Admin-Pw-2025";

        await tab.LoginAsync("admin", oneTime);
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/password");
        await Assertions.Expect(page.Locator("#password-forced")).ToBeVisibleAsync();

        // Every other page leads back here while the password is the one-time one.
        await tab.GoAsync("/league");
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/password");

        // A confirmation that does not match is refused with the message.
        await page.Locator("#CurrentPassword").FillAsync(oneTime);
        await page.Locator("#NewPassword").FillAsync(chosen);
        await page.Locator("#ConfirmPassword").FillAsync(chosen + "x");
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#password-errors")).ToContainTextAsync("两次输入的新密码不一致。");

        await page.Locator("#CurrentPassword").FillAsync(oneTime);
        await page.Locator("#NewPassword").FillAsync(chosen);
        await page.Locator("#ConfirmPassword").FillAsync(chosen);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/account/password");

        await tab.GoAsync("/league");
        new Uri(page.Url).AbsolutePath.ShouldBe("/league");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("排名");

        // The one-time password is gone; the chosen one logs in straight to the pages.
        await tab.GoAsync("/login");
        await page.Context.ClearCookiesAsync();
        await tab.GoAsync("/login");
        await page.Locator("#UserName").FillAsync("admin");
        await page.Locator("#Password").FillAsync(oneTime);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToBeVisibleAsync();

        await tab.LoginAsync("admin", chosen);
        new Uri(page.Url).AbsolutePath.ShouldNotBe("/account/password");
        await tab.GoAsync("/league");
        new Uri(page.Url).AbsolutePath.ShouldBe("/league");
        tab.ShouldBeClean();
    }
}
