namespace Saima.Web.Tests;

/// <summary>The matrix shows a window: the units found by name or code, a page at a time, and one dimension's columns when asked.</summary>
public sealed class MatrixWindowTests
{
    [Fact]
    public async Task Matrix_SearchAndDimension_ShowOnlyTheUnitsFoundAndThatDimensionsColumns()
    {
        await using var web = await LeagueTableTests.StartAsync();

        MatrixPage found = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&q=c0");
        found.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        found.Html.ShouldContain("第 1/1 页，共 5 个单位");

        MatrixPage one = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&q=C04&dim=Econ");
        one.Codes.ShouldBe(["C04"]);
        one.Indicators.ShouldBe(["GDP", "REV"]);
        one.Html.ShouldNotContain("data-dimension=\"Eco\"");
        one.Html.ShouldContain("共 1 个单位");
    }
}
