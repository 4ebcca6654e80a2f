using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>
/// A whole on-site evaluation in one browser: the office creates it through the form, issues three
/// judges (the sheet of QR cards), opens a round on the control page; three judges on 390 px phone
/// pages score (one ballot made offline, sent when the network returns); the hall's board follows
/// without a reload; the office closes the rounds and publishes. Screenshots of the new pages at
/// desktop and phone widths.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ArenaSessionFlowTests(Chromium chromium)
{
    private const string Code = "FLOW-2025";

    [Fact]
    public async Task WholeSession_FormJudgesPhonesBoardAndPublication()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: store =>
        {
            using SaimaDb db = SaimaDb.Open(store);
            var schemes = new SchemeService(db, TimeProvider.System);
            Actor office = Actor.Office("seed");
            schemes.AddUnit(office, "CITY", "江海市", UnitKind.City);
            schemes.AddUnit(office, "C01", "青山区", UnitKind.District, "CITY");
            schemes.AddUnit(office, "C02", "临江县", UnitKind.County, "CITY");
            schemes.AddUnit(office, "C03", "北湖县", UnitKind.County, "CITY");
        });
        await app.CreateUserAsync("office.li", SaimaRoles.Office);
        await using BrowserPage desk = await chromium.OpenAsync(app, nameof(WholeSession_FormJudgesPhonesBoardAndPublication));
        IPage page = desk.Page;
        await desk.LoginAsync("office.li", BrowserApp.UserPassword);

        // The create form: contestants picked with the unit search, criteria typed, the default panel kept.
        await desk.GoAsync("/arena/new");
        await page.Locator("#Code").FillAsync(Code);
        await page.Locator("#Name").FillAsync("2025年三季度县区擂台比拼");
        await page.Locator("#Date").FillAsync("2025-09-20");
        await page.Locator("#Place").FillAsync("市民中心一楼报告厅");
        await page.Locator("#unit-search").FillAsync("C0");
        await Assertions.Expect(page.Locator("#unit-results .unit-pick")).ToHaveCountAsync(3);
        foreach (string unit in new[] { "C01", "C02", "C03" })
        {
            await page.Locator($"#unit-results .unit-pick[data-code={unit}]").ClickAsync();
        }

        (await page.Locator("#Contestants").InputValueAsync()).ShouldBe("C01\nC02\nC03");
        await page.Locator("input[name='Criteria[0].Code']").FillAsync("Q");
        await page.Locator("input[name='Criteria[0].Name']").FillAsync("比质量");
        await page.Locator("input[name='Criteria[0].Number']").FillAsync("20");
        await page.Locator("input[name='Criteria[1].Code']").FillAsync("P");
        await page.Locator("input[name='Criteria[1].Name']").FillAsync("比项目");
        await page.Locator("input[name='Criteria[1].Number']").FillAsync("30");
        await Screens(page, "arena-new");
        await desk.SubmitAsync(page.Locator("#create"), JudgesPage());

        // Three judges of the city leaders: the links and the QR cards, this once.
        await page.Locator("#Category").SelectOptionAsync("LEAD");
        await page.Locator("#Count").FillAsync("3");
        await page.Locator("#issue-judges").ClickAsync();
        await Assertions.Expect(page.Locator("#qr-sheet .qr-card")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#qr-sheet .qr-card svg").First).ToBeVisibleAsync();
        string[] links = [.. await page.Locator("a.judge-link").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))")];
        links.Length.ShouldBe(3);
        await Screens(page, "arena-judges-sheet");

        // The control page opens C01's round; the board, in another tab, follows.
        await desk.GoAsync("/arena/s/" + Code);
        await page.Locator("#rounds form:has(input[name=unit][value=C01]) button.btn-primary").ClickAsync();
        await page.WaitForURLAsync(new Regex("done=open"));
        IPage board = await page.Context.NewPageAsync();
        await board.GotoAsync("/arena/s/" + Code + "/board");
        await Assertions.Expect(board.Locator("#now")).ToContainTextAsync("青山区");
        await Assertions.Expect(board.Locator("#board")).ToHaveAttributeAsync("data-mode", "stream", new() { Timeout = 10000 });

        // The control page stays as it is while the ballots arrive: a mark that a reload would lose.
        await page.EvaluateAsync("window.controlNotReloaded = true");
        await Assertions.Expect(page.Locator("#rounds tr[data-unit='C01'] .round-ballots")).ToHaveTextAsync(new Regex("^0"));

        // Three judges on their phones; the third loses the network before sending.
        (double Q, double P)[] ballots = [(18, 27), (16.5, 25), (19.5, 29)];
        var phones = new List<BrowserPage>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                BrowserPage phone = await chromium.OpenAsync(app, $"{nameof(WholeSession_FormJudgesPhonesBoardAndPublication)}-judge{i + 1}");
                phones.Add(phone);
                await phone.Page.SetViewportSizeAsync(390, 844);
                await phone.GoAsync(new Uri(links[i]).PathAndQuery);
                await Assertions.Expect(phone.Page.Locator("#contestant")).ToContainTextAsync("青山区");
                await Fill(phone.Page, "Q", ballots[i].Q);
                await Fill(phone.Page, "P", ballots[i].P);
                (await phone.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390, "no sideways scrolling on a phone");
                if (i == 2)
                {
                    await phone.Page.Context.SetOfflineAsync(true);
                    await phone.Page.Locator("#submit").ClickAsync();
                    await Assertions.Expect(phone.Page.Locator("#status")).ToContainTextAsync("网络中断");
                    await Assertions.Expect(board.Locator("#now")).ToContainTextAsync("2", new() { Timeout = 5000 });
                    await phone.Page.Context.SetOfflineAsync(false);
                    await phone.Page.EvaluateAsync("window.dispatchEvent(new Event('online'))");
                }
                else
                {
                    await phone.Page.Locator("#submit").ClickAsync();
                }

                await Assertions.Expect(phone.Page.Locator("#status")).ToContainTextAsync("已送达");
            }

            // The board has all three without a reload (by the event stream), by category, and no
            // score while the round is open; once it closes, its score: trim 1 of 45, 41.5, 48.5 keeps 45.
            await Assertions.Expect(board.Locator("#now")).ToContainTextAsync("3");
            await Assertions.Expect(board.Locator("#now .cat").First).ToContainTextAsync("3");
            (await board.Locator("#ranking tr").CountAsync()).ShouldBe(0, "live scores show as each round closes");
            await Screens(board, "arena-board-open", both: false, widths: [1280, 1920]);

            // The control page counted them too, without a reload: C01's ballots and no judge missing.
            await Assertions.Expect(page.Locator("#rounds tr[data-unit='C01'] .round-ballots")).ToHaveTextAsync(new Regex("^3"), new() { Timeout = 10000 });
            await Assertions.Expect(page.Locator("#missing")).ToContainTextAsync("（0）");
            await Assertions.Expect(page.Locator("#control-live")).ToBeVisibleAsync();
            (await page.EvaluateAsync<bool>("window.controlNotReloaded === true")).ShouldBeTrue("the control page was not reloaded");
            await Screens(page, "arena-control-live");
            await page.Locator("#rounds form:has(input[name=unit][value=C01]) button.btn-outline-danger").ClickAsync();
            await page.WaitForURLAsync(new Regex("done=closed"));
            await Assertions.Expect(board.Locator("#ranking")).ToContainTextAsync("45.00");
            await Screens(board, "arena-board", both: false, widths: [1280, 1920, 390]);

            // The office closes every other round and publishes.
            foreach (string unit in new[] { "C02", "C03" })
            {
                await page.Locator($"#rounds form:has(input[name=unit][value={unit}]) button.btn-outline-danger").ClickAsync();
                await page.WaitForURLAsync(new Regex("done=closed"));
            }

            await page.Locator("form[action*='handler=Publish'] button").ClickAsync();
            await page.WaitForURLAsync(new Regex("done=published"));
            await Assertions.Expect(page.Locator(".alert-success")).ToContainTextAsync("结果已发布");
            await Screens(page, "arena-control-published");
            phones[0].ShouldBeClean();
            phones[1].ShouldBeClean();
            phones[2].Dialogs.ShouldBeEmpty();
            phones[2].Problems.ShouldAllBe(p => p.Contains("ERR_INTERNET_DISCONNECTED"), "the only error: the send that met no network");
        }
        finally
        {
            foreach (BrowserPage phone in phones)
            {
                await phone.DisposeAsync();
            }
        }

        using (SaimaDb db = SaimaDb.Open(app.Store))
        {
            ArenaSession s = db.ArenaSessions.Single(x => x.Code == Code);
            s.PublishedAt.ShouldNotBeNull();
            s.Place.ShouldBe("市民中心一楼报告厅");
            db.ArenaBallots.Count(b => b.SessionId == s.Id).ShouldBe(3, "the offline ballot arrived once");
        }

        desk.ShouldBeClean();
    }

    private static Regex JudgesPage() => new($"/arena/s/{Code}/judges\\?created=1");

    private static async Task Fill(IPage phone, string criterion, double value)
    {
        ILocator input = phone.Locator($"fieldset[data-code={criterion}] input.value");
        await input.FillAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await input.DispatchEventAsync("change");
    }

    /// <summary>Full-page screenshots at desktop width and at 390 px (the page's width restored after).</summary>
    private static async Task Screens(IPage page, string name, bool both = true, int[]? widths = null)
    {
        Directory.CreateDirectory(Chromium.ScreenshotFolder);
        foreach (int width in widths ?? [])
        {
            // The hall's projector: 1920 × 1080; a laptop at 1280 × 800; a phone at 390 × 844.
            await page.SetViewportSizeAsync(width, width switch { 1920 => 1080, 1280 => 800, _ => 844 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, name + "-" + width.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".png"), FullPage = true });
        }

        if (widths is not null)
        {
            return;
        }

        PageViewportSizeResult? before = page.ViewportSize;
        if (both)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, name + "-desktop.png"), FullPage = true });
            await page.SetViewportSizeAsync(390, 844);
        }

        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, name + "-390.png"), FullPage = true });
        if (both && before is not null)
        {
            await page.SetViewportSizeAsync(before.Width, before.Height);
        }
    }
}
