using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The leaders' board of the lists (<c>/lists/leaders</c>: the overdue and escalated items, the
/// resolution rate per unit worst first and by month) and an item's evidence through the API
/// (<c>POST/GET /api/v1/items/{id}/evidence</c>: the item page's door by program, the same file
/// checks, a refused file named by its field), on <see cref="LeagueData"/> with its users.
/// </summary>
public sealed class ListLeaderWebTests
{
    [Fact]
    public async Task LeadersBoard_ShowsTheOverdueAndEscalatedItems_AndTheUnitsWorstFirst_UnitsRefused()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var lists = new ListService(db, TimeProvider.System);
            DateOnly today = await lists.TodayAsync();
            Actor office = Actor.Office("office.li");
            await lists.CreateAsync(office, new ListItemSpec(ListKind.Shortcoming, "青山区招商引资逾期未办", null, "C01", null, "王局长", today.AddDays(-10)));
            ListItem escalated = await lists.CreateAsync(office, new ListItemSpec(ListKind.Supervision, "临江县督办函：营收连续黄灯", null, "C02", null, "李局长", today.AddDays(20)));
            ListItem onTime = await lists.CreateAsync(office, new ListItemSpec(ListKind.Shortcoming, "临江县按期办结事项", null, "C02", null, null, today.AddDays(5)));
            Actor c02 = Actor.Reporter("rep.c02", db.Units.Single(u => u.Code == "C02").Id);
            await lists.StartAsync(c02, onTime.Id);
            await lists.SubmitAsync(c02, onTime.Id, "已办结");
            await lists.CloseOutAsync(office, onTime.Id, null);
            ListItem stored = await db.ListItems.SingleAsync(i => i.Id == escalated.Id);
            stored.SourceKey = EscalationService.KeyPrefix + "T/2025-06/C02/GDP/0";
            await db.SaveChangesAsync();
        }

        await web.SwitchToAsync("leader.zhou");
        string page = await web.Client.GetStringAsync("/lists/leaders");
        page.ShouldContain("id=\"nav-list-leaders\"");
        Section(page, "leaders-overdue").ShouldContain("青山区招商引资逾期未办");
        Section(page, "leaders-overdue").ShouldNotContain("临江县督办函");
        Section(page, "leaders-escalated").ShouldContain("临江县督办函：营收连续黄灯");
        Section(page, "leaders-escalated").ShouldNotContain("青山区招商引资逾期未办");

        // C01 has an item overdue and none closed (0%), C02 one closed on time (100%): C01 first.
        string units = Section(page, "leaders-units");
        units.IndexOf("data-unit=\"C01\"", StringComparison.Ordinal).ShouldBeGreaterThan(-1);
        units.IndexOf("data-unit=\"C01\"", StringComparison.Ordinal).ShouldBeLessThan(units.IndexOf("data-unit=\"C02\"", StringComparison.Ordinal));
        units.ShouldContain("100.0%");
        units.ShouldContain("0.0%");
        Count(Section(page, "leaders-months"), "data-month=\"").ShouldBe(12);
        page.ShouldContain("按期办结率走势");

        // The kind narrows every part: no supervision item is overdue.
        string supervision = await web.Client.GetStringAsync("/lists/leaders?kind=Supervision");
        Section(supervision, "leaders-overdue").ShouldNotContain("青山区招商引资逾期未办");
        Section(supervision, "leaders-escalated").ShouldContain("临江县督办函");

        (await web.Client.GetStringAsync("/lists")).ShouldContain("href=\"/lists/leaders\"");

        // Home carries the board at a glance for a leader: the door's totals over every unit.
        ListTotals totals;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            totals = await new ListService(db, TimeProvider.System).TotalsAsync(Actor.Leader("leader.zhou"));
        }

        (totals.Overdue, totals.Escalated).ShouldBe((1, 1));
        string home = Section(await web.Client.GetStringAsync("/"), "home-lists");
        home.ShouldContain("id=\"home-lists-overdue\" class=\"text-danger\">1<");
        home.ShouldContain("id=\"home-lists-escalated\">1<");
        home.ShouldContain("id=\"home-lists-open\">" + totals.Open + "<");
        home.ShouldContain("id=\"home-lists-rate\">" + Saima.Web.Features.Lists.ListTexts.Rate(totals.Rate) + "<");
        home.ShouldContain("href=\"/lists/leaders\"");

        await web.SwitchToAsync("rep.c01");
        (await web.Client.GetStringAsync("/")).ShouldNotContain("id=\"home-lists\"");
        (await web.Client.GetAsync("/lists/leaders")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await web.Client.GetStringAsync("/lists")).ShouldNotContain("href=\"/lists/leaders\"");
    }

    [Fact]
    public async Task Evidence_ThroughTheApi_IsStoredByTheOwnerUnit_Listed_Downloaded_AndABadFileIsRefusedByItsField()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            id = (await new ListService(db, TimeProvider.System).CreateAsync(Actor.Office("office.li"),
                new ListItemSpec(ListKind.Shortcoming, "营商环境整改", null, "C01", null, "王局长", new DateOnly(2030, 9, 30)))).Id;
        }

        using HttpClient unit = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        using HttpClient other = web.ProgramClient(await web.MakeTokenAsync("rep.c02"));
        using HttpClient leader = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));
        string path = "/api/v1/items/" + id + "/evidence";
        byte[] pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

        using HttpResponseMessage stored = await unit.PostAsync(path, Upload("file", "整改报告.pdf", pdf, note: "第一阶段整改"));
        string text = await stored.Content.ReadAsStringAsync();
        stored.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        JsonElement file = JsonDocument.Parse(text).RootElement;
        file.GetProperty("fileName").GetString().ShouldBe("整改报告.pdf");
        file.GetProperty("contentType").GetString().ShouldBe("application/pdf");
        file.GetProperty("size").GetInt64().ShouldBe(pdf.LongLength);
        string download = file.GetProperty("download").GetString()!;
        stored.Headers.Location!.ToString().ShouldBe(download);

        // A file the door refuses: not of a kind taken (its content is checked, not its name), named as the field "file".
        using HttpResponseMessage bad = await unit.PostAsync(path, Upload("file", "报告.pdf", [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x7F]));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonElement problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["file"]);
        problem.GetProperty("code").GetString().ShouldBe(WorkflowCodes.EvidenceType);
        using HttpResponseMessage empty = await unit.PostAsync(path, Upload("file", "空.txt", []));
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe(WorkflowCodes.EvidenceEmpty);
        using HttpResponseMessage noFile = await unit.PostAsync(path, Upload("attachment", "a.pdf", pdf));
        noFile.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noFile.Content.ReadAsStringAsync()).ShouldContain("\"file\"");
        using HttpResponseMessage json = await unit.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
        json.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Another unit may not add to it nor see it; a leader reads it; a browser session may not write.
        (await other.PostAsync(path, Upload("file", "x.pdf", pdf))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync(download)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await leader.PostAsync(path, Upload("file", "x.pdf", pdf))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await web.SwitchToAsync("office.li");
        (await web.Client.PostAsync(path, Upload("file", "x.pdf", pdf))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using HttpResponseMessage listed = await leader.GetAsync(path);
        listed.StatusCode.ShouldBe(HttpStatusCode.OK);
        listed.Headers.GetValues("X-Total-Count").ShouldBe(["1"]);
        JsonElement files = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement;
        files.GetProperty("total").GetInt32().ShouldBe(1);
        JsonElement only = files.GetProperty("files").EnumerateArray().ShouldHaveSingleItem();
        only.GetProperty("sha256").GetString().ShouldBe(file.GetProperty("sha256").GetString());
        (await leader.GetByteArrayAsync(download)).ShouldBe(pdf);
        (await leader.GetAsync("/api/v1/items/" + (id + 1000) + "/evidence")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The item's history has the upload by the token's user, the note as its reason.
        JsonElement detail = JsonDocument.Parse(await leader.GetStringAsync("/api/v1/items/" + id)).RootElement;
        JsonElement evt = detail.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("action").GetString() == "evidence");
        (evt.GetProperty("user").GetString(), evt.GetProperty("reason").GetString()).ShouldBe(("rep.c01", "第一阶段整改"));
        detail.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ShouldBe(["整改报告.pdf"]);

        // The OpenAPI document describes the upload as multipart with the file part.
        JsonElement doc = JsonDocument.Parse(await leader.GetStringAsync("/openapi/v1.json")).RootElement;
        JsonElement body = doc.GetProperty("paths").GetProperty("/api/v1/items/{id}/evidence").GetProperty("post").GetProperty("requestBody");
        JsonElement schema = body.GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        schema.GetProperty("properties").GetProperty("file").GetProperty("format").GetString().ShouldBe("binary");
        schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["file"]);
        doc.GetProperty("paths").GetProperty("/api/v1/items/{id}/evidence").TryGetProperty("get", out _).ShouldBeTrue();
    }

    private static MultipartFormDataContent Upload(string field, string name, byte[] content, string? note = null)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, field, name);
        if (note is not null)
        {
            form.Add(new StringContent(note, Encoding.UTF8), "note");
        }

        return form;
    }

    /// <summary>The HTML of the element with this id up to the next section.</summary>
    private static string Section(string html, string id)
    {
        int start = html.IndexOf("id=\"" + id + "\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(-1, id);
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
