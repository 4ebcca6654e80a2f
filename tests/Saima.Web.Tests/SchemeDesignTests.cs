using System.Net;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// From an empty store to a scheme in the browser: Home says there is no scheme and links to the
/// new scheme page; units are added on /admin/units; a scheme the engine refuses comes back with
/// the error in Chinese beside its field and stores nothing; a good one is created and listed,
/// copied, its sources set; a reporter sees what is its unit's to enter.
/// </summary>
public sealed class SchemeDesignTests
{
    private static (string, string)[] Scheme(string code, string tierPoints) =>
    [
        ("Code", code), ("Name", "县域测试赛马"), ("NameEn", "County test race"), ("Frequency", "month"), ("Aggregate", "sum"),
        ("Picks[0].Kind", "County"), ("Picks[0].Parent", "CITY"), ("Picks[0].Track", "县"),
        ("Dims[0].Code", "Econ"), ("Dims[0].Name", "经济发展"), ("Dims[0].Weight", "0.6"),
        ("Dims[1].Code", "Eco"), ("Dims[1].Name", "生态环境"), ("Dims[1].Weight", "0.4"),
        ("Inds[0].Code", "A"), ("Inds[0].Name", "地区生产总值增速"), ("Inds[0].Dimension", "Econ"), ("Inds[0].Direction", "1"),
        ("Inds[0].Rule", "completion"), ("Inds[0].RuleParams", "满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2"), ("Inds[0].Weight", "2"),
        // A blank row between two indicators: the errors of the second still land on its own row.
        ("Inds[1].Code", ""), ("Inds[1].Name", ""),
        ("Inds[2].Code", "B"), ("Inds[2].Name", "PM2.5浓度"), ("Inds[2].Dimension", "Eco"), ("Inds[2].Direction", "-1"),
        ("Inds[2].Rule", "tiers"), ("Inds[2].RuleParams", "分档界限=35/50/75, 各档得分=" + tierPoints), ("Inds[2].Unit", "微克/立方米"),
    ];

    [Fact]
    public async Task EmptyStore_ToACreatedScheme_InTheBrowser()
    {
        await using var web = await WebApp.StartAsync();
        web.Output.ShouldContain("has no scheme yet");
        web.Output.ShouldContain($"saima demo --db {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(web.Store.ConnectionString).DataSource}");
        web.Output.ShouldContain("/admin/schemes/new");
        await web.AdminAsync();

        string home = await web.Client.GetStringAsync("/");
        home.ShouldContain("id=\"no-scheme\"");
        home.ShouldContain("href=\"/admin/schemes/new\"");
        (await web.Client.GetStringAsync("/admin")).ShouldContain("id=\"no-scheme-units\"");

        foreach ((string code, string name, string kind, string parent) in new[] { ("CITY", "江海市", "City", ""), ("C1", "临江县", "County", "CITY"), ("C2", "北湖县", "County", "CITY"), ("TJJ", "市统计局", "Department", "CITY") })
        {
            HttpResponseMessage add = await web.PostFormAsync("/admin/units", "/admin/units?handler=Add", ("NewCode", code), ("NewName", name), ("NewKind", kind), ("NewParent", parent));
            add.StatusCode.ShouldBe(HttpStatusCode.Redirect, code);
        }

        string twice = await (await web.PostFormAsync("/admin/units", "/admin/units?handler=Add", ("NewCode", "C1"), ("NewName", "重复"), ("NewKind", "County"))).Content.ReadAsStringAsync();
        twice.ShouldContain("单位代码“C1”已存在");
        string units = await web.Client.GetStringAsync("/admin/units?kind=County");
        units.ShouldContain("data-unit=\"C1\"");
        units.ShouldContain("data-unit=\"C2\"");
        units.ShouldNotContain("data-unit=\"TJJ\"");

        // Four bands need three bounds: the engine refuses, the page says so in Chinese beside the rule's parameters.
        HttpResponseMessage refused = await web.PostFormAsync("/admin/schemes/new", "/admin/schemes/new?handler=Create", Scheme("S1", "10/6/3"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("data-field=\"Inds[2].RuleParams\">计分引擎不接受此项（$.indicators[1].normalise.points）");
        html.ShouldNotContain("expected 4 numbers");
        html.ShouldContain("value=\"PM2.5浓度\"");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Schemes.Count().ShouldBe(0);
        }

        string check = await (await web.PostFormAsync("/admin/schemes/new", "/admin/schemes/new?handler=Check", Scheme("S1", "10/6/3/0"))).Content.ReadAsStringAsync();
        check.ShouldContain("id=\"checked\"");
        check.ShouldContain("id=\"preview-none\"");
        check.ShouldContain("C1（县）、C2（县）");

        HttpResponseMessage created = await web.PostFormAsync("/admin/schemes/new", "/admin/schemes/new?handler=Create", Scheme("S1", "10/6/3/0"));
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.ToString().ShouldBe("/admin/schemes/S1");
        (await web.Client.GetStringAsync("/admin/schemes")).ShouldContain("data-scheme=\"S1\"");
        string page = await web.Client.GetStringAsync("/admin/schemes/S1");
        page.ShouldContain("data-unit=\"C2\" data-track=\"县\"");
        (await web.Client.GetStringAsync("/")).ShouldNotContain("id=\"no-scheme\"");

        // Sources: a county is refused in Chinese; the bureau is taken.
        string notDept = await (await web.PostFormAsync("/admin/schemes/S1/sources", "/admin/schemes/S1/sources?handler=Set", ("IndicatorCode", "A"), ("Department", "C1"))).Content.ReadAsStringAsync();
        notDept.ShouldContain("单位“C1”不是部门");
        (await web.PostFormAsync("/admin/schemes/S1/sources", "/admin/schemes/S1/sources?handler=Set", ("IndicatorCode", "A"), ("Department", "TJJ"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Client.GetStringAsync("/admin/schemes/S1/sources")).ShouldContain("data-indicator=\"A\" data-source=\"TJJ\"");

        // Copy as next year's scheme.
        HttpResponseMessage copied = await web.PostFormAsync("/admin/schemes/S1/copy", "/admin/schemes/S1/copy", ("NewCode", "S1-2026"), ("Name", "2026年县域测试赛马"));
        copied.Headers.Location!.ToString().ShouldBe("/admin/schemes/S1-2026");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Schemes.Select(s => s.Code).OrderBy(c => c).ToList().ShouldBe(["S1", "S1-2026"]);
            db.Indicators.Count(i => i.SourceUnitId != null).ShouldBe(2);
        }

        // What the reporter of C1 enters, and who supplies the rest.
        await web.CreateUserAsync("u.c1", "reporter", "C1");
        await web.SwitchToAsync("u.c1");
        string mine = await web.Client.GetStringAsync("/entry/mine");
        mine.ShouldContain("data-indicator=\"B\" data-mine=\"true\"");
        mine.ShouldContain("data-indicator=\"A\" data-mine=\"false\"");
        mine.ShouldContain("市统计局（TJJ）提供");
        (await web.Client.GetAsync("/admin/schemes/new")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task StoreWithSchemes_SaysNothingOfAnEmptyStore()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        web.Output.ShouldNotContain("no scheme yet");
        await web.AdminAsync();
        (await web.Client.GetStringAsync("/")).ShouldNotContain("id=\"no-scheme\"");
        (await web.Client.GetStringAsync("/admin")).ShouldNotContain("id=\"no-scheme\"");
    }

    [Fact]
    public async Task IndicatorFile_FillsTheForm_OrNamesEveryBadCell()
    {
        await using var web = await WebApp.StartAsync();
        await web.AdminAsync();

        HttpResponseMessage template = await web.Client.GetAsync("/admin/schemes/new?handler=Template");
        template.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        (await template.Content.ReadAsByteArrayAsync()).Take(2).ShouldBe("PK"u8.ToArray());

        const string Good = "指标代码 code,指标名称 name,维度 dimension,方向 direction,计分规则 rule\nGDP,地区生产总值增速,Econ,正向,\"排名计分(首位得分=10, 每名递减=0.5)\"\nPM25,PM2.5浓度,Eco,逆向,\n";
        string filled = await (await web.PostFileAsync("/admin/schemes/new", "/admin/schemes/new?handler=Import", "IndicatorFile", "ind.csv", Good, ("Code", "IMP"))).Content.ReadAsStringAsync();
        filled.ShouldContain("id=\"imported\"");
        filled.ShouldContain("name=\"Inds[1].Code\" value=\"PM25\"");
        filled.ShouldContain("name=\"Dims[1].Code\" value=\"Eco\"");
        filled.ShouldContain("value=\"IMP\"");

        const string Bad = "指标代码 code,指标名称 name,方向 direction\nGDP,,上升\n";
        string errors = await (await web.PostFileAsync("/admin/schemes/new", "/admin/schemes/new?handler=Import", "IndicatorFile", "bad.csv", Bad)).Content.ReadAsStringAsync();
        errors.ShouldContain("工作表“bad”第 2 行 B 列（指标名称）：不能为空");
        errors.ShouldContain("第 2 行 C 列（方向）：“上升”不是方向");
        errors.ShouldNotContain("name=\"Inds[0].Code\" value=\"GDP\"");
    }
}
