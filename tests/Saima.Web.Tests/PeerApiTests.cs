using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The API's peers and external benchmarks over <see cref="Saima.Data.Store.PeerService"/>'s doors,
/// on <see cref="LeagueData"/> (scheme T, units C01–C05, 2025-06 published): named peers set and
/// read back with the comparison, benchmarks entered, listed, shown beside the gaps and removed,
/// and the doors' refusals as the API says them. Who may call what is the access matrix's.
/// </summary>
public sealed class PeerApiTests
{
    private const string Peers = "/api/v1/schemes/T/units/C01/peers";
    private const string Benchmarks = "/api/v1/schemes/T/benchmarks";

    [Fact]
    public async Task NamedPeers_SetByTheOffice_AreReadBack_WithTheComparison()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient reporter = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));

        JsonElement before = await JsonAsync(await reporter.GetAsync(Peers));
        before.GetProperty("named").GetArrayLength().ShouldBe(0);
        before.GetProperty("period").GetString().ShouldBe("2025-06");
        before.GetProperty("basis").GetString().ShouldBe("none");            // no context indicators set
        before.GetProperty("absence").GetString().ShouldBe("noContextIndicators");
        before.GetProperty("gapsTotal").GetInt32().ShouldBe(4);

        JsonElement set = await JsonAsync(await office.PutAsync(Peers, Json("{\"peers\": [\"C03\", \"C02\"], \"reason\": \"同类县\"}")));
        set.GetProperty("named").EnumerateArray().Select(e => e.GetString()).ShouldBe(["C02", "C03"]);
        set.GetProperty("basis").GetString().ShouldBe("named");
        set.GetProperty("peers").EnumerateArray().Select(e => e.GetProperty("unit").GetString()).Order(StringComparer.Ordinal).ShouldBe(["C02", "C03"]);

        JsonElement read = await JsonAsync(await reporter.GetAsync(Peers));
        read.GetProperty("named").GetArrayLength().ShouldBe(2);
        JsonElement gdp = read.GetProperty("gaps").EnumerateArray().Single(g => g.GetProperty("indicator").GetString() == "GDP");
        gdp.GetProperty("value").GetDouble().ShouldBe(90);                    // C01's GDP in 2025-06
        gdp.GetProperty("best").GetDouble().ShouldBe(100);                    // C02
        gdp.GetProperty("bestUnit").GetString().ShouldBe("C02");

        // An empty list names none again.
        (await JsonAsync(await office.PutAsync(Peers, Json("{\"peers\": []}")))).GetProperty("named").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task NamedPeers_Refusals_AreProblemsWithTheDoorsCode()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient reporter = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));

        (await ProblemAsync(await office.PutAsync(Peers, Json("{\"peers\": [\"C01\"]}")), HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("PeerSelf");
        (await ProblemAsync(await office.PutAsync(Peers, Json("{\"peers\": [\"NOPE\"]}")), HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("PeerNotInScheme");
        string many = "[" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"X{i}\"")) + "]";
        (await ProblemAsync(await office.PutAsync(Peers, Json("{\"peers\": " + many + "}")), HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("PeersTooMany");
        (await ProblemAsync(await office.PutAsync(Peers, Json("{\"peers\": \"C02\"}")), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("peers", out _).ShouldBeTrue();
        (await ProblemAsync(await reporter.PutAsync(Peers, Json("{\"peers\": [\"C02\"]}")), HttpStatusCode.Forbidden)).GetProperty("code").GetString().ShouldBe("OfficeOnly");
        await ProblemAsync(await office.PutAsync("/api/v1/schemes/T/units/NOPE/peers", Json("{\"peers\": []}")), HttpStatusCode.NotFound);
        await ProblemAsync(await office.GetAsync("/api/v1/schemes/NOPE/units/C01/peers"), HttpStatusCode.NotFound);

        // Nothing was named by any refused request.
        (await JsonAsync(await office.GetAsync(Peers))).GetProperty("named").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Benchmarks_Entered_Listed_ShownBesideTheGaps_AndRemoved()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient leader = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));

        using HttpResponseMessage created = await office.PostAsync(Benchmarks, Json("{\"name\": \"先进城市甲\", \"indicator\": \"REV\", \"period\": \"2025-06\", \"value\": 75, \"source\": \"甲市统计月报\"}"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        JsonElement b = await JsonAsync(created);
        long id = b.GetProperty("id").GetInt64();
        created.Headers.Location!.OriginalString.ShouldBe(Benchmarks + "/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        b.GetProperty("enteredBy").GetString().ShouldBe("office.li");

        // A second place, so that the list pages.
        await JsonAsync(await office.PostAsync(Benchmarks, Json("{\"name\": \"先进城市乙\", \"indicator\": \"GDP\", \"period\": \"2025\", \"value\": 200, \"source\": \"乙市年鉴\"}")));
        using HttpResponseMessage first = await leader.GetAsync(Benchmarks + "?limit=1");
        JsonElement page = await JsonAsync(first);
        page.GetArrayLength().ShouldBe(1);
        page[0].GetProperty("name").GetString().ShouldBe("先进城市甲");
        string cursor = first.Headers.GetValues("X-Next-Cursor").Single();
        JsonElement second = await JsonAsync(await leader.GetAsync(Benchmarks + "?limit=1&cursor=" + Uri.EscapeDataString(cursor)));
        second.GetArrayLength().ShouldBe(1);
        second[0].GetProperty("period").GetString().ShouldBe("2025");

        // Beside C01's gap of REV (its value 40): behind by 35.
        JsonElement rev = (await JsonAsync(await leader.GetAsync(Peers))).GetProperty("gaps").EnumerateArray().Single(g => g.GetProperty("indicator").GetString() == "REV");
        JsonElement shown = rev.GetProperty("benchmarks").EnumerateArray().Single();
        shown.GetProperty("id").GetInt64().ShouldBe(id);
        shown.GetProperty("gap").GetDouble().ShouldBe(35);

        // The same place, indicator and period again: refused with the door's code.
        (await ProblemAsync(await office.PostAsync(Benchmarks, Json("{\"name\": \"先进城市甲\", \"indicator\": \"REV\", \"period\": \"2025-06\", \"value\": 1, \"source\": \"x\"}")), HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("BenchmarkInvalid");
        (await ProblemAsync(await office.PostAsync(Benchmarks, Json("{\"name\": \"丙\", \"indicator\": \"REV\", \"period\": \"June\", \"value\": 1, \"source\": \"x\"}")), HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("BenchmarkInvalid");
        (await ProblemAsync(await office.PostAsync(Benchmarks, Json("{\"name\": \"丙\", \"indicator\": \"REV\", \"period\": \"2025-06\", \"value\": \"1\", \"source\": \"x\"}")), HttpStatusCode.BadRequest))
            .GetProperty("errors").TryGetProperty("value", out _).ShouldBeTrue();
        (await ProblemAsync(await leader.PostAsync(Benchmarks, Json("{\"name\": \"丙\", \"indicator\": \"REV\", \"period\": \"2025-06\", \"value\": 1, \"source\": \"x\"}")), HttpStatusCode.Forbidden))
            .GetProperty("code").GetString().ShouldBe("OfficeOnly");

        (await leader.DeleteAsync(Benchmarks + "/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await office.DeleteAsync(Benchmarks + "/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await office.DeleteAsync(Benchmarks + "/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JsonElement left = await JsonAsync(await leader.GetAsync(Benchmarks));
        left.EnumerateArray().Select(x => x.GetProperty("name").GetString()).ShouldBe(["先进城市乙"]);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesThePeersAndBenchmarksEndpoints()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using JsonDocument doc = JsonDocument.Parse(await office.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = doc.RootElement.GetProperty("paths");
        JsonElement peers = paths.GetProperty("/api/v1/schemes/{scheme}/units/{unit}/peers");
        JsonElement list = paths.GetProperty("/api/v1/schemes/{scheme}/benchmarks");
        JsonElement one = paths.GetProperty("/api/v1/schemes/{scheme}/benchmarks/{id}");
        (JsonElement Op, string Id)[] ops =
        [
            (peers.GetProperty("get"), "GetUnitPeers"), (peers.GetProperty("put"), "SetUnitPeers"),
            (list.GetProperty("get"), "ListBenchmarks"), (list.GetProperty("post"), "AddBenchmark"), (one.GetProperty("delete"), "RemoveBenchmark"),
        ];
        foreach ((JsonElement op, string id) in ops)
        {
            op.GetProperty("operationId").GetString().ShouldBe(id);
            op.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace(id);
            op.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace(id);
            op.GetProperty("responses").TryGetProperty("401", out _).ShouldBeTrue(id);
        }

        peers.GetProperty("put").GetProperty("requestBody").GetProperty("required").GetBoolean().ShouldBeTrue();
        list.GetProperty("post").GetProperty("requestBody").GetProperty("required").GetBoolean().ShouldBeTrue();
        list.GetProperty("post").GetProperty("responses").TryGetProperty("201", out _).ShouldBeTrue();
        one.GetProperty("delete").GetProperty("responses").TryGetProperty("204", out _).ShouldBeTrue();
        list.GetProperty("get").GetProperty("parameters").EnumerateArray().ShouldContain(x => x.GetProperty("name").GetString() == "cursor");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.IsSuccessStatusCode.ShouldBeTrue($"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage r, HttpStatusCode status)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(status, text);
        r.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
