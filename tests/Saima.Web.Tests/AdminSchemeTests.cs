using System.Net;
using Saima.Data;
using Saima.Web.Features.Shared;

namespace Saima.Web.Tests;

/// <summary>
/// Scheme administration (/admin/schemes/T on <see cref="LeagueData"/>): refused weights and JSON
/// show the path and store nothing; the preview lists the rank changes the engine gives (checked
/// against ranks computed here by hand); apply adds a version and leaves the published periods'
/// version and results alone; every admin page is the office's only.
/// </summary>
public sealed class AdminSchemeTests
{
    private const string Page = "/admin/schemes/T";

    /// <summary>LeagueData's 2025-06 figures, C01…C05.</summary>
    private static readonly Dictionary<string, double[]> June = new()
    {
        ["GDP"] = [90, 100, 60, 70, 80],
        ["REV"] = [40, 50, 10, 20, 30],
        ["AIR"] = [50, 40, 10, 20, 30],
        ["EMP"] = [10, 50, 20, 30, 40],
    };

    public static TheoryData<string> AdminPages => new()
    {
        "/admin", "/admin/schemes", Page, "/admin/users", "/admin/users/admin", "/admin/maps", "/admin/audit",
    };

    [Theory]
    [InlineData("reporter", "C01")]
    [InlineData("reviewer", "C01")]
    [InlineData("leader", null)]
    [InlineData("department", "C02")]
    public async Task NonOfficeRoles_Get403_OnEveryAdminPage(string role, string? unit)
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("u." + role, role, unit);
        await web.SwitchToAsync("u." + role);
        foreach (string path in AdminPages)
        {
            (await web.Client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
        }

        // A crafted post is refused too, and changes nothing.
        HttpResponseMessage post = await web.Client.PostAsync(Page + "?handler=Apply", new FormUrlEncodedContent([new("Json", LeagueData.Json)]));
        post.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.BadRequest);
        Versions(web).ShouldBe(1);
        (await web.Client.GetStringAsync("/league")).ShouldNotContain("id=\"nav-admin\"");
    }

    [Fact]
    public async Task Anonymous_IsRedirectedToLogin_OnEveryAdminPage()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        foreach (string path in AdminPages)
        {
            HttpResponseMessage r = await web.Client.GetAsync(path);
            r.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            r.Headers.Location!.ToString().ShouldStartWith("http://127.0.0.1/login", Case.Insensitive, path);
        }
    }

    [Fact]
    public async Task Office_SeesEveryAdminPage_AndTheNavLink()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        foreach (string path in AdminPages)
        {
            (await web.Client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }

        string html = await web.Client.GetStringAsync(Page);
        html.ShouldContain("id=\"nav-admin\"");
        html.ShouldContain("data-unit=\"C03\" data-track=\"县\"");
        html.ShouldContain("name=\"Weights[Econ]\" value=\"0.6\"");
        html.ShouldContain("name=\"Targets[C01|GDP]\" value=\"180\"");
    }

    [Fact]
    public async Task BadWeight_ShowsThePathBesideTheField_AndStoresNothing()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        int audit = AuditCount(web);

        HttpResponseMessage negative = await web.PostFormAsync(Page, Page + "?handler=PreviewWeights", ("Weights[Econ]", "-1"));
        negative.StatusCode.ShouldBe(HttpStatusCode.OK);
        string html = await negative.Content.ReadAsStringAsync();
        html.ShouldContain("<code id=\"error-path\">$.groups[1].weight</code>");
        html.ShouldContain("data-field=\"Econ\">$.groups[1].weight: expected a weight ≥ 0, found -1");
        html.ShouldNotContain("id=\"apply-form\"");

        HttpResponseMessage text = await web.PostFormAsync(Page, Page + "?handler=PreviewWeights", ("Weights[县|GDP]", "abc"));
        (await text.Content.ReadAsStringAsync()).ShouldContain("data-field=\"县|GDP\">“abc”不是数字");

        HttpResponseMessage json = await web.PostFormAsync(Page, Page + "?handler=PreviewJson", ("Json", LeagueData.Json.Replace("\"EMP\"", "\"JOB\"", StringComparison.Ordinal)));
        string jsonHtml = await json.Content.ReadAsStringAsync();
        jsonHtml.ShouldContain("id=\"json-error\"><code>$.indicators[3].code</code>");
        jsonHtml.ShouldContain("&#x27;JOB&#x27; is not an indicator of scheme &#x27;T&#x27;");

        // Applying bad rules directly is refused the same way.
        HttpResponseMessage apply = await web.PostFormAsync(Page, Page + "?handler=Apply", ("Json", "{\"indicators\": []}"));
        (await apply.Content.ReadAsStringAsync()).ShouldContain("<code id=\"error-path\">$.indicators</code>");

        Versions(web).ShouldBe(1);
        AuditCount(web).ShouldBe(audit);
    }

    [Fact]
    public async Task Preview_ListsTheRankChangesTheEngineGives_ThenApplyAddsAVersion_PublishedResultsStay()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        var before = JuneTotals(web);

        HttpResponseMessage preview = await web.PostFormAsync(Page, Page + "?handler=PreviewWeights", ("Weights[Econ]", "0.2"), ("Weights[Eco]", "0.8"));
        string html = await preview.Content.ReadAsStringAsync();
        html.ShouldContain("id=\"preview-rows\"");
        int[] current = HandRanks(0.6, 0.4), proposed = HandRanks(0.2, 0.8);
        current.ShouldBe(new[] { 2, 1, 5, 4, 3 });
        proposed.ShouldBe(new[] { 3, 1, 5, 4, 2 }, "C05 overtakes C01 when ecology weighs 0.8");
        for (int k = 0; k < LeagueData.Codes.Length; k++)
        {
            html.ShouldContain($"data-unit=\"{LeagueData.Codes[k]}\" data-current-rank=\"{current[k]}\" data-proposed-rank=\"{proposed[k]}\"");
        }

        // Largest move first: the two that swapped lead the table.
        int c01 = html.IndexOf("data-unit=\"C01\" data-current", StringComparison.Ordinal), c05 = html.IndexOf("data-unit=\"C05\" data-current", StringComparison.Ordinal);
        int c02 = html.IndexOf("data-unit=\"C02\" data-current", StringComparison.Ordinal);
        Math.Max(c01, c05).ShouldBeLessThan(c02);
        html.ShouldContain("▲1");
        html.ShouldContain("▼1");
        Versions(web).ShouldBe(1, "a preview stores nothing");

        string proposedJson = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"Json\" value=\"([^\"]*)\"").Groups[1].Value);
        proposedJson.ShouldContain("0.8");
        HttpResponseMessage applied = await web.PostFormAsync(Page, Page + "?handler=Apply", ("Json", proposedJson), ("Note", "生态权重上调"));
        applied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        applied.Headers.Location!.ToString().ShouldContain("done=applied-2");

        using SaimaDb db = SaimaDb.Open(web.Store);
        Versions(web).ShouldBe(2);
        long v1 = db.SchemeVersions.Single(v => v.Version == 1).Id;
        db.Periods.Where(p => p.Status == PeriodStatus.Published).Select(p => p.SchemeVersionId).ToList().ShouldAllBe(id => id == v1);
        JuneTotals(web).ShouldBe(before);
        var audit = db.Audit.Where(a => a.Entity == "scheme" && a.Field == "json").ToList().Single();
        (audit.User, audit.Action, audit.Reason, audit.NewValue).ShouldBe(("admin", "update", "生态权重上调", proposedJson));
        audit.OldValue.ShouldBe(LeagueData.Json);

        // The league table still shows the published ranks.
        string league = await web.Client.GetStringAsync("/league?scheme=T&period=2025-06");
        league.IndexOf("甲县", StringComparison.Ordinal).ShouldBeLessThan(league.IndexOf("戊区", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MoveUnit_Targets_AndIndicator_AreSavedAndAudited()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();

        (await web.PostFormAsync(Page, Page + "?handler=Move", ("UnitCode", "C03"), ("Track", "城区"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        HttpResponseMessage trackless = await web.PostFormAsync(Page, Page + "?handler=Move", ("UnitCode", "C04"), ("Track", ""));
        (await trackless.Content.ReadAsStringAsync()).ShouldContain("expected a track for every unit or for none");

        HttpResponseMessage targets = await web.PostFormAsync(Page, Page + "?handler=Targets&year=2025", ("Targets[C01|GDP]", "200"), ("Targets[C02|REV]", "60"), ("Reason", "年中调整"));
        targets.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        targets.Headers.Location!.ToString().ShouldContain("done=targets-1-1-0");
        HttpResponseMessage badCell = await web.PostFormAsync(Page, Page + "?handler=Targets&year=2025", ("Targets[C01|AIR]", "九十"));
        (await badCell.Content.ReadAsStringAsync()).ShouldContain("“九十”不是数字");

        HttpResponseMessage upload = await web.PostFileAsync(Page, Page + "?handler=ImportTargets&year=2026", "TargetFile", "targets.csv",
            "unit,indicator,year,target\nC01,GDP,2026,210\nC09,GDP,2026,1\n");
        (await upload.Content.ReadAsStringAsync()).ShouldContain("unit &#x27;C09&#x27; does not take part in scheme &#x27;T&#x27;");
        HttpResponseMessage good = await web.PostFileAsync(Page, Page + "?handler=ImportTargets&year=2026", "TargetFile", "targets.csv",
            "unit,indicator,year,target\nC01,GDP,2026,210\nC02,GDP,2026,220\n");
        good.Headers.Location!.ToString().ShouldContain("done=targets-2-0-0");

        HttpResponseMessage indicator = await web.PostFormAsync(Page, Page + "?handler=Indicator", ("IndicatorCode", "AIR"),
            ("Ind.Name", "空气优良率"), ("Ind.NameEn", "Good-air days"), ("Ind.Dimension", "Eco"), ("Ind.Direction", "1"), ("Ind.UnitOfMeasure", "%"), ("Ind.IsPublic", "true"), ("Ind.Min", "0"), ("Ind.Max", "100"));
        indicator.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using SaimaDb db = SaimaDb.Open(web.Store);
        long c03 = db.Units.Single(u => u.Code == "C03").Id;
        db.SchemeUnits.Single(s => s.UnitId == c03).Track.ShouldBe("城区");
        db.Targets.Count(t => t.Year == 2026).ShouldBe(2);
        Indicator air = db.Indicators.Single(i => i.Code == "AIR");
        (air.UnitOfMeasure, air.IsPublic, air.MaxPlausible).ShouldBe(("%", true, 100.0));
        db.Audit.Single(a => a.Entity == "scheme_unit").ShouldSatisfyAllConditions(
            a => a.User.ShouldBe("admin"), a => a.OldValue.ShouldBe("县"), a => a.NewValue.ShouldBe("城区"));
        db.Audit.Single(a => a.Entity == "target" && a.EntityKey == "T/C01/GDP/2025" && a.Action == "update")
            .ShouldSatisfyAllConditions(a => a.OldValue.ShouldBe("180"), a => a.NewValue.ShouldBe("200"), a => a.Reason.ShouldBe("年中调整"));
        db.Audit.Count(a => a.Entity == "indicator" && a.EntityKey == "T/AIR").ShouldBe(4);
    }

    /// <summary>Ranks of LeagueData's June totals computed here: min-max per indicator over the five units, dimension means, then the dimension weights.</summary>
    private static int[] HandRanks(double econ, double eco)
    {
        static double MinMax(double[] v, int i) => (v[i] - v.Min()) / (v.Max() - v.Min()) * 100;
        double[] total = Enumerable.Range(0, 5).Select(k =>
            ((econ * (MinMax(June["GDP"], k) + MinMax(June["REV"], k)) / 2) + (eco * (MinMax(June["AIR"], k) + MinMax(June["EMP"], k)) / 2)) / (econ + eco)).ToArray();
        return total.Select(x => 1 + total.Count(y => y > x)).ToArray();
    }

    private static int Versions(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.SchemeVersions.Count();
    }

    private static int AuditCount(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Audit.Count();
    }

    private static List<(long, string, double?, int?)> JuneTotals(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        return db.ResultRows.Where(r => r.ResultSetId == set).OrderBy(r => r.UnitId).ThenBy(r => r.Node).ToList()
            .Select(r => (r.UnitId, r.Node, r.Score, r.Rank)).ToList();
    }
}
