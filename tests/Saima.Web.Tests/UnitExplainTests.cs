using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// The unit page's "how the total was computed" (on <see cref="LeagueData"/>, 2025-06): the tree
/// with the scheme's weights, the rules, raw figures, scores, contributions that add up to the
/// total, and who entered and approved each figure.
/// </summary>
public sealed partial class UnitExplainTests
{
    [Fact]
    public async Task Explain_ContributionsSumToTheTotal_WeightsMatchTheScheme_WhoEnteredAndApproved()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        html.ShouldContain("<details class=\"mb-4 explain\" id=\"unit-explain\">");
        html.ShouldContain("总分是怎样算出来的");

        // The tree in scheme order: total, Econ (GDP, REV), Eco (AIR, EMP).
        Regex.Matches(html, "<tr data-node=\"([^\"]+)\" data-kind=\"([a-z]+)\"").Select(m => m.Groups[1].Value + ":" + m.Groups[2].Value)
            .ShouldBe(["Total:total", "Econ:dimension", "GDP:indicator", "REV:indicator", "Eco:dimension", "AIR:indicator", "EMP:indicator"]);

        // Weights as the scheme gives them: dimensions 0.6 and 0.4, indicators 1 each (half of their dimension).
        Cell(Row(html, "Econ"), "weight").ShouldBe("0.6");
        Cell(Row(html, "Eco"), "weight").ShouldBe("0.4");
        Cell(Row(html, "GDP"), "weight").ShouldBe("1");
        Cell(Row(html, "GDP"), "effective").ShouldBe("0.3");
        Cell(Row(html, "EMP"), "effective").ShouldBe("0.2");
        Row(html, "Total").ShouldContain("加权平均（按方案给定的权重；缺项时其余权重按比例放大）");
        Row(html, "GDP").ShouldContain("极值标准化（min-max）：最好的单位得 100 分，最差的得 0 分，其余按比例");
        Row(html, "GDP").ShouldNotContain("minmax [0,100]");

        // Raw figures and scores: C01's GDP 90 of 60..100 → 75; EMP 10, the lowest → 0.
        Cell(Row(html, "GDP"), "raw").ShouldBe("90.00");
        Cell(Row(html, "GDP"), "score").ShouldBe("75.00");
        Cell(Row(html, "EMP"), "score").ShouldBe("0.00");

        // The contributions of the indicators add up to the total shown.
        double total = Number(Regex.Match(html, "id=\"explain-total\">([^<]+)<").Groups[1].Value);
        total.ShouldBe(65);
        double sum = new[] { "GDP", "REV", "AIR", "EMP" }.Sum(code => Number(Cell(Row(html, code), "contribution")));
        sum.ShouldBe(total, 0.011);
        Number(Regex.Match(html, "id=\"explain-sum\">([^<]+)<").Groups[1].Value).ShouldBe(total, 1e-9);
        Number(Cell(Row(html, "Econ"), "contribution")).ShouldBe(Number(Cell(Row(html, "GDP"), "contribution")) + Number(Cell(Row(html, "REV"), "contribution")), 0.011);

        // Who entered and who approved each figure (LeagueData: the unit's reporter, reviewer.zhao).
        Regex.Match(Row(html, "GDP"), "<td class=\"entered-by\">\\s*<span class=\"who\">([^<]+)</span>").Groups[1].Value.ShouldBe("reporter.c01");
        Regex.Match(Row(html, "GDP"), "<td class=\"approved-by\">\\s*<span class=\"who\">([^<]+)</span>").Groups[1].Value.ShouldBe("reviewer.zhao");
        html.ShouldNotContain("id=\"explain-differs\"");
        Regex.Matches(html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        html.ShouldNotContain(" style=");
    }

    [Fact]
    public async Task Explain_WeightsAreTheStoredExplanations_AndEveryUnitAddsUp()
    {
        await using var web = await LeagueTableTests.StartAsync();
        using SaimaDb db = SaimaDb.Open(web.Store);
        ResultSet set = db.ResultSets.Where(r => r.Period == "2025-06").OrderByDescending(r => r.Id).First();
        using JsonDocument json = JsonDocument.Parse(set.ExplainJson!);
        var stored = json.RootElement.GetProperty("weights").EnumerateArray()
            .Where(w => w.GetProperty("track").GetString() == "城区")
            .ToDictionary(w => w.GetProperty("node").GetString()!, w => w.GetProperty("effectiveWeight").GetDouble());

        foreach (string unit in LeagueData.Codes)
        {
            string html = await web.Client.GetStringAsync($"/unit/{unit}?scheme=T");
            double total = Number(Regex.Match(html, "id=\"explain-total\">([^<]+)<").Groups[1].Value);
            double storedTotal = db.ResultRows.Single(r => r.ResultSetId == set.Id && r.Node == "Total" && db.Units.Any(u => u.Id == r.UnitId && u.Code == unit)).Score!.Value;
            total.ShouldBe(Math.Round(storedTotal, 2), 1e-9, unit);
            new[] { "GDP", "REV", "AIR", "EMP" }.Sum(code => Number(Cell(Row(html, code), "contribution"))).ShouldBe(storedTotal, 0.011, unit);
            if (unit == "C02")
            {
                html.ShouldContain("分道：城区");
                foreach (string node in new[] { "GDP", "Econ", "EMP" })
                {
                    Number(Cell(Row(html, node), "effective")).ShouldBe(Math.Round(stored[node], 4), 1e-9, node);
                }
            }
        }
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Row(string html, string node)
    {
        Match m = Regex.Match(html, $"<tr data-node=\"{Regex.Escape(node)}\".*?</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"no explanation row {node}");
        return m.Value;
    }

    private static string Cell(string row, string css)
    {
        Match m = Regex.Match(row, $"<td class=\"num {css}\">([^<]*)</td>");
        m.Success.ShouldBeTrue($"no cell {css} in {row}");
        return m.Groups[1].Value.Trim();
    }
}
