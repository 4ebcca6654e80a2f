using System.Net;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Web.Features.Matrix;

namespace Saima.Web.Tests;

/// <summary>
/// The matrix of a wide scheme (200 indicators, 60 counties, built by the store's bulk path, one
/// published month): the first page starts at the first dimension's columns and says so, under a
/// megabyte; every dimension's columns when asked for; the export keeps them all.
/// </summary>
public sealed partial class MatrixWideTests : IClassFixture<MatrixWideTests.WideStore>
{
    private const string Matrix = "/matrix?scheme=" + DemoCity.ScaleCountyScheme;

    private readonly WideStore _store;

    public MatrixWideTests(WideStore store) => _store = store;

    [Fact]
    public async Task WideScheme_FirstPage_ShowsTheFirstDimensionOnly_SaysSo_AndIsUnderOneMegabyte()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        HttpResponseMessage r = await web.Client.GetAsync(Matrix);
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        byte[] body = await r.Content.ReadAsByteArrayAsync();
        string html = System.Text.Encoding.UTF8.GetString(body);

        body.Length.ShouldBeLessThan(1_000_000);
        html.ShouldContain("id=\"matrix-narrowed\"");
        html.ShouldContain("本方案有 200 项指标");
        var shown = DimensionRegex().Matches(html).Select(m => (Columns: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Code: m.Groups[2].Value)).ToList();
        shown.Count.ShouldBe(1, "one dimension's column group");
        shown[0].Columns.ShouldBeGreaterThan(0);
        shown[0].Columns.ShouldBeLessThan(200);

        // The first dimension is chosen in the picker, and "all dimensions" can still be asked for.
        html.ShouldMatch("<option value=\"" + Regex.Escape(shown[0].Code) + "\" selected=\"selected\">");
        html.ShouldContain("<option value=\"" + MatrixModel.AllDimensions + "\">");
        UnitRows(html).ShouldBe(50);
    }

    [Fact]
    public async Task WideScheme_AllDimensionsAsked_ShowsEveryColumn_AndTheExportKeepsThemAll()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        string all = await web.Client.GetStringAsync(Matrix + "&dim=" + MatrixModel.AllDimensions);
        all.ShouldNotContain("id=\"matrix-narrowed\"");
        DimensionRegex().Matches(all).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(200);

        // Another dimension asked for: its columns, no note.
        string first = await web.Client.GetStringAsync(Matrix);
        string picker = Regex.Match(first, "<select[^>]*id=\"dim\".*?</select>", RegexOptions.Singleline).Value;
        var codes = OptionRegex().Matches(picker).Select(m => m.Groups[1].Value).Where(c => c != MatrixModel.AllDimensions).ToList();
        codes.Count.ShouldBeGreaterThan(1);
        string second = await web.Client.GetStringAsync(Matrix + "&dim=" + Uri.EscapeDataString(codes[1]));
        second.ShouldNotContain("id=\"matrix-narrowed\"");
        DimensionRegex().Matches(second).Select(m => m.Groups[2].Value).ShouldBe([codes[1]]);

        HttpResponseMessage export = await web.Client.GetAsync("/matrix/export?scheme=" + DemoCity.ScaleCountyScheme);
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The workbook's text (an .xlsx is a zip of XML parts) names every indicator.
        using var zip = new System.IO.Compression.ZipArchive(await export.Content.ReadAsStreamAsync());
        var text = new System.Text.StringBuilder();
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            text.Append(await reader.ReadToEndAsync());
        }

        string xml = text.ToString();
        await using SaimaDb db = SaimaDb.Open(web.Store);
        List<string> names = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Indicators.Select(i => i.Name));
        names.Count.ShouldBe(200);
        names.ShouldAllBe(n => xml.Contains(System.Security.SecurityElement.Escape(n)!, StringComparison.Ordinal));
    }

    private static int UnitRows(string html) => Regex.Matches(html, "<td class=\"unit sticky-col\"").Count;

    [GeneratedRegex("<th colspan=\"(\\d+)\" class=\"dimension\" data-dimension=\"([^\"]+)\">")]
    private static partial Regex DimensionRegex();

    [GeneratedRegex("<option value=\"([^\"]+)\"[^>]*>", RegexOptions.None)]
    private static partial Regex OptionRegex();

    /// <summary>The wide store, built once: 60 counties × 200 indicators, two months (the first published and scored).</summary>
    public sealed class WideStore : IDisposable
    {
        private readonly string _file;

        public WideStore()
        {
            string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
            Directory.CreateDirectory(dir);
            _file = Path.Combine(dir, $"wide{Environment.ProcessId}_{Guid.NewGuid():N}.db");
            StoreOptions store = StoreOptions.SqliteFile(_file);
            SchemaMigrator.Migrate(store);
            DemoCity.BuildScale(store, new DemoScaleSize(60, 200, 0, 0), new DemoOptions { Months = 2 });
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        public Task<WebApp> StartAsync() => WebApp.StartAsync(seed: copy =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Copy(_file, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(copy.ConnectionString).DataSource, overwrite: true);
        });

        public void Dispose() => File.Delete(_file);
    }
}
