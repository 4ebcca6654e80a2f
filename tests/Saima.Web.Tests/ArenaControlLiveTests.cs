using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The office's control page follows a session without a reload (on <see cref="LeagueData"/>):
/// its live counts (<c>?handler=Live</c>) carry each round's ballots in per category, the score as
/// it stands and the judges yet to rate the open round, and change as ballots arrive.
/// </summary>
public sealed class ArenaControlLiveTests
{
    private const string Body = """
        { "code": "CONTROL-L", "name": "现场控制", "stage": "county", "contestants": ["C01", "C02"],
          "criteria": [ { "code": "Q", "name": "比质量", "max": 20 } ],
          "categories": [ { "code": "LEAD", "name": "市领导", "weight": 0.5 }, { "code": "PUB", "name": "群众代表", "weight": 0.5 } ],
          "board": "live" }
        """;

    [Fact]
    public async Task LiveCounts_CarryBallotsByCategory_AndTheMissingJudges_AndChangeAsBallotsArrive()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(Body)), HttpStatusCode.Created);
        string[] lead = await IssueAsync(office, "LEAD", 2);
        string[] pub = await IssueAsync(office, "PUB", 2);
        await JsonAsync(await office.PostAsync("/api/v1/arena/sessions/CONTROL-L/contestants/C01/open", null), HttpStatusCode.OK);
        await BallotAsync(web, lead[0], 18);
        await BallotAsync(web, pub[0], 14);
        await web.SwitchToAsync("office.li");

        string page = await web.Client.GetStringAsync("/arena/s/CONTROL-L");
        page.ShouldContain("data-live=\"/arena/s/CONTROL-L?handler=Live\"");
        page.ShouldContain("data-stream=\"/arena/s/CONTROL-L/board?handler=Stream\"");
        page.ShouldContain("/js/arena-control.js");

        JsonElement c01 = await RoundAsync(web, "C01");
        c01.GetProperty("state").GetString().ShouldBe("open");
        c01.GetProperty("stateText").GetString().ShouldBe("评分中");
        c01.GetProperty("ballots").GetInt32().ShouldBe(2);
        c01.GetProperty("ballotsText").GetString().ShouldBe("2 (市领导 1 · 群众代表 1)");
        c01.GetProperty("categories").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("ballots").GetInt32()))
            .ShouldBe([("市领导", 1), ("群众代表", 1)]);
        c01.GetProperty("missing").GetInt32().ShouldBe(2);
        c01.GetProperty("missingTitle").GetString()!.ShouldContain("尚未评分的评委（2）");
        c01.GetProperty("missingJudges").GetString()!.ShouldContain("（市领导）");
        c01.GetProperty("missingJudges").GetString()!.ShouldContain("（群众代表）");
        JsonElement c02 = await RoundAsync(web, "C02");
        (c02.GetProperty("state").GetString(), c02.GetProperty("ballots").GetInt32(), c02.GetProperty("missing").GetInt32()).ShouldBe(("pending", 0, 0));
        c02.GetProperty("missingTitle").ValueKind.ShouldBe(JsonValueKind.Null);

        // A ballot arrives: the counts move without the page being asked again.
        await BallotAsync(web, lead[1], 16);
        JsonElement after = await RoundAsync(web, "C01");
        after.GetProperty("ballots").GetInt32().ShouldBe(3);
        after.GetProperty("ballotsText").GetString().ShouldBe("3 (市领导 2 · 群众代表 1)");
        after.GetProperty("missing").GetInt32().ShouldBe(1);

        // Closing the round ends its missing list.
        await JsonAsync(await office.PostAsync("/api/v1/arena/sessions/CONTROL-L/contestants/C01/close", null), HttpStatusCode.OK);
        JsonElement closed = await RoundAsync(web, "C01");
        (closed.GetProperty("state").GetString(), closed.GetProperty("missing").GetInt32()).ShouldBe(("closed", 0));
        closed.GetProperty("score").GetString().ShouldNotBe("—");
        (await web.Client.GetAsync("/arena/s/NO-SUCH?handler=Live")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> RoundAsync(WebApp web, string unit)
    {
        using HttpResponseMessage r = await web.Client.GetAsync("/arena/s/CONTROL-L?handler=Live");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        JsonElement state = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
        state.GetProperty("session").GetString().ShouldBe("CONTROL-L");
        return state.GetProperty("rounds").EnumerateArray().Single(x => x.GetProperty("unit").GetString() == unit);
    }

    private static async Task<string[]> IssueAsync(HttpClient office, string category, int count)
    {
        JsonElement issued = await JsonAsync(await office.PostAsync("/api/v1/arena/sessions/CONTROL-L/judges", Json($$"""{"category": "{{category}}", "count": {{count}}}""")), HttpStatusCode.Created);
        return [.. issued.GetProperty("judges").EnumerateArray().Select(j => j.GetProperty("token").GetString()!)];
    }

    private static async Task BallotAsync(WebApp web, string token, double q)
    {
        using HttpClient judge = web.ProgramClient(token);
        string body = string.Create(System.Globalization.CultureInfo.InvariantCulture, $$$"""{"session": "CONTROL-L", "contestant": "C01", "scores": {"Q": {{{q}}}}}""");
        await JsonAsync(await judge.PostAsync("/api/v1/arena/ballots", Json(body)), HttpStatusCode.OK);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
