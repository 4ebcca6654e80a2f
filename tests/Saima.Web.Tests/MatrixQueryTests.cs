using System.Net;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Data.Store;
using Saima.Web.Features.Paging;

namespace Saima.Web.Tests;

/// <summary>
/// What the matrix reads: it keeps one row per unit shown (its total and rank) and one average per
/// node, and reads per request only the cells of its window, the page's units × the shown
/// indicators. Counted with EF Core's diagnostic events (rows each reader read) on two stores of
/// the same scheme, 60 and 200 counties: a page reads the same rows of the set on both.
/// </summary>
public sealed class MatrixQueryTests : IClassFixture<MatrixQueryTests.Stores>
{
    private const string Matrix = "/matrix?scheme=" + DemoCity.ScaleCountyScheme;

    /// <summary>The scheme's second dimension (6 of its 20 indicators).</summary>
    private const string Dimension = "Position";

    private readonly Stores _stores;

    public MatrixQueryTests(Stores stores) => _stores = stores;

    [Fact]
    public async Task MatrixPage_ReadsThePagesCellsOnly_AsManyRowsAt200UnitsAsAt60()
    {
        var perStore = new List<(int Units, int SetRows, int Nodes, int Cold, int Page, int Dimension, int DimensionColumns)>();
        foreach (int counties in new[] { Stores.Few, Stores.Many })
        {
            await using WebApp web = await _stores.StartAsync(counties);
            (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            int setRows, nodes;
            await using (SaimaDb db = SaimaDb.Open(web.Store))
            {
                long set = await db.ResultSets.MaxAsync(s => s.Id);
                setRows = await db.ResultRows.CountAsync(r => r.ResultSetId == set);
                nodes = await db.ResultRows.Where(r => r.ResultSetId == set).Select(r => r.Node).Distinct().CountAsync();
                (await db.SchemeUnits.CountAsync()).ShouldBe(counties);
            }

            using var commands = new CommandRecorder(web.Store.ConnectionString);

            // The first request keeps the units (one total row each) and the averages (one row a
            // node), and reads its window: one dimension's columns of the first 50 units.
            MatrixPage first = await MatrixPage.OpenAsync(web, Matrix + "&dim=" + Dimension);
            first.Codes.Count.ShouldBe(UnitListPage.Size);
            int columns = first.Indicators.Count;
            columns.ShouldBeGreaterThan(0);
            int cold = ResultReads(commands);
            cold.ShouldBeLessThanOrEqualTo(counties + nodes + (2 * UnitListPage.Size * columns), "totals, averages, the window's rows and warnings");
            Reads(commands, "result_rows").ShouldBeGreaterThanOrEqualTo(UnitListPage.Size * columns);

            // Another window (every column of the first page): only its cells are read.
            commands.Clear();
            MatrixPage all = await MatrixPage.OpenAsync(web, Matrix);
            all.Codes.ShouldBe(first.Codes);
            all.Indicators.Count.ShouldBeGreaterThan(columns);
            int page = Reads(commands, "result_rows");
            page.ShouldBe(UnitListPage.Size * nodes, "every node of the page's 50 units, no more: " + Log(commands));
            Reads(commands, "warning_results").ShouldBeLessThanOrEqualTo(UnitListPage.Size * all.Indicators.Count);

            // The second page of that dimension: its units' rows of those indicators only.
            commands.Clear();
            MatrixPage second = await MatrixPage.OpenAsync(web, Matrix + "&dim=" + Dimension + "&p=2");
            second.Codes.Count.ShouldBe(Math.Min(UnitListPage.Size, counties - UnitListPage.Size));
            second.Codes.ShouldNotContain(first.Codes[0]);
            Reads(commands, "result_rows").ShouldBe(second.Codes.Count * columns);
            Reads(commands, "warning_results").ShouldBeLessThanOrEqualTo(second.Codes.Count * columns);

            // A window asked again is kept until the store changes: nothing read.
            commands.Clear();
            (await MatrixPage.OpenAsync(web, Matrix)).Codes.ShouldBe(all.Codes);
            ResultReads(commands).ShouldBe(0);
            commands.Clear();
            MatrixPage one = await MatrixPage.OpenAsync(web, Matrix + "&dim=" + Dimension + "&q=X00");
            Reads(commands, "result_rows").ShouldBe(one.Codes.Count * columns, "a search is a window of its own");
            perStore.Add((counties, setRows, nodes, cold, page, Reads(commands, "result_rows"), columns));
            one.Codes.Count.ShouldBe(UnitListPage.Size);
        }

        var (few, many) = (perStore[0], perStore[1]);
        many.SetRows.ShouldBeGreaterThan(3 * few.SetRows, "the set holds more than three times the rows");
        many.Nodes.ShouldBe(few.Nodes);
        many.Page.ShouldBe(few.Page, "a page's rows do not grow with the units of the set");
        many.DimensionColumns.ShouldBe(few.DimensionColumns);
        many.Dimension.ShouldBe(few.Dimension, "one dimension's page: the same rows at 200 units as at 60");
        many.Cold.ShouldBeLessThan(many.SetRows / 2, "even the first request reads far less than the set");
    }

    [Fact]
    public async Task MatrixPage_AfterANewResultSet_ShowsTheNewSetsCellsAndAverages()
    {
        await using var web = await LeagueTableTests.StartAsync();
        MatrixPage before = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&period=2025-06");
        before.Codes.ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        before.Text("C05", "REV").ShouldBe("50.00");
        before.Css("C05", "REV").ShouldBe("cell-even");

        // A newer set for the period (a correction is published): reversed order, new REV scores (average 30), no warnings.
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ResultSet old = await db.ResultSets.Where(r => r.Period == "2025-06").OrderByDescending(r => r.Id).FirstAsync();
            var corrected = new ResultSet
            {
                SchemeId = old.SchemeId, SchemeVersionId = old.SchemeVersionId, Period = "2025-06",
                ComputedAt = DateTimeOffset.UtcNow, ComputedBy = "office.wang", InputHash = "corrected",
            };
            db.ResultSets.Add(corrected);
            await db.SaveChangesAsync();
            ResultPartitions.AddEmpty(db, corrected.Id);
            string[] order = ["C03", "C04", "C05", "C01", "C02"];
            foreach (Unit u in await db.Units.ToListAsync())
            {
                int rank = Array.IndexOf(order, u.Code) + 1;
                db.ResultRows.Add(new ResultRow { ResultSetId = corrected.Id, UnitId = u.Id, Node = "Total", Score = 100 - (10 * rank), Rank = rank });
                db.ResultRows.Add(new ResultRow { ResultSetId = corrected.Id, UnitId = u.Id, Node = "REV", Score = 10 * rank, Value = 7 * rank });
            }

            await db.SaveChangesAsync();
        }

        MatrixPage after = await MatrixPage.OpenAsync(web, "/matrix?scheme=T&period=2025-06");
        after.Codes.ShouldBe(["C03", "C04", "C05", "C01", "C02"]);
        after.Text("C03", "REV").ShouldBe("10.00");
        after.Css("C03", "REV").ShouldBe("cell-below");
        after.Css("C05", "REV").ShouldBe("cell-even", "30 is the new set's average");
        after.Css("C02", "REV").ShouldBe("cell-above");
        after.Css("C01", "GDP").ShouldBe("cell-none", "the new set has no GDP row and no warnings");
        (await MatrixPage.OpenAsync(web, "/matrix?scheme=T&period=2025-06&show=value")).Text("C02", "REV").ShouldBe("35.00");
    }

    private static string Log(CommandRecorder commands) =>
        string.Join(" | ", commands.Reads.Select(r => r.Rows + ": " + r.Sql.ReplaceLineEndings(" ")));

    /// <summary>The rows read from <paramref name="table"/>: a reader's count includes its last read, which finds no row.</summary>
    private static int Reads(CommandRecorder commands, string table) =>
        commands.Reads.Where(r => r.Sql.Contains(table, StringComparison.Ordinal)).Sum(r => Math.Max(0, r.Rows - 1));

    private static int ResultReads(CommandRecorder commands) => Reads(commands, "result_rows") + Reads(commands, "warning_results");

    /// <summary>The same scheme (20 indicators in three dimensions) for 60 and for 200 counties, two months (the first published), built once each.</summary>
    public sealed class Stores : IDisposable
    {
        public const int Few = 60;
        public const int Many = 200;

        private readonly Dictionary<int, string> _files = [];

        public Stores()
        {
            string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
            Directory.CreateDirectory(dir);
            foreach (int counties in new[] { Few, Many })
            {
                string file = Path.Combine(dir, $"matrix{counties}_{Environment.ProcessId}_{Guid.NewGuid():N}.db");
                StoreOptions store = StoreOptions.SqliteFile(file);
                SchemaMigrator.Migrate(store);
                DemoCity.BuildScale(store, new DemoScaleSize(counties, 20, 0, 0), new DemoOptions { Months = 2 });
                _files[counties] = file;
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        /// <summary>An application on a copy of the store, without the background analysis (it reads result rows of its own).</summary>
        public Task<WebApp> StartAsync(int counties) => WebApp.StartAsync(
            seed: copy =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                File.Copy(_files[counties], new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(copy.ConnectionString).DataSource, overwrite: true);
            },
            settings: new Dictionary<string, string?> { [Saima.Web.Features.Analysis.AnalysisJobs.EnabledKey] = "false" });

        public void Dispose()
        {
            foreach (string file in _files.Values)
            {
                File.Delete(file);
            }
        }
    }
}
