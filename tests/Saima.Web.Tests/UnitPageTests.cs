using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Saima.Web.Tests;

/// <summary>The unit page: total and rank over time (table and chart JSON), the latest period's indicators, strengths and weaknesses.</summary>
public sealed class UnitPageTests
{
    [Fact]
    public async Task Unit_ShowsTheLatestPublishedPeriodIndicatorByIndicator()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");

        html.ShouldContain("<h1 class=\"h3 mb-1\" id=\"unit-name\">甲县</h1>");
        html.ShouldContain("2025-06 各项指标");
        string gdp = Row(html, "GDP");
        Cell(gdp, "name").ShouldBe("地区生产总值 (亿元)");
        Cell(gdp, "value").ShouldBe("90.00");
        Cell(gdp, "target").ShouldBe("180.00");
        Cell(gdp, "completion").ShouldBe("50.0%");
        Cell(gdp, "expected").ShouldBe("50.0%", "half the year is gone at the end of June");
        Cell(gdp, "rank").ShouldBe("第 2 / 5 名");
        gdp.ShouldContain("<span class=\"badge warn warn-yellow\">黄色</span>");

        string air = Row(html, "AIR");
        Cell(air, "rank").ShouldBe("第 1 / 5 名");
        Cell(air, "target").ShouldBe("–");
        air.ShouldNotContain("badge");
        Cell(Row(html, "EMP"), "rank").ShouldBe("第 5 / 5 名");
    }

    [Fact]
    public async Task Unit_StrengthsAndWeaknesses_AreTheBestAndWorstRankedIndicators()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        Items(html, "unit-strengths").ShouldBe(["AIR", "GDP", "REV"]);
        Items(html, "unit-weaknesses").ShouldBe(["EMP"]);
    }

    [Fact]
    public async Task Unit_HistoryAndChartJson_CoverThePublishedPeriodsOnly()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        html.ShouldContain("<div id=\"unit-chart\" class=\"chart\" data-src=\"/unit/C01/chart?scheme=T\"></div>");
        html.ShouldContain("/js/unit-chart.js");
        html.ShouldContain("/lib/echarts/echarts.min.js");
        html.ShouldNotContain("2025-07");
        Regex.Matches(html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        html.ShouldNotContain(" style=");

        HttpResponseMessage r = await web.Client.GetAsync("/unit/C01/chart?scheme=T");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        using JsonDocument json = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        JsonElement root = json.RootElement;
        root.GetProperty("periods").EnumerateArray().Select(p => p.GetString()).ShouldBe(["2025-05", "2025-06"]);
        root.GetProperty("rank").EnumerateArray().Select(p => p.GetInt32()).ShouldBe([1, 2]);
        root.GetProperty("score").EnumerateArray().Select(p => p.GetDouble()).ShouldBe([100, 65]);
        root.GetProperty("units").EnumerateArray().Select(p => p.GetInt32()).ShouldBe([5, 5]);
        root.GetProperty("labels").GetProperty("rank").GetString().ShouldBe("排名");
    }

    [Fact]
    public async Task Unit_English_ShowsEnglishNames()
    {
        await using var web = await LeagueTableTests.StartAsync();
        await web.PostFormAsync("/unit/C01?scheme=T", "/culture", ("culture", "en"), ("returnUrl", "/unit/C01?scheme=T"));
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        html.ShouldContain("County A");
        html.ShouldContain("Gross domestic product");
        html.ShouldContain("2 of 5");
        html.ShouldNotContain("甲县");
    }

    [Fact]
    public async Task Unit_NamedScript_RendersAsText()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C03?scheme=T");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        html.ShouldNotContain("<script>alert(1)</script>");
    }

    [Fact]
    public async Task Unit_UnknownUnitOrScheme_IsNotFound_AndAnonymousIsSentToLogin()
    {
        await using var web = await LeagueTableTests.StartAsync();
        (await web.Client.GetAsync("/unit/NOPE?scheme=T")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/unit/C01?scheme=NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await using var anonymous = await WebApp.StartAsync(seed: LeagueData.Seed);
        foreach (string path in new[] { "/unit/C01?scheme=T", "/unit/C01/chart?scheme=T" })
        {
            HttpResponseMessage r = await anonymous.Client.GetAsync(path);
            r.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            r.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=");
        }
    }

    internal static string Row(string html, string indicator)
    {
        Match m = Regex.Match(html, $"<tr data-indicator=\"{indicator}\">(.*?)</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no row for {indicator}");
        return m.Groups[1].Value;
    }

    internal static string Cell(string row, string column)
    {
        Match m = Regex.Match(row, $"<td class=\"[^\"]*\\b{column}\\b[^\"]*\">(.*?)</td>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no {column} cell");
        return WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", string.Empty)).Trim();
    }

    private static List<string> Items(string html, string list)
    {
        Match m = Regex.Match(html, $"<ol id=\"{list}\">(.*?)</ol>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no list {list}");
        return Regex.Matches(m.Groups[1].Value, "<li data-indicator=\"([^\"]+)\"").Select(x => x.Groups[1].Value).ToList();
    }
}
