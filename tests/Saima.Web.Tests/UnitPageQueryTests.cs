namespace Saima.Web.Tests;

/// <summary>
/// What a unit page reads: how many units each node of a result set ranked (its "of N") is the
/// same for every unit and a stored set never changes, so it is stored with the set and read once
/// per set, not once per unit page, and never counted from the set's rows (which reads every row
/// of the set: 2.2 million for a township set at a country).
/// </summary>
public sealed class UnitPageQueryTests
{
    [Fact]
    public async Task UnitPages_OfOtherUnits_DoNotCountTheSetsRankedUnitsAgain()
    {
        await using var web = await LeagueTableTests.StartAsync();
        using var commands = new CommandRecorder(web.Store.ConnectionString);

        string first = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        int afterFirst = commands.Count(IsRankedRead);
        afterFirst.ShouldBeGreaterThan(0, "the first unit page reads the ranked units of the sets it shows");

        string second = await web.Client.GetStringAsync("/unit/C02?scheme=T");
        string third = await web.Client.GetStringAsync("/unit/C03?scheme=T");
        commands.Count(IsRankedRead).ShouldBe(afterFirst, "other units' pages read the counts kept by set");
        commands.Count(IsRankedCount).ShouldBe(0, "no page counts a set's rows");

        // And the counts kept are the ones shown: every unit ranked among the five.
        UnitPageTests.Cell(UnitPageTests.Row(first, "GDP"), "rank").ShouldBe("第 2 / 5 名");
        foreach (string html in new[] { second, third })
        {
            UnitPageTests.Cell(UnitPageTests.Row(html, "GDP"), "rank").ShouldEndWith(" / 5 名");
        }
    }

    /// <summary>A read of the counts stored with the sets.</summary>
    private static bool IsRankedRead(string sql) => sql.Contains("result_node_ranked", StringComparison.Ordinal);

    /// <summary>A grouped count over result rows: what counting a set's ranked units is.</summary>
    private static bool IsRankedCount(string sql) =>
        sql.Contains("FROM \"result_rows\"", StringComparison.Ordinal) && sql.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("FROM result_rows", StringComparison.Ordinal) && sql.Contains("count(*)", StringComparison.OrdinalIgnoreCase);
}
