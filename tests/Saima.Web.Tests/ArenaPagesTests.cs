using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The office's arena pages in the application (on <see cref="LeagueData"/>): the create form
/// (the same door as the API, refusals next to their fields), the judges page (one-time links and
/// the sheet of QR cards only in the response that issued them, voiding with a reason), and a
/// graded session (民主测评) through the API with the share of each grade.
/// </summary>
public sealed partial class ArenaPagesTests
{
    [Fact]
    public async Task CreateForm_MakesTheSession_AndShowsRefusalsNextToTheirFields()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        string form = await web.Client.GetStringAsync("/arena/new");
        form.ShouldContain("id=\"arena-new\"");
        form.ShouldContain("县区比拼");

        using (HttpResponseMessage bad = await web.PostFormAsync("/arena/new", "/arena/new",
            ("Code", "bad code!"), ("Name", "表单擂台"), ("Stage", "county"), ("Kind", "points"), ("Contestants", "C01\nNOPE"),
            ("Criteria[0].Code", "Q"), ("Criteria[0].Name", "质量"), ("Criteria[0].Number", "0"),
            ("Categories[0].Code", "A"), ("Categories[0].Name", "考官"), ("Categories[0].Number", "1")))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            string page = await bad.Content.ReadAsStringAsync();
            page.ShouldContain("data-error-for=\"Code\"");
            page.ShouldContain("data-error-for=\"Criteria[0].Number\"");
            Regex.IsMatch(page, "data-error-for=\"Contestants\">第2行").ShouldBeTrue("the second line names an unknown unit");
            page.ShouldContain("value=\"表单擂台\"", customMessage: "what was typed stays");
        }

        using (HttpResponseMessage ok = await web.PostFormAsync("/arena/new", "/arena/new",
            ("Code", "FORM-1"), ("Name", "表单擂台"), ("Stage", "township"), ("Date", "2025-09-20"), ("Place", "报告厅"), ("Kind", "grades"),
            ("Contestants", "C01\r\nC02\r\nC03"),
            ("Grades[0].Code", "A"), ("Grades[0].Name", "满意"), ("Grades[0].Number", "100"),
            ("Grades[1].Code", "B"), ("Grades[1].Name", "基本满意"), ("Grades[1].Number", "70"),
            ("Grades[2].Code", "C"), ("Grades[2].Name", "不满意"), ("Grades[2].Number", "40"),
            ("Criteria[0].Code", "Q"), ("Criteria[0].Name", "忽略"), ("Criteria[0].Number", "10"),
            ("Categories[0].Code", "A"), ("Categories[0].Name", "考官"), ("Categories[0].Number", "1"), ("Categories[0].Trim", "0")))
        {
            ok.StatusCode.ShouldBe(HttpStatusCode.Redirect, await ok.Content.ReadAsStringAsync());
            ok.Headers.Location!.ToString().ShouldBe("/arena/s/FORM-1/judges?created=1");
        }

        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ArenaSession s = db.ArenaSessions.Single(x => x.Code == "FORM-1");
            s.HeldOn.ShouldBe(new DateOnly(2025, 9, 20));
            s.Place.ShouldBe("报告厅");
            db.ArenaGrades.Where(g => g.SessionId == s.Id).OrderBy(g => g.Position).Select(g => g.Name).ToList().ShouldBe(["满意", "基本满意", "不满意"]);
            db.ArenaCriteria.Count(c => c.SessionId == s.Id).ShouldBe(0, "a graded session leaves the criteria rows out");
        }

        using (HttpResponseMessage again = await web.PostFormAsync("/arena/new", "/arena/new",
            ("Code", "FORM-1"), ("Name", "重复"), ("Kind", "points"), ("Contestants", "C01\nC02"),
            ("Criteria[0].Code", "Q"), ("Criteria[0].Number", "10"), ("Categories[0].Code", "A"), ("Categories[0].Number", "1")))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await again.Content.ReadAsStringAsync()).ShouldContain("该编号已被使用");
        }

        string units = await web.Client.GetStringAsync("/arena/new?handler=Units&q=C0");
        JsonDocument.Parse(units).RootElement.GetArrayLength().ShouldBeInRange(1, 20);
    }

    [Fact]
    public async Task JudgesPage_ShowsTheLinksAndQrCardsOnce_ListsTheJudges_AndVoidsWithAReason()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        (await office.PostAsync("/api/v1/arena/sessions", Json(PointsBody))).StatusCode.ShouldBe(HttpStatusCode.Created);
        await web.SwitchToAsync("office.li");
        const string Page = "/arena/s/PAGE-1/judges";

        string issued;
        using (HttpResponseMessage r = await web.PostFormAsync(Page, Page + "?handler=Issue", ("Category", "PUB"), ("Mode", "names"), ("Names", "张三\n李四\n王五"), ("Unit", "C02")))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.OK);
            r.Headers.CacheControl!.NoStore.ShouldBeTrue("the links must not be cached");
            issued = await r.Content.ReadAsStringAsync();
        }

        Regex.Matches(issued, "class=\"qr-card\"").Count.ShouldBe(3);
        Regex.Matches(issued, "<svg").Count.ShouldBeGreaterThanOrEqualTo(3);
        var links = Regex.Matches(issued, "class=\"judge-link\">(http://[^<]+/arena/j/(j_[A-Za-z0-9_-]+))<").Select(m => m.Groups[2].Value).ToList();
        links.Count.ShouldBe(3);
        issued.ShouldContain("张三");

        // Shown once: the list afterwards has the judges but no link.
        string list = await web.Client.GetStringAsync(Page);
        list.ShouldNotContain(links[0]);
        list.ShouldNotContain("class=\"qr-card\"");
        Regex.Matches(list, "class=\"d-flex gap-1 void-form\"").Count.ShouldBe(3);

        // The link works on the judge's phone page.
        (await web.Client.GetStringAsync("/arena/j/" + links[0])).ShouldContain("张三");

        // Refusals by field; voiding needs a reason.
        using (HttpResponseMessage bad = await web.PostFormAsync(Page, Page + "?handler=Issue", ("Category", "PUB"), ("Mode", "count"), ("Count", "0")))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync()).ShouldContain("人数须在1至1000之间");
        }

        string judgeId;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            judgeId = db.ArenaJudges.OrderBy(j => j.Id).First().PublicId;
        }

        using (HttpResponseMessage noReason = await web.PostFormAsync(Page, Page + "?handler=Void", ("judge", judgeId), ("reason", " ")))
        {
            noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (HttpResponseMessage voided = await web.PostFormAsync(Page, Page + "?handler=Void", ("judge", judgeId), ("reason", "与参评单位有利害关系")))
        {
            voided.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            voided.Headers.Location!.ToString().ShouldBe("/arena/s/PAGE-1/judges?p=1&done=voided");
        }

        (await web.Client.GetStringAsync(Page)).ShouldContain("已作废：与参评单位有利害关系");
    }

    [Fact]
    public async Task GradedSession_ThroughTheApi_TakesGrades_AndShowsEachGradesShare()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        string body = """
            { "code": "DEMO-GRADE", "name": "民主测评", "stage": "township", "date": "2025-09-21", "place": "会议中心",
              "contestants": ["C01", "C02"],
              "grades": [ { "code": "A", "name": "优秀", "points": 100 }, { "code": "B", "name": "良好", "points": 80 }, { "code": "C", "name": "一般", "points": 60 } ],
              "categories": [ { "code": "PUB", "name": "群众代表", "weight": 1, "trim": 0 } ] }
            """;
        JsonElement created = await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(body)), HttpStatusCode.Created);
        created.GetProperty("date").GetString().ShouldBe("2025-09-21");
        created.GetProperty("place").GetString().ShouldBe("会议中心");
        created.GetProperty("grades").GetArrayLength().ShouldBe(3);
        JsonElement judges = await JsonAsync(await office.PostAsync("/api/v1/arena/sessions/DEMO-GRADE/judges", Json("""{"category": "PUB", "count": 4}""")), HttpStatusCode.Created);
        string[] tokens = [.. judges.GetProperty("judges").EnumerateArray().Select(j => j.GetProperty("token").GetString()!)];
        (await office.PostAsync("/api/v1/arena/sessions/DEMO-GRADE/contestants/C01/open", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        string[] picks = ["A", "A", "B", "C"];
        for (int i = 0; i < 4; i++)
        {
            using HttpClient judge = web.ProgramClient(tokens[i]);
            JsonElement accepted = await JsonAsync(await judge.PostAsync("/api/v1/arena/ballots", Json($$"""{"session": "DEMO-GRADE", "contestant": "C01", "grade": "{{picks[i]}}"}""")), HttpStatusCode.OK);
            accepted.GetProperty("total").GetDouble().ShouldBe(picks[i] switch { "A" => 100, "B" => 80, _ => 60 });
        }

        using (HttpClient judge = web.ProgramClient(tokens[0]))
        {
            JsonElement bad = await JsonAsync(await judge.PostAsync("/api/v1/arena/ballots", Json("""{"session": "DEMO-GRADE", "contestant": "C01", "scores": {"Q": 1}}""")), HttpStatusCode.BadRequest);
            bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["scores", "grade"], ignoreOrder: true);
        }

        JsonElement results = await JsonAsync(await office.GetAsync("/api/v1/arena/sessions/DEMO-GRADE/results"), HttpStatusCode.OK);
        JsonElement c01 = results.GetProperty("contestants")[0];
        c01.GetProperty("score").GetDouble().ShouldBe(85, "(100 + 100 + 80 + 60) / 4");
        c01.GetProperty("grades").EnumerateArray().Select(g => (g.GetProperty("code").GetString(), g.GetProperty("count").GetInt32(), g.GetProperty("percent").GetDouble()))
            .ShouldBe([("A", 2, 50.0), ("B", 1, 25.0), ("C", 1, 25.0)]);

        await web.SwitchToAsync("office.li");
        (await web.Client.GetStringAsync("/arena/s/DEMO-GRADE")).ShouldContain("优秀 2 (50%) · 良好 1 (25%) · 一般 1 (25%)");
        (await web.Client.GetStringAsync("/arena/j/" + tokens[0])).ShouldContain("name=\"grade\" value=\"A\" checked=\"checked\"");
    }

    [Fact]
    public async Task PointsSession_ThroughTheApi_ReadsAsBefore_WithoutTheGradedFields()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        JsonElement created = await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(PointsBody)), HttpStatusCode.Created);
        created.TryGetProperty("grades", out _).ShouldBeFalse();
        created.TryGetProperty("date", out _).ShouldBeFalse();
        created.TryGetProperty("board", out _).ShouldBeFalse("a live board is the default and reads as before");
        JsonElement results = await JsonAsync(await office.GetAsync("/api/v1/arena/sessions/PAGE-1/results"), HttpStatusCode.OK);
        results.GetProperty("contestants")[0].TryGetProperty("grades", out _).ShouldBeFalse();
    }

    private const string PointsBody = """
        { "code": "PAGE-1", "name": "页面擂台", "stage": "county", "contestants": ["C01", "C02", "C03"],
          "criteria": [ { "code": "Q", "name": "比质量", "max": 20 } ],
          "categories": [ { "code": "LEAD", "name": "市领导", "weight": 0.5, "trim": 1 }, { "code": "PUB", "name": "群众代表", "weight": 0.5, "trim": 1 } ] }
        """;

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        return web;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
