using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Saima.Browser.Tests.Pages;

/// <summary>/entry: the reporting form (a reporter's unit, or a department's indicators for every unit) and the template upload.</summary>
public sealed class EntryPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public ILocator Done => Page.Locator("#entry-done");

    public ILocator Error => Page.Locator("#entry-error");

    /// <summary>The refusal of an upload: one row per error.</summary>
    public ILocator UploadErrors => Page.Locator("#upload-errors tr.upload-error");

    public Task OpenAsync(string scheme, string period) =>
        tab.GoAsync($"/entry?scheme={Uri.EscapeDataString(scheme)}&period={Uri.EscapeDataString(period)}");

    /// <summary>A row of the form.</summary>
    public ILocator Row(string unit, string indicator) => Page.Locator($"#entry-rows tr[data-unit='{unit}'][data-indicator='{indicator}']");

    /// <summary>Types a value into a row of the form.</summary>
    public Task EnterAsync(string unit, string indicator, string value) => Row(unit, indicator).Locator("input[name$='.Value']").FillAsync(value);

    /// <summary>The row's status as its badge says it.</summary>
    public async Task<string> StatusTextAsync(string unit, string indicator) => (await Row(unit, indicator).Locator(".figure-status").InnerTextAsync()).Trim();

    /// <summary>Submits the form's figures and waits for the confirmation.</summary>
    public async Task SubmitAsync()
    {
        await tab.SubmitAsync(Page.Locator("#submit"), new Regex("done=submitted"));
        await Assertions.Expect(Done).ToBeVisibleAsync();
    }

    /// <summary>Downloads the Excel template the page offers; returns its file name and size.</summary>
    public async Task<(string Name, long Bytes)> DownloadTemplateAsync()
    {
        IDownload download = await Page.RunAndWaitForDownloadAsync(() => Page.Locator("#template-link").ClickAsync());
        string path = Path.Combine(Path.GetTempPath(), "saima-browser-tests", Guid.NewGuid().ToString("N") + ".xlsx");
        await download.SaveAsAsync(path);
        long bytes = new FileInfo(path).Length;
        File.Delete(path);
        return (download.SuggestedFilename, bytes);
    }

    /// <summary>Uploads a filled file; waits for the page that answers (accepted: back on the form with a note; refused: the errors).</summary>
    public async Task UploadAsync(string fileName, byte[] content, string mimeType = "text/csv")
    {
        await Page.Locator("#upload").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = mimeType, Buffer = content });
        await Page.Locator("#upload-form button[type=submit]").ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(Page.Locator("#entry-done, #upload-errors, #entry-error").First).ToBeVisibleAsync();
    }
}

/// <summary>/entry/review: a reviewer's queue of submitted figures, with bulk approval.</summary>
public sealed class ReviewPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public ILocator Done => Page.Locator("#review-done");

    public Task OpenAsync(string scheme, string period) =>
        tab.GoAsync($"/entry/review?scheme={Uri.EscapeDataString(scheme)}&period={Uri.EscapeDataString(period)}");

    /// <summary>The figures waiting in the queue (rows with a checkbox).</summary>
    public ILocator Waiting => Page.Locator("#review-rows tr[data-figure]:has(input[name=Selected])");

    public ILocator Row(string unit, string indicator) => Page.Locator($"#review-rows tr[data-unit='{unit}'][data-indicator='{indicator}']");

    /// <summary>Approves, in one go, every waiting figure that raised no flag.</summary>
    public Task ApproveAllInRangeAsync() => tab.SubmitAsync(Page.Locator("#approve-in-range"), new Regex("done=bulk"));

    /// <summary>Ticks the given figures and approves them.</summary>
    public async Task ApproveSelectedAsync(params (string Unit, string Indicator)[] figures)
    {
        foreach ((string unit, string indicator) in figures)
        {
            await Row(unit, indicator).Locator("input[name=Selected]").CheckAsync();
        }

        await tab.SubmitAsync(Page.Locator("#approve-selected"), new Regex("done=bulk"));
    }
}

/// <summary>/entry/publish: the completeness summary and the publication of a period.</summary>
public sealed class PublishPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public Task OpenAsync(string scheme, string period) =>
        tab.GoAsync($"/entry/publish?scheme={Uri.EscapeDataString(scheme)}&period={Uri.EscapeDataString(period)}");

    /// <summary>A count of the summary: missing, unapproved, approved, …</summary>
    public async Task<string> CountAsync(string what) => (await Page.Locator("#count-" + what).InnerTextAsync()).Trim();

    public ILocator MissingChoice => Page.Locator("#missing-choice");

    /// <summary>Publishes; missing figures count as zero when <paramref name="missingAsZero"/>, else by the scheme's rule. Lands on the league table.</summary>
    public async Task PublishAsync(bool? missingAsZero = null)
    {
        if (missingAsZero is bool zero)
        {
            await Page.Locator(zero ? "#missing-zero" : "#missing-scheme").CheckAsync();
        }

        await tab.SubmitAsync(Page.Locator("#publish"), new Regex("/league\\?"));
    }
}

/// <summary>/entry/correct: the office corrects a published figure with a reason.</summary>
public sealed class CorrectPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public ILocator Done => Page.Locator("#correct-done");

    /// <summary>Finds the published figure, gives the new value and the reason, and waits for the confirmation.</summary>
    public async Task CorrectAsync(string scheme, string period, string unit, string indicator, string newValue, string reason)
    {
        await tab.GoAsync($"/entry/correct?scheme={Uri.EscapeDataString(scheme)}&period={Uri.EscapeDataString(period)}&unit={Uri.EscapeDataString(unit)}");
        await Page.Locator($"#correct-figures tr[data-unit='{unit}'][data-indicator='{indicator}'] a").ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.Load);
        await Page.Locator("#NewValue").FillAsync(newValue);
        await Page.Locator("#Reason").FillAsync(reason);
        await Page.Locator("#correct-form button[type=submit]").ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(Done).ToBeVisibleAsync();
    }
}

/// <summary>/league: the league table of a scheme's period.</summary>
public sealed class LeaguePage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    /// <summary>The note that the period was revised after publication.</summary>
    public ILocator Revised => Page.Locator("#league-revised");

    public Task OpenAsync(string scheme) => tab.GoAsync("/league?scheme=" + Uri.EscapeDataString(scheme));

    public async Task<string> SelectedPeriodAsync() => (await Page.Locator("#period option[selected]").InnerTextAsync()).Trim();

    public async Task<string> RankOf(string unit) => (await Page.Locator($"#league-table tr[data-unit='{unit}'] td.rank").InnerTextAsync()).Trim();

    public async Task<string> ScoreOf(string unit) => (await Page.Locator($"#league-table tr[data-unit='{unit}'] td.score").InnerTextAsync()).Trim();
}

/// <summary>/unit/{code}: a unit's page, with its corrections (old and new values).</summary>
public sealed class UnitPage(BrowserPage tab)
{
    private IPage Page => tab.Page;

    public Task OpenAsync(string unit, string scheme) => tab.GoAsync($"/unit/{Uri.EscapeDataString(unit)}?scheme={Uri.EscapeDataString(scheme)}");

    public ILocator Revisions => Page.Locator("#unit-revisions");

    /// <summary>The old and new value of a corrected figure as the page shows them.</summary>
    public async Task<(string Old, string New)> RevisionOf(string period, string indicator)
    {
        ILocator row = Page.Locator($"#unit-revisions tr[data-period='{period}'][data-indicator='{indicator}']");
        return ((await row.Locator(".old-value").InnerTextAsync()).Trim(), (await row.Locator(".new-value").InnerTextAsync()).Trim());
    }
}
