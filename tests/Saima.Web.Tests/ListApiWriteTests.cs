using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The lists' and projects' writes through the API (on <see cref="LeagueData"/> with its users):
/// an item's whole life by program (the office creates, the owner unit starts, measures and
/// submits, the office returns, closes out and reopens), every step in the item's history;
/// refusals by field (400), by state (409 with the code) and by unit (403); and the owner unit's
/// monthly investment report of a project, read back from the paged project list.
/// </summary>
public sealed class ListApiWriteTests
{
    [Fact]
    public async Task AnItemsLife_ThroughTheApi_EachStepByTheRightUser_AndInItsHistory()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using HttpClient unit = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        using HttpClient other = web.ProgramClient(await web.MakeTokenAsync("rep.c02"));

        using HttpResponseMessage created = await PostAsync(office, "/api/v1/items",
            """{"kind": "supervision", "title": "招商引资进度滞后", "owner": "C01", "coOwners": ["C03"], "responsible": "王局长", "deadline": "2030-09-30", "source": "instruction"}""");
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using JsonDocument item = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long id = item.RootElement.GetProperty("item").GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().ShouldBe("/api/v1/items/" + id);
        item.RootElement.GetProperty("item").GetProperty("state").GetString().ShouldBe("open");
        item.RootElement.GetProperty("coOwners").EnumerateArray().Select(e => e.GetString()).ShouldBe(["C03"]);
        string path = "/api/v1/items/" + id;

        // Another unit may not act on it; the owner may not close it out; nothing changes.
        (await PostAsync(other, path + "/start", "")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(unit, path + "/closeout", """{"text": "自行销号"}""")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await StateAsync(await PostAsync(unit, path + "/start", ""))).ShouldBe("inprogress");
        using HttpResponseMessage measure = await PostAsync(unit, path + "/measures", """{"text": "每周调度在谈项目", "owner": "招商科", "deadline": "2030-06-30"}""");
        measure.StatusCode.ShouldBe(HttpStatusCode.Created);
        using JsonDocument m = JsonDocument.Parse(await measure.Content.ReadAsStringAsync());
        long measureId = m.RootElement.GetProperty("id").GetInt64();
        using HttpResponseMessage moved = await PostAsync(unit, "/api/v1/measures/" + measureId + "/state", """{"state": "done"}""");
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await moved.Content.ReadAsStringAsync()).ShouldContain("\"state\":\"done\"");

        // A close-out before submission is the item's state standing in the way: 409 with the code.
        using HttpResponseMessage early = await PostAsync(office, path + "/closeout", """{"text": "同意"}""");
        early.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await early.Content.ReadAsStringAsync()).ShouldContain("\"code\":\"" + WorkflowCodes.ListState + "\"");

        (await StateAsync(await PostAsync(unit, path + "/submit", """{"text": "已签约三个项目"}"""))).ShouldBe("submitted");
        (await StateAsync(await PostAsync(office, path + "/return", """{"text": "缺少合同佐证"}"""))).ShouldBe("returned");
        (await StateAsync(await PostAsync(unit, path + "/submit", """{"text": "补充了合同"}"""))).ShouldBe("submitted");
        (await StateAsync(await PostAsync(office, path + "/closeout", """{"text": "同意销号"}"""))).ShouldBe("closed");
        (await PostAsync(unit, path + "/comments", """{"text": "感谢督促"}""")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await StateAsync(await PostAsync(office, path + "/reopen", """{"text": "回头看发现反弹"}"""))).ShouldBe("inprogress");

        using JsonDocument detail = JsonDocument.Parse(await office.GetStringAsync(path));
        string[] actions = [.. detail.RootElement.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!)];
        foreach (string a in new[] { "create", "start", "measure", "submit", "return", "close", "reopen" })
        {
            actions.ShouldContain(a, string.Join(",", actions));
        }

        detail.RootElement.GetProperty("history").EnumerateArray()
            .Where(h => h.GetProperty("action").GetString() == "return").Select(h => h.GetProperty("user").GetString()).ShouldBe(["office.li"]);
        detail.RootElement.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("text").GetString()).ShouldBe(["感谢督促"]);
    }

    [Fact]
    public async Task Create_WithBadFields_NamesEachField_AndStoresNothing()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        int before = Count(web.Store);

        using HttpResponseMessage r = await PostAsync(office, "/api/v1/items",
            """{"kind": "2", "title": "", "owner": "C99", "deadline": "30/09/2030", "coOwners": "C02"}""");

        r.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using JsonDocument problem = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var fields = problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        fields.ShouldBe(["kind", "deadline", "coOwners"], ignoreOrder: true);

        // The shape is right now; the door names what the store refuses (no title, no unit C99).
        using HttpResponseMessage door = await PostAsync(office, "/api/v1/items", """{"kind": "commitment", "title": " ", "owner": "C99"}""");
        door.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        string text = await door.Content.ReadAsStringAsync();
        text.ShouldContain("\"title\"");
        text.ShouldContain("\"owner\"");
        Count(web.Store).ShouldBe(before);

        // A session in the browser may read the API but not write through it.
        await web.SwitchToAsync("office.li");
        (await web.Client.PostAsync("/api/v1/items", new StringContent("""{"kind": "commitment", "title": "浏览器", "owner": "C01"}""", Encoding.UTF8, "application/json")))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        Count(web.Store).ShouldBe(before);
    }

    [Fact]
    public async Task ProjectInvestment_ReportedByTheOwnerUnit_ShowsInTheList_OtherUnitsRefused()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var projects = new ProjectService(db, TimeProvider.System);
            ProjectBatch batch = await projects.CreateBatchAsync(Actor.Office("office.li"), "第六批", new DateOnly(2025, 1, 10));
            id = (await projects.AddAsync(Actor.Office("office.li"), new ProjectSpec(batch.Id, "P-601", "新能源电池项目", "C01", "产业项目", 50_000,
                new DateOnly(2025, 2, 1), new DateOnly(2025, 5, 1), new DateOnly(2026, 12, 31)))).Id;
        }

        using HttpClient unit = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        using HttpClient other = web.ProgramClient(await web.MakeTokenAsync("rep.c02"));
        string month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        using HttpResponseMessage reported = await PostAsync(unit, "/api/v1/projects/" + id + "/investment", "{\"month\": \"" + month + "\", \"done\": 1250.5}");
        reported.StatusCode.ShouldBe(HttpStatusCode.OK, await reported.Content.ReadAsStringAsync());
        (await PostAsync(other, "/api/v1/projects/" + id + "/investment", "{\"month\": \"" + month + "\", \"done\": 9}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(unit, "/api/v1/projects/" + id + "/investment", """{"month": "2025-13", "done": "x"}""")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using JsonDocument list = JsonDocument.Parse(await unit.GetStringAsync("/api/v1/projects?unit=C01"));
        JsonElement row = list.RootElement.EnumerateArray().Single();
        row.GetProperty("code").GetString().ShouldBe("P-601");
        row.GetProperty("yearDone").GetDouble().ShouldBe(1250.5);
        using JsonDocument none = JsonDocument.Parse(await other.GetStringAsync("/api/v1/projects"));
        none.RootElement.GetArrayLength().ShouldBe(0);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, json.Length == 0 ? null : new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string?> StateAsync(HttpResponseMessage r)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        using JsonDocument json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("item").GetProperty("state").GetString();
    }

    private static int Count(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.ListItems.Count();
    }
}
