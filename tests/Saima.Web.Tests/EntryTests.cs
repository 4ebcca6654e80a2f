using System.Net;
using Saima.Data;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// Data entry (/entry): a reporter's form, review, the office's progress and publication, and the
/// access rules that scope them (on <see cref="LeagueData"/>: 2025-07 open, a draft REV of C01).
/// </summary>
public sealed class EntryTests
{
    private const string Form = "/entry?scheme=T&period=2025-07";

    [Fact]
    public async Task Reporter_SeesOnlyOwnUnit_SavesDraft_AndSubmits()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        string html = await web.Client.GetStringAsync(Form);
        html.ShouldContain("data-unit=\"C01\" data-indicator=\"GDP\"");
        html.ShouldContain("地区生产总值");
        html.ShouldContain("亿元");
        html.ShouldContain("value=\"999\"", customMessage: "the unit's own draft of REV");
        html.ShouldContain("<td class=\"text-end\">90</td>", customMessage: "GDP last period (2025-06)");
        html.ShouldContain("<td class=\"text-end\">180</td>", customMessage: "GDP target");
        html.ShouldNotContain("data-unit=\"C02\"");

        HttpResponseMessage saved = await web.PostFormAsync(Form, "/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C01", "GDP", "95.5")]);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.ToString().ShouldContain("done=saved");
        Figure(web, "C01", "GDP")!.Value.ShouldBe(95.5);
        Figure(web, "C01", "GDP")!.Status.ShouldBe(FigureStatus.Draft);
        Figure(web, "C01", "GDP")!.EnteredBy.ShouldBe("rep.c01");

        HttpResponseMessage submitted = await web.PostFormAsync(Form, "/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"));
        submitted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure(web, "C01", "GDP")!.Status.ShouldBe(FigureStatus.Submitted);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Submitted);
        (await web.Client.GetStringAsync(Form)).ShouldContain("已报送");
    }

    [Fact]
    public async Task Reporter_CraftedPostForAnotherUnit_IsForbidden_AndStoresNothing()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        HttpResponseMessage r = await web.PostFormAsync(Form, "/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C02", "GDP", "1")]);
        r.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        Figure(web, "C02", "GDP").ShouldBeNull();

        // Nor can it ask for another unit's form.
        (await web.Client.GetAsync(Form + "&unit=C02")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reporter_NotANumber_IsShownAndNothingSaved()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        HttpResponseMessage r = await web.PostFormAsync(Form, "/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C01", "GDP", "12"), .. Entry(web, 1, "C01", "AIR", "abc")]);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await r.Content.ReadAsStringAsync()).ShouldContain("“abc”不是数字");
        Figure(web, "C01", "GDP").ShouldBeNull();
    }

    [Fact]
    public async Task Review_OtherUnitsReviewerIsRefused_RightReviewerReturnsWithComment_ReporterSeesIt()
    {
        await using var web = await StartAsync();
        long rev = await SubmitRevAsync(web);

        await web.SwitchToAsync("rev.c02");
        (await web.Client.GetStringAsync("/entry/review")).ShouldNotContain("data-unit=\"C01\"");
        HttpResponseMessage refused = await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", Id(rev)));
        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Submitted);

        await web.SwitchToAsync("rev.c01");
        (await web.Client.GetStringAsync("/entry/review")).ShouldContain($"data-figure=\"{Id(rev)}\" data-unit=\"C01\" data-indicator=\"REV\"");
        HttpResponseMessage returned = await web.PostFormAsync("/entry/review", "/entry/review?handler=Return", ("FigureId", Id(rev)), ("Comment", "与统计局口径不一致"));
        returned.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Returned);

        await web.SwitchToAsync("rep.c01");
        string form = await web.Client.GetStringAsync(Form);
        form.ShouldContain("与统计局口径不一致");
        form.ShouldContain("已退回");

        // Sent back unchanged it is refused: a returned figure goes back changed, or explained.
        HttpResponseMessage unchanged = await web.PostFormAsync(Form, "/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"));
        unchanged.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await unchanged.Content.ReadAsStringAsync()).ShouldContain("该数据被退回后未作修改（仍为 999）；请修改，或填写说明后再报送");
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Returned);

        // Resubmitted with an explanation, the right reviewer approves it.
        (await web.PostFormAsync(Form, "/entry?handler=Submit",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C01", "REV", "999"), ("Entries[0].Explanation", "已与统计局核对，口径一致")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await web.SwitchToAsync("rev.c01");
        (await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", Id(rev)))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Approved);
    }

    [Fact]
    public async Task Office_SeesWhoIsLate_PublishRefusedWhileOutstanding_ThenPublishes_AndTheLeagueShowsThePeriod()
    {
        await using var web = await StartAsync();
        long rev = await SubmitRevAsync(web);

        await web.SwitchToAsync("office.li");
        string status = await web.Client.GetStringAsync("/entry/status?scheme=T&period=2025-07");
        status.ShouldContain("data-unit=\"C01\" class=\"unit-late\"");
        status.ShouldContain("href=\"/entry/publish?scheme=T&amp;period=2025-07\"");
        (await web.Client.GetStringAsync("/entry/publish?scheme=T&period=2025-07")).ShouldContain("C01 / REV: 已报送");
        HttpResponseMessage refused = await web.PostFormAsync("/entry/publish?scheme=T&period=2025-07", "/entry/publish", ("scheme", "T"), ("period", "2025-07"), ("Missing", "scheme"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("id=\"publish-error\"");

        await web.SwitchToAsync("rev.c01");
        await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", Id(rev)));

        await web.SwitchToAsync("office.li");
        HttpResponseMessage published = await web.PostFormAsync("/entry/publish?scheme=T&period=2025-07", "/entry/publish", ("scheme", "T"), ("period", "2025-07"), ("Missing", "scheme"));
        published.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        published.Headers.Location!.ToString().ShouldBe("/league?scheme=T&period=2025-07");
        (await web.Client.GetAsync("/league?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await web.Client.GetStringAsync("/league?scheme=T")).ShouldContain("<option value=\"2025-07\" selected=\"selected\">");
        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Periods.Single(p => p.Code == "2025-07").Status.ShouldBe(PeriodStatus.Published);
    }

    /// <summary>Every role × page cell of data entry, in one application (each start costs a second).</summary>
    [Fact]
    public async Task Roles_WithoutTheWork_AreForbidden_AnonymousGoesToLogin_PostsNeedTheToken()
    {
        await using var web = await StartAsync();
        string[] paths = ["/entry", "/entry/review", "/entry/status"];
        foreach (string path in paths)
        {
            HttpResponseMessage anonymous = await web.Client.GetAsync(path);
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            anonymous.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=", customMessage: path);
        }

        var allowed = new Dictionary<string, string[]>
        {
            ["leader.zhou"] = [],
            ["rep.c01"] = ["/entry"],
            ["rev.c01"] = ["/entry/review"],
            ["office.li"] = paths,
        };
        foreach ((string user, string[] may) in allowed)
        {
            await web.SwitchToAsync(user);
            foreach (string path in paths)
            {
                (await web.Client.GetAsync(path)).StatusCode.ShouldBe(may.Contains(path) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, $"{user} {path}");
            }
        }

        foreach ((string user, string path) in new[] { ("rep.c01", "/entry?handler=Save"), ("rev.c01", "/entry/review?handler=Approve"), ("office.li", "/entry/publish") })
        {
            await web.SwitchToAsync(user);
            HttpResponseMessage r = await web.Client.PostAsync(path, new FormUrlEncodedContent([new("scheme", "T"), new("period", "2025-07"), new("FigureId", "1")]));
            r.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{user} {path}");
        }

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Periods.Single(p => p.Code == "2025-07").Status.ShouldBe(PeriodStatus.Open);
    }

    [Fact]
    public async Task Upload_Bad_ShowsEveryErrorWithSheetRowColumn_AndStoresNothing()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        int before = CountFigures(web);
        string token = await web.TokenAsync(Form);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("T"), "scheme" },
            { new StringContent("2025-07"), "period" },
            { new ByteArrayContent("unit,indicator,period,value\nC01,GDP,2025-07,abc\nC02,REV,2025-07,5\n"u8.ToArray()), "Upload", "bad.csv" },
        };
        HttpResponseMessage r = await web.Client.PostAsync("/entry?handler=Upload", content);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await r.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"upload-errors\"");
        System.Text.RegularExpressions.Regex.Matches(html, "class=\"upload-error\"").Count.ShouldBeGreaterThanOrEqualTo(2);
        html.ShouldContain("<td>2</td>");
        html.ShouldContain("<td>3</td>");
        CountFigures(web).ShouldBe(before);
        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Imports.Count().ShouldBe(0);
    }

    [Fact]
    public async Task Upload_DamagedXlsx_IsRefusedNamingTheFileAndWhatIsWrong_AndStoresNothing()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        int before = CountFigures(web);
        string token = await web.TokenAsync(Form);
        byte[] damaged = [0x50, 0x4B, 0x03, 0x04, .. Enumerable.Range(0, 600).Select(i => (byte)(i * 31))];
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("T"), "scheme" },
            { new StringContent("2025-07"), "period" },
            { new ByteArrayContent(damaged), "Upload", "cut.xlsx" },
        };
        HttpResponseMessage r = await web.Client.PostAsync("/entry?handler=Upload", content);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await r.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"upload-errors\"");
        html.ShouldContain("<td>cut.xlsx</td>");
        html.ShouldContain("文件已损坏：不是完整的 .xlsx 文件");
        html.ShouldNotContain("InvalidDataException");
        CountFigures(web).ShouldBe(before);
    }

    [Fact]
    public async Task Upload_Good_StoresDrafts()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        string token = await web.TokenAsync(Form);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("T"), "scheme" },
            { new StringContent("2025-07"), "period" },
            { new ByteArrayContent("unit,indicator,period,value\nC01,GDP,2025-07,101\n"u8.ToArray()), "Upload", "good.csv" },
        };
        HttpResponseMessage r = await web.Client.PostAsync("/entry?handler=Upload", content);
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect, await r.Content.ReadAsStringAsync());
        Figure(web, "C01", "GDP")!.Value.ShouldBe(101);
        Figure(web, "C01", "GDP")!.Status.ShouldBe(FigureStatus.Draft);
    }

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await web.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await web.CreateUserAsync("rev.c02", SaimaRoles.Reviewer, "C02");
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        return web;
    }

    /// <summary>rep.c01 submits its draft REV (999); returns the figure's id.</summary>
    private static async Task<long> SubmitRevAsync(WebApp web)
    {
        await web.SwitchToAsync("rep.c01");
        (await web.PostFormAsync(Form, "/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure f = Figure(web, "C01", "REV")!;
        f.Status.ShouldBe(FigureStatus.Submitted);
        return f.Id;
    }

    private static (string Name, string Value)[] Entry(WebApp web, int n, string unit, string indicator, string value)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long u = db.Units.Single(x => x.Code == unit).Id;
        long i = db.Indicators.Single(x => x.Code == indicator).Id;
        return [($"Entries[{n}].Unit", Id(u)), ($"Entries[{n}].Indicator", Id(i)), ($"Entries[{n}].Value", value)];
    }

    private static Figure? Figure(WebApp web, string unit, string indicator)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.SingleOrDefault(f => f.Period == "2025-07" && f.IsCurrent
            && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit) && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == indicator));
    }

    private static int CountFigures(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.Count();
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
