using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// Review at scale on /entry/review (filters, flags, bulk approval all or nothing) and corrections
/// after publication on /entry/correct, seen on the league table, /revisions and the unit page
/// (on <see cref="LeagueData"/>: 2025-05 and 2025-06 published, 2025-07 open).
/// </summary>
public sealed partial class ReviewWebTests
{
    private const string Review = "/entry/review?at=T/2025-07";

    [Fact]
    public async Task Review_FiltersByUnitAndFlags_ApprovesAllInRange_AndSelectionIsAllOrNothing()
    {
        await using WebApp web = await StartAsync();
        SeedJuly(web);

        // A reviewer of C01 sees C01's figures only, whatever it asks.
        await web.SwitchToAsync("rev.c01");
        string mine = await web.Client.GetStringAsync(Review + "&unit=C02");
        mine.ShouldNotContain("data-unit=\"C02\"");
        (await web.Client.GetStringAsync(Review)).ShouldContain("data-unit=\"C01\" data-indicator=\"GDP\"");

        await web.SwitchToAsync("office.li");
        string c02 = await web.Client.GetStringAsync(Review + "&unit=C02");
        UnitsOf(c02).ShouldBe(["C02"]);

        // C05's GDP is out of the plausible range (stored before the checks: no flag of its own).
        string flagged = await web.Client.GetStringAsync(Review + "&flagged=true");
        Rows(flagged).ShouldBe(["C05/GDP"]);
        flagged.ShouldContain("超出合理区间");
        flagged.ShouldContain("序时目标 105（时间进度 58.3%）", customMessage: "GDP is year to date: 180 at 7/12 of the year is 105; shown with its label");

        // "All in range" of GDP: everything submitted but C05's.
        HttpResponseMessage inRange = await web.PostFormAsync(Review, "/entry/review?handler=ApproveInRange", ("at", "T/2025-07"), ("indicator", "GDP"));
        inRange.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        inRange.Headers.Location!.ToString().ShouldStartWith("/entry/review?done=bulk&n=4");
        Statuses(web, "GDP").ShouldBe(new Dictionary<string, FigureStatus>
        {
            ["C01"] = FigureStatus.Approved, ["C02"] = FigureStatus.Approved, ["C03"] = FigureStatus.Approved,
            ["C04"] = FigureStatus.Approved, ["C05"] = FigureStatus.Submitted,
        });

        // The office entered C03's AIR itself: a selection with it approves nothing, and says why.
        long c01 = FigureId(web, "C01", "AIR"), c02Air = FigureId(web, "C02", "AIR"), own = FigureId(web, "C03", "AIR");
        HttpResponseMessage refused = await web.PostFormAsync(Review, "/entry/review?handler=ApproveSelected", ("Selected", Id(c01)), ("Selected", Id(own)), ("Selected", Id(c02Air)));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        string page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("review-item-errors");
        page.ShouldContain("C03/AIR: 用户“office.li”填报了数据");
        Statuses(web, "AIR")["C01"].ShouldBe(FigureStatus.Submitted, "all or nothing");

        HttpResponseMessage approved = await web.PostFormAsync(Review, "/entry/review?handler=ApproveSelected", ("Selected", Id(c01)), ("Selected", Id(c02Air)));
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        approved.Headers.Location!.ToString().ShouldStartWith("/entry/review?done=bulk&n=2");
        Statuses(web, "AIR").ShouldBe(new Dictionary<string, FigureStatus>
        {
            ["C01"] = FigureStatus.Approved, ["C02"] = FigureStatus.Approved, ["C03"] = FigureStatus.Submitted,
            ["C04"] = FigureStatus.Submitted, ["C05"] = FigureStatus.Submitted,
        });
        (await web.Client.GetStringAsync(approved.Headers.Location!.ToString())).ShouldContain("已批量审核通过 2 项数据");
    }

    [Fact]
    public async Task Api_ApproveInRange_LeavesFlagged_AndRefusesAllWhenOneIsRefused()
    {
        await using WebApp web = await StartAsync();
        SeedJuly(web);
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient reviewer = web.ProgramClient(await web.MakeTokenAsync("rev.c01"));
        const string Api = "/api/v1/schemes/T/periods/2025-07/review";

        HttpResponseMessage gdp = await office.PostAsJsonAsync(Api, new { action = "approveInRange", indicator = "GDP" });
        gdp.StatusCode.ShouldBe(HttpStatusCode.OK, await gdp.Content.ReadAsStringAsync());
        using (var json = System.Text.Json.JsonDocument.Parse(await gdp.Content.ReadAsStringAsync()))
        {
            json.RootElement.GetProperty("count").GetInt32().ShouldBe(4);
        }

        Statuses(web, "GDP")["C05"].ShouldBe(FigureStatus.Submitted, "out of range: left for a decision");

        // AIR: the office entered C03's itself; nothing is approved, and the refusal names it.
        HttpResponseMessage air = await office.PostAsJsonAsync(Api, new { action = "approveInRange", indicator = "AIR" });
        air.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using (var json = System.Text.Json.JsonDocument.Parse(await air.Content.ReadAsStringAsync()))
        {
            var refused = json.RootElement.GetProperty("refused");
            refused.GetArrayLength().ShouldBe(1);
            (refused[0].GetProperty("unit").GetString(), refused[0].GetProperty("code").GetString()).ShouldBe(("C03", "FourEyes"));
        }

        Statuses(web, "AIR").Values.ShouldAllBe(s => s == FigureStatus.Submitted);

        // The reviewer of C01: only C01's AIR is in its units and in range.
        HttpResponseMessage mine = await reviewer.PostAsJsonAsync(Api, new { action = "approveInRange" });
        mine.StatusCode.ShouldBe(HttpStatusCode.OK, await mine.Content.ReadAsStringAsync());
        Statuses(web, "AIR")["C01"].ShouldBe(FigureStatus.Approved);
        Statuses(web, "AIR")["C02"].ShouldBe(FigureStatus.Submitted);
        (await reviewer.PostAsJsonAsync(Api, new { action = "approveInRange" })).StatusCode.ShouldBe(HttpStatusCode.Conflict, "nothing left in range");
    }

    [Fact]
    public async Task Review_ReturnedFigure_KeepsTheCommentOnTheReviewView_UntilApproved()
    {
        await using WebApp web = await StartAsync();
        SeedJuly(web);
        await web.SwitchToAsync("rev.c01");
        long gdp = FigureId(web, "C01", "GDP");
        (await web.PostFormAsync(Review, "/entry/review?handler=Return", ("FigureId", Id(gdp)), ("Comment", "请附统计局快报"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Client.GetStringAsync(Review + "&status=returned")).ShouldContain("请附统计局快报");

        // Changed and submitted again: the reviewer still sees the earlier comment.
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var flow = new FigureWorkflow(db, TimeProvider.System);
            Actor reporter = Actor.Reporter("seed.rep.c01", UnitId(web, "C01"));
            Figure f = db.Figures.Single(x => x.Id == gdp);
            flow.SaveDraft(reporter, f.SchemeId, f.UnitId, f.IndicatorId, f.Period, 101);
            flow.Submit(reporter, gdp);
        }

        (await web.Client.GetStringAsync(Review)).ShouldContain("请附统计局快报");
        (await web.PostFormAsync(Review, "/entry/review?handler=Approve", ("FigureId", Id(gdp)))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using SaimaDb fresh = SaimaDb.Open(web.Store);
        fresh.Figures.Single(f => f.Id == gdp).Comment.ShouldBeNull();
    }

    [Fact]
    public async Task Correction_OnThePage_ShowsTotals_LeagueSaysRevised_UnitPageShowsOldAndNew()
    {
        await using WebApp web = await StartAsync();
        await web.SwitchToAsync("office.li");

        // The league table is kept under the change stamp: read it before the correction.
        (await web.Client.GetStringAsync("/league?scheme=T&period=2025-06")).ShouldNotContain("league-revised");
        (await web.Client.GetStringAsync("/unit/C04?scheme=T")).ShouldNotContain("unit-revisions");

        string search = await web.Client.GetStringAsync("/entry/correct?scheme=T&period=2025-06&unit=C04&indicator=REV");
        Rows(search).ShouldBe(["C04/REV"]);
        long rev = FigureId(web, "C04", "REV", "2025-06");
        string form = "/entry/correct?scheme=T&period=2025-06&figure=" + Id(rev);
        (await web.Client.GetStringAsync(form)).ShouldContain("id=\"correct-form\"");

        // The reason is required: nothing changes without one.
        HttpResponseMessage noReason = await web.PostFormAsync(form, form, ("NewValue", "95"), ("Reason", " "));
        (await noReason.Content.ReadAsStringAsync()).ShouldContain("须填写理由");
        CurrentRevision(web, rev).ShouldBe(1);

        HttpResponseMessage done = await web.PostFormAsync(form, form, ("NewValue", "95"), ("Reason", "财政局决算数修订"));
        done.StatusCode.ShouldBe(HttpStatusCode.OK);
        string result = await done.Content.ReadAsStringAsync();
        result.ShouldContain("id=\"correct-done\"");

        // Each unit's old and new total and rank on the page are the store's two result sets.
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var sets = db.ResultSets.Where(s => s.Period == "2025-06").OrderByDescending(s => s.Id).Take(2).Select(s => s.Id).ToList();
            var rows = db.ResultRows.Where(r => sets.Contains(r.ResultSetId) && r.Node == "Total").ToList();
            var codes = db.Units.ToDictionary(u => u.Id, u => u.Code);
            foreach (string unit in LeagueData.Codes)
            {
                ResultRow after = rows.Single(r => r.ResultSetId == sets[0] && codes[r.UnitId] == unit);
                ResultRow before = rows.Single(r => r.ResultSetId == sets[1] && codes[r.UnitId] == unit);
                Cell(result, unit, "old-total").ShouldBe(before.Score!.Value.ToString("0.00", CultureInfo.InvariantCulture), unit);
                Cell(result, unit, "new-total").ShouldBe(after.Score!.Value.ToString("0.00", CultureInfo.InvariantCulture), unit);
                Cell(result, unit, "old-rank").ShouldBe(before.Rank!.Value.ToString(CultureInfo.InvariantCulture), unit);
                Cell(result, unit, "new-rank").ShouldBe(after.Rank!.Value.ToString(CultureInfo.InvariantCulture), unit);
            }

            rows.Single(r => r.ResultSetId == sets[0] && codes[r.UnitId] == "C04").Rank.ShouldNotBe(rows.Single(r => r.ResultSetId == sets[1] && codes[r.UnitId] == "C04").Rank,
                "C04's revenue from 20 to 95 moves it");
        }

        // The league table says so at the next request, and links the list with the reason.
        string league = await web.Client.GetStringAsync("/league?scheme=T&period=2025-06");
        league.ShouldContain("id=\"league-revised\"");
        league.ShouldContain("共 1 项更正");
        league.ShouldContain("href=\"/revisions?scheme=T&period=2025-06\"");
        (await web.Client.GetStringAsync("/league?scheme=T&period=2025-05")).ShouldNotContain("league-revised", customMessage: "another period is not revised");
        string list = await web.Client.GetStringAsync("/revisions?scheme=T&period=2025-06");
        list.ShouldContain("data-unit=\"C04\" data-indicator=\"REV\" data-period=\"2025-06\"");
        list.ShouldContain("财政局决算数修订");

        // The unit page: old and new value, reason, and the total and rank before and after (by a leader: published data).
        await web.SwitchToAsync("leader.zhou");
        string unitPage = await web.Client.GetStringAsync("/unit/C04?scheme=T");
        unitPage.ShouldContain("id=\"unit-revisions\"");
        Match row = UnitRevisionRow().Match(unitPage);
        row.Success.ShouldBeTrue();
        row.Groups["old"].Value.ShouldBe("20");
        row.Groups["new"].Value.ShouldBe("95");
        row.Groups["reason"].Value.ShouldBe("财政局决算数修订");
        row.Groups["total"].Value.ShouldBe(Cell(result, "C04", "old-total") + " → " + Cell(result, "C04", "new-total"));
        row.Groups["rank"].Value.ShouldBe(Cell(result, "C04", "old-rank") + " → " + Cell(result, "C04", "new-rank"));
    }

    [Fact]
    public async Task Correction_Page_IsTheOffices_AndAnUnknownFigureIsNotFound()
    {
        await using WebApp web = await StartAsync();
        await web.SwitchToAsync("rev.c01");
        (await web.Client.GetAsync("/entry/correct")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await web.SwitchToAsync("office.li");
        (await web.Client.GetAsync("/entry/correct?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "an open period is not corrected");
        (await web.Client.GetAsync("/entry/correct?scheme=T&period=2025-06&figure=999999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/revisions?scheme=NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        return web;
    }

    /// <summary>
    /// 2025-07: every unit's reporter submits GDP (100 + 10 × place) and AIR (80); the office enters
    /// and submits C03's AIR itself. GDP's plausible range becomes 0–1000 and C05's GDP is then
    /// stored as 5000 directly, as a figure stored before the checks (no flag of its own).
    /// </summary>
    private static void SeedJuly(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        var flow = new FigureWorkflow(db, TimeProvider.System);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme).ToDictionary(i => i.Code, i => i.Id);
        for (int n = 0; n < LeagueData.Codes.Length; n++)
        {
            string code = LeagueData.Codes[n];
            long unit = db.Units.Single(u => u.Code == code).Id;
            Actor reporter = Actor.Reporter("seed.rep." + code.ToLowerInvariant(), unit);
            flow.Submit(reporter, flow.SaveDraft(reporter, scheme, unit, indicators["GDP"], "2025-07", 100 + (10 * n)).Id);
            Actor air = code == "C03" ? Actor.Office("office.li") : reporter;
            flow.Submit(air, flow.SaveDraft(air, scheme, unit, indicators["AIR"], "2025-07", 80).Id);
        }

        db.Indicators.Where(i => i.Id == indicators["GDP"]).ExecuteUpdate(s => s.SetProperty(i => i.MinPlausible, 0).SetProperty(i => i.MaxPlausible, 1000));
        long c05 = db.Units.Single(u => u.Code == "C05").Id;
        db.Figures.Where(f => f.UnitId == c05 && f.IndicatorId == indicators["GDP"] && f.Period == "2025-07").ExecuteUpdate(s => s.SetProperty(f => f.Value, 5000));
    }

    private static Dictionary<string, FigureStatus> Statuses(WebApp web, string indicator)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return (from f in db.Figures
                join u in db.Units on f.UnitId equals u.Id
                join i in db.Indicators on f.IndicatorId equals i.Id
                where f.Period == "2025-07" && f.IsCurrent && i.Code == indicator
                select new { u.Code, f.Status }).ToDictionary(x => x.Code, x => x.Status);
    }

    private static long FigureId(WebApp web, string unit, string indicator, string period = "2025-07")
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.Single(f => f.Period == period && f.IsCurrent
            && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit) && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == indicator)).Id;
    }

    private static int CurrentRevision(WebApp web, long figureId)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        Figure f = db.Figures.Single(x => x.Id == figureId);
        return db.Figures.Single(x => x.SchemeId == f.SchemeId && x.UnitId == f.UnitId && x.IndicatorId == f.IndicatorId && x.Period == f.Period && x.IsCurrent).Revision;
    }

    private static long UnitId(WebApp web, string code)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Units.Single(u => u.Code == code).Id;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string[] UnitsOf(string html) => [.. RowRegex().Matches(html).Select(m => m.Groups[2].Value).Distinct()];

    private static string[] Rows(string html) => [.. RowRegex().Matches(html).Select(m => m.Groups[2].Value + "/" + m.Groups[3].Value)];

    /// <summary>A cell of the correction's totals table (by unit and class).</summary>
    private static string Cell(string html, string unit, string css)
    {
        int row = html.IndexOf($"<tr data-unit=\"{unit}\"", StringComparison.Ordinal);
        row.ShouldBeGreaterThanOrEqualTo(0, $"no totals row of {unit}");
        Match m = Regex.Match(html[row..], $"class=\"text-end {css}\">([^<]*)<");
        m.Success.ShouldBeTrue($"{unit} {css}");
        return m.Groups[1].Value.Trim();
    }

    [GeneratedRegex("data-figure=\"(\\d+)\" data-unit=\"([^\"]+)\" data-indicator=\"([^\"]+)\"")]
    private static partial Regex RowRegex();

    [GeneratedRegex("<td class=\"text-end old-value\">(?<old>[^<]*)</td>\\s*<td class=\"text-end new-value\">(?<new>[^<]*?) <span[^>]*>[^<]*</span></td>\\s*<td class=\"reason\">(?<reason>[^<]*)</td>\\s*<td class=\"when\">[^<]*</td>\\s*<td class=\"text-end total\">(?<total>[^<]*)</td>\\s*<td class=\"text-end rank\">(?<rank>[^<]*)</td>")]
    private static partial Regex UnitRevisionRow();
}
