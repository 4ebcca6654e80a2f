using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Browser.Tests;

/// <summary>The application for <see cref="FlowTests"/>: LeagueData (2025-07 open, every unit but C01 reported) and three workers.</summary>
public sealed class FlowApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await BrowserApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            OthersReport(store);
        });
        await App.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await App.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await App.CreateUserAsync("office.li", SaimaRoles.Office);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>
    /// Every unit but C01 has its 2025-07 figures approved (their 2025-06 values), so that C01's
    /// are the last ones the period waits for and its total is ranked against the others.
    /// </summary>
    private static void OthersReport(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var figures = new FigureWorkflow(db, TimeProvider.System);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme).ToDictionary(i => i.Code, i => i.Id);
        var units = db.Units.ToDictionary(u => u.Code, u => u.Id);
        var june = new Dictionary<string, double[]>
        {
            //             C02  C03  C04  C05
            ["GDP"] = [100, 60, 70, 80],
            ["REV"] = [50, 10, 20, 30],
            ["AIR"] = [40, 10, 20, 30],
            ["EMP"] = [50, 20, 30, 40],
        };
        Actor reviewer = Actor.Reviewer("reviewer.zhao");
        foreach ((string indicator, double[] values) in june)
        {
            for (int i = 0; i < values.Length; i++)
            {
                string code = LeagueData.Codes[i + 1];
                Actor reporter = Actor.Reporter("reporter." + code.ToLowerInvariant(), units[code]);
                Figure f = figures.SaveDraft(reporter, scheme, units[code], indicators[indicator], "2025-07", values[i]);
                figures.Submit(reporter, f.Id);
                figures.Approve(reviewer, f.Id);
            }
        }
    }
}

/// <summary>
/// The year's work in a browser, each step by the person whose step it is: a reporter enters and
/// submits a figure, the unit's reviewer approves, the office publishes, and the league table
/// shows the new period with the unit's stored result.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FlowTests(Chromium chromium, FlowApp fixture) : IClassFixture<FlowApp>
{
    private const string League = "/league?scheme=T";

    [Fact]
    public async Task ReporterEnters_ReviewerApproves_OfficePublishes_LeagueTableChanges()
    {
        BrowserApp app = fixture.App;
        await using BrowserPage tab = await chromium.OpenAsync(app, nameof(ReporterEnters_ReviewerApproves_OfficePublishes_LeagueTableChanges));
        IPage page = tab.Page;

        // Before: the league shows 2025-06, where C01 is second with 65 (LeagueData).
        await tab.LoginAsync("rep.c01", BrowserApp.UserPassword);
        await tab.GoAsync(League);
        (await page.Locator("#period option[selected]").InnerTextAsync()).ShouldBe("2025-06");
        (string rankBefore, string scoreBefore) = await RowAsync(page, "C01");
        (rankBefore, scoreBefore).ShouldBe(("2", "65.00"));

        // The reporter enters the open period's figures (REV has its draft, 999) and submits them.
        await tab.GoAsync("/entry?scheme=T&period=2025-07");
        (await page.Locator("tr[data-unit=C01][data-indicator=REV] input[name$='.Value']").InputValueAsync()).ShouldBe("999");
        foreach ((string indicator, string value) in new[] { ("GDP", "200"), ("AIR", "60"), ("EMP", "60") })
        {
            await page.Locator($"tr[data-unit=C01][data-indicator={indicator}] input[name$='.Value']").FillAsync(value);
        }

        await tab.SubmitAsync(page.Locator("#submit"), new Regex("done=submitted"));
        await Assertions.Expect(page.Locator("#entry-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr[data-unit=C01][data-status=Submitted]")).ToHaveCountAsync(4);

        // The unit's reviewer approves the four figures on the review page.
        await tab.LoginAsync("rev.c01", BrowserApp.UserPassword);
        await tab.GoAsync("/entry/review");
        foreach (string indicator in new[] { "GDP", "REV", "AIR", "EMP" })
        {
            ILocator approve = page.Locator($"#review-rows tr[data-unit=C01][data-indicator={indicator}] form[action*='Approve'] button");
            await approve.Filter(new LocatorFilterOptions { Visible = true }).First.WaitForAsync();
            await tab.SubmitAsync(approve.First, new Regex("done=approved"));
        }

        await Assertions.Expect(page.Locator("#review-rows form[action*='Approve']")).ToHaveCountAsync(0);

        // The office goes from the progress page to the confirmation (nothing missing, all approved),
        // publishes and lands on the league table.
        await tab.LoginAsync("office.li", BrowserApp.UserPassword);
        await tab.GoAsync("/entry/status?scheme=T&period=2025-07");
        await tab.SubmitAsync(page.Locator("#publish"), new Regex("/entry/publish\\?scheme=T&period=2025-07"));
        await Assertions.Expect(page.Locator("#count-missing")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#complete")).ToBeVisibleAsync();
        await tab.SubmitAsync(page.Locator("#publish"), new Regex("/league\\?scheme=T&period=2025-07"));

        // After: the default period is 2025-07 and C01's row is the stored result of that period.
        await tab.GoAsync(League);
        (await page.Locator("#period option[selected]").InnerTextAsync()).ShouldBe("2025-07");
        (string rankAfter, string scoreAfter) = await RowAsync(page, "C01");
        (double score, int rank) = StoredTotal(app.Store, "2025-07", "C01");
        scoreAfter.ShouldBe(score.ToString("0.00", CultureInfo.InvariantCulture));
        rankAfter.ShouldBe(rank.ToString(CultureInfo.InvariantCulture));
        (rankAfter, scoreAfter).ShouldNotBe((rankBefore, scoreBefore), "the published period changes C01's line");
        scoreAfter.ShouldNotBe("12.34", "not the unpublished preview stored while the period was open");
        rankAfter.ShouldBe("1", "C01 reported the highest figure of every indicator");
        (await page.Locator("#league-table tr[data-unit=C01] td.change").InnerTextAsync()).Trim().ShouldBe("▲1");

        using (SaimaDb db = SaimaDb.Open(app.Store))
        {
            db.Periods.Single(p => p.Code == "2025-07").Status.ShouldBe(PeriodStatus.Published);
        }

        tab.ShouldBeClean();
    }

    private static async Task<(string Rank, string Score)> RowAsync(IPage page, string unit)
    {
        ILocator row = page.Locator($"#league-table tr[data-unit={unit}]");
        return ((await row.Locator("td.rank").InnerTextAsync()).Trim(), (await row.Locator("td.score").InnerTextAsync()).Trim());
    }

    /// <summary>The unit's total score and rank in the result set in force (the latest) for the period.</summary>
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
}
