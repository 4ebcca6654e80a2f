using System.Net;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Saima.Web.Tests;

/// <summary>The league table (排名): ranks, changes, tracks, nodes, warnings, sorting, export, languages, access.</summary>
public sealed partial class LeagueTableTests
{
    [Fact]
    public async Task League_Default_ShowsTheLatestPublishedTotalWithRanksAndChanges()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league");

        page.Html.ShouldContain("综合得分");
        page.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        page.Cell("C02", "rank").ShouldBe("1");
        page.Cell("C02", "score").ShouldBe("95.00");
        page.Cell("C03", "score").ShouldBe("5.00");
        page.Cell("C02", "change").ShouldBe("▲1");
        page.Cell("C01", "change").ShouldBe("▼1");
        page.Cell("C05", "change").ShouldBe("▲2");
        page.Cell("C04", "change").ShouldBe("–");
        page.Cell("C03", "change").ShouldBe("▼2");
        page.Cell("C01", "trackrank").ShouldBe("1");
        page.Cell("C05", "trackrank").ShouldBe("2");
        page.Html.ShouldNotContain("<th>预警</th>", customMessage: "warnings are per indicator, not on the total");
    }

    [Fact]
    public async Task League_EarlierPeriod_ShowsItsOwnRanks()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-05");
        page.Codes.ShouldBe(["C01", "C02", "C03", "C04", "C05"]);
        page.Cell("C01", "score").ShouldBe("100.00");
        page.Cell("C01", "change").ShouldBe("–", "the first period has nothing to move from");
    }

    [Fact]
    public async Task League_UnpublishedPeriod_IsNotOfferedAndNotShown()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T");
        page.PeriodOptions.ShouldBe(["2025-06", "2025-05"]);
        page.Html.ShouldNotContain("2025-07");
        page.Html.ShouldNotContain("12.34");

        (await web.Client.GetAsync("/league?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/league/export?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task League_TrackFilter_ShowsOnlyThatTracksUnits()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&track=" + Uri.EscapeDataString("县"));
        page.Codes.ShouldBe(["C01", "C04", "C03"]);
        page.Cell("C01", "trackrank").ShouldBe("1");
        page.Cell("C04", "trackrank").ShouldBe("2");
        page.Cell("C03", "trackrank").ShouldBe("3");
        page.Cell("C01", "rank").ShouldBe("2", "the overall rank stays the overall rank");
        page.Html.ShouldContain("<option value=\"县\" selected=\"selected\">县</option>");

        (await web.Client.GetAsync("/league?scheme=T&track=nowhere")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task League_SortByScoreAscending_ReversesTheTable_AndTheHeaderLinksBack()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&sort=score");
        page.Codes.ShouldBe(["C03", "C04", "C05", "C01", "C02"]);
        page.Html.ShouldContain("aria-sort=\"ascending\"");
        page.Html.ShouldContain("sort=-score\" data-sort=\"score\"", customMessage: "clicking the sorted column again sorts descending");

        LeaguePage descending = await LeaguePage.OpenAsync(web, "/league?scheme=T&sort=-score");
        descending.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);

        LeaguePage nonsense = await LeaguePage.OpenAsync(web, "/league?scheme=T&sort=drop%20table");
        nonsense.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
    }

    [Fact]
    public async Task League_NodeSelect_ListsTheSchemesNodes_AndAnIndicatorShowsWarningColours()
    {
        await using var web = await StartAsync();
        LeaguePage total = await LeaguePage.OpenAsync(web, "/league?scheme=T");
        total.NodeOptions.ShouldBe(["Total", "Econ", "Eco", "GDP", "REV", "AIR", "EMP"]);
        total.Html.ShouldContain("<option value=\"Econ\">经济发展</option>");
        total.Html.ShouldContain("<option value=\"GDP\">地区生产总值</option>");

        LeaguePage gdp = await LeaguePage.OpenAsync(web, "/league?scheme=T&node=GDP");
        gdp.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        gdp.Cell("C02", "value").ShouldBe("100.00");
        gdp.Warning("C02").ShouldBe(("blue", "蓝色"));
        gdp.Warning("C01").ShouldBe(("yellow", "黄色"));
        gdp.Warning("C05").ShouldBe(("neutral", "purple"), "a level the scheme names but no colour is known for stays neutral");
        gdp.Warning("C04").ShouldBe(("red", "红色"));
        gdp.Warning("C03").ShouldBe(("red", "红色"));

        LeaguePage air = await LeaguePage.OpenAsync(web, "/league?scheme=T&node=AIR");
        air.Codes[0].ShouldBe("C01");
        air.Warning("C01").ShouldBe((null, null), "AIR has no target, so no warning");

        (await web.Client.GetAsync("/league?scheme=T&node=NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Export_HasExactlyTheRowsShown_WithChineseHeadersFirst()
    {
        await using var web = await StartAsync();
        string query = "?scheme=T&node=GDP&track=" + Uri.EscapeDataString("县") + "&sort=score";
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league" + query);
        Match link = Regex.Match(page.Html, "<a [^>]*id=\"league-export\" href=\"([^\"]+)\"");
        link.Success.ShouldBeTrue("the page links to its export");
        string export = WebUtility.HtmlDecode(link.Groups[1].Value);
        export.ShouldBe("/league/export?scheme=T&period=2025-06&track=%E5%8E%BF&node=GDP&sort=score");

        HttpResponseMessage r = await web.Client.GetAsync(export);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        List<string[]> sheet = ReadSheet(await r.Content.ReadAsByteArrayAsync());

        sheet[0].ShouldBe(["测试赛马 · 通报期 2025-06 · 分道：县 · 地区生产总值"], "a title row names the scheme, period, track and node");
        sheet[1].ShouldBe(["排名 / Rank", "代码 / Code", "考核对象 / Unit", "分道 / Track", "数值 / Value", "得分 / Score", "位次变化 / Rank change", "分道排名 / Track rank", "预警 / Warning"]);
        sheet.Skip(2).Select(row => row[1]).ShouldBe(page.Codes);
        sheet[2].ShouldBe(["5", "C03", "<script>alert(1)</script>", "县", "60", "0", "-2", "3", "红色"]);
        sheet[4].ShouldBe(["2", "C01", "甲县", "县", "90", "75", "-1", "1", "黄色"]);
    }

    [Fact]
    public async Task League_English_ShowsEnglishUnitAndIndicatorNames()
    {
        await using var web = await StartAsync();
        await web.PostFormAsync("/league", "/culture", ("culture", "en"), ("returnUrl", "/league"));
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&node=GDP");
        page.Html.ShouldContain("<html lang=\"en\">");
        page.Cell("C01", "unit").ShouldBe("County A");
        page.Cell("C02", "unit").ShouldBe("District B");
        page.Html.ShouldContain("<option value=\"GDP\" selected=\"selected\">Gross domestic product</option>");
        page.Warning("C04").ShouldBe(("red", "Red"));
        page.Html.ShouldContain("League table");
        page.Html.ShouldNotContain("甲县");
    }

    [Fact]
    public async Task League_UnitNamedScript_RendersAsText()
    {
        await using var web = await StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T");
        page.Html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        page.Html.ShouldNotContain("<script>alert(1)</script>");
        Regex.Matches(page.Html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        page.Html.ShouldNotContain(" style=");
    }

    [Fact]
    public async Task League_Anonymous_RedirectsToLogin()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        foreach (string path in new[] { "/league?scheme=T", "/league/export?scheme=T" })
        {
            HttpResponseMessage r = await web.Client.GetAsync(path);
            r.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            r.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=");
        }
    }

    [Fact]
    public async Task League_NoPublishedPeriod_SaysSo()
    {
        await using var web = await WebApp.StartAsync();
        await web.LoginAsync("admin", WebApp.AdminPassword);
        string html = await web.Client.GetStringAsync("/league");
        html.ShouldContain("id=\"no-results\"");
    }

    internal static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return web;
    }

    /// <summary>The first sheet as text, cell by cell (numbers in the invariant form they were written in).</summary>
    internal static List<string[]> ReadSheet(byte[] xlsx)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        WorkbookPart book = doc.WorkbookPart!;
        Sheet first = book.Workbook.Sheets!.Elements<Sheet>().First();
        var part = (WorksheetPart)book.GetPartById(first.Id!);
        return part.Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? string.Empty).ToArray())
            .ToList();
    }
}

/// <summary>The league table as a reader sees it: rows by unit code, cells by column.</summary>
internal sealed partial class LeaguePage
{
    private LeaguePage(string html) => Html = html;

    public string Html { get; }

    public List<string> Codes => RowRegex().Matches(Table).Select(m => m.Groups[1].Value).ToList();

    public List<string> PeriodOptions => Options("period");

    public List<string> NodeOptions => Options("node");

    private string Table => Html[Html.IndexOf("id=\"league-table\"", StringComparison.Ordinal)..];

    public static async Task<LeaguePage> OpenAsync(WebApp web, string path)
    {
        HttpResponseMessage r = await web.Client.GetAsync(path);
        r.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return new LeaguePage(await r.Content.ReadAsStringAsync());
    }

    /// <summary>The text of one cell (its class names the column), tags stripped and entities decoded, without a rank's interval.</summary>
    public string Cell(string unit, string column)
    {
        Match m = Regex.Match(RowOf(unit), $"<td class=\"[^\"]*\\b{column}\\b[^\"]*\">(.*?)</td>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no {column} cell for {unit}");
        string inner = Regex.Replace(m.Groups[1].Value, "<span class=\"rank-interval\">.*?</span>", string.Empty);
        return WebUtility.HtmlDecode(Regex.Replace(inner, "<[^>]+>", string.Empty)).Trim();
    }

    /// <summary>The 90% rank interval written beside a rank ("(3–7)"), or null when none is shown.</summary>
    public string? Interval(string unit, string column)
    {
        Match m = Regex.Match(RowOf(unit), $"<td class=\"[^\"]*\\b{column}\\b[^\"]*\">(.*?)</td>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no {column} cell for {unit}");
        Match i = Regex.Match(m.Groups[1].Value, "<span class=\"rank-interval\">(.*?)</span>");
        return i.Success ? WebUtility.HtmlDecode(i.Groups[1].Value) : null;
    }

    /// <summary>The warning badge of a unit: its colour and its label, or nulls when none.</summary>
    public (string? Colour, string? Label) Warning(string unit)
    {
        Match m = Regex.Match(RowOf(unit), "<span class=\"badge warn warn-([a-z]+)\">(.*?)</span>");
        return m.Success ? (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value)) : (null, null);
    }

    private string RowOf(string unit)
    {
        Match m = Regex.Match(Table, $"<tr data-unit=\"{unit}\">(.*?)</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no row for {unit}");
        return m.Groups[1].Value;
    }

    private List<string> Options(string select)
    {
        Match m = Regex.Match(Html, $"<select[^>]*name=\"{select}\"[^>]*>(.*?)</select>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no select {select}");
        return OptionRegex().Matches(m.Groups[1].Value).Select(o => o.Groups[1].Value).ToList();
    }

    [GeneratedRegex("<tr data-unit=\"([^\"]+)\">")]
    private static partial Regex RowRegex();

    [GeneratedRegex("<option value=\"([^\"]*)\"")]
    private static partial Regex OptionRegex();
}
