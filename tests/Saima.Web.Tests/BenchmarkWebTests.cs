using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// Peers and external benchmarks on the web: the office's settings page (context indicators,
/// named peers, benchmarks) through the store's doors, the unit page's 对标先进 section, and the
/// catch-up target adopted through the target door.
/// </summary>
public sealed class BenchmarkWebTests
{
    [Fact]
    public async Task Unit_WithoutSettings_SaysThereAreNoPeersYet()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        html.ShouldContain("id=\"unit-peers\"");
        html.ShouldContain("对标先进");
        html.ShouldContain("考核办尚未指定对标单位，也未设置对标参照指标，暂无对标单位。");
        html.ShouldNotContain("id=\"peers-gaps\"");
    }

    [Fact]
    public async Task Office_SetsContextNamesPeersEntersBenchmark_UnitPageShowsThem()
    {
        await using var web = await LeagueTableTests.StartAsync();
        long scheme = SchemeId(web);
        string admin = "/admin/analysis?scheme=" + scheme.ToString(CultureInfo.InvariantCulture);
        string page = await web.Client.GetStringAsync(admin);
        page.ShouldContain("对标参照指标");
        page.ShouldContain("id=\"peers-units\"");
        (await web.Client.GetStringAsync("/admin/schemes/T")).ShouldContain("href=\"" + admin + "\"");

        HttpResponseMessage r = await web.PostFormAsync(admin, "/admin/analysis?handler=Context&scheme=" + scheme.ToString(CultureInfo.InvariantCulture),
            ("Context", "GDP"), ("Context", "EMP"));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        string c01 = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        c01.ShouldContain("按地区生产总值、城镇新增就业最接近的4个单位");
        c01.ShouldContain("id=\"peers-gaps\"");

        r = await web.PostFormAsync(admin, "/admin/analysis?handler=Peers&scheme=" + scheme.ToString(CultureInfo.InvariantCulture) + "&unit=C03",
            ("PeerCodes", "C01，C02"));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r = await web.PostFormAsync(admin, "/admin/analysis?handler=Add&scheme=" + scheme.ToString(CultureInfo.InvariantCulture),
            ("Name", "先进城市甲"), ("Indicator", "REV"), ("Period", "2025-06"), ("Value", "66"), ("Source", "甲市统计月报"));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        string c03 = await web.Client.GetStringAsync("/unit/C03?scheme=T");
        c03.ShouldContain("考核办指定的对标单位：甲县、乙区。");
        string rev = Row(c03, "REV");
        rev.ShouldContain("gap-median behind");
        rev.ShouldContain("先进城市甲（2025-06）66");
        rev.ShouldContain("/unit/C03/peers?scheme=T&amp;indicator=REV");

        // Refusals come back in the user's language, and nothing is stored.
        HttpResponseMessage bad = await web.PostFormAsync(admin, "/admin/analysis?handler=Peers&scheme=" + scheme.ToString(CultureInfo.InvariantCulture) + "&unit=C03",
            ("PeerCodes", "C03"));
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("单位不能以自身（C03）作为对标单位。");
        bad = await web.PostFormAsync(admin, "/admin/analysis?handler=Add&scheme=" + scheme.ToString(CultureInfo.InvariantCulture),
            ("Name", "先进城市乙"), ("Indicator", "REV"), ("Period", "2025-06"), ("Value", "1"), ("Source", ""));
        (await bad.Content.ReadAsStringAsync()).ShouldContain("外部标杆须填写地区名称");

        using SaimaDb db = SaimaDb.Open(web.Store);
        db.NamedPeers.Count().ShouldBe(2);
        db.ExternalBenchmarks.Count().ShouldBe(1);
        long id = db.ExternalBenchmarks.Single().Id;
        r = await web.PostFormAsync(admin, "/admin/analysis?handler=Remove&scheme=" + scheme.ToString(CultureInfo.InvariantCulture), ("id", id.ToString(CultureInfo.InvariantCulture)));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        db.ExternalBenchmarks.Count().ShouldBe(0);
        db.Audit.Count(a => a.Field == "external_benchmark").ShouldBe(2);
    }

    [Fact]
    public async Task CatchUpTarget_ShowsTheMonthlyPath_AdoptedThroughTheTargetDoor()
    {
        await using var web = await LeagueTableTests.StartAsync();
        using SaimaDb db = SaimaDb.Open(web.Store);
        long scheme = SchemeId(web);
        long c03 = db.Units.Single(u => u.Code == "C03").Id;
        await new PeerService(db, TimeProvider.System).SetNamedPeersAsync(Actor.Office("office.wang"), scheme, c03, ["C01", "C02"]);

        // REV: C03 has 10, its peers 40 and 50: the best by December is 50, linearly from 10.
        const string Path = "/unit/C03/peers?scheme=T&indicator=REV&goal=best&by=2025-12";
        string html = await web.Client.GetStringAsync(Path);
        html.ShouldContain("id=\"gap-target\"");
        var steps = Regex.Matches(Regex.Match(html, "<table[^>]*id=\"gap-path\".*?</table>", RegexOptions.Singleline).Value, "<tr><td>(\\d{4}-\\d{2})</td><td class=\"num\">([^<]+)</td></tr>")
            .Select(m => (m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        steps.Select(s => s.Item1).ShouldBe(new[] { "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12" });
        steps.Select(s => s.Item2).ShouldBe(Enumerable.Range(1, 6).Select(k => 10 + (40.0 * k / 6)).ToArray(), tolerance: 0.01);

        HttpResponseMessage r = await web.PostFormAsync(Path, "/unit/C03/peers?handler=Adopt&scheme=T&indicator=REV&goal=best&by=2025-12");
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r.Headers.Location!.ToString().ShouldContain("adopted=true");
        long rev = db.Indicators.Single(i => i.SchemeId == scheme && i.Code == "REV").Id;
        db.Targets.Single(t => t.UnitId == c03 && t.IndicatorId == rev && t.Year == 2025).Value.ShouldBe(50);
        db.Audit.Where(a => a.Entity == "target" && a.EntityKey == "T/C03/REV/2025").OrderBy(a => a.Id).Last().Reason.ShouldBe("对标追赶：2025年12月末达到对标最优");
        (await web.Client.GetStringAsync(r.Headers.Location!.ToString())).ShouldContain("id=\"gap-adopted\"");

        // Not behind: nothing to catch up.
        (await web.Client.GetStringAsync("/unit/C01/peers?scheme=T&indicator=REV")).ShouldContain("id=\"peers-none\"");
    }

    private static long SchemeId(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Schemes.Single(s => s.Code == "T").Id;
    }

    /// <summary>An indicator's row of the peers table (the unit page's other tables have rows of the same indicator).</summary>
    private static string Row(string html, string indicator) =>
        Regex.Match(Regex.Match(html, "<table[^>]*id=\"peers-gaps\".*?</table>", RegexOptions.Singleline).Value,
            "<tr data-indicator=\"" + indicator + "\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
}
