using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The on-site evaluation API as its contract has it, against the application in process (on
/// <see cref="LeagueData"/>: counties C01–C05 of scheme T, 2025-07 open): sessions, judges,
/// rounds, ballots with the judge's token and every refusal, results, publication into the
/// figures; and hundreds of judges at once, checked against an independent computation.
/// </summary>
public sealed class ArenaApiTests
{
    private const string Body = """
        { "code": "2025Q3-COUNTY", "name": "2025年三季度县区擂台比拼", "stage": "county",
          "contestants": ["C01", "C02", "C03"],
          "criteria": [ { "code": "Q", "name": "比质量", "max": 20 }, { "code": "P", "name": "比项目", "max": 30 } ],
          "categories": [ { "code": "LEAD", "name": "市领导", "weight": 0.5, "trim": 1 }, { "code": "PUB", "name": "群众代表", "weight": 0.5, "trim": 1 } ],
          "points": { "scheme": "T", "period": "2025-07", "indicator": "AIR" } }
        """;

    private const string Sessions = "/api/v1/arena/sessions";
    private const string Session = Sessions + "/2025Q3-COUNTY";

    [Fact]
    public async Task Contract_SessionJudgesRoundsBallotsResultsAndPublication()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient leader = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));

        HttpResponseMessage created = await office.PostAsync(Sessions, Json(Body));
        JsonElement session = await JsonAsync(created, HttpStatusCode.Created);
        session.GetProperty("code").GetString().ShouldBe("2025Q3-COUNTY");
        session.GetProperty("contestants").EnumerateArray().Select(c => c.GetString()).ShouldBe(["C01", "C02", "C03"]);
        session.GetProperty("criteria")[1].GetProperty("max").GetDouble().ShouldBe(30);
        session.GetProperty("categories")[0].GetProperty("trim").GetInt32().ShouldBe(1);
        (await office.PostAsync(Sessions, Json(Body))).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await leader.PostAsync(Sessions, Json(Body.Replace("2025Q3-COUNTY", "X1", StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Malformed parts are named.
        string bad = Body.Replace("\"max\": 30", "\"max\": 0", StringComparison.Ordinal).Replace("\"weight\": 0.5, \"trim\": 1 }, { \"code\": \"PUB\"", "\"trim\": 1 }, { \"code\": \"PUB\"", StringComparison.Ordinal)
            .Replace("2025Q3-COUNTY", "BAD", StringComparison.Ordinal);
        JsonElement invalid = await JsonAsync(await office.PostAsync(Sessions, Json(bad)), HttpStatusCode.BadRequest);
        invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["criteria[1].max", "categories[0].weight"], ignoreOrder: true);

        JsonElement issued = await JsonAsync(await office.PostAsync(Session + "/judges", Json("""{"category": "LEAD", "count": 3}""")), HttpStatusCode.Created);
        string[] lead = [.. issued.GetProperty("judges").EnumerateArray().Select(j => j.GetProperty("token").GetString()!)];
        lead.Length.ShouldBe(3);
        issued.GetProperty("judges")[0].GetProperty("url").GetString().ShouldBe("http://127.0.0.1/arena/j/" + lead[0]);
        issued.GetProperty("judges")[0].GetProperty("unit").ValueKind.ShouldBe(JsonValueKind.Null);
        JsonElement named = await JsonAsync(await office.PostAsync(Session + "/judges", Json("""{"category": "PUB", "names": ["张三", "李四"], "unit": "C02"}""")), HttpStatusCode.Created);
        string zhang = named.GetProperty("judges")[0].GetProperty("token").GetString()!;
        named.GetProperty("judges")[0].GetProperty("unit").GetString().ShouldBe("C02");

        string ballot = """{"session": "2025Q3-COUNTY", "contestant": "C01", "scores": {"Q": 18.5, "P": 27}}""";
        (await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot))).StatusCode.ShouldBe(HttpStatusCode.Conflict, "the round is not open");
        JsonElement opened = await JsonAsync(await office.PostAsync(Session + "/contestants/C01/open", null), HttpStatusCode.OK);
        (opened.GetProperty("unit").GetString(), opened.GetProperty("state").GetString(), opened.GetProperty("ballots").GetInt32()).ShouldBe(("C01", "open", 0));

        JsonElement accepted = await JsonAsync(await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot)), HttpStatusCode.OK);
        accepted.GetProperty("accepted").GetBoolean().ShouldBeTrue();
        accepted.GetProperty("total").GetDouble().ShouldBe(45.5);
        (await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot))).StatusCode.ShouldBe(HttpStatusCode.OK, "the same body twice is harmless");
        await JsonAsync(await Judge(web, lead[1]).PostAsync("/api/v1/arena/ballots", Json(ballot.Replace("18.5", "10", StringComparison.Ordinal))), HttpStatusCode.OK);
        await JsonAsync(await Judge(web, lead[2]).PostAsync("/api/v1/arena/ballots", Json(ballot.Replace("27", "30", StringComparison.Ordinal))), HttpStatusCode.OK);
        await JsonAsync(await Judge(web, zhang).PostAsync("/api/v1/arena/ballots", Json(ballot)), HttpStatusCode.OK);

        // Refusals.
        JsonElement malformed = await JsonAsync(await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots",
            Json("""{"session": "2025Q3-COUNTY", "contestant": "C01", "scores": {"Q": 18.3, "X": 1}}""")), HttpStatusCode.BadRequest);
        malformed.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["scores.X", "scores.Q", "scores.P"], ignoreOrder: true);
        (await Judge(web, "j_not-a-token").PostAsync("/api/v1/arena/ballots", Json(ballot))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await web.ProgramClient().PostAsync("/api/v1/arena/ballots", Json(ballot))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await office.PostAsync(Session + "/contestants/C02/open", null);
        (await Judge(web, zhang).PostAsync("/api/v1/arena/ballots", Json(ballot.Replace("C01", "C02", StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.Conflict, "a judge of C02 never rates C02");
        (await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot.Replace("2025Q3-COUNTY", "OTHER", StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot.Replace("C01", "C05", StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // Results: the office at any time, others once published.
        JsonElement results = await JsonAsync(await office.GetAsync(Session + "/results"), HttpStatusCode.OK);
        results.GetProperty("published").GetBoolean().ShouldBeFalse();
        JsonElement c01 = results.GetProperty("contestants")[0];
        c01.GetProperty("unit").GetString().ShouldBe("C01");
        c01.GetProperty("ballots").GetInt32().ShouldBe(4);
        JsonElement leadScore = c01.GetProperty("categories")[0];
        (leadScore.GetProperty("code").GetString(), leadScore.GetProperty("ballots").GetInt32(), leadScore.GetProperty("used").GetInt32(), leadScore.GetProperty("score").GetDouble())
            .ShouldBe(("LEAD", 3, 1, 45.5), "37, 45.5 and 48.5: one dropped at each end");
        c01.GetProperty("score").GetDouble().ShouldBe(45.5, "LEAD 45.5 and PUB 45.5, half each");
        c01.GetProperty("rank").GetInt32().ShouldBe(1);
        results.GetProperty("judges").GetArrayLength().ShouldBe(5);
        (await leader.GetAsync(Session + "/results")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        JsonElement notClosed = await JsonAsync(await office.PostAsync(Session + "/publish", null), HttpStatusCode.Conflict);
        notClosed.GetProperty("rounds").EnumerateArray().Select(r => r.GetString()).ShouldBe(["C01", "C02", "C03"]);
        foreach (string unit in new[] { "C01", "C02", "C03" })
        {
            JsonElement closed = await JsonAsync(await office.PostAsync($"{Session}/contestants/{unit}/close", null), HttpStatusCode.OK);
            closed.GetProperty("state").GetString().ShouldBe("closed");
        }

        (await Judge(web, lead[0]).PostAsync("/api/v1/arena/ballots", Json(ballot))).StatusCode.ShouldBe(HttpStatusCode.Conflict, "the round is closed");
        JsonElement published = await JsonAsync(await office.PostAsync(Session + "/publish", null), HttpStatusCode.OK);
        published.GetProperty("published").GetBoolean().ShouldBeTrue();
        JsonElement read = await JsonAsync(await leader.GetAsync(Session + "/results"), HttpStatusCode.OK);
        read.GetProperty("contestants")[0].GetProperty("score").GetDouble().ShouldBe(45.5);

        using SaimaDb db = SaimaDb.Open(web.Store);
        long c01Id = db.Units.Single(u => u.Code == "C01").Id;
        long air = db.Indicators.Single(i => i.Code == "AIR").Id;
        Figure figure = db.Figures.Single(f => f.UnitId == c01Id && f.IndicatorId == air && f.Period == "2025-07" && f.IsCurrent);
        (figure.Value, figure.Status).ShouldBe((45.5, FigureStatus.Approved));
    }

    [Fact]
    public async Task TwoHundredFortyJudgesAtOnce_EveryAcceptedBallotCounts_AsAnIndependentComputationSays()
    {
        await using var web = await StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        await JsonAsync(await office.PostAsync(Sessions, Json(Body.Replace("\"trim\": 1 }, { \"code\": \"PUB\"", "\"trim\": 2 }, { \"code\": \"PUB\"", StringComparison.Ordinal))), HttpStatusCode.Created);
        var judges = new List<(string Token, string Category)>();
        foreach ((string category, int count) in new[] { ("LEAD", 40), ("PUB", 200) })
        {
            JsonElement issued = await JsonAsync(await office.PostAsync(Session + "/judges", Json($$"""{"category": "{{category}}", "count": {{count}}}""")), HttpStatusCode.Created);
            judges.AddRange(issued.GetProperty("judges").EnumerateArray().Select(j => (j.GetProperty("token").GetString()!, category)));
        }

        await office.PostAsync(Session + "/contestants/C01/open", null);

        // Every judge sends a ballot; every third sends it twice (a phone resending), every fifth corrects it afterwards.
        double Q(int i, bool corrected) => corrected ? 20 - (i % 3) : i * 3 % 41 * 0.5;
        double P(int i, bool corrected) => corrected ? 30 - (i % 7) : i * 7 % 61 * 0.5;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(judges.Select((j, i) => Task.Run(async () =>
        {
            using HttpClient phone = Judge(web, j.Token);
            string body = C01Ballot(Q(i, false), P(i, false));
            statuses.Add((await phone.PostAsync("/api/v1/arena/ballots", Json(body))).StatusCode);
            if (i % 3 == 0)
            {
                statuses.Add((await phone.PostAsync("/api/v1/arena/ballots", Json(body))).StatusCode);
            }

            if (i % 5 == 0)
            {
                string fix = C01Ballot(Q(i, true), P(i, true));
                statuses.Add((await phone.PostAsync("/api/v1/arena/ballots", Json(fix))).StatusCode);
            }
        })));

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
        JsonElement results = await JsonAsync(await office.GetAsync(Session + "/results"), HttpStatusCode.OK);

        // Independently: the latest total of each judge, per category sorted, trim each end when n > 2·trim, mean, weighted.
        double Mean(string category, int trim)
        {
            double[] totals = [.. judges.Select((j, i) => (j.Category, Total: i % 5 == 0 ? Q(i, true) + P(i, true) : Q(i, false) + P(i, false)))
                .Where(x => x.Category == category).Select(x => x.Total).Order()];
            return totals.Skip(trim).Take(totals.Length - (2 * trim)).Average();
        }

        double expected = (0.5 * Mean("LEAD", 2)) + (0.5 * Mean("PUB", 1));
        JsonElement c01 = results.GetProperty("contestants")[0];
        c01.GetProperty("ballots").GetInt32().ShouldBe(240);
        c01.GetProperty("score").GetDouble().ShouldBe(expected, 1e-9);
        c01.GetProperty("categories")[0].GetProperty("used").GetInt32().ShouldBe(36);
        c01.GetProperty("categories")[1].GetProperty("used").GetInt32().ShouldBe(198);
        using SaimaDb db = SaimaDb.Open(web.Store);
        db.ArenaBallots.Count().ShouldBe(240 + 48, "one version per judge, a second for each of the 48 who corrected theirs; repeats add none");
        db.Audit.Count(a => a.Entity == "arena_ballot").ShouldBe(288);
    }

    private static string C01Ballot(double q, double p) =>
        "{\"session\": \"2025Q3-COUNTY\", \"contestant\": \"C01\", \"scores\": {\"Q\": " + q.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ", \"P\": " + p.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";

    private static HttpClient Judge(WebApp web, string token) => web.ProgramClient(token);

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
