using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Saima.Browser.Tests.Pages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;
using ReviewPage = Saima.Browser.Tests.Pages.ReviewPage;
using UnitPage = Saima.Browser.Tests.Pages.UnitPage;
using Saima.Web.Features.Shared;

namespace Saima.Browser.Tests;

/// <summary>
/// The office's year in a real browser, as a newcomer walks it, from a store with only its units:
/// the office designs a scheme and opens a period, creates the logins (each user replaces its
/// one-time password), a department and a county report (the county by file, after the refusal of
/// a figure outside its plausible range without an explanation), a reviewer and the office approve
/// in bulk, a bonus is proposed and approved by a second office user (four eyes), the period is
/// published with its missing figures counted as zero, and a published figure is corrected: the
/// league table says the period was revised and the unit page shows the old and new value.
/// Selectors live in the page objects (Pages/*.cs).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class YearFlowTests(Chromium chromium)
{
    private const string Scheme = "Y1";
    private const string Chosen = "Year-Flow-Pw-2026";
    private static readonly string[] Counties = ["X01", "X02", "X03"];

    [Fact]
    public async Task Office_RunsTheYear_FromAnEmptySchemeToARevisedLeagueTable()
    {
        await using BrowserApp app = await BrowserApp.StartAsync(seed: SeedUnits);
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(Office_RunsTheYear_FromAnEmptySchemeToARevisedLeagueTable), "zh-CN");
        IPage page = tab.Page;

        // 1. The office designs the scheme: three counties, three indicators, GDP supplied by the statistics bureau.
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        const string goalposts = "下限=0, 上限=200, 满分=100";
        await new SchemeNewPage(tab).CreateAsync(Scheme, "县域经济赛马", Counties, "县", ("ECO", "经济发展"),
        [
            new IndicatorRow("GDP", "地区生产总值", "ECO", "goalposts", goalposts, Source: "TJJ"),
            new IndicatorRow("INV", "固定资产投资", "ECO", "goalposts", goalposts, Min: "0", Max: "100"),
            new IndicatorRow("EMP", "城镇新增就业", "ECO", "goalposts", goalposts),
        ]);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("县域经济赛马");
        using (SaimaDb db = SaimaDb.Open(app.Store))
        {
            long scheme = db.Schemes.Single(s => s.Code == Scheme).Id;
            db.Indicators.Count(i => i.SchemeId == scheme).ShouldBe(3);
        }

        // 2. It opens the period the page suggests.
        var periods = new PeriodsPage(tab);
        string period = await periods.OpenSuggestedAsync(Scheme);
        await Assertions.Expect(periods.Row(period)).ToHaveAttributeAsync("data-status", "open");

        // 3. The logins: each one-time password is shown once and replaced at the first login.
        var users = new UsersPage(tab);
        var oneTime = new Dictionary<string, string>
        {
            ["rep.x01"] = await users.CreateAsync("rep.x01", SaimaRoles.Reporter, "X01"),
            ["rev.x01"] = await users.CreateAsync("rev.x01", SaimaRoles.Reviewer, "X01"),
            ["tjj.wang"] = await users.CreateAsync("tjj.wang", SaimaRoles.Department, "TJJ"),
            ["office.wu"] = await users.CreateAsync("office.wu", SaimaRoles.Office),
        };
        await Assertions.Expect(users.Row("office.wu")).ToHaveCountAsync(1);
        var password = new PasswordPage(tab);
        foreach ((string user, string otp) in oneTime)
        {
            otp.Length.ShouldBeGreaterThan(8);
            await password.FirstLoginAsync(user, otp, Chosen);
        }

        // 4a. The statistics bureau enters GDP for every county in the form and submits.
        var entry = new EntryPage(tab);
        await tab.LoginAsync("tjj.wang", Chosen);
        await entry.OpenAsync(Scheme, period);
        foreach ((string county, string value) in new[] { ("X01", "120"), ("X02", "150"), ("X03", "90") })
        {
            await entry.EnterAsync(county, "GDP", value);
        }

        await entry.SubmitAsync();
        await Assertions.Expect(entry.Done).ToHaveTextAsync("已报送，等待审核。");
        await Assertions.Expect(page.Locator("#entry-rows tr[data-indicator='GDP'][data-status='Submitted']")).ToHaveCountAsync(3);

        // 4b. The county's reporter takes the template, uploads its figures: 150 is outside INV's
        //     plausible range and is refused until it is explained; then submits.
        await tab.LoginAsync("rep.x01", Chosen);
        await entry.OpenAsync(Scheme, period);
        (string templateName, long templateBytes) = await entry.DownloadTemplateAsync();
        templateName.ShouldEndWith(".xlsx");
        templateBytes.ShouldBeGreaterThan(0);
        await entry.UploadAsync("figures.csv", Csv(period, explained: false));
        await Assertions.Expect(entry.UploadErrors).ToHaveCountAsync(1);
        await Assertions.Expect(entry.UploadErrors).ToContainTextAsync("超出指标“INV”的合理范围");
        await Assertions.Expect(page.Locator("#upload-errors")).ToContainTextAsync("未导入任何数据");
        await ShootAsync(page, "year-entry-refused");
        await entry.UploadAsync("figures.csv", Csv(period, explained: true));
        await Assertions.Expect(entry.Done).ToHaveTextAsync("模板已导入，数据已存为草稿。");
        await entry.SubmitAsync();
        await Assertions.Expect(entry.Row("X01", "GDP")).ToHaveCountAsync(0, new() { Timeout = 1000 });
        await Assertions.Expect(entry.Row("X01", "INV")).ToHaveAttributeAsync("data-status", "Submitted");
        await Assertions.Expect(entry.Row("X01", "EMP")).ToHaveAttributeAsync("data-status", "Submitted");

        // 5. The county's reviewer approves in bulk what raised no flag, then the flagged figure by hand;
        //    the office approves the bureau's figures of the other counties.
        var review = new ReviewPage(tab);
        await tab.LoginAsync("rev.x01", Chosen);
        await review.OpenAsync(Scheme, period);
        await Assertions.Expect(review.Waiting).ToHaveCountAsync(3);
        await ShootAsync(page, "year-review");
        await review.ApproveAllInRangeAsync();
        await Assertions.Expect(review.Done).ToHaveTextAsync("已批量审核通过 2 项数据。");
        await review.ApproveSelectedAsync(("X01", "INV"));
        await Assertions.Expect(review.Done).ToHaveTextAsync("已批量审核通过 1 项数据。");
        await Assertions.Expect(review.Waiting).ToHaveCountAsync(0);

        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        await review.OpenAsync(Scheme, period);
        await review.ApproveAllInRangeAsync();
        await Assertions.Expect(review.Done).ToHaveTextAsync("已批量审核通过 2 项数据。");

        // 6. A bonus for X02, proposed by the administrator and approved by the second office user.
        var adjustments = new AdjustmentsPage(tab);
        await adjustments.OpenAsync(Scheme);
        await adjustments.ProposeAsync("X02", 2, "获评省级营商环境示范县");
        await Assertions.Expect(adjustments.Done).ToHaveTextAsync("已提交，等待另一名考核办人员审核。");
        await Assertions.Expect(adjustments.Row("X02").Locator("form.review")).ToHaveCountAsync(0);
        await tab.LoginAsync("office.wu", Chosen);
        await adjustments.OpenAsync(Scheme);
        await adjustments.ApproveAsync("X02", "已核实");
        await Assertions.Expect(adjustments.Done).ToHaveTextAsync("已通过，计入得分。");
        await Assertions.Expect(adjustments.Row("X02")).ToHaveAttributeAsync("data-status", "approved");

        // 7. The office publishes: four figures are missing (X02 and X03 have no reporter); they count as zero.
        var publish = new PublishPage(tab);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        await publish.OpenAsync(Scheme, period);
        (await publish.CountAsync("missing")).ShouldBe("4");
        (await publish.CountAsync("submitted")).ShouldBe("0");
        (await publish.CountAsync("approved")).ShouldBe("5");
        (await publish.CountAsync("out-of-range")).ShouldBe("1");
        await Assertions.Expect(publish.MissingChoice).ToContainTextAsync("有 4 项数据缺报");
        await ShootAsync(page, "year-publish");
        await publish.PublishAsync(missingAsZero: true);

        var league = new LeaguePage(tab);
        await league.OpenAsync(Scheme);
        (await league.SelectedPeriodAsync()).ShouldBe(period);
        await Assertions.Expect(league.Revised).ToHaveCountAsync(0);
        await LeagueShowsStoredResultsAsync(league, app.Store, period);
        using (SaimaDb db = SaimaDb.Open(app.Store))
        {
            db.Periods.Single(p => p.Code == period).Status.ShouldBe(PeriodStatus.Published);
        }

        // 8. The office corrects X01's GDP with a reason: the league says the period was revised,
        //    ranks and scores follow the new result, and the unit page shows the old and new value.
        (double before, _) = StoredTotal(app.Store, period, "X01");
        await new CorrectPage(tab).CorrectAsync(Scheme, period, "X01", "GDP", "190", "统计局复核后更正");
        await Assertions.Expect(page.Locator("#correct-done")).ToContainTextAsync("120 → 190");
        (double after, _) = StoredTotal(app.Store, period, "X01");
        after.ShouldBeGreaterThan(before, "a higher GDP raises X01's total");

        await league.OpenAsync(Scheme);
        await Assertions.Expect(league.Revised).ToContainTextAsync("已修订");
        await Assertions.Expect(league.Revised).ToContainTextAsync("共 1 项更正");
        await LeagueShowsStoredResultsAsync(league, app.Store, period);
        await ShootAsync(page, "year-league-revised");

        var unit = new UnitPage(tab);
        await unit.OpenAsync("X01", Scheme);
        await Assertions.Expect(unit.Revisions).ToContainTextAsync("统计局复核后更正");
        (await unit.RevisionOf(period, "GDP")).ShouldBe(("120", "190"));
        await ShootAsync(page, "year-unit");
        tab.ShouldBeClean();
    }

    /// <summary>The store before the year: three counties and the statistics bureau, nothing else.</summary>
    private static void SeedUnits(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var schemes = new SchemeService(db, TimeProvider.System);
        Actor office = Actor.Office("seed");
        schemes.AddUnit(office, "X01", "县A", UnitKind.County);
        schemes.AddUnit(office, "X02", "县B", UnitKind.County);
        schemes.AddUnit(office, "X03", "县C", UnitKind.County);
        schemes.AddUnit(office, "TJJ", "市统计局", UnitKind.Department);
    }

    /// <summary>The county's upload (CSV with the template's headers); INV = 150 is outside its plausible range [0, 100].</summary>
    private static byte[] Csv(string period, bool explained)
    {
        var csv = new StringBuilder();
        csv.Append("单位代码,指标代码,期间,填报值").Append(explained ? ",说明\n" : "\n");
        csv.Append("X01,INV,").Append(period).Append(",150").Append(explained ? ",重大项目集中开工\n" : "\n");
        csv.Append("X01,EMP,").Append(period).Append(",80").Append(explained ? ",\n" : "\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>Every county's rank and score on the league table are those of the result set in force.</summary>
    private static async Task LeagueShowsStoredResultsAsync(LeaguePage league, StoreOptions store, string period)
    {
        foreach (string county in Counties)
        {
            (double score, int rank) = StoredTotal(store, period, county);
            (await league.ScoreOf(county)).ShouldBe(score.ToString("0.00", CultureInfo.InvariantCulture), county);
            (await league.RankOf(county)).ShouldBe(rank.ToString(CultureInfo.InvariantCulture), county);
        }
    }

    /// <summary>The unit's total score and rank in the latest result set of the period.</summary>
    private static (double Score, int Rank) StoredTotal(StoreOptions store, string period, string unit)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == period).Max(r => r.Id);
        var row = (from r in db.ResultRows
                   join u in db.Units on r.UnitId equals u.Id
                   where r.ResultSetId == set && r.Node == "Total" && u.Code == unit
                   select new { r.Score, r.Rank }).Single();
        row.Score.ShouldNotBeNull();
        row.Rank.ShouldNotBeNull();
        return (row.Score.Value, row.Rank.Value);
    }

    /// <summary>A full-page screenshot at desktop width and at 390 px (a phone), then back to the desktop.</summary>
    private static async Task ShootAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Chromium.ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, name + "-desktop.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, name + "-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 900);
    }
}
