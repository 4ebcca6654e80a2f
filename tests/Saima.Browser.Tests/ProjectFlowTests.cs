using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// A major project in a real browser, from signing to closure: the office adds it to a batch,
/// the owner unit records 签约, 开工 and 投产 each with its evidence file and reports the month's
/// investment, the office closes it out (销号). Screenshots at desktop and phone width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProjectFlowTests(Chromium chromium)
{
    [Fact]
    public async Task Project_GoesFromSigning_ThroughStartAndProduction_ToCloseOut()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: LeagueData.Seed);
        string unit = OwnerUnit(app.Store);
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await app.CreateUserAsync("reporter.proj", SaimaRoles.Reporter, unit);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(Project_GoesFromSigning_ThroughStartAndProduction_ToCloseOut));
        IPage page = tab.Page;

        // The office makes the batch and adds the project to it.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/projects");
        await page.Locator("#batch-form input[name=Name]").FillAsync("第六批");
        await page.Locator("#batch-form input[name=Day]").FillAsync("2025-02-01");
        await tab.SubmitAsync(page.Locator("#batch-form button"), new Regex("done=batch"));
        await page.Locator("#add-form input[name=Code]").FillAsync("ZD6-01");
        await page.Locator("#add-form input[name=Name]").FillAsync("新能源汽车零部件产业园");
        await page.Locator("#add-form input[name=Owner]").FillAsync(unit);
        await page.Locator("#add-form input[name=Category]").FillAsync("产业项目");
        await page.Locator("#add-form input[name=Investment]").FillAsync("350000");
        await page.Locator("#a-signed").FillAsync("2025-03-01");
        await page.Locator("#a-started").FillAsync("2025-06-30");
        await page.Locator("#a-finished").FillAsync("2026-06-30");
        await tab.SubmitAsync(page.Locator("#add-form button"), new Regex("done=added"));
        string project = new Uri(page.Url).AbsolutePath;
        await Assertions.Expect(page.Locator("#project-state")).ToHaveTextAsync("推进中");

        // The owner unit records each stage with its evidence, and the month's investment.
        await tab.LoginAsync("reporter.proj", BrowserApp.UserPassword);
        await tab.GoAsync(project);
        (string Day, string File, string Done)[] stages = [("2025-03-01", "签约协议.pdf", "签约"), ("2025-06-28", "施工许可证.pdf", "开工"), ("2026-06-20", "竣工验收报告.pdf", "投产/竣工")];
        foreach ((string day, string file, string word) in stages)
        {
            await page.Locator("#s-day").FillAsync(day);
            await page.Locator("#s-file").SetInputFilesAsync(new FilePayload { Name = file, MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n") });
            await tab.SubmitAsync(page.Locator("#btn-stage"), new Regex("done=stage"));
            await Assertions.Expect(page.Locator("#project-stage")).ToHaveTextAsync(word);
            await Assertions.Expect(page.Locator("#project-stages")).ToContainTextAsync(file);
        }

        await page.Locator("#invest-form input[name=Month]").FillAsync("2026-06");
        await page.Locator("#invest-form input[name=Amount]").FillAsync("12500");
        await tab.SubmitAsync(page.Locator("#btn-invest"), new Regex("done=invest"));
        await Assertions.Expect(page.Locator("#project-months")).ToContainTextAsync("12500.00");
        await Assertions.Expect(page.Locator("#close-form")).ToHaveCountAsync(0);

        // The office sets the plan of the month and closes the project out.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync(project);
        await page.Locator("#plan-form input[name=Month]").FillAsync("2026-06");
        await page.Locator("#plan-form input[name=Amount]").FillAsync("10000");
        await tab.SubmitAsync(page.Locator("#plan-form button"), new Regex("done=plan"));
        await Assertions.Expect(page.Locator("#project-months")).ToContainTextAsync("125.0%");
        await page.Locator("#close-form input[name=Text]").FillAsync("项目已竣工投产，同意销号");
        await tab.SubmitAsync(page.Locator("#btn-close"), new Regex("done=closed"));
        await Assertions.Expect(page.Locator("#project-state")).ToHaveTextAsync("已销号");
        await Assertions.Expect(page.Locator("#project-history")).ToContainTextAsync("推进中 → 已销号");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "project-desktop.png"), FullPage = true });
        await tab.GoAsync("/projects");
        await Assertions.Expect(page.Locator("#project-table")).ToContainTextAsync("新能源汽车零部件产业园");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "projects-desktop.png"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        await tab.GoAsync(project);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "project-phone.png"), FullPage = true });
        await tab.GoAsync("/projects");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "projects-phone.png"), FullPage = true });
        tab.ShouldBeClean();

        using SaimaDb db = SaimaDb.Open(app.Store);
        Project done = db.Projects.Single(p => p.Code == "ZD6-01");
        (done.State, done.SignedOn, done.StartedOn, done.FinishedOn).ShouldBe((ProjectState.Closed, new DateOnly(2025, 3, 1), new DateOnly(2025, 6, 28), new DateOnly(2026, 6, 20)));
        db.ProjectEvidence.Count(e => e.ProjectId == done.Id).ShouldBe(3);
        db.Audit.Count(a => a.Entity == ProjectService.Entity && a.EntityKey == done.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(10);
    }

    /// <summary>A county or district of the league.</summary>
    private static string OwnerUnit(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.Units.Where(u => u.Kind != UnitKind.City && u.Kind != UnitKind.Department).OrderBy(u => u.Code).Select(u => u.Code).First();
    }
}
