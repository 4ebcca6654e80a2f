using Microsoft.Playwright;

namespace Saima.Browser.Tests.Pages;

/// <summary>An indicator as the office types it into the new-scheme form (rule and parameters in their Chinese names).</summary>
public sealed record IndicatorRow(string Code, string Name, string Dimension, string Rule, string RuleParams, string? Source = null, string? Min = null, string? Max = null);

/// <summary>/admin/schemes/new: the office's form for a new scheme.</summary>
public sealed class SchemeNewPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    /// <summary>Fills the form (units listed one per line, one dimension, the indicators) and creates the scheme; lands on its page.</summary>
    public async Task CreateAsync(string code, string name, IReadOnlyList<string> units, string track, (string Code, string Name) dimension, IReadOnlyList<IndicatorRow> indicators)
    {
        await tab.GoAsync("/admin/schemes/new");
        while (await Page.Locator("fieldset[data-indicator]").CountAsync() < indicators.Count)
        {
            await Page.Locator("#more-rows").ClickAsync();
            await Page.WaitForLoadStateAsync(LoadState.Load);
        }

        await Page.Locator("#code").FillAsync(code);
        await Page.Locator("#name").FillAsync(name);
        await Page.Locator("#unit-list").FillAsync(string.Join("\n", units.Select(u => u + "," + track)));
        await Page.Locator("input[name='Dims[0].Code']").FillAsync(dimension.Code);
        await Page.Locator("input[name='Dims[0].Name']").FillAsync(dimension.Name);
        for (int k = 0; k < indicators.Count; k++)
        {
            IndicatorRow i = indicators[k];
            string at = $"Inds[{k}]";
            await Page.Locator($"input[name='{at}.Code']").FillAsync(i.Code);
            await Page.Locator($"input[name='{at}.Name']").FillAsync(i.Name);
            await Page.Locator($"input[name='{at}.Dimension']").FillAsync(i.Dimension);
            await Page.Locator($"select[name='{at}.Rule']").SelectOptionAsync(i.Rule);
            await Page.Locator($"input[name='{at}.RuleParams']").FillAsync(i.RuleParams);
            await Page.Locator($"input[name='{at}.Source']").FillAsync(i.Source ?? "");
            await Page.Locator($"input[name='{at}.Min']").FillAsync(i.Min ?? "");
            await Page.Locator($"input[name='{at}.Max']").FillAsync(i.Max ?? "");
        }

        await Page.Locator("#create-button").ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin/schemes/" + code);
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }
}

/// <summary>/admin/periods: the office opens a scheme's reporting period.</summary>
public sealed class PeriodsPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    /// <summary>Opens the period the page suggests (code and deadline as suggested) and returns its code.</summary>
    public async Task<string> OpenSuggestedAsync(string scheme)
    {
        await tab.GoAsync("/admin/periods?scheme=" + Uri.EscapeDataString(scheme));
        string code = await Page.Locator("#open-code").InputValueAsync();
        string deadline = await Page.Locator("#open-deadline").InputValueAsync();
        await OpenAsync(code, deadline);
        return code;
    }

    /// <summary>Opens period <paramref name="code"/> with its deadline (yyyy-MM-ddTHH:mm in the office's zone).</summary>
    public async Task OpenAsync(string code, string deadline)
    {
        await Page.Locator("#open-code").FillAsync(code);
        await Page.Locator("#open-deadline").FillAsync(deadline);
        await Page.Locator("#open").ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
    }

    /// <summary>The row of a period in the list.</summary>
    public ILocator Row(string code) => Page.Locator($"#period-rows tr[data-period='{code}']");
}

/// <summary>/admin/users: the administrator creates logins and reads each one-time password.</summary>
public sealed class UsersPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    /// <summary>Creates a user with one role and, when given, its unit; returns the one-time password the page shows once.</summary>
    public async Task<string> CreateAsync(string name, string role, string? unit = null)
    {
        await tab.GoAsync("/admin/users");
        await Page.Locator("#new-user").FillAsync(name);
        await Page.Locator("#unit").FillAsync(unit ?? "");
        await Page.Locator($"#role-{role}").CheckAsync();
        await Page.Locator("#create-user button[type=submit]").ClickAsync();
        await Assertions.Expect(Page.Locator("#one-time-password")).ToContainTextAsync(name);
        return (await Page.Locator("#otp").InnerTextAsync()).Trim();
    }

    /// <summary>The user's row in the list.</summary>
    public ILocator Row(string name) => Page.Locator($"#user-rows [data-user='{name}']");
}

/// <summary>/account/password: a user replaces a one-time password.</summary>
public sealed class PasswordPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    /// <summary>Logs in with the one-time password, is sent to change it, changes it; returns with the chosen one in force.</summary>
    public async Task FirstLoginAsync(string user, string oneTime, string chosen)
    {
        await tab.LoginAsync(user, oneTime);
        new Uri(Page.Url).AbsolutePath.ShouldBe("/account/password", user);
        await Assertions.Expect(Page.Locator("#password-forced")).ToBeVisibleAsync();
        await Page.Locator("#CurrentPassword").FillAsync(oneTime);
        await Page.Locator("#NewPassword").FillAsync(chosen);
        await Page.Locator("#ConfirmPassword").FillAsync(chosen);
        await Page.Locator("main form button[type=submit]").ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/account/password");
    }
}

/// <summary>/admin/adjustments: bonus and penalty items, proposed by one office user and approved by another.</summary>
public sealed class AdjustmentsPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public ILocator Done => Page.Locator("#adjust-done");

    public Task OpenAsync(string scheme) => tab.GoAsync("/admin/adjustments?scheme=" + Uri.EscapeDataString(scheme));

    /// <summary>Proposes a bonus (positive) or penalty (negative) on a unit's total for the open period.</summary>
    public async Task ProposeAsync(string unit, double amount, string reason)
    {
        await Page.Locator("#n-unit").FillAsync(unit);
        await Page.Locator("#n-node").SelectOptionAsync("");
        await Page.Locator("#n-kind").SelectOptionAsync(amount < 0 ? "penalty" : "bonus");
        await Page.Locator("#n-amount").FillAsync(Math.Abs(amount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator("#n-reason").FillAsync(reason);
        await tab.SubmitAsync(Page.Locator("#propose-submit"), new System.Text.RegularExpressions.Regex("done=proposed"));
    }

    /// <summary>The item's row (by unit; the newest first).</summary>
    public ILocator Row(string unit) => Page.Locator($"#adjust-rows tr[data-unit='{unit}']").First;

    /// <summary>Approves the unit's proposed item with a comment (only another office user sees the button).</summary>
    public async Task ApproveAsync(string unit, string comment)
    {
        ILocator form = Row(unit).Locator("form.review");
        await form.Locator("input[name=Comment]").FillAsync(comment);
        await tab.SubmitAsync(form.Locator("button.btn-success"), new System.Text.RegularExpressions.Regex("done=approved"));
    }
}
