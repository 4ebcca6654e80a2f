using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Web.Features.Arena;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The hall's board in the application (on <see cref="LeagueData"/>): the office's choice of
/// live scores or scores at the end (given through the API, changed on the control page; the
/// board's JSON carries no score until the end), and the board's event stream (a ballot sent
/// through the API arrives on it; the stream's access and its bound per session).
/// </summary>
public sealed class ArenaBoardWebTests
{
    private const string Body = """
        { "code": "BOARD-W", "name": "大屏擂台", "stage": "county", "contestants": ["C01", "C02", "C03"],
          "criteria": [ { "code": "Q", "name": "比质量", "max": 20 } ],
          "categories": [ { "code": "LEAD", "name": "市领导", "weight": 0.5 }, { "code": "PUB", "name": "群众代表", "weight": 0.5 } ],
          "board": "end" }
        """;

    [Fact]
    public async Task AtTheEnd_TheBoardShowsBallotsByCategoryAndNoScore_UntilEveryRoundIsClosed()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        JsonElement created = await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(Body)), HttpStatusCode.Created);
        created.GetProperty("board").GetString().ShouldBe("end");
        (await office.PostAsync("/api/v1/arena/sessions", Json(Body.Replace("BOARD-W", "BOARD-X", StringComparison.Ordinal).Replace("\"end\"", "\"later\"", StringComparison.Ordinal))))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        string[] lead = await IssueAsync(office, "BOARD-W", "LEAD", 3);
        string[] pub = await IssueAsync(office, "BOARD-W", "PUB", 1);
        await OpenAsync(office, "BOARD-W", "C01");
        await BallotAsync(web, lead[0], "BOARD-W", "C01", 18);
        await BallotAsync(web, lead[1], "BOARD-W", "C01", 12);
        await BallotAsync(web, pub[0], "BOARD-W", "C01", 16);
        await web.SwitchToAsync("office.li");

        string open = await web.Client.GetStringAsync("/arena/s/BOARD-W/board?handler=Data");
        JsonElement state = JsonDocument.Parse(open).RootElement;
        state.GetProperty("scores").GetBoolean().ShouldBeFalse();
        state.GetProperty("now")[0].GetProperty("categories").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("ballots").GetInt32()))
            .ShouldBe([("市领导", 2), ("群众代表", 1)]);
        state.TryGetProperty("ranking", out _).ShouldBeFalse();
        open.ShouldNotContain("score\"", Case.Insensitive, "no score of any kind while the board waits for the end");
        open.ShouldNotContain("15.", Case.Sensitive);

        await CloseAsync(office, "BOARD-W", "C01");
        string closedOne = await web.Client.GetStringAsync("/arena/s/BOARD-W/board?handler=Data");
        closedOne.ShouldNotContain("ranking", Case.Sensitive, "a closed round keeps its score hidden until the end");
        string page = await web.Client.GetStringAsync("/arena/s/BOARD-W/board");
        page.ShouldContain("全部评分结束后揭晓");
        page.ShouldNotContain("<td class=\"num\">", Case.Sensitive);

        // The office turns the board live on the control page: the closed round's score shows.
        using (HttpResponseMessage live = await web.PostFormAsync("/arena/s/BOARD-W", "/arena/s/BOARD-W?handler=Board", ("board", "live")))
        {
            live.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            live.Headers.Location!.ToString().ShouldBe("/arena/s/BOARD-W?done=board");
        }

        JsonElement shown = JsonDocument.Parse(await web.Client.GetStringAsync("/arena/s/BOARD-W/board?handler=Data")).RootElement;
        shown.GetProperty("scores").GetBoolean().ShouldBeTrue();
        JsonElement line = shown.GetProperty("ranking").EnumerateArray().ShouldHaveSingleItem("only closed rounds are ranked live");
        (line.GetProperty("unit").GetString(), line.GetProperty("rank").GetInt32(), line.GetProperty("score").GetDouble()).ShouldBe(("C01", 1, 15.5));

        using (HttpResponseMessage back = await web.PostFormAsync("/arena/s/BOARD-W", "/arena/s/BOARD-W?handler=Board", ("board", "end")))
        {
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        await CloseAsync(office, "BOARD-W", "C02");
        await CloseAsync(office, "BOARD-W", "C03");
        JsonElement end = JsonDocument.Parse(await web.Client.GetStringAsync("/arena/s/BOARD-W/board?handler=Data")).RootElement;
        end.GetProperty("scores").GetBoolean().ShouldBeTrue("every round is closed: the end has come");
        end.GetProperty("ranking")[0].GetProperty("score").GetDouble().ShouldBe(15.5);

        using HttpResponseMessage fixedNow = await web.PostFormAsync("/arena/s/BOARD-W", "/arena/s/BOARD-W?handler=Board", ("board", "live"));
        fixedNow.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await fixedNow.Content.ReadAsStringAsync()).ShouldContain("大屏显示方式不能再更改");
    }

    [Fact]
    public async Task Stream_SendsTheNewBallotCount_WhenABallotArrivesThroughTheApi()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(Body.Replace("\"end\"", "\"live\"", StringComparison.Ordinal))), HttpStatusCode.Created);
        string[] lead = await IssueAsync(office, "BOARD-W", "LEAD", 2);
        await OpenAsync(office, "BOARD-W", "C01");
        await web.SwitchToAsync("office.li");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage stream = await web.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/arena/s/BOARD-W/board?handler=Stream"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        JsonElement first = await NextStateAsync(reader, timeout.Token);
        first.GetProperty("now")[0].GetProperty("ballots").GetInt32().ShouldBe(0);

        await BallotAsync(web, lead[0], "BOARD-W", "C01", 18);
        JsonElement after = await NextStateAsync(reader, timeout.Token);
        after.GetProperty("now")[0].GetProperty("ballots").GetInt32().ShouldBe(1);
        after.GetProperty("now")[0].GetProperty("categories")[0].GetProperty("ballots").GetInt32().ShouldBe(1);

        await CloseAsync(office, "BOARD-W", "C01");
        JsonElement closed = await NextStateAsync(reader, timeout.Token);
        closed.GetProperty("now").GetArrayLength().ShouldBe(0);
        closed.GetProperty("ranking")[0].GetProperty("score").GetDouble().ShouldBe(18, "live: the round's score as it closes");
    }

    [Fact]
    public async Task Stream_IsTheOfficesBeforePublication_AndBoundedPerSession()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        await JsonAsync(await office.PostAsync("/api/v1/arena/sessions", Json(Body.Replace("BOARD-W", "BOARD-B", StringComparison.Ordinal))), HttpStatusCode.Created);
        await web.SwitchToAsync("leader.zhou");
        using (HttpResponseMessage leader = await web.Client.GetAsync("/arena/s/BOARD-B/board?handler=Stream"))
        {
            leader.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        await web.SwitchToAsync("office.li");
        var open = new List<HttpResponseMessage>();
        try
        {
            for (int i = 0; i < BoardStreams.MaxPerSession; i++)
            {
                HttpResponseMessage s = await web.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/arena/s/BOARD-B/board?handler=Stream"), HttpCompletionOption.ResponseHeadersRead);
                s.StatusCode.ShouldBe(HttpStatusCode.OK);
                open.Add(s);
            }

            using (HttpResponseMessage refused = await web.Client.GetAsync("/arena/s/BOARD-B/board?handler=Stream"))
            {
                refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "the page falls back to polling");
                refused.Headers.RetryAfter.ShouldNotBeNull();
            }

            (await web.Client.GetAsync("/arena/s/BOARD-B/board?handler=Data")).StatusCode.ShouldBe(HttpStatusCode.OK, "polling is not bounded by the streams");
        }
        finally
        {
            foreach (HttpResponseMessage s in open)
            {
                s.Dispose();
            }
        }
    }

    private static async Task<JsonElement> NextStateAsync(StreamReader reader, CancellationToken cancel)
    {
        string? evt = null;
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                evt = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && evt == "state")
            {
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
            }
        }

        throw new InvalidOperationException("the stream ended");
    }

    private static async Task<string[]> IssueAsync(HttpClient office, string session, string category, int count)
    {
        JsonElement issued = await JsonAsync(await office.PostAsync($"/api/v1/arena/sessions/{session}/judges", Json($$"""{"category": "{{category}}", "count": {{count}}}""")), HttpStatusCode.Created);
        return [.. issued.GetProperty("judges").EnumerateArray().Select(j => j.GetProperty("token").GetString()!)];
    }

    private static async Task OpenAsync(HttpClient office, string session, string unit) =>
        await JsonAsync(await office.PostAsync($"/api/v1/arena/sessions/{session}/contestants/{unit}/open", null), HttpStatusCode.OK);

    private static async Task CloseAsync(HttpClient office, string session, string unit) =>
        await JsonAsync(await office.PostAsync($"/api/v1/arena/sessions/{session}/contestants/{unit}/close", null), HttpStatusCode.OK);

    private static async Task BallotAsync(WebApp web, string token, string session, string unit, double q)
    {
        using HttpClient judge = web.ProgramClient(token);
        string body = string.Create(System.Globalization.CultureInfo.InvariantCulture, $$$"""{"session": "{{{session}}}", "contestant": "{{{unit}}}", "scores": {"Q": {{{q}}}}}""");
        await JsonAsync(await judge.PostAsync("/api/v1/arena/ballots", Json(body)), HttpStatusCode.OK);
    }

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
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
