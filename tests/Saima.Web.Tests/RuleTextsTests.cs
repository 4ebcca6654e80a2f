using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Saima.Data;
using Saima.Scoring;
using Saima.Web.Features.Shared;

namespace Saima.Web.Tests;

/// <summary>
/// Rules in words (<see cref="RuleTexts"/>): every method of the scheme format described in
/// Chinese and English, and the pages that show a rule (unit page, matrix, league, scheme admin)
/// showing those words and never the engine's notation (<c>completion full=3 …</c>).
/// </summary>
public sealed class RuleTextsTests
{
    /// <summary>The engine's short notation of rules (PeriodScorer.Describe), which no page may show.</summary>
    private static readonly Regex EngineNotation = new(
        "minmax \\[|completion full=|rankPoints first=|tiers bounds=|goalposts min=|zscore mean=|leaderRatio full=|target cap=|rank \\(percentile\\)|\\(given weights\\)",
        RegexOptions.CultureInvariant);

    public static TheoryData<string, string, string> Rules => new()
    {
        { "{'method':'completion','full':3,'atTarget':1,'perPoint':0.1,'cap':1,'floor':0}",
          "完成率计分：完成目标得满分 3 分，完成率每低 1 个百分点减 0.1 分，超额不加分，最低 0 分",
          "Completion-rate points: meeting the target scores the full 3 points, 0.1 points less per percentage point short, no extra points above the target, at least 0" },
        { "{'method':'completion','full':10,'atTarget':0.8,'perPoint':0.5,'cap':1.2,'floor':0}",
          "完成率计分：完成目标得 8 分（满分 10 分），完成率每高或低 1 个百分点加或减 0.5 分，最高 12 分，最低 0 分",
          "Completion-rate points: meeting the target scores 8 (of 10 full marks), 0.5 points more or less per percentage point above or below, at most 12, at least 0" },
        { "{'method':'completion','full':5,'atTarget':1,'perPoint':1,'cap':1,'basis':'difference'}",
          "完成率计分：完成目标得满分 5 分，完成率每低 1 个百分点减 1 分，超额不加分，最低 0 分；完成率按与目标相差的百分点计（增速类指标）",
          "Completion-rate points: meeting the target scores the full 5 points, 1 points less per percentage point short, no extra points above the target, at least 0; completion counts the percentage points above or below the target (growth rates)" },
        { "{'method':'rankPoints','first':10,'step':0.5,'floor':4}",
          "排名计分：第 1 名得 10 分，每后退一名减 0.5 分，最低 4 分（并列同分）",
          "Rank points: first place scores 10, each place lower 0.5 less, at least 4 (ties share the higher place)" },
        { "{'method':'tiers','bounds':[60,80,95],'points':[0,3,6,10]}",
          "分档计分：低于 60 得 0 分；60 至 80（不含）得 3 分；80 至 95（不含）得 6 分；95 及以上得 10 分",
          "Tiers: below 60: 0 points; 60 to under 80: 3 points; 80 to under 95: 6 points; 95 and above: 10 points" },
        { "{'method':'minmax','range':[0,100]}",
          "极值标准化（min-max）：最好的单位得 100 分，最差的得 0 分，其余按比例",
          "Min-max normalisation: the best unit scores 100, the worst 0, the others in proportion" },
        { "{'method':'zscore','mean':50,'sd':10}",
          "标准分（z-score）：按与平均值相差几个标准差计分，平均值得 50 分，每个标准差 10 分",
          "z-score: scored by the number of standard deviations from the mean; the mean scores 50, each standard deviation 10 points" },
        { "{'method':'goalposts','min':40,'max':90,'scale':100}",
          "门槛值计分：40 及以下得 0 分，90 及以上得 100 分，之间按比例",
          "Goalposts: 40 or less scores 0, 90 or more scores 100, in proportion between" },
        { "{'method':'leaderRatio','full':20}",
          "对标最优计分：最好的单位得满分 20 分，其余按与最优值之比计分",
          "Best-performer ratio: the best unit scores full marks (20), the others in proportion to the best value" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Describe_EveryMethod_InChineseAndInEnglish(string normalise, string zh, string en)
    {
        Scheme scheme = SchemeParser.Parse(("{'indicators':[{'code':'X','parent':'R','normalise':" + normalise + "}],'groups':[{'code':'R'}]}").Replace('\'', '"'));
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "X", null)).ShouldBe(zh);
        In("en", t => RuleTexts.Describe(t, scheme, "X", null)).ShouldBe(en);
    }

    [Fact]
    public void Describe_CumulativeTargetRule_SaysTheTargetIsProratedToTimeProgress_AndLowerIsBetter()
    {
        Scheme scheme = SchemeParser.Parse("""
            {"indicators": [
               {"code": "FAI", "parent": "R", "cumulative": true, "normalise": {"method": "target", "cap": 1.2, "scale": 100}},
               {"code": "PM", "parent": "R", "direction": -1, "normalise": {"method": "rankPoints", "first": 2, "step": 0.1, "floor": 1}}],
             "groups": [{"code": "R", "aggregate": {"method": "sum"}, "weights": "equal"}]}
            """);
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "FAI", null))
            .ShouldBe("目标比值计分：得分 = 完成目标的比例 × 100，比例最多计 120%；目标为按时间进度折算的目标");
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "PM", null)).ShouldEndWith("（指标越低越好）");
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "R", null)).ShouldBe("加权求和（各项等权；缺项不得分）");
        In("en", t => RuleTexts.Describe(t, scheme, "R", null)).ShouldBe("weighted sum (with equal weights; a missing score adds nothing)");
        In("en", t => RuleTexts.TargetLabel(t, true)).ShouldBe("target prorated to time progress");
    }

    [Fact]
    public void Describe_TrackOverride_IsTheTracksOwnRule()
    {
        Scheme scheme = SchemeParser.Parse("""
            {"indicators": [{"code": "X", "parent": "R"}], "groups": [{"code": "R"}],
             "tracks": {"overrides": {"县": {"indicators": {"X": {"normalise": {"method": "rankPoints", "first": 3, "step": 1}}},
                                             "groups": {"R": {"aggregate": {"method": "geometric"}}}}}}}
            """);
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "X", "县")).ShouldStartWith("排名计分：第 1 名得 3 分");
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "X", "城区")).ShouldStartWith("极值标准化");
        In("zh-CN", t => RuleTexts.Describe(t, scheme, "R", "县")).ShouldStartWith("几何平均");
    }

    [Fact]
    public async Task UnitPage_Chinese_ExplainsRulesAndWeightsInChinese_WithoutEngineNotation()
    {
        await using var web = await StartAsync(CompletionOnGdp);
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        string explain = Regex.Match(html, "<details class=\"mb-4 explain\" id=\"unit-explain\">(.*?)</details>", RegexOptions.Singleline).Groups[1].Value;
        explain.ShouldNotBeEmpty();
        EngineNotation.IsMatch(html).ShouldBeFalse("no engine notation on the unit page");
        explain.ShouldContain("完成率计分：完成目标得满分 3 分，完成率每低 1 个百分点减 0.1 分，超额不加分，最低 0 分；目标为按时间进度折算的目标");
        explain.ShouldContain("极值标准化（min-max）");
        explain.ShouldContain("加权平均（按方案给定的权重；缺项时其余权重按比例放大）");
        explain.ShouldContain("有效权重：在各层组内归一后逐层相乘");
        // GDP is year-to-date: its target (180 for the year) is prorated to half the year, and labelled so.
        Regex.Match(explain, "<tr data-node=\"GDP\".*?<td class=\"num target\">(.*?)</td>", RegexOptions.Singleline).Groups[1].Value
            .ShouldContain("按时间进度折算的目标");
        Regex.Match(explain, "<tr data-node=\"REV\".*?<td class=\"num target\">(.*?)</td>", RegexOptions.Singleline).Groups[1].Value
            .ShouldNotContain("按时间进度折算的目标");
    }

    [Fact]
    public async Task UnitPage_English_ExplainsRulesInEnglish_AndNamesDimensionsTracksAndUnitsOfMeasureInEnglish()
    {
        await using var web = await StartAsync(EnglishNames);
        await web.PostFormAsync("/league", "/culture", ("culture", "en"), ("returnUrl", "/league"));
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        EngineNotation.IsMatch(html).ShouldBeFalse();
        html.ShouldContain("Min-max normalisation: the best unit scores 100");
        html.ShouldContain("weighted mean (with the weights the scheme gives;");
        html.ShouldContain(">Economy</td>");
        html.ShouldContain("Track: Counties");
        html.ShouldContain("Gross domestic product (100 million yuan)");
        html.ShouldNotContain("经济发展");
        html.ShouldNotContain("亿元");
    }

    [Fact]
    public async Task Matrix_IndicatorHeaders_CarryTheRuleInWords_AndTracksTheirEnglishNames()
    {
        await using var web = await StartAsync(EnglishNames);
        string zh = await web.Client.GetStringAsync("/matrix?scheme=T");
        zh.ShouldContain("<th class=\"indicator\" data-indicator=\"GDP\" title=\"极值标准化（min-max）：最好的单位得 100 分，最差的得 0 分，其余按比例\">");
        EngineNotation.IsMatch(zh).ShouldBeFalse();
        zh.ShouldContain("<option value=\"县\">县</option>");

        await web.PostFormAsync("/league", "/culture", ("culture", "en"), ("returnUrl", "/league"));
        string en = await web.Client.GetStringAsync("/matrix?scheme=T");
        en.ShouldContain("<option value=\"县\">Counties</option>");
        en.ShouldContain("<td class=\"track\">Urban districts</td>");
        en.ShouldContain("data-dimension=\"Econ\">Economy</th>");
        en.ShouldContain("title=\"Min-max normalisation: the best unit scores 100, the worst 0, the others in proportion\"");
    }

    [Fact]
    public async Task League_ShowsTheNodesRuleInWords_ForTheTrackShown()
    {
        await using var web = await StartAsync(CompletionOnGdp);
        string html = await web.Client.GetStringAsync("/league?scheme=T&node=GDP");
        Regex.Match(html, "<p class=\"small\" id=\"league-rule\">(.*?)</p>").Groups[1].Value
            .ShouldBe("完成率计分：完成目标得满分 3 分，完成率每低 1 个百分点减 0.1 分，超额不加分，最低 0 分；目标为按时间进度折算的目标");
        string total = await web.Client.GetStringAsync("/league?scheme=T");
        Regex.Match(total, "<p class=\"small\" id=\"league-rule\">(.*?)</p>").Groups[1].Value
            .ShouldBe("加权平均（按方案给定的权重；缺项时其余权重按比例放大）");
        EngineNotation.IsMatch(html).ShouldBeFalse();
    }

    [Fact]
    public async Task SchemeAdmin_WeightsTable_DescribesEachNodesRule()
    {
        await using var web = await StartAsync(CompletionOnGdp);
        string html = await web.Client.GetStringAsync("/admin/schemes/T");
        string row = Regex.Match(html, "<tr data-node=\"GDP\"[^>]*>(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        row.ShouldContain("完成率计分：完成目标得满分 3 分");
        EngineNotation.IsMatch(html).ShouldBeFalse();
    }

    [Fact]
    public async Task MatrixExport_IsWhatThePageShows_TitleDimensionsIndicators_NumbersRoundedAsShown()
    {
        await using var web = await StartAsync(ThirdsOnC01);
        string page = await web.Client.GetStringAsync("/matrix?scheme=T&track=" + Uri.EscapeDataString("县"));
        Match link = Regex.Match(page, "<a [^>]*id=\"matrix-export\" href=\"([^\"]+)\"");
        link.Success.ShouldBeTrue("the page links to its export");
        string export = WebUtility.HtmlDecode(link.Groups[1].Value);
        export.ShouldBe("/matrix/export?scheme=T&period=2025-06&track=%E5%8E%BF");

        HttpResponseMessage r = await web.Client.GetAsync(export);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        List<string[]> sheet = LeagueTableTests.ReadSheet(await r.Content.ReadAsByteArrayAsync());
        sheet[0].ShouldBe(["测试赛马 · 通报期 2025-06 · 分道：县 · 指标得分"]);
        sheet[1].ShouldBe(["", "", "", "", "", "经济发展", "", "生态民生", ""]);
        sheet[2].ShouldBe(["排名 / Rank", "代码 / Code", "考核对象 / Unit", "分道 / Track", "总分 / Total", "地区生产总值", "财政收入", "空气优良率", "城镇新增就业"]);
        sheet.Skip(3).Select(row => row[1]).ShouldBe(["C01", "C04", "C03"], "the rows of the page, in its order");
        sheet[3].ShouldBe(["2", "C01", "甲县", "县", "66.67", "75", "75", "100", "0"], "66.666666 is shown as 66.67");
        page.ShouldContain("<td class=\"num total\">66.67</td>");

        HttpResponseMessage values = await web.Client.GetAsync("/matrix/export?scheme=T&show=value");
        List<string[]> v = LeagueTableTests.ReadSheet(await values.Content.ReadAsByteArrayAsync());
        v[0][0].ShouldEndWith("· 指标数值");
        v.Single(row => row.Length > 1 && row[1] == "C02").Skip(5).ShouldBe(["100", "50", "40", "50"]);
        (await web.Client.GetAsync("/matrix/export?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LeagueExport_RoundsAsShown_AndNamesWarningsInTheUsersLanguage()
    {
        await using var web = await StartAsync(ThirdsOnC01);
        List<string[]> zh = LeagueTableTests.ReadSheet(await web.Client.GetByteArrayAsync("/league/export?scheme=T"));
        zh[0].ShouldBe(["测试赛马 · 通报期 2025-06 · 综合得分"]);
        zh.Single(row => row.Length > 1 && row[1] == "C01")[4].ShouldBe("66.67");

        await web.PostFormAsync("/league", "/culture", ("culture", "en"), ("returnUrl", "/league"));
        List<string[]> en = LeagueTableTests.ReadSheet(await web.Client.GetByteArrayAsync("/league/export?scheme=T&node=GDP"));
        en[0].ShouldBe(["Test race · period 2025-06 · Gross domestic product"]);
        en.Single(row => row.Length > 1 && row[1] == "C04").Last().ShouldBe("Red");
        en.Single(row => row.Length > 1 && row[1] == "C01").Last().ShouldBe("Yellow");
    }

    /// <summary>GDP (year-to-date) scored by completion-rate points against its prorated target.</summary>
    private static void CompletionOnGdp(SaimaDb db) => SetJson(db, json => json.Replace(
        "\"cumulative\": true}",
        "\"cumulative\": true, \"normalise\": {\"method\": \"completion\", \"full\": 3, \"atTarget\": 1, \"perPoint\": 0.1, \"cap\": 1, \"floor\": 0}}",
        StringComparison.Ordinal));

    /// <summary>English names of the dimensions and tracks in the scheme JSON.</summary>
    private static void EnglishNames(SaimaDb db) => SetJson(db, json => json
        .Replace("\"name\": \"经济发展\",", "\"name\": \"经济发展\", \"name_en\": \"Economy\",", StringComparison.Ordinal)
        .Replace("\"name\": \"生态民生\",", "\"name\": \"生态民生\", \"name_en\": \"Ecology and livelihoods\",", StringComparison.Ordinal)
        .Replace("\"warnings\":", "\"tracks\": {\"name_en\": {\"县\": \"Counties\", \"城区\": \"Urban districts\"}}, \"warnings\":", StringComparison.Ordinal));

    /// <summary>C01's total in June stored as 66.666666: the pages show 66.67, so must the exports.</summary>
    private static void ThirdsOnC01(SaimaDb db)
    {
        long c01 = db.Units.Single(u => u.Code == "C01").Id;
        long set = db.ResultSets.Where(s => s.Period == "2025-06").OrderByDescending(s => s.Id).Select(s => s.Id).First();
        db.Database.ExecuteSql($"UPDATE result_rows SET score = 66.666666 WHERE result_set_id = {set} AND unit_id = {c01} AND node = 'Total'");
    }

    private static void SetJson(SaimaDb db, Func<string, string> change)
    {
        string json = change(LeagueData.Json);
        json.ShouldNotBe(LeagueData.Json, "the test's change applies");
        db.Database.ExecuteSql($"UPDATE scheme_versions SET json = {json}");
    }

    private static async Task<WebApp> StartAsync(Action<SaimaDb> change)
    {
        WebApp web = await WebApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            using SaimaDb db = SaimaDb.Open(store);
            change(db);
        });
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return web;
    }

    private static string In(string culture, Func<IStringLocalizer<RuleTexts>, string> describe)
    {
        CultureInfo before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo(culture);
            var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
            return describe(new StringLocalizer<RuleTexts>(factory));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
