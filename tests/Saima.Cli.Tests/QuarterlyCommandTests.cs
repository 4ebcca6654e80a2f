using System.Globalization;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Testing;

namespace Saima.Cli.Tests;

/// <summary>
/// <c>saima report board</c> and <c>saima report pack</c> on the league seed with GDP (亿元,
/// cumulative) and AIR marked public: the board holds the public indicators only, with the stored
/// values and ranks; the pack's area totals are the sum and the mean of the published figures,
/// computed here from the figures themselves.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class QuarterlyCommandTests(Stores stores)
{
    private StoreOptions Seeded(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        foreach (Indicator i in db.Indicators.Where(i => i.Code == "GDP" || i.Code == "AIR"))
        {
            i.IsPublic = true;
        }

        db.SaveChanges();
        return store;
    }

    private static string[] StoreArgs(StoreOptions store) => store.Provider == StoreProvider.Sqlite
        ? ["--db", new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource]
        : ["--postgres", store.ConnectionString];

    private static string Shown(double v) => v.ToString(ShownNumbers.Decimals, CultureInfo.InvariantCulture);

    /// <summary>The published (current) figures of an indicator in a period, by unit code.</summary>
    private static Dictionary<string, double> Published(StoreOptions store, string indicator, string period)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return (from f in db.Figures
                join i in db.Indicators on f.IndicatorId equals i.Id
                join u in db.Units on f.UnitId equals u.Id
                where i.Code == indicator && f.Period == period && f.IsCurrent && f.Value != null
                select new { u.Code, f.Value }).ToList().ToDictionary(x => x.Code, x => x.Value!.Value);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Board_HoldsThePublicIndicatorsOnly_WithTheStoredValuesAndRanks(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using var dir = new CliTempDir();

        CliRun run = CliRunner.Run(["report", "board", .. StoreArgs(store), "--scheme", "T", "--quarter", "2025q2", "--out", dir["b.xlsx"]]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("as of 2025-06");
        var rows = PublicationCommandTests.SheetRows(dir["b.xlsx"], "公示 Board");
        rows[0].Select(c => c.Text).ShouldBe(["名次", "单位代码", "单位", "综合得分", "地区生产总值（亿元）", "地区生产总值考核位次", "空气优良率", "空气优良率考核位次"]);
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        var stored = (from r in db.ResultRows
                      join u in db.Units on r.UnitId equals u.Id
                      where r.ResultSetId == set
                      select new { u.Code, r.Node, r.Value, r.Rank }).ToList();
        foreach (var row in rows.Skip(1))
        {
            string unit = row[1].Text!;
            var gdp = stored.Single(s => s.Code == unit && s.Node == "GDP");
            var air = stored.Single(s => s.Code == unit && s.Node == "AIR");
            row[4].Number.ShouldBe(Math.Round(Published(store, "GDP", "2025-06")[unit], 2), unit);
            (row[5].Number, row[7].Number).ShouldBe(((double?)gdp.Rank, (double?)air.Rank), unit);
            row[6].Number.ShouldBe(Math.Round(air.Value!.Value, 2), unit);
        }

        rows.Skip(1).Select(r => r[0].Number).ShouldBe(rows.Skip(1).Select(r => r[0].Number).Order(), "in rank order");

        CliRun png = CliRunner.Run(["report", "board", .. StoreArgs(store), "--scheme", "T", "--quarter", "2025-Q2", "--out", dir["b.png"]]);
        png.Exit.ShouldBe(0, png.ToString());
        File.ReadAllBytes(dir["b.png"])[..4].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });

        CliRun none = CliRunner.Run(["report", "board", .. StoreArgs(store), "--scheme", "T", "--quarter", "2025-Q4", "--out", dir["c.pdf"]]);
        none.Exit.ShouldBe(2, none.ToString());
        none.Err.ShouldContain("2025-Q4");
        File.Exists(dir["c.pdf"]).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Pack_SumsAmounts_AveragesRates_AndNamesTheTopThree(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using var dir = new CliTempDir();

        CliRun run = CliRunner.Run(["report", "pack", .. StoreArgs(store), "--scheme", "T", "--quarter", "2025-Q2", "--out", dir["p.docx"]]);

        run.Exit.ShouldBe(0, run.ToString());
        var text = PublicationCommandTests.DocxText(dir["p.docx"]);
        string all = string.Join("\n", text);
        all.ShouldContain("一、经济运行分析");
        double gdp = Published(store, "GDP", "2025-06").Values.Sum();
        double air = Published(store, "AIR", "2025-06").Values.Average();
        all.ShouldContain("地区生产总值（亿元）\n合计\n" + Shown(gdp) + "\n–\n–");
        all.ShouldContain("空气优良率\n平均\n" + Shown(air) + "\n–\n–");

        // The top three of June's total, as stored.
        using (SaimaDb db = SaimaDb.Open(store))
        {
            long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
            var top = (from r in db.ResultRows
                       join u in db.Units on r.UnitId equals u.Id
                       where r.ResultSetId == set && r.Node == "Total" && r.Rank <= 3
                       orderby r.Rank
                       select new { u.Name, r.Rank }).ToList();
            top.Count.ShouldBe(3);
            foreach (var t in top)
            {
                all.ShouldContain($"综合第{t.Rank}名\n{t.Name}\n");
            }
        }

        all.ShouldContain("本季度没有举行现场评议。");
        PublicationCommandTests.ConvertWithLibreOffice(dir["p.docx"], dir.Root);

        CliRun pdf = CliRunner.Run(["report", "pack", .. StoreArgs(store), "--scheme", "T", "--quarter", "2025-Q2", "--out", dir["p.pdf"]]);
        pdf.Exit.ShouldBe(0, pdf.ToString());
        string printed = PublicationCommandTests.PdfText(dir["p.pdf"]);
        printed.ShouldContain("三、尖子生");
        printed.ShouldContain("地区生产总值（亿元）");
    }
}
