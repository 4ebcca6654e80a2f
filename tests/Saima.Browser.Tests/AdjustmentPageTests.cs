using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>/admin/adjustments in a real browser: the office proposes through the form, with a file, at desktop and phone width.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdjustmentPageTests(Chromium chromium)
{
    [Fact]
    public async Task Office_ProposesWithAFile_ThroughTheForm_AndTheListShowsIt_OnDesktopAndPhone()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            using SaimaDb db = SaimaDb.Open(store);
            long scheme = db.Schemes.Single(s => s.Code == "T").Id;
            long c02 = db.Units.Single(u => u.Code == "C02").Id;
            var service = new AdjustmentService(db, TimeProvider.System);
            AdjustmentItem item = service.ProposeAsync(Actor.Office("office.wang"), new AdjustmentProposal(scheme, c02, -1.5, "发生一般安全生产事故", "2025-07", "Eco")).GetAwaiter().GetResult();
            service.ApproveAsync(Actor.Office("office.zhang"), item.Id, "已核实").GetAwaiter().GetResult();
            service.ProposeAsync(Actor.Office("office.wang"), new AdjustmentProposal(scheme, c02, 1, "获省级表彰")).GetAwaiter().GetResult();
        });
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(Office_ProposesWithAFile_ThroughTheForm_AndTheListShowsIt_OnDesktopAndPhone));
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/admin/adjustments?scheme=T");

        await tab.Page.Locator("#n-unit").FillAsync("C04");
        await tab.Page.Locator("#n-node").SelectOptionAsync("GDP");
        await tab.Page.Locator("#n-amount").FillAsync("2");
        await tab.Page.Locator("#n-reason").FillAsync("招商引资重大项目落地");
        await tab.Page.Locator("#n-files").SetInputFilesAsync(new FilePayload { Name = "项目批复.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n") });
        await tab.SubmitAsync(tab.Page.Locator("#propose-submit"), new Regex("done=proposed"));

        ILocator rows = tab.Page.Locator("#adjust-rows tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToContainTextAsync("招商引资重大项目落地");
        await Assertions.Expect(rows.First).ToContainTextAsync("项目批复.pdf");
        await Assertions.Expect(tab.Page.Locator("#adjust-rows")).ToContainTextAsync("扣分");
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "adjustments-desktop.png"), FullPage = true });

        await tab.Page.SetViewportSizeAsync(390, 844);
        await tab.GoAsync("/admin/adjustments?scheme=T");
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "adjustments-phone.png"), FullPage = true });
        tab.ShouldBeClean();
    }
}
