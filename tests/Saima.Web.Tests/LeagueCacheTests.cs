using System.Data.Common;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The league table and the unit page keep what they show under the store's change stamp, and a
/// result set's rows (frozen once stored) by set: a correction (a newer result set for the period),
/// a renamed unit, an indicator's new unit of measure show at once, also when another program
/// (another connection, SQL by hand) made the change.
/// </summary>
public sealed class LeagueCacheTests
{
    [Fact]
    public async Task League_AfterACorrection_ShowsTheNewerResultSet_NotTheCachedOne()
    {
        await using var web = await LeagueTableTests.StartAsync();
        LeaguePage before = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06");
        before.Cell("C02", "score").ShouldBe("95.00");
        (await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06")).Cell("C02", "score").ShouldBe("95.00", "served again (now from the cache)");

        // A correction stores a newer set for the period: C03 first, C02 last.
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ResultSet old = db.ResultSets.Where(r => r.Period == "2025-06").OrderByDescending(r => r.Id).First();
            var corrected = new ResultSet
            {
                SchemeId = old.SchemeId, SchemeVersionId = old.SchemeVersionId, Period = "2025-06",
                ComputedAt = DateTimeOffset.UtcNow, ComputedBy = "office.wang", InputHash = "corrected",
            };
            db.ResultSets.Add(corrected);
            db.SaveChanges();
            ResultPartitions.AddEmpty(db, corrected.Id);
            string[] order = ["C03", "C01", "C04", "C05", "C02"];
            foreach (Unit u in db.Units.ToList())
            {
                int rank = Array.IndexOf(order, u.Code) + 1;
                db.ResultRows.Add(new ResultRow { ResultSetId = corrected.Id, UnitId = u.Id, Node = "Total", Score = 100 - (10 * rank), Rank = rank });
            }

            db.SaveChanges();
        }

        LeaguePage after = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06");
        after.Codes.ShouldBe(["C03", "C01", "C04", "C05", "C02"]);
        after.Cell("C03", "score").ShouldBe("90.00");
        after.Cell("C02", "score").ShouldBe("50.00");

        // The earlier period, cached too, is untouched.
        (await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-05")).Cell("C01", "score").ShouldBe("100.00");
    }

    [Fact]
    public async Task League_RenamedUnit_ShowsItsNewName_ThoughTheRowsAreCached()
    {
        await using var web = await LeagueTableTests.StartAsync();
        (await LeaguePage.OpenAsync(web, "/league?scheme=T")).Cell("C01", "unit").ShouldBe("甲县");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Units.Single(u => u.Code == "C01").Name = "甲市";
            db.SaveChanges();
        }

        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T");
        page.Cell("C01", "unit").ShouldBe("甲市");
        page.Cell("C01", "score").ShouldBe("65.00");
    }

    [Fact]
    public async Task League_RenameByAnotherProgram_ShowsAtOnce()
    {
        await using var web = await LeagueTableTests.StartAsync();
        (await LeaguePage.OpenAsync(web, "/league?scheme=T")).Cell("C01", "unit").ShouldBe("甲县");
        (await LeaguePage.OpenAsync(web, "/league?scheme=T")).Cell("C01", "unit").ShouldBe("甲县", "served again (now kept)");
        BySql(web.Store, "UPDATE units SET name = '甲市' WHERE code = 'C01'");
        (await LeaguePage.OpenAsync(web, "/league?scheme=T")).Cell("C01", "unit").ShouldBe("甲市");
    }

    [Fact]
    public async Task Unit_RenamedUnitAndIndicatorUnitOfMeasure_ShowAtOnce()
    {
        await using var web = await LeagueTableTests.StartAsync();
        for (int i = 0; i < 2; i++)
        {
            string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");
            html.ShouldContain("<h1 class=\"h3 mb-1\" id=\"unit-name\">甲县</h1>");
            UnitPageTests.Cell(UnitPageTests.Row(html, "GDP"), "name").ShouldBe("地区生产总值 (亿元)");
        }

        BySql(web.Store, "UPDATE units SET name = '甲市' WHERE code = 'C01'");
        BySql(web.Store, "UPDATE indicators SET unit_of_measure = '万元' WHERE code = 'GDP'");
        string after = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        after.ShouldContain("<h1 class=\"h3 mb-1\" id=\"unit-name\">甲市</h1>");
        UnitPageTests.Cell(UnitPageTests.Row(after, "GDP"), "name").ShouldBe("地区生产总值 (万元)");
        UnitPageTests.Cell(UnitPageTests.Row(after, "GDP"), "value").ShouldBe("90.00", "the frozen results are the same");
    }

    [Fact]
    public async Task MatrixAndMap_RenameByAnotherProgram_ShowAtOnce()
    {
        await using var web = await MapTests.StartAsync(withMaps: true);
        const string data = "/map/data?scheme=T&period=2025-06&node=Total&mode=score";
        for (int i = 0; i < 2; i++)
        {
            (await web.Client.GetStringAsync("/matrix?scheme=T")).ShouldContain("甲县");
            (await MapName(web, data, "C01")).ShouldBe("甲县");
        }

        BySql(web.Store, "UPDATE units SET name = '甲市' WHERE code = 'C01'");
        string matrix = await web.Client.GetStringAsync("/matrix?scheme=T");
        matrix.ShouldContain("甲市");
        matrix.ShouldNotContain("甲县");
        (await MapName(web, data, "C01")).ShouldBe("甲市");
    }

    private static async Task<string?> MapName(WebApp web, string data, string code)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await web.Client.GetStringAsync(data));
        return json.RootElement.GetProperty("units").EnumerateArray()
            .Single(u => u.GetProperty("code").GetString() == code).GetProperty("name").GetString();
    }

    /// <summary>A change made as another program would: its own connection, plain SQL.</summary>
    private static void BySql(StoreOptions store, string sql)
    {
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery().ShouldBe(1, sql);
    }
}
