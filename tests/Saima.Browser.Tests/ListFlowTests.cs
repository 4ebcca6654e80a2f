using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// The lists in a real browser: a red warning of a published period becomes a draft supervision
/// item (督办); the office confirms it, the unit works on it and submits it with evidence, the
/// office closes it out (销号), reopens it once on review (回头看), the unit submits again, and
/// the office closes it out and confirms it. Screenshots at desktop and phone width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ListFlowTests(Chromium chromium)
{
    [Fact]
    public async Task RedWarning_BecomesSupervision_ClosedOut_ReopenedOnReview_AndConfirmed()
    {
        // The league's periods are published through the workflow, whose red warnings (GDP) make drafts.
        await using BrowserApp app = await BrowserApp.StartAsync(seed: LeagueData.Seed);
        (long id, string unit) = Draft(app.Store);
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await app.CreateUserAsync("reporter.red", SaimaRoles.Reporter, unit);
        await app.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(RedWarning_BecomesSupervision_ClosedOut_ReopenedOnReview_AndConfirmed));
        IPage page = tab.Page;
        string item = "/lists/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The office finds the draft among those to confirm and confirms it with a deadline.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/lists?state=Draft");
        await Assertions.Expect(page.Locator("#list-table")).ToContainTextAsync("红色预警");
        await page.Locator($"#list-table a[href='{item}']").ClickAsync();
        await page.Locator("#c-day").FillAsync("2030-09-30");
        await tab.SubmitAsync(page.Locator("#btn-confirm"), new Regex("done=confirmed"));
        await Assertions.Expect(page.Locator("#item-state")).ToHaveTextAsync("待整改");
        await Assertions.Expect(page.Locator("#item-source")).ToContainTextAsync("2025-05 地区生产总值");
        await Assertions.Expect(page.Locator("#item-source")).Not.ToContainTextAsync("/GDP");

        // The unit starts, uploads evidence and submits for close-out.
        await tab.LoginAsync("reporter.red", BrowserApp.UserPassword);
        await tab.GoAsync(item);
        await tab.SubmitAsync(page.Locator("#btn-start"), new Regex("done=started"));
        await page.Locator("#evidence-form input[type=file]").SetInputFilesAsync(new FilePayload { Name = "整改报告.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n") });
        await page.Locator("#evidence-form input[name=Note]").FillAsync("第一阶段整改完成情况");
        await tab.SubmitAsync(page.Locator("#evidence-form button"), new Regex("done=evidence"));
        await Assertions.Expect(page.Locator("#item-evidence")).ToContainTextAsync("整改报告.pdf");
        await Assertions.Expect(page.Locator("#item-history")).ToContainTextAsync("第一阶段整改完成情况");
        await tab.SubmitAsync(page.Locator("#btn-submit"), new Regex("done=submitted"));
        await Assertions.Expect(page.Locator("#item-state")).ToHaveTextAsync("待销号");

        // The office closes it out, sets the review, and on review reopens it.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync(item);
        await tab.SubmitAsync(page.Locator("#btn-close"), new Regex("done=closed"));
        await page.Locator("#f-day").FillAsync("2030-12-31");
        await tab.SubmitAsync(page.Locator("#btn-followup"), new Regex("done=followup"));
        await page.Locator("#reopen-form input[name=Text]").FillAsync("回头看发现指标再次落后");
        await tab.SubmitAsync(page.Locator("#btn-reopen"), new Regex("done=reopened"));
        await Assertions.Expect(page.Locator("#item-state")).ToHaveTextAsync("整改中");

        // The unit submits again with a written account.
        await tab.LoginAsync("reporter.red", BrowserApp.UserPassword);
        await tab.GoAsync(item);
        await page.Locator("#submit-form textarea").FillAsync("已建立月度调度机制，指标回升");
        await tab.SubmitAsync(page.Locator("#btn-submit"), new Regex("done=submitted"));

        // The office closes it out again and confirms it on review.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync(item);
        await tab.SubmitAsync(page.Locator("#btn-close"), new Regex("done=closed"));
        await tab.SubmitAsync(page.Locator("#btn-review"), new Regex("done=reviewed"));
        await Assertions.Expect(page.Locator("#item-state")).ToHaveTextAsync("回头看通过");
        await Assertions.Expect(page.Locator("#item-history")).ToContainTextAsync("回头看发现指标再次落后");
        await Assertions.Expect(page.Locator("#item-history li")).ToHaveCountAsync(await HistoryCountAsync(app.Store, id));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-item-desktop.png"), FullPage = true });
        // Two items still open (one overdue, one due in ten days) fill the ageing and the deadline timeline.
        using (SaimaDb seed = SaimaDb.Open(app.Store))
        {
            var lists = new ListService(seed, TimeProvider.System);
            DateOnly today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
            await lists.CreateAsync(Actor.Office("office.li"), new ListItemSpec(ListKind.Enterprise, "企业反映用电报装周期长", null, unit, null, "李科长", today.AddDays(-3), ListSource.Enterprise));
            await lists.CreateAsync(Actor.Office("office.li"), new ListItemSpec(ListKind.Commitment, "年底前完成老旧小区改造三个片区", null, unit, null, null, today.AddDays(10)));
        }

        await tab.GoAsync("/lists");
        await Assertions.Expect(page.Locator("#list-board")).ToContainTextAsync("挂图作战");
        await Assertions.Expect(page.Locator("#list-timeline .timeline-overdue")).ToContainTextAsync("企业反映用电报装周期长");
        await Assertions.Expect(page.Locator("#list-ageing")).ToContainTextAsync("企业诉求");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-board-desktop.png"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        await tab.GoAsync(item);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-item-phone.png"), FullPage = true });
        await tab.GoAsync("/lists");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-board-phone.png"), FullPage = true });

        // A leader's own board: the overdue and the escalated items, the units' rates worst first, the months.
        using (SaimaDb seed = SaimaDb.Open(app.Store))
        {
            var lists = new ListService(seed, TimeProvider.System);
            ListItem interview = await lists.CreateAsync(Actor.Office("office.li"), new ListItemSpec(ListKind.Supervision, "地区生产总值连续两期红灯：约谈", null, unit, null, "区长", DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(15)));
            seed.ListItems.Single(i => i.Id == interview.Id).SourceKey = EscalationService.KeyPrefix + "T/2025-06/" + unit + "/GDP/1";
            await seed.SaveChangesAsync();
        }

        await tab.LoginAsync("leader.zhou", BrowserApp.UserPassword);
        await tab.GoAsync("/");
        await Assertions.Expect(page.Locator("#home-lists-overdue")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#home-lists-escalated")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "home-leader-phone.png") });
        await page.Locator("#home-lists-board").ClickAsync();
        await Assertions.Expect(page.Locator("#leaders-overdue")).ToContainTextAsync("企业反映用电报装周期长");
        await Assertions.Expect(page.Locator("#leaders-escalated")).ToContainTextAsync("约谈");
        await Assertions.Expect(page.Locator("#unit-rates tbody tr").First).ToHaveAttributeAsync("data-unit", unit);
        await Assertions.Expect(page.Locator("#month-rates tbody tr")).ToHaveCountAsync(12);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-leaders-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 900);
        await tab.GoAsync("/lists/leaders");
        await Assertions.Expect(page.Locator("#nav-list-leaders")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "list-leaders-desktop.png"), FullPage = true });
        await tab.GoAsync("/");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "home-leader-desktop.png") });
        tab.ShouldBeClean();

        using SaimaDb db = SaimaDb.Open(app.Store);
        ListItem done = db.ListItems.Single(i => i.Id == id);
        (done.State, done.Reopened).ShouldBe((ListState.Confirmed, 1));
    }

    /// <summary>A draft supervision item the publication of the league made from a red warning, and its unit's code.</summary>
    private static (long Id, string Unit) Draft(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var draft = (from i in db.ListItems
                     join u in db.Units on i.OwnerUnitId equals u.Id
                     where i.State == ListState.Draft && i.SourceKind == ListSource.RedWarning
                     orderby i.Id
                     select new { i.Id, u.Code }).First();
        return (draft.Id, draft.Code);
    }

    private static Task<int> HistoryCountAsync(StoreOptions store, long id)
    {
        using SaimaDb db = SaimaDb.Open(store);
        string key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(db.Audit.Count(a => a.Entity == Saima.Data.Store.ListService.Entity && a.EntityKey == key));
    }
}
