using System.IO.Compression;
using Saima.Data;

namespace Saima.Cli.Tests;

/// <summary>The demo city, built once into a SQLite file for the intake command tests.</summary>
public sealed class DemoDatabase : IDisposable
{
    public DemoDatabase()
    {
        CliRun run = CliRunner.Run("demo", "--db", Dir["demo.db"]);
        if (run.Exit != 0)
        {
            throw new InvalidOperationException(run.ToString());
        }
    }

    public CliTempDir Dir { get; } = new();

    public string Db => Dir["demo.db"];

    public StoreOptions Store => StoreOptions.SqliteFile(Db);

    public void Dispose() => Dir.Dispose();
}

/// <summary>`saima import` (validated upload), `saima template` and `saima export` on the demo city.</summary>
public sealed class IntakeCommandTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    private const string Scheme = "LC-COUNTY";
    private const string Open = "2025-12";

    /// <summary>A unit and a reportable indicator of the open period that have no current figure yet, with a plausible value.</summary>
    private (string Unit, string Indicator, double Value)[] Unreported(int count)
    {
        using SaimaDb db = SaimaDb.Open(demo.Store);
        long scheme = db.Schemes.Single(s => s.Code == Scheme).Id;
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme && i.GrowthOfId == null && !i.Cumulative).OrderBy(i => i.Code).ToList();
        var units = db.SchemeUnits.Where(su => su.SchemeId == scheme).Select(su => su.Unit!).OrderBy(u => u.Code).ToList();
        var taken = db.Figures.Where(f => f.SchemeId == scheme && f.Period == Open && f.IsCurrent).Select(f => new { f.UnitId, f.IndicatorId }).ToList()
            .Select(x => (x.UnitId, x.IndicatorId)).ToHashSet();
        var found = new List<(string, string, double)>();
        foreach (Unit u in units)
        {
            foreach (Indicator i in indicators)
            {
                if (found.Count < count && !taken.Contains((u.Id, i.Id)))
                {
                    double lo = i.MinPlausible ?? 0, hi = i.MaxPlausible ?? (lo + 100);
                    found.Add((u.Code, i.Code, Math.Round((lo + hi) / 2, 1)));
                }
            }
        }

        found.Count.ShouldBe(count, "the demo's open period has unreported figures");
        return found.ToArray();
    }

    private int FigureCount()
    {
        using SaimaDb db = SaimaDb.Open(demo.Store);
        return db.Figures.Count();
    }

    private static string Csv(IEnumerable<(string Unit, string Indicator, string Value)> rows) =>
        "unit,indicator,period,value\n" + string.Concat(rows.Select(r => $"{r.Unit},{r.Indicator},{Open},{r.Value}\n"));

    [Fact]
    public void Import_FileWithBadRows_ListsEveryErrorAndImportsNothing()
    {
        var good = Unreported(3);
        string file = demo.Dir.Write("bad.csv", Csv([
            (good[0].Unit, good[0].Indicator, good[0].Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (good[1].Unit, good[1].Indicator, "abc"),
            ("NOPE", good[2].Indicator, "1"),
        ]));
        int before = FigureCount();

        CliRun run = CliRunner.Run("import", "--db", demo.Db, "--scheme", Scheme, "--file", file);

        run.Exit.ShouldBe(2, run.ToString());
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.Contains("row 3", StringComparison.Ordinal) && l.Contains("value", StringComparison.OrdinalIgnoreCase) && l.Contains('|'));
        lines.ShouldContain(l => l.Contains("row 4", StringComparison.Ordinal) && l.Contains("NOPE", StringComparison.Ordinal));
        run.Err.ShouldContain("nothing was imported");
        FigureCount().ShouldBe(before);
    }

    [Fact]
    public void Import_DamagedXlsx_ExitsTwoNamingTheFileAndWhatIsWrongWithoutAStackTrace()
    {
        string file = demo.Dir.Write("cut.xlsx", string.Empty);
        File.WriteAllBytes(file, [0x50, 0x4B, 0x03, 0x04, .. Enumerable.Range(0, 600).Select(i => (byte)(i * 31))]);
        int before = FigureCount();

        CliRun run = CliRunner.Run("import", "--db", demo.Db, "--scheme", Scheme, "--file", file);

        run.Exit.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("cut.xlsx: 文件已损坏");
        run.Err.ShouldContain("the file is damaged: not a complete .xlsx file");
        run.Err.ShouldNotContain("Exception");
        run.Err.ShouldNotContain("   at ");
        FigureCount().ShouldBe(before);
    }

    [Fact]
    public void Import_GoodFile_StoresDraftsUnderOneImport()
    {
        var rows = Unreported(2);
        string file = demo.Dir.Write("good.csv", Csv(rows.Select(r => (r.Unit, r.Indicator, r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        int before = FigureCount();

        CliRun run = CliRunner.Run("import", "--db", demo.Db, "--scheme", Scheme, "--file", file, "--user", "县统计局");

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("imported 2 figures");
        FigureCount().ShouldBe(before + 2);
        using SaimaDb db = SaimaDb.Open(demo.Store);
        ImportBatch batch = db.Imports.OrderByDescending(i => i.Id).First();
        batch.ImportedBy.ShouldBe("县统计局");
        db.Figures.Where(f => f.ImportId == batch.Id).ShouldAllBe(f => f.Status == FigureStatus.Draft);
    }

    [Fact]
    public void Export_PublishedPeriod_WritesTheThreeSheets()
    {
        string path = demo.Dir["2025-11.xlsx"];

        CliRun run = CliRunner.Run("export", "--db", demo.Db, "--scheme", Scheme, "--period", "2025-11", "--out", path);

        run.Exit.ShouldBe(0, run.ToString());
        using ZipArchive zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open());
        string workbook = reader.ReadToEnd();
        workbook.ShouldContain("数据 Figures");
        workbook.ShouldContain("结果 Results");
        workbook.ShouldContain("预警 Warnings");
    }

    [Fact]
    public void ExportAndTemplate_UnknownScheme_BadInputAndNoFile()
    {
        CliRunner.Run("export", "--db", demo.Db, "--scheme", "NOPE", "--period", "2025-11", "--out", demo.Dir["x.xlsx"]).ShouldBeBadInput("NOPE");
        CliRunner.Run("template", "--db", demo.Db, "--scheme", "NOPE", "--period", Open, "--unit", "C01", "--out", demo.Dir["t.xlsx"]).ShouldBeBadInput("NOPE");
        File.Exists(demo.Dir["x.xlsx"]).ShouldBeFalse();
        File.Exists(demo.Dir["t.xlsx"]).ShouldBeFalse();
    }

    [Fact]
    public void Template_ForAUnit_IsAWorkbookWithTheDataSheet()
    {
        string path = demo.Dir["C01.xlsx"];

        CliRun run = CliRunner.Run("template", "--db", demo.Db, "--scheme", Scheme, "--period", Open, "--unit", "C01", "--out", path);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("rows to fill");
        using ZipArchive zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open());
        reader.ReadToEnd().ShouldContain("填报 Data");
    }
}
