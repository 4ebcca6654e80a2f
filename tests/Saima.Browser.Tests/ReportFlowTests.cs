using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// The documents in a real browser: the office drafts the circular of a published period, edits
/// its text, gives it a number and issues it; the archive lists it, and a unit's reporter finds
/// it too. Screenshots of the pages at desktop and phone width, and of each issued PDF's first
/// page (poppler's pdftoppm).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportFlowTests(Chromium chromium)
{
    [Fact]
    public async Task Office_IssuesAnEditedCircular_AndTheArchiveListsItForTheUnitsToo()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: LeagueData.Seed);
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await app.CreateUserAsync("reporter.c01", SaimaRoles.Reporter, "C01");
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(Office_IssuesAnEditedCircular_AndTheArchiveListsItForTheUnitsToo));
        IPage page = tab.Page;

        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/reports");
        await Assertions.Expect(page.Locator("#report-issue")).ToContainTextAsync("起草通报");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "reports-desktop.png"), FullPage = true });
        await page.Locator("#circular-period").SelectOptionAsync("2025-06");
        await page.Locator("#form-circular button").ClickAsync();
        await page.WaitForURLAsync(new Regex("/reports/circular"));
        await Assertions.Expect(page.Locator("#circular-title")).ToHaveTextAsync("关于2025年6月测试赛马考核排名情况的通报");
        await Assertions.Expect(page.Locator("#Text")).Not.ToBeEmptyAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "reports-circular-desktop.png"), FullPage = true });

        await page.Locator("#Text").FillAsync("经考核办审核，现将2025年6月排名通报如下。\n请各地对照差距，抓好落实。");
        await page.Locator("#Number").FillAsync("澜川考核〔2025〕6号");
        await page.Locator("input[name=Formats][value=xlsx]").CheckAsync();
        // Printing the PDF starts a browser on the server: allow it the time a busy machine needs.
        await page.Locator("#circular-issue").ClickAsync();
        await page.WaitForURLAsync(new Regex("done=circular"), new() { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("#report-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#archive-table")).ToContainTextAsync("circular-T-2025-06.pdf");
        await Assertions.Expect(page.Locator("#archive-table .archive-file")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "reports-archive-desktop.png"), FullPage = true });

        // The reporter of C01 finds the circular in the archive and downloads the PDF as archived.
        await tab.LoginAsync("reporter.c01", BrowserApp.UserPassword);
        await tab.GoAsync("/reports");
        await Assertions.Expect(page.Locator("#report-issue")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#archive-table")).ToContainTextAsync("circular-T-2025-06.docx");
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#archive-table a", new() { HasText = "circular-T-2025-06.pdf" }).ClickAsync());
        string saved = Path.Combine(Path.GetTempPath(), "saima-browser-" + Guid.NewGuid().ToString("N") + ".pdf");
        await download.SaveAsAsync(saved);
        try
        {
            using SaimaDb db = SaimaDb.Open(app.Store);
            IssuedDocument pdf = await db.IssuedDocuments.AsNoTracking().SingleAsync(d => d.FileName == "circular-T-2025-06.pdf");
            (await File.ReadAllBytesAsync(saved)).ShouldBe(pdf.Content);
            FirstPage(saved, "document-circular");
        }
        finally
        {
            File.Delete(saved);
        }

        await page.SetViewportSizeAsync(390, 844);
        await tab.GoAsync("/reports");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "reports-phone.png"), FullPage = true });
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the archive fits the phone's width");
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/reports/circular?scheme=T&period=2025-06");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "reports-circular-phone.png"), FullPage = true });
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the draft page fits the phone's width");
    }

    /// <summary>The first page of a PDF as a PNG among the screenshots (poppler's pdftoppm), when screenshots are kept.</summary>
    private static void FirstPage(string pdf, string name)
    {
        var start = new ProcessStartInfo("pdftoppm") { RedirectStandardError = true };
        foreach (string a in new[] { "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, Path.Combine(Chromium.ScreenshotFolder, name) })
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start) ?? throw new InvalidOperationException("pdftoppm (poppler-utils) did not start");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, err);
        File.Exists(Path.Combine(Chromium.ScreenshotFolder, name + ".png")).ShouldBeTrue();
    }
}
