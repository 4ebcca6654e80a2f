using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The lists in the web application (on <see cref="LeagueData"/>, whose publications made draft
/// supervision items from their red warnings): an import with one bad row stores nothing and
/// says the row in Chinese; the API shows each caller only what it may see.
/// </summary>
public sealed class ListWebTests
{
    [Fact]
    public async Task Import_WithOneBadRow_StoresNothing_AndNamesTheRowAndColumnInChinese()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        int before = Count(web.Store);
        string csv = "类型,标题,责任单位,完成时限\n问题,甲县招商引资落后,C01,2030-09-30\n承诺,乙区承诺事项,C99,2030-09-30\n";

        using HttpResponseMessage refused = await ImportAsync(web, csv);

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        string page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("id=\"list-error\"");
        page.ShouldContain("未导入任何事项");
        page.ShouldContain("第 3 行 C 责任单位");
        page.ShouldContain("没有代码或名称为");
        page.ShouldContain("C99");
        Count(web.Store).ShouldBe(before);

        using HttpResponseMessage stored = await ImportAsync(web, csv.Replace("C99", "C02", StringComparison.Ordinal));
        stored.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        stored.Headers.Location!.ToString().ShouldBe("/lists?done=imported&n=2");
        Count(web.Store).ShouldBe(before + 2);
    }

    [Fact]
    public async Task Api_ShowsEachCallerOnlyItsOwnItems_AndDraftsOnlyToTheOffice()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            await new ListService(db, TimeProvider.System).CreateAsync(Actor.Office("office.li"),
                new ListItemSpec(ListKind.Enterprise, "企业反映用地指标落实慢", null, "C01", ["C02"], "张局长", new DateOnly(2030, 9, 30), ListSource.Enterprise));
            await new ListService(db, TimeProvider.System).CreateAsync(Actor.Office("office.li"),
                new ListItemSpec(ListKind.Commitment, "丙县承诺事项", null, "C03", null, null, null));
        }

        int drafts = Drafts(web.Store);
        drafts.ShouldBeGreaterThan(0, "the league's red warnings made drafts when it was published");

        await web.SwitchToAsync("office.li");
        (await TitlesAsync(web)).Count.ShouldBe(drafts + 2);
        await web.SwitchToAsync("rep.c02");
        (await TitlesAsync(web)).ShouldBe(["企业反映用地指标落实慢"]);
        await web.SwitchToAsync("rep.c01");
        (await TitlesAsync(web)).ShouldBe(["企业反映用地指标落实慢"]);
        (await web.Client.GetAsync("/api/v1/items/" + Id(web.Store, "丙县承诺事项"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await web.SwitchToAsync("leader.zhou");
        (await TitlesAsync(web)).Count.ShouldBe(drafts + 2);
    }

    [Fact]
    public async Task PublicPage_ShowsListCounts_OnlyOnceTheOfficeMakesAKindPublic_AndTheListsPageShowsAgeingAndTimeline()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var lists = new ListService(db, TimeProvider.System);
            await lists.CreateAsync(Actor.Office("office.li"), new ListItemSpec(ListKind.Enterprise, "企业反映用地指标落实慢", null, "C01", null, "张局长", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)), ListSource.Enterprise));
            await lists.CreateAsync(Actor.Office("office.li"), new ListItemSpec(ListKind.Enterprise, "企业反映审批材料多", null, "C02", null, null, new DateOnly(2020, 1, 31), ListSource.Enterprise));
        }

        using HttpClient anonymous = web.ProgramClient();
        (await anonymous.GetStringAsync("/public")).ShouldNotContain("id=\"public-lists\"");

        await web.SwitchToAsync("office.li");
        HttpResponseMessage saved = await web.PostFormAsync("/admin/settings", "/admin/settings?handler=Lists", ("PublicKinds", "Enterprise"), ("Reason", "公开企业诉求办理情况"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.ToString().ShouldBe("/admin/settings?done=lists");
        (await web.Client.GetStringAsync("/admin/settings")).ShouldContain("id=\"public-Enterprise\" checked=\"checked\"");

        string page = await anonymous.GetStringAsync("/public");
        page.ShouldContain("id=\"public-lists\"");
        page.ShouldContain("<td>企业诉求</td><td>2</td><td>0</td>");
        page.ShouldNotContain("企业反映用地指标落实慢", customMessage: "the public sees counts, never the items");

        string board = await web.Client.GetStringAsync("/lists");
        board.ShouldContain("id=\"list-ageing\"");
        board.ShouldContain("id=\"list-timeline\"");
        board.ShouldContain("timeline-overdue");
        board.ShouldContain("企业反映审批材料多");
    }

    private static async Task<List<string>> TitlesAsync(WebApp web)
    {
        using JsonDocument json = JsonDocument.Parse(await web.Client.GetStringAsync("/api/v1/items"));
        return [.. json.RootElement.EnumerateArray().Select(i => i.GetProperty("title").GetString()!)];
    }

    private static async Task<HttpResponseMessage> ImportAsync(WebApp web, string csv)
    {
        string token = await web.TokenAsync("/lists");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "Upload", "清单.csv" },
        };
        return await web.Client.PostAsync("/lists?handler=Import", content);
    }

    private static int Count(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.ListItems.Count();
    }

    private static int Drafts(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.ListItems.Count(i => i.State == ListState.Draft);
    }

    private static string Id(StoreOptions store, string title)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.ListItems.Single(i => i.Title == title).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
