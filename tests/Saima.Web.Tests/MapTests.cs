using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// The map: the stored GeoJSON that fits the scheme's units, coloured by score or warning level,
/// its data at /map/data; a clear message when no stored map fits.
/// </summary>
public sealed class MapTests
{
    [Fact]
    public async Task MapData_HasEveryUnitsFeatureAndValue_MatchingTheStoredScores()
    {
        await using var web = await StartAsync(withMaps: true);
        string page = await web.Client.GetStringAsync("/map?scheme=T");
        page.ShouldContain("<div id=\"geo-map\" class=\"geo-map\" data-src=\"/map/data?scheme=T&amp;period=2025-06&amp;node=Total&amp;mode=score\"></div>");
        page.ShouldContain("/js/map.js");
        page.ShouldContain("/lib/echarts/echarts.min.js");
        page.ShouldNotContain("<script>alert(1)</script>");
        page.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        Regex.Matches(page, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        page.ShouldNotContain(" style=");
        Regex.Match(page, "<select[^>]*name=\"period\"[^>]*>(.*?)</select>", RegexOptions.Singleline).Groups[1].Value
            .ShouldNotContain("2025-07", customMessage: "an open period is not offered");
        page.ShouldNotContain("12.34");

        HttpResponseMessage r = await web.Client.GetAsync("/map/data?scheme=T&period=2025-06&node=Total&mode=score");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        using JsonDocument json = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        JsonElement root = json.RootElement;
        root.GetProperty("map").GetString().ShouldBe("test-counties", "the exact map, not the one with extra areas");
        root.GetProperty("mode").GetString().ShouldBe("score");

        var features = root.GetProperty("geo").GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).Order(StringComparer.Ordinal).ToList();
        features.ShouldBe(LeagueData.Codes);

        var stored = StoredTotals(web.Store, "2025-06");
        var units = root.GetProperty("units").EnumerateArray().ToList();
        units.Select(u => u.GetProperty("code").GetString()!).Order(StringComparer.Ordinal).ShouldBe(LeagueData.Codes);
        foreach (JsonElement u in units)
        {
            string code = u.GetProperty("code").GetString()!;
            u.GetProperty("score").GetDouble().ShouldBe(Math.Round(stored[code].Score, 2), code);
            u.GetProperty("rank").GetInt32().ShouldBe(stored[code].Rank, code);
            u.GetProperty("href").GetString().ShouldBe($"/unit/{code}?scheme=T");
        }

        // Hand-checked against LeagueData: C02 95 first, C03 5 last.
        units.Single(u => u.GetProperty("code").GetString() == "C02").GetProperty("score").GetDouble().ShouldBe(95);
        units.Single(u => u.GetProperty("code").GetString() == "C03").GetProperty("rank").GetInt32().ShouldBe(5);
        root.GetProperty("min").GetDouble().ShouldBe(5);
        root.GetProperty("max").GetDouble().ShouldBe(95);
        units.Single(u => u.GetProperty("code").GetString() == "C03").GetProperty("name").GetString().ShouldBe("<script>alert(1)</script>",
            "the JSON carries the name as data; map.js escapes it in the tooltip");
    }

    [Fact]
    public async Task MapData_WarningMode_GivesEachUnitItsLevelAndColour()
    {
        await using var web = await StartAsync(withMaps: true);
        string page = await web.Client.GetStringAsync("/map?scheme=T&mode=warning");
        page.ShouldContain("node=GDP&amp;mode=warning", customMessage: "warning mode picks the first indicator with warnings");
        page.ShouldContain("<span class=\"swatch warn-red\"></span>红");

        using JsonDocument json = JsonDocument.Parse(await web.Client.GetStringAsync("/map/data?scheme=T&period=2025-06&node=GDP&mode=warning"));
        var units = json.RootElement.GetProperty("units").EnumerateArray()
            .ToDictionary(u => u.GetProperty("code").GetString()!, u => (Level: u.GetProperty("warning").GetString(), Colour: u.GetProperty("colour").GetString()));
        units["C01"].ShouldBe(("yellow", "#ffc107"));
        units["C02"].ShouldBe(("blue", "#0d6efd"));
        units["C03"].ShouldBe(("red", "#dc3545"));
        units["C05"].ShouldBe(("purple", "#6c757d"));
        var c01 = json.RootElement.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("code").GetString() == "C01");
        c01.GetProperty("value").GetDouble().ShouldBe(90);

        // An open period is not served, nor an unknown mode.
        (await web.Client.GetAsync("/map?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/map/data?scheme=T&period=2025-07")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/map/data?scheme=T&mode=bogus")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Map_NoFittingMap_SaysSo_AndHasNoData()
    {
        await using var web = await StartAsync(withMaps: false);
        InsertMap(web.Store, "elsewhere", "别处", ["C01", "C02", "X99"]);
        string html = await web.Client.GetStringAsync("/map?scheme=T");
        html.ShouldContain("id=\"no-map\"");
        html.ShouldContain("没有与本方案考核对象相符的地图");
        html.ShouldContain("C03, C04, C05");
        html.ShouldNotContain("id=\"geo-map\"");
        (await web.Client.GetAsync("/map/data?scheme=T")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Map_Anonymous_RedirectsToLogin()
    {
        // The login comes before any query (the fallback policy): no need for the slow seed here.
        await using var web = await WebApp.StartAsync();
        foreach (string path in new[] { "/map?scheme=T", "/map/data?scheme=T" })
        {
            HttpResponseMessage r = await web.Client.GetAsync(path);
            r.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            r.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=");
        }
    }

    internal static async Task<WebApp> StartAsync(bool withMaps)
    {
        WebApp web = await WebApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            if (withMaps)
            {
                // A map with more than the scheme's units, and one with exactly them: the latter is chosen.
                InsertMap(store, "a-everything", "全部", [.. LeagueData.Codes, "T01", "T02"]);
                InsertMap(store, "test-counties", "测试县区", LeagueData.Codes);
            }
        });
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return web;
    }

    /// <summary>A FeatureCollection of unit squares in a row, one per code (properties.code, as DemoGeo writes them).</summary>
    internal static void InsertMap(StoreOptions store, string code, string name, IReadOnlyList<string> codes)
    {
        var features = codes.Select((c, i) => new
        {
            type = "Feature",
            properties = new { code = c, name = c },
            geometry = new
            {
                type = "Polygon",
                coordinates = new[] { new[] { new[] { i, 0.0 }, new[] { i + 1, 0.0 }, new[] { i + 1, 1.0 }, new[] { i, 1.0 }, new[] { i, 0.0 } } },
            },
        });
        string json = JsonSerializer.Serialize(new { type = "FeatureCollection", features });
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO geo_maps (code, name, geo_json) VALUES (@c, @n, @j)";
        foreach ((string p, string v) in new[] { ("@c", code), ("@n", name), ("@j", json) })
        {
            DbParameter parameter = cmd.CreateParameter();
            parameter.ParameterName = p;
            parameter.Value = v;
            cmd.Parameters.Add(parameter);
        }

        cmd.ExecuteNonQuery();
    }

    /// <summary>The stored total score and rank of each unit in the result set in force for a period.</summary>
    private static Dictionary<string, (double Score, int Rank)> StoredTotals(StoreOptions store, string period)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == period).Max(r => r.Id);
        return (from r in db.ResultRows
                join u in db.Units on r.UnitId equals u.Id
                where r.ResultSetId == set && r.Node == "Total"
                select new { u.Code, r.Score, r.Rank }).ToList()
            .ToDictionary(x => x.Code, x => (x.Score!.Value, x.Rank!.Value));
    }
}
