using System.Net;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The office's periods in the browser (/admin/periods, /admin/settings) and publication with its
/// confirmation step (/entry/publish), on <see cref="LeagueData"/> (2025-07 open).
/// </summary>
public sealed class PeriodWebTests
{
    private const string Periods = "/admin/periods?scheme=T";

    [Fact]
    public async Task Office_OpensAPeriodInThePage_DeadlineTypedAndShownInTheOfficesZone_StoredInUtc()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        string page = await web.Client.GetStringAsync(Periods);
        page.ShouldContain("id=\"open-code\" name=\"Period\" value=\"2025-08\"", customMessage: "the period after the latest is suggested");
        page.ShouldContain("data-period=\"2025-07\" data-status=\"open\"");
        page.ShouldContain("2025-12-31 18:00", customMessage: "the seed's deadline, 10:00 UTC, in Beijing time");

        HttpResponseMessage opened = await web.PostFormAsync(Periods, "/admin/periods?handler=Open", ("scheme", "T"), ("Period", "2025-08"), ("Deadline", "2025-09-10T18:00"));
        opened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        opened.Headers.Location!.ToString().ShouldBe("/admin/periods?scheme=T&p=1&done=opened&code=2025-08");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ReportingPeriod p = db.Periods.Single(x => x.Code == "2025-08");
            (p.Status, p.OpenedBy, p.Deadline).ShouldBe((PeriodStatus.Open, "office.li", (DateTimeOffset?)new DateTimeOffset(2025, 9, 10, 10, 0, 0, TimeSpan.Zero)));
        }

        string after = await web.Client.GetStringAsync(opened.Headers.Location!.ToString());
        after.ShouldContain("已开启填报期 2025-08。");
        Row(after, "2025-08").ShouldContain("<td class=\"deadline text-nowrap\">2025-09-10 18:00</td>");
        WebUtility.HtmlDecode(await web.Client.GetStringAsync("/entry/status?scheme=T&period=2025-08")).ShouldContain("2025-09-10 18:00 (Asia/Shanghai UTC+08:00)");

        // The same moment in Urumqi's zone (UTC+6), once the office sets it.
        HttpResponseMessage saved = await web.PostFormAsync("/admin/settings", "/admin/settings", ("Zone", "other"), ("OtherZone", "Asia/Urumqi"), ("Reason", "新疆"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Row(await web.Client.GetStringAsync(Periods), "2025-08").ShouldContain(">2025-09-10 16:00<");
        WebUtility.HtmlDecode(await web.Client.GetStringAsync("/entry/status?scheme=T&period=2025-08")).ShouldContain("2025-09-10 16:00 (Asia/Urumqi UTC+06:00)");
        (await web.Client.GetStringAsync("/admin/audit?entity=setting")).ShouldContain("Asia/Urumqi");
    }

    [Fact]
    public async Task Office_RefusedOpenings_AreSaidInChinese_AndExtendCloseReopenWorkFromTheRows()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");

        HttpResponseMessage badCode = await web.PostFormAsync(Periods, "/admin/periods?handler=Open", ("scheme", "T"), ("Period", "2025-Q3"), ("Deadline", "2025-10-10T18:00"));
        badCode.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await badCode.Content.ReadAsStringAsync()).ShouldContain("“2025-Q3”不是方案 T 的期间");
        HttpResponseMessage twice = await web.PostFormAsync(Periods, "/admin/periods?handler=Open", ("scheme", "T"), ("Period", "2025-07"), ("Deadline", "2025-10-10T18:00"));
        (await twice.Content.ReadAsStringAsync()).ShouldContain("方案 T 的期间 2025-07 已存在");
        HttpResponseMessage noDeadline = await web.PostFormAsync(Periods, "/admin/periods?handler=Open", ("scheme", "T"), ("Period", "2025-08"), ("Deadline", ""));
        (await noDeadline.Content.ReadAsStringAsync()).ShouldContain("期间 2025-08 需要填写截止时间");
        HttpResponseMessage badDeadline = await web.PostFormAsync(Periods, "/admin/periods?handler=Open", ("scheme", "T"), ("Period", "2025-08"), ("Deadline", "下周五"));
        (await badDeadline.Content.ReadAsStringAsync()).ShouldContain("请填写有效的截止时间");

        (await web.PostFormAsync(Periods, "/admin/periods?handler=Extend", ("scheme", "T"), ("Period", "2025-07"), ("Deadline", "2026-01-05T12:00")))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.PostFormAsync(Periods, "/admin/periods?handler=Close", ("scheme", "T"), ("Period", "2025-07"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Row(await web.Client.GetStringAsync(Periods), "2025-07").ShouldContain("已截止报送");
        HttpResponseMessage closeAgain = await web.PostFormAsync(Periods, "/admin/periods?handler=Close", ("scheme", "T"), ("Period", "2025-07"));
        (await closeAgain.Content.ReadAsStringAsync()).ShouldContain("期间 2025-07 不在填报中，不能截止报送");
        (await web.PostFormAsync(Periods, "/admin/periods?handler=Reopen", ("scheme", "T"), ("Period", "2025-07"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        HttpResponseMessage reopenPublished = await web.PostFormAsync(Periods, "/admin/periods?handler=Reopen", ("scheme", "T"), ("Period", "2025-06"));
        (await reopenPublished.Content.ReadAsStringAsync()).ShouldContain("期间 2025-06 已发布，不能重新开放");

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Periods.Select(p => p.Code).Count().ShouldBe(3);
        ReportingPeriod july = db.Periods.Single(p => p.Code == "2025-07");
        (july.Status, july.Deadline).ShouldBe((PeriodStatus.Open, (DateTimeOffset?)new DateTimeOffset(2026, 1, 5, 4, 0, 0, TimeSpan.Zero)));
        db.Audit.Where(a => a.Entity == "period" && a.EntityKey == "T/2025-07" && a.User == "office.li").OrderBy(a => a.Id)
            .Select(a => a.Action + " " + a.Field + " " + a.NewValue).ToList()
            .ShouldBe(["update deadline 2026-01-05T04:00:00.000000Z", "close status closed", "reopen status open"]);
    }

    [Fact]
    public async Task Publish_WithAFigureMissing_IsRefusedWithoutAChoice_ThenPublishedWithZero_AndTheZeroCounts()
    {
        await using var web = await StartAsync();
        ReportAllBut(web, "C05", "REV");
        await web.SwitchToAsync("office.li");

        const string Confirm = "/entry/publish?scheme=T&period=2025-07";
        (await web.Client.GetStringAsync("/entry/status?scheme=T&period=2025-07")).ShouldContain("href=\"" + Confirm.Replace("&", "&amp;", StringComparison.Ordinal) + "\"");
        string page = await web.Client.GetStringAsync(Confirm);
        page.ShouldContain("id=\"count-expected\" data-count=\"20\"");
        page.ShouldContain("id=\"count-missing\" data-count=\"1\"");
        page.ShouldContain("id=\"count-approved\" data-count=\"19\"");
        page.ShouldContain("data-unit=\"C05\" data-indicator=\"REV\"");
        page.ShouldContain("id=\"missing-choice\"");

        HttpResponseMessage refused = await web.PostFormAsync(Confirm, "/entry/publish", ("scheme", "T"), ("period", "2025-07"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("期间 2025-07 有 1 项数据缺报，发布前请选择缺报数据的计分方式");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Periods.Single(p => p.Code == "2025-07").Status.ShouldBe(PeriodStatus.Open);
        }

        HttpResponseMessage published = await web.PostFormAsync(Confirm, "/entry/publish", ("scheme", "T"), ("period", "2025-07"), ("Missing", "zero"));
        published.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        published.Headers.Location!.ToString().ShouldBe("/league?scheme=T&period=2025-07");

        using SaimaDb check = SaimaDb.Open(web.Store);
        ReportingPeriod july = check.Periods.Single(p => p.Code == "2025-07");
        (july.Status, july.MissingRule, july.PublishedBy).ShouldBe((PeriodStatus.Published, "zero", "office.li"));
        long set = check.ResultSets.Where(r => r.Period == "2025-07" && r.InputHash != "open").OrderByDescending(r => r.Id).First().Id;
        var stored = (from r in check.ResultRows
                      join u in check.Units on r.UnitId equals u.Id
                      where r.ResultSetId == set && r.Node == "Total"
                      select new { u.Code, r.Score }).ToDictionary(x => x.Code, x => x.Score);
        Dictionary<string, double> expected = Totals(withZero: true);
        foreach (string unit in LeagueData.Codes)
        {
            stored[unit]!.Value.ShouldBe(expected[unit], 1e-9, unit);
        }

        // Counted by the scheme's rule (no imputation: REV left out of C05's economy score) C05 would have 80, not 50.
        Totals(withZero: false)["C05"].ShouldBe(80, 1e-9);
        expected["C05"].ShouldBe(50, 1e-9);
    }

    /// <summary>The figures of 2025-07: C05's REV is missing (null).</summary>
    private static readonly Dictionary<string, double?[]> July = new()
    {
        //              C01 C02 C03 C04 C05
        ["GDP"] = [10, 20, 30, 40, 50],
        ["REV"] = [10, 20, 30, 40, null],
        ["AIR"] = [5, 4, 3, 2, 1],
        ["EMP"] = [1, 2, 3, 4, 5],
    };

    /// <summary>
    /// The totals of 2025-07 computed here, from the scheme's rules as written: min-max to [0, 100]
    /// over all five units, a missing score left out of its group's mean, economy (GDP, REV) 0.6 and
    /// ecology (AIR, EMP) 0.4.
    /// </summary>
    private static Dictionary<string, double> Totals(bool withZero)
    {
        var scores = new Dictionary<string, double?[]>();
        foreach ((string code, double?[] raw) in July)
        {
            double?[] v = raw.Select(x => x ?? (withZero ? 0 : null)).ToArray();
            double min = v.Where(x => x is not null).Min(x => x!.Value), max = v.Where(x => x is not null).Max(x => x!.Value);
            scores[code] = v.Select(x => x is { } y ? (y - min) / (max - min) * 100 : (double?)null).ToArray();
        }

        double Mean(params double?[] xs) => xs.Where(x => x is not null).Average(x => x!.Value);
        return LeagueData.Codes.Select((c, i) => (c, i)).ToDictionary(
            x => x.c,
            x => (0.6 * Mean(scores["GDP"][x.i], scores["REV"][x.i])) + (0.4 * Mean(scores["AIR"][x.i], scores["EMP"][x.i])));
    }

    /// <summary>Every unit's figures of 2025-07 entered, submitted and approved, except one.</summary>
    private static void ReportAllBut(WebApp web, string unit, string indicator)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        var figures = new FigureWorkflow(db, TimeProvider.System);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        Actor reviewer = Actor.Reviewer("reviewer.zhao");
        foreach ((string code, double?[] values) in July)
        {
            long ind = db.Indicators.Single(i => i.SchemeId == scheme && i.Code == code).Id;
            for (int i = 0; i < LeagueData.Codes.Length; i++)
            {
                if (LeagueData.Codes[i] == unit && code == indicator)
                {
                    continue;
                }

                string c = LeagueData.Codes[i];
                long u = db.Units.Single(x => x.Code == c).Id;
                Actor reporter = Actor.Reporter("reporter." + c.ToLowerInvariant(), u);
                Figure f = figures.SaveDraft(reporter, scheme, u, ind, "2025-07", values[i], "测试数据：7 月按新口径填报（累计数可能低于 6 月）");
                figures.Submit(reporter, f.Id);
                figures.Approve(reviewer, f.Id);
            }
        }
    }

    /// <summary>The row of a period in the periods table.</summary>
    private static string Row(string html, string period)
    {
        int start = html.IndexOf($"<tr data-period=\"{period}\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no row for {period}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        return web;
    }
}
