using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// The red/green matrix (红绿双色分析): units × indicators of a published period, coloured by the
/// scheme's warning levels where there are warnings, else against the average of the units shown.
/// </summary>
/// <remarks>
/// Hand-checked on <see cref="LeagueData"/> 2025-06 (indicator scores are min-max, 0–100):
/// GDP 75, 100, 0, 25, 50 (C01…C05); REV 75, 100, 0, 25, 50; AIR 100, 75, 0, 25, 50;
/// EMP 0, 100, 25, 50, 75. Over all five the average is 50 everywhere. GDP's warnings:
/// C01 yellow (50% done, 50% expected), C02 blue, C05 purple (no colour: neutral), C03 and C04 red.
/// In the 县 track (C01, C03, C04) EMP averages 25 (C01 below, C03 even, C04 above) and AIR 41.67.
/// </remarks>
public sealed partial class MatrixTests
{
    [Fact]
    public async Task Matrix_WarningRulesScheme_ColoursWarnedCellsByLevel_AndTheRestByTheAverage()
    {
        await using var web = await LeagueTableTests.StartAsync();
        MatrixPage page = await MatrixPage.OpenAsync(web, "/matrix?scheme=T");

        page.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"], "rows in the order of the total rank");
        page.Html.ShouldContain("<th colspan=\"2\" class=\"dimension\" data-dimension=\"Econ\">经济发展</th>");
        page.Html.ShouldContain("<th colspan=\"2\" class=\"dimension\" data-dimension=\"Eco\">生态民生</th>");
        page.Indicators.ShouldBe(["GDP", "REV", "AIR", "EMP"]);
        page.Html.ShouldContain(">地区生产总值</th>");

        // GDP has warnings: the scheme's levels decide.
        page.Css("C01", "GDP").ShouldBe("warn-yellow");
        page.Css("C02", "GDP").ShouldBe("warn-blue");
        page.Css("C03", "GDP").ShouldBe("warn-red");
        page.Css("C04", "GDP").ShouldBe("warn-red");
        page.Css("C05", "GDP").ShouldBe("warn-neutral", "purple is the scheme's own level, with no colour we know");

        // REV and EMP have no warnings: against the average (50).
        page.Css("C01", "REV").ShouldBe("cell-above");
        page.Css("C02", "REV").ShouldBe("cell-above");
        page.Css("C03", "REV").ShouldBe("cell-below");
        page.Css("C04", "REV").ShouldBe("cell-below");
        page.Css("C05", "REV").ShouldBe("cell-even");
        page.Css("C01", "EMP").ShouldBe("cell-below");
        page.Css("C02", "EMP").ShouldBe("cell-above");
        page.Css("C04", "EMP").ShouldBe("cell-even");
        page.Css("C05", "EMP").ShouldBe("cell-above");

        page.Text("C01", "GDP").ShouldBe("75.00");
        page.Text("C03", "EMP").ShouldBe("25.00");

        // The legend names the scheme's levels (known ones translated) and the average rule.
        string legend = page.Legend;
        legend.ShouldContain("<span class=\"swatch warn-blue\"></span>蓝");
        legend.ShouldContain("<span class=\"swatch warn-neutral\"></span>purple");
        legend.ShouldContain("cell-above");
        legend.ShouldContain("cell-below");

        page.Html.ShouldContain("<a href=\"/unit/C01?scheme=T\">甲县</a>");

        // The unit named like a script is text; the page has no inline script or style.
        page.Html.ShouldNotContain("<script>alert(1)</script>");
        page.Html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        Regex.Matches(page.Html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        page.Html.ShouldNotContain(" style=");
        page.Html.ShouldContain("/css/matrix.css");
    }

    [Fact]
    public async Task Matrix_SchemeWithoutWarningRules_ColoursEveryCellByTheAverage()
    {
        await using var web = await WebApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            // The same figures under a scheme with no warning rules: the stored warnings no longer count.
            using SaimaDb db = SaimaDb.Open(store);
            var scheme = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(LeagueData.Json)!;
            scheme.Remove("warnings").ShouldBeTrue();
            string json = scheme.ToJsonString();
            db.Database.ExecuteSql($"UPDATE scheme_versions SET json = {json}");
        });
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        MatrixPage page = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&period=2025-06");

        page.Css("C01", "GDP").ShouldBe("cell-above");
        page.Css("C02", "GDP").ShouldBe("cell-above");
        page.Css("C03", "GDP").ShouldBe("cell-below");
        page.Css("C04", "GDP").ShouldBe("cell-below");
        page.Css("C05", "GDP").ShouldBe("cell-even");
        page.Css("C01", "AIR").ShouldBe("cell-above");
        page.Css("C03", "AIR").ShouldBe("cell-below");
        page.Html.ShouldNotContain("class=\"num cell warn-");
        page.Legend.ShouldNotContain("swatch warn-");
    }

    [Fact]
    public async Task Matrix_Periods_OnlyPublishedOnes_EachOnItsOwnScores_ScoresOrValues()
    {
        await using var web = await LeagueTableTests.StartAsync();
        MatrixPage june = await MatrixPage.OpenAsync(web, "/matrix?scheme=T");
        june.PeriodOptions.ShouldBe(["2025-06", "2025-05"]);
        june.Html.ShouldNotContain("2025-07");
        june.Html.ShouldNotContain("12.34");
        (await web.Client.GetAsync("/matrix?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/matrix?scheme=NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        MatrixPage may = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&period=2025-05");
        may.Codes.ShouldBe(["C01", "C02", "C03", "C04", "C05"]);
        may.Css("C01", "EMP").ShouldBe("cell-above");
        may.Css("C03", "EMP").ShouldBe("cell-even");
        may.Css("C05", "EMP").ShouldBe("cell-below");

        // The figures instead of the scores, with the same colours.
        MatrixPage values = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&show=value");
        values.Text("C01", "GDP").ShouldBe("90.00");
        values.Text("C02", "EMP").ShouldBe("50.00");
        values.Css("C01", "EMP").ShouldBe("cell-below");
    }

    [Fact]
    public async Task Matrix_TrackFilter_ShowsThatTrack_AndComparesWithItsAverage()
    {
        await using var web = await LeagueTableTests.StartAsync();
        MatrixPage page = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&track=" + Uri.EscapeDataString("县"));

        page.Codes.ShouldBe(["C01", "C04", "C03"]);
        page.Css("C01", "EMP").ShouldBe("cell-below");
        page.Css("C03", "EMP").ShouldBe("cell-even", "25 is the 县 average, though below the city's");
        page.Css("C04", "EMP").ShouldBe("cell-above");
        page.Css("C01", "AIR").ShouldBe("cell-above");
        page.Css("C04", "AIR").ShouldBe("cell-below");
        page.Css("C01", "GDP").ShouldBe("warn-yellow", "warnings do not depend on who is compared");
        page.Html.ShouldContain("<option value=\"县\" selected=\"selected\">县</option>");

        (await web.Client.GetAsync("/matrix?scheme=T&track=nowhere")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Matrix_English_UsesEnglishTextsAndNames()
    {
        await using var web = await LeagueTableTests.StartAsync();
        await web.PostFormAsync("/matrix?scheme=T", "/culture", ("culture", "en"), ("returnUrl", "/matrix?scheme=T"));
        string html = await web.Client.GetStringAsync("/matrix?scheme=T");
        html.ShouldContain("Red/green matrix");
        html.ShouldContain("Gross domestic product");
        html.ShouldContain(">County A</a>");
    }

    [Fact]
    public async Task Matrix_Anonymous_RedirectsToLogin()
    {
        // The login comes before any query (the fallback policy): no need for the slow seed here.
        await using var web = await WebApp.StartAsync();
        HttpResponseMessage r = await web.Client.GetAsync("/matrix?scheme=T");
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=");
    }

    [Fact]
    public async Task Matrix_NoPublishedPeriod_SaysSo()
    {
        await using var web = await WebApp.StartAsync();
        await web.LoginAsync("admin", WebApp.AdminPassword);
        string html = await web.Client.GetStringAsync("/matrix");
        html.ShouldContain("id=\"no-results\"");
    }
}

/// <summary>The matrix as a reader sees it: rows by unit, cells by indicator with their colour class.</summary>
internal sealed partial class MatrixPage
{
    private MatrixPage(string html) => Html = html;

    public string Html { get; }

    private string Table => Html[Html.IndexOf("id=\"matrix-table\"", StringComparison.Ordinal)..];

    public List<string> Codes => RowRegex().Matches(Table).Select(m => m.Groups[1].Value).ToList();

    public List<string> Indicators => HeaderRegex().Matches(Table).Select(m => m.Groups[1].Value).ToList();

    public string Legend
    {
        get
        {
            Match m = Regex.Match(Html, "<div class=\"matrix-legend[^\"]*\" id=\"matrix-legend\">(.*?)</div>", RegexOptions.Singleline);
            m.Success.ShouldBeTrue("no legend");
            return m.Groups[1].Value;
        }
    }

    public List<string> PeriodOptions
    {
        get
        {
            Match m = Regex.Match(Html, "<select[^>]*name=\"period\"[^>]*>(.*?)</select>", RegexOptions.Singleline);
            m.Success.ShouldBeTrue("no period select");
            return Regex.Matches(m.Groups[1].Value, "<option value=\"([^\"]*)\"").Select(o => o.Groups[1].Value).ToList();
        }
    }

    public static async Task<MatrixPage> OpenAsync(WebApp web, string path)
    {
        HttpResponseMessage r = await web.Client.GetAsync(path);
        r.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return new MatrixPage(await r.Content.ReadAsStringAsync());
    }

    /// <summary>The colour class of a cell (warn-{colour} or cell-above/-below/-even/-none).</summary>
    public string Css(string unit, string indicator) => Cell(unit, indicator).Groups[1].Value;

    public string Text(string unit, string indicator) => WebUtility.HtmlDecode(Cell(unit, indicator).Groups[2].Value).Trim();

    private Match Cell(string unit, string indicator)
    {
        Match row = Regex.Match(Table, $"<tr data-unit=\"{unit}\">(.*?)</tr>", RegexOptions.Singleline);
        row.Success.ShouldBeTrue($"no row for {unit}");
        Match m = Regex.Match(row.Groups[1].Value, $"<td class=\"num cell ([a-z-]+)\" data-indicator=\"{indicator}\"[^>]*>(.*?)</td>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no {indicator} cell for {unit}");
        return m;
    }

    [GeneratedRegex("<tr data-unit=\"([^\"]+)\">")]
    private static partial Regex RowRegex();

    [GeneratedRegex("<th class=\"indicator\" data-indicator=\"([^\"]+)\"")]
    private static partial Regex HeaderRegex();
}
