using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// Bonus and penalty items in the web application (on <see cref="LeagueData"/>): /admin/adjustments
/// proposes with evidence, refuses the proposer's own approval, approves by another office user;
/// the unit page shows what was counted; /evidence/{id} sends files to who may read them.
/// </summary>
public sealed partial class AdjustmentWebTests
{
    private const string List = "/admin/adjustments?scheme=T";

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n");

    [Fact]
    public async Task Office_ProposesWithEvidence_AnotherOfficeUserApproves_AndTheUnitPageShowsTheCountedItem()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        string page = await web.Client.GetStringAsync(List);
        page.ShouldContain("href=\"/admin/adjustments\"", customMessage: "in the admin nav");
        page.ShouldContain("id=\"adjust-propose\"");
        Regex.IsMatch(page, "<option value=\"Econ\"[^>]*>[^<]*经济发展</option>").ShouldBeTrue("the node picker names nodes in Chinese");
        Regex.IsMatch(page, "<option value=\"REV\"[^>]*>[^<]*财政收入</option>").ShouldBeTrue("and indicators by their stored names");

        // Every period (the published 2025-06 included, from its next computation), on the economy dimension; a PDF named .png.
        using HttpResponseMessage proposed = await ProposeAsync(web, ("NewUnit", "C03"), ("NewPeriod", ""), ("NewNode", "Econ"), ("Kind", "bonus"), ("Amount", "2.5"), ("Reason", "省级表彰 <b>x</b>"));
        proposed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        proposed.Headers.Location!.ToString().ShouldBe("/admin/adjustments?scheme=T&done=proposed");

        long id;
        long fileId;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            AdjustmentItem item = db.Adjustments.Single();
            (item.Status, item.Points, item.Node, item.Period, item.CreatedBy).ShouldBe((AdjustmentStatus.Proposed, 2.5, "Econ", (string?)null, "office.li"));
            id = item.Id;
            EvidenceFile file = db.Evidence.Single();
            (file.Entity, file.EntityId, file.FileName, file.ContentType).ShouldBe(("adjustment", id, "表彰.png", "application/pdf"));
            fileId = file.Id;
        }

        string listed = Row(await web.Client.GetStringAsync(List), id);
        listed.ShouldContain("data-status=\"proposed\"");
        listed.ShouldContain("待审核");
        listed.ShouldContain("加分");
        listed.ShouldContain("&#x2B;2.5");
        listed.ShouldContain("省级表彰 &lt;b&gt;x&lt;/b&gt;");
        listed.ShouldContain($"href=\"/evidence/{fileId}\"");
        listed.ShouldContain("本人提出");
        listed.ShouldNotContain("/admin/adjustments/approve");

        // Four eyes: the proposer's approval is refused, in Chinese.
        using (HttpResponseMessage own = await web.PostFormAsync(List, "/admin/adjustments?handler=Approve", ("scheme", "T"), ("ItemId", Text(id))))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await own.Content.ReadAsStringAsync()).ShouldContain("不能审核本人提出的事项");
        }

        // The leader reads the list and the evidence, proposes nothing.
        await web.SwitchToAsync("leader.zhou");
        string leader = await web.Client.GetStringAsync(List);
        leader.ShouldContain("省级表彰");
        leader.ShouldNotContain("id=\"adjust-propose\"");
        (await ProposeAsync(web, ("NewUnit", "C03"), ("Kind", "bonus"), ("Amount", "1"), ("Reason", "领导"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using (HttpResponseMessage file = await web.Client.GetAsync($"/evidence/{fileId}"))
        {
            file.StatusCode.ShouldBe(HttpStatusCode.OK);
            file.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            file.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
            file.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
            (await file.Content.ReadAsByteArrayAsync()).ShouldBe(Pdf);
        }

        await web.SwitchToAsync("rep.c01");
        (await web.Client.GetAsync($"/evidence/{fileId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await web.Client.GetAsync(List)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await web.SwitchToAsync("office.wang");
        using (HttpResponseMessage approved = await web.PostFormAsync(List, "/admin/adjustments?handler=Approve", ("scheme", "T"), ("ItemId", Text(id)), ("Comment", "核实无误")))
        {
            approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            approved.Headers.Location!.ToString().ShouldBe("/admin/adjustments?scheme=T&done=approved");
        }

        Row(await web.Client.GetStringAsync(List + "&status=approved"), id).ShouldContain("核实无误");
        (await web.Client.GetStringAsync(List + "&status=proposed")).ShouldNotContain($"data-id=\"{id}\"");

        // A correction of 2025-06 computes it again: now with the approved item.
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long c05 = db.Units.Single(u => u.Code == "C05").Id;
            Figure gdp = db.Figures.Single(f => f.UnitId == c05 && f.Period == "2025-06" && f.IsCurrent && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == "GDP"));
            new FigureWorkflow(db, TimeProvider.System).Correct(Actor.Office("office.wang"), gdp.Id, 81, "统计口径更正");
        }

        string unit = await web.Client.GetStringAsync("/unit/C03?scheme=T");
        string counted = Section(unit, "unit-adjustments");
        counted.ShouldContain("2025-06 期计入的加分扣分");
        counted.ShouldContain("经济发展");
        counted.ShouldContain("&#x2B;2.5");
        counted.ShouldContain("省级表彰 &lt;b&gt;x&lt;/b&gt;");
        counted.ShouldContain($"href=\"/evidence/{fileId}\"");
        ExplainRow(unit, "Econ").ShouldContain("<small class=\"d-block text-start adjust-reason\" data-adjustment=\"" + Text(id) + "\">&#x2B;2.5 省级表彰 &lt;b&gt;x&lt;/b&gt;</small>");

        // Another unit counts nothing; a reporter sees the file's name without a link it could not open.
        Section(await web.Client.GetStringAsync("/unit/C01?scheme=T"), "unit-adjustments").ShouldContain("本期没有计入的加分扣分事项");
        await web.SwitchToAsync("rep.c01");
        Section(await web.Client.GetStringAsync("/unit/C03?scheme=T"), "unit-adjustments").ShouldNotContain("href=\"/evidence/");
    }

    [Fact]
    public async Task Propose_WithAProgramNamedPdf_IsRefusedNamingTheFile_AndStoresNothing()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        byte[] exe = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00];
        using HttpResponseMessage refused = await ProposeAsync(web, exe, "报告.pdf", ("NewUnit", "C02"), ("NewPeriod", "2025-07"), ("Kind", "penalty"), ("Amount", "1"), ("Reason", "安全生产事故"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"adjust-error\"");
        html.ShouldContain("文件“报告.pdf”的内容不属于可接受的佐证材料类型");

        // A published period takes no new item: correct instead.
        using HttpResponseMessage published = await ProposeAsync(web, ("NewUnit", "C02"), ("NewPeriod", "2025-06"), ("Kind", "penalty"), ("Amount", "1"), ("Reason", "补录"));
        (await published.Content.ReadAsStringAsync()).ShouldContain("方案 T 的 2025-06 期已发布");

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Adjustments.Count().ShouldBe(0);
        db.Evidence.Count().ShouldBe(0);
    }

    [Fact]
    public async Task FigureEvidence_IsSentToWhoMaySeeTheFigure()
    {
        await using var web = await StartAsync();
        long fileId;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            // The draft of C01 in the open period 2025-07: its reporter and the office see it; C02's reporter and the leader do not.
            Figure draft = db.Figures.Single(f => f.Period == "2025-07");
            EvidenceFile file = await new EvidenceStore(db, TimeProvider.System).AddAsync(
                Actor.Reporter("reporter.c01", draft.UnitId), draft.SchemeId, EvidenceStore.FigureEntity, draft.Id, "说明.txt", new MemoryStream(Encoding.UTF8.GetBytes("口径说明")));
            file.ContentType.ShouldBe("text/plain; charset=utf-8");
            fileId = file.Id;
        }

        foreach ((string user, HttpStatusCode expected) in new[]
        {
            ("rep.c01", HttpStatusCode.OK), ("rev.c01", HttpStatusCode.OK), ("office.li", HttpStatusCode.OK),
            ("rep.c02", HttpStatusCode.Forbidden), ("rev.c02", HttpStatusCode.Forbidden), ("leader.zhou", HttpStatusCode.Forbidden),
        })
        {
            await web.SwitchToAsync(user);
            using HttpResponseMessage r = await web.Client.GetAsync($"/evidence/{fileId}");
            r.StatusCode.ShouldBe(expected, user);
        }

        (await web.Client.GetAsync("/evidence/999999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<WebApp> StartAsync()
    {
        WebApp web = await HomeGlanceTests.StartAsync();
        await web.CreateUserAsync("office.wang", SaimaRoles.Office);
        return web;
    }

    private static Task<HttpResponseMessage> ProposeAsync(WebApp web, params (string Name, string Value)[] fields) =>
        ProposeAsync(web, Pdf, "表彰.png", fields);

    /// <summary>The proposal form as a browser sends it: multipart, with one file.</summary>
    private static async Task<HttpResponseMessage> ProposeAsync(WebApp web, byte[] file, string fileName, params (string Name, string Value)[] fields)
    {
        string token;
        try
        {
            token = await web.TokenAsync(List);
        }
        catch (HttpRequestException)
        {
            token = await web.TokenAsync("/");
        }

        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("T"), "scheme" },
        };
        foreach ((string name, string value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        content.Add(new ByteArrayContent(file), "Files", fileName);
        return await web.Client.PostAsync("/admin/adjustments?handler=Propose", content);
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Row(string html, long id)
    {
        Match m = Regex.Match(html, $"<tr data-id=\"{id}\".*?</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no row of item {id}");
        return m.Value;
    }

    private static string ExplainRow(string html, string node)
    {
        Match m = Regex.Match(html, $"<tr data-node=\"{node}\" data-kind=.*?</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no explanation row of {node}");
        return m.Value;
    }

    private static string Section(string html, string id)
    {
        Match m = Regex.Match(html, $"<section class=\"mb-4\" id=\"{id}\">.*?</section>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no section {id}");
        return m.Value;
    }
}
