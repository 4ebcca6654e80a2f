using System.Net;
using System.Text.RegularExpressions;
using Saima.Data.Demo;

namespace Saima.Web.Tests;

/// <summary>
/// The explanation on the unit page of a wide scheme (60 counties × 200 indicators): every
/// dimension's row, one dimension's indicators at a time (the first by default), every indicator
/// reachable through its dimension or all at once (<c>explain=all</c>).
/// </summary>
public sealed partial class UnitExplainWideTests : IClassFixture<MatrixWideTests.WideStore>
{
    private const string Page = "/unit/X0001?scheme=" + DemoCity.ScaleCountyScheme;

    private readonly MatrixWideTests.WideStore _store;

    public UnitExplainWideTests(MatrixWideTests.WideStore store) => _store = store;

    [Fact]
    public async Task WideScheme_ExplainsOneDimensionAtATime_EveryIndicatorReachable()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        string first = await web.Client.GetStringAsync(Page);
        first.ShouldContain("id=\"explain-one-dimension\"");
        first.ShouldNotContain("<details class=\"mb-4 explain\" id=\"unit-explain\" open");
        var dimensions = Nodes(first, "dimension");
        dimensions.Count.ShouldBeGreaterThan(1);
        var shown = Nodes(first, "indicator");
        shown.Count.ShouldBeGreaterThan(0);
        shown.Count.ShouldBeLessThan(200);
        Regex.Matches(first, "<tr data-indicator=\"").Count.ShouldBe(200, "the indicator table still lists every indicator");

        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dimension in dimensions)
        {
            if (dimension != dimensions[0])
            {
                first.ShouldContain("explain=" + Uri.EscapeDataString(dimension) + "#unit-explain", Case.Sensitive, "each other dimension links to its indicators");
            }

            string one = await web.Client.GetStringAsync(Page + "&explain=" + Uri.EscapeDataString(dimension));
            one.ShouldContain("<details class=\"mb-4 explain\" id=\"unit-explain\" open");
            Nodes(one, "dimension").ShouldBe(dimensions);
            reached.UnionWith(Nodes(one, "indicator"));
        }

        reached.Count.ShouldBe(200, "every indicator's explanation is reachable through its dimension");
        string all = await web.Client.GetStringAsync(Page + "&explain=all");
        Nodes(all, "indicator").ShouldBe([.. reached.Order(StringComparer.Ordinal)], ignoreOrder: true);
        all.ShouldNotContain("id=\"explain-all\"");
        first.Length.ShouldBeLessThan(all.Length);
    }

    /// <summary>The codes of the explanation's rows of a kind, in order.</summary>
    private static List<string> Nodes(string html, string kind)
    {
        int start = html.IndexOf("id=\"explain-tree\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        string tree = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        return [.. NodeRegex().Matches(tree).Where(m => m.Groups[2].Value == kind).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("<tr data-node=\"([^\"]+)\" data-kind=\"([^\"]+)\"")]
    private static partial Regex NodeRegex();
}
