using System.Diagnostics;
using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Data.Sqlite;
using Saima.Data;
using Saima.Testing;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Saima.Cli.Tests;

/// <summary>
/// <c>saima report circular</c> on the league seed (2025-06 published: C02 95, C01 65, C05 55,
/// C04 30, C03 5; 2025-07 open with a result set of its own): the three formats read back
/// against the stored result rows, and the refusals.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ReportCommandTests(Stores stores)
{
    /// <summary>The stored 2025-06 total rows in rank order: (rank, code, name, score).</summary>
    private static List<(int Rank, string Code, string Name, double Score)> StoredRows(StoreOptions store, string period = "2025-06")
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == period).Max(r => r.Id);
        return (from r in db.ResultRows
                join u in db.Units on r.UnitId equals u.Id
                where r.ResultSetId == set && r.Node == "Total"
                select new { r.Rank, u.Code, u.Name, r.Score }).ToList()
            .OrderBy(r => r.Rank).Select(r => (r.Rank!.Value, r.Code, r.Name, r.Score!.Value)).ToList();
    }

    /// <summary>The stored 2025-06 rows of a dimension (a group under the total) in rank order: (rank, code, name, score).</summary>
    private static List<(int Rank, string Code, string Name, double Score)> StoredDimension(StoreOptions store, string node)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        return (from r in db.ResultRows
                join u in db.Units on r.UnitId equals u.Id
                where r.ResultSetId == set && r.Node == node
                select new { r.Rank, u.Code, u.Name, r.Score }).ToList()
            .OrderBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal).Select(r => (r.Rank!.Value, r.Code, r.Name, r.Score!.Value)).ToList();
    }

    private StoreOptions Seeded(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        return store;
    }

    private static string[] StoreArgs(StoreOptions store) => store.Provider == StoreProvider.Sqlite
        ? ["--db", new SqliteConnectionStringBuilder(store.ConnectionString).DataSource]
        : ["--postgres", store.ConnectionString];

    private static CliRun Circular(StoreOptions store, string period, string output, params string[] more) =>
        CliRunner.Run(["report", "circular", .. StoreArgs(store), "--scheme", "T", "--period", period, "--out", output, .. more]);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Xlsx_HoldsTheStoredNamesScoresAndRanks_InRankOrder_NumbersAsNumbers(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using var dir = new CliTempDir();

        CliRun run = Circular(store, "2025-06", dir["c.xlsx"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("5 units");
        var rows = SheetRows(dir["c.xlsx"], "通报 Circular");
        rows[0].Take(4).Select(c => c.Text).ShouldBe(["名次 Rank", "单位代码 Code", "单位 Unit", "得分 Score"]);
        var stored = StoredRows(store);
        rows.Skip(1).Select(r => (r[0].Number, r[1].Text, r[2].Text, r[3].Number))
            .ShouldBe(stored.Select(s => ((double?)s.Rank, (string?)s.Code, (string?)s.Name, (double?)Math.Round(s.Score, 2))));
        rows.Skip(1).Select(r => r[2].Text).ShouldBe(["乙区", "甲县", "戊区", "丁县", "<script>alert(1)</script>"]);
        rows.Skip(1).Select(r => r[7].Number).ShouldBe([0d, 0d, 0d, 1d, 1d]);
        var notes = SheetRows(dir["c.xlsx"], "说明 Notes");
        notes.Single(r => r[0].Text == "标题 Title")[1].Text.ShouldBe("关于2025年6月测试赛马考核排名情况的通报");
        notes.Single(r => r[0].Text == "通报正文（草稿） Draft")[1].Text!.ShouldContain("乙区以95.00分位列第一");

        var dimensions = SheetRows(dir["c.xlsx"], "分项 Dimensions");
        dimensions[0].Select(c => c.Text).ShouldBe(["维度代码 Dimension", "维度 Name", "名次 Rank", "单位代码 Code", "单位 Unit", "得分 Score"]);
        foreach ((string node, string name) in new[] { ("Econ", "经济发展"), ("Eco", "生态民生") })
        {
            dimensions.Skip(1).Where(r => r[0].Text == node).Select(r => (r[1].Text, r[2].Number, r[3].Text, r[5].Number))
                .ShouldBe(StoredDimension(store, node).Select(d => ((string?)name, (double?)d.Rank, (string?)d.Code, (double?)Math.Round(d.Score, 2))), node);
        }
    }

    [Fact]
    public void Docx_HasTheRedHeader_TheTitle_ARealTableInRankOrder_FontsAndPageNumbers()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        CliRun run = Circular(store, "2025-06", dir["c.docx"], "--office", "测试市考核办公室");

        run.Exit.ShouldBe(0, run.ToString());
        using WordprocessingDocument doc = WordprocessingDocument.Open(dir["c.docx"], false);
        W.Body body = doc.MainDocumentPart!.Document.Body!;
        var paragraphs = body.Elements<W.Paragraph>().ToList();
        W.Paragraph red = paragraphs[0];
        red.InnerText.ShouldBe("测试市考核办公室");
        red.Descendants<W.Color>().Single().Val!.Value.ShouldBe("FF0000");
        red.Descendants<W.BottomBorder>().Single().Color!.Value.ShouldBe("FF0000");
        red.Descendants<W.RunFonts>().Single().EastAsia!.Value.ShouldBe("黑体");
        paragraphs[1].InnerText.ShouldBe("关于2025年6月测试赛马考核排名情况的通报");
        paragraphs[2].InnerText.ShouldContain("乙区以95.00分位列第一");
        paragraphs[2].Descendants<W.RunFonts>().Single().EastAsia!.Value.ShouldBe("仿宋");

        var tables = body.Elements<W.Table>().ToList();
        tables.Count.ShouldBe(3, "the league table and one table per dimension");
        W.Table table = tables[0];
        var cells = table.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList();
        cells[0].ShouldBe(["名次", "单位", "得分", "赛道", "赛道名次", "名次变化", "红色预警"]);
        table.Elements<W.TableRow>().First().Descendants<W.TableHeader>().ShouldHaveSingleItem();
        var stored = StoredRows(store);
        cells.Skip(1).Select(c => (c[0], c[1], c[2]))
            .ShouldBe(stored.Select(s => (s.Rank.ToString(CultureInfo.InvariantCulture), s.Name, s.Score.ToString("0.00", CultureInfo.InvariantCulture))));
        cells.Skip(1).Select(c => c[5]).ShouldBe(["▲1", "▼1", "▲2", "–", "▼2"]);
        foreach ((W.Table dimension, string node, string heading) in new[] { (tables[1], "Econ", "经济发展排名"), (tables[2], "Eco", "生态民生排名") })
        {
            (dimension.PreviousSibling<W.Paragraph>()?.InnerText).ShouldBe(heading);
            var rows = dimension.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList();
            rows[0].ShouldBe(["名次", "单位", "得分"]);
            rows.Skip(1).Select(c => (c[0], c[1], c[2])).ShouldBe(StoredDimension(store, node)
                .Select(s => (s.Rank.ToString(CultureInfo.InvariantCulture), s.Name, s.Score.ToString("0.00", CultureInfo.InvariantCulture))), node);
        }

        FooterPart footer = doc.MainDocumentPart.FooterParts.Single();
        footer.Footer.Descendants<W.FieldCode>().Single().Text.Trim().ShouldBe("PAGE");
        body.Elements<W.SectionProperties>().Single().Elements<W.FooterReference>().ShouldHaveSingleItem();
    }

    [Fact]
    public void Pdf_TextExtractsOneUnitPerLine_InRankOrder()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        CliRun run = Circular(store, "2025-06", dir["c.pdf"]);

        run.Exit.ShouldBe(0, run.ToString());
        File.ReadAllBytes(dir["c.pdf"]).Take(5).ShouldBe("%PDF-"u8.ToArray());
        string text = PdfText(dir["c.pdf"]);
        text.ShouldContain("关于2025年6月测试赛马考核排名情况的通报");
        int econ = text.IndexOf("经济发展排名", StringComparison.Ordinal);
        int eco = text.IndexOf("生态民生排名", StringComparison.Ordinal);
        econ.ShouldBeGreaterThan(0, text);
        eco.ShouldBeGreaterThan(econ, text);
        foreach ((string node, string part) in new[] { ("Econ", text[econ..eco]), ("Eco", text[eco..]) })
        {
            var partLines = part.Split('\n');
            int at = -1;
            foreach (var s in StoredDimension(store, node))
            {
                string line = $"{s.Rank.ToString(CultureInfo.InvariantCulture)} {s.Name} {s.Score.ToString("0.00", CultureInfo.InvariantCulture)}";
                int hit = Array.FindIndex(partLines, at + 1, l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)) == line);
                hit.ShouldBeGreaterThan(at, $"{node}: '{line}' after line {at} in\n{part}");
                at = hit;
            }
        }

        var lines = text[..econ].Split('\n');
        var stored = StoredRows(store);
        int previous = -1;
        foreach (var s in stored)
        {
            // The unit's line: rank, name and shown score as its first three words; no other line names it in the table.
            string score = s.Score.ToString("0.00", CultureInfo.InvariantCulture);
            var hits = lines.Select((l, i) => (Words: l.Split(' ', StringSplitOptions.RemoveEmptyEntries), i))
                .Where(x => x.Words.Length >= 3 && x.Words[0] == s.Rank.ToString(CultureInfo.InvariantCulture) && x.Words[1] == s.Name && x.Words[2] == score)
                .ToList();
            hits.Count.ShouldBe(1, $"{s.Name}: one line '{s.Rank} {s.Name} {score} …' in\n{text}");
            hits[0].i.ShouldBeGreaterThan(previous, text);
            previous = hits[0].i;
        }
    }

    [Fact]
    public void SamePublishedPeriod_GivesTheSameContent_EveryTime()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Circular(store, "2025-06", dir["a.xlsx"]).Exit.ShouldBe(0);
        Circular(store, "2025-06", dir["b.xlsx"]).Exit.ShouldBe(0);
        Circular(store, "2025-06", dir["a.docx"]).Exit.ShouldBe(0);
        Circular(store, "2025-06", dir["b.docx"]).Exit.ShouldBe(0);

        Flat(SheetRows(dir["a.xlsx"], "通报 Circular")).ShouldBe(Flat(SheetRows(dir["b.xlsx"], "通报 Circular")));
        Flat(SheetRows(dir["a.xlsx"], "说明 Notes").Where(r => r[0].Text != "生成时间 Generated").ToList())
            .ShouldBe(Flat(SheetRows(dir["b.xlsx"], "说明 Notes").Where(r => r[0].Text != "生成时间 Generated").ToList()));
        DocxText(dir["a.docx"]).ShouldBe(DocxText(dir["b.docx"]));
    }

    [Fact]
    public void UnpublishedPeriod_UnknownScheme_OrOtherExtension_IsRefused_WithExit2_AndNoFile()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Circular(store, "2025-07", dir["c.xlsx"]).ShouldBeBadInput("2025-07", "not published");
        Circular(store, "2025-09", dir["c.pdf"]).ShouldBeBadInput("2025-09", "not published");
        CliRunner.Run(["report", "circular", .. StoreArgs(store), "--scheme", "NOPE", "--period", "2025-06", "--out", dir["c.docx"]])
            .ShouldBeBadInput("unknown scheme 'NOPE'");
        Circular(store, "2025-06", dir["c.odt"]).ShouldBeBadInput("c.odt", ".pdf, .docx or .xlsx");
        Circular(store, "2025-06", dir["c.pdf"], "--chromium", dir["no-chromium"]).ShouldBeBadInput("Chromium", "no-chromium");

        dir.Files().ShouldBeEmpty();
    }

    [Fact]
    public void Help_ShowsTheFormatsAndAnExample()
    {
        CliRun run = CliRunner.Run("report", "circular", "--help");

        run.Exit.ShouldBe(0);
        run.Out.ShouldContain("saima report circular --db saima.db --scheme LC-COUNTY --period 2025-11 --out");
        run.Out.ShouldContain(".docx");
        run.Out.ShouldContain("--office");
    }

    private sealed record XCellRead(string? Text, double? Number);

    /// <summary>The sheet's rows as written: inline strings as text, numeric cells as numbers (a number stored as text would read as text).</summary>
    private static List<List<XCellRead>> SheetRows(string path, string sheet)
    {
        using SpreadsheetDocument doc = SpreadsheetDocument.Open(path, false);
        WorkbookPart book = doc.WorkbookPart!;
        Sheet s = book.Workbook.Descendants<Sheet>().Single(x => x.Name == sheet);
        var part = (WorksheetPart)book.GetPartById(s.Id!);
        return part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
            c.DataType is null && c.CellValue is not null
                ? new XCellRead(null, double.Parse(c.CellValue.Text, CultureInfo.InvariantCulture))
                : new XCellRead(c.InnerText, null)).ToList()).ToList();
    }

    private static List<string> Flat(List<List<XCellRead>> rows) =>
        rows.Select(r => string.Join("|", r.Select(c => c.Text ?? c.Number?.ToString("R", CultureInfo.InvariantCulture)))).ToList();

    /// <summary>The document's paragraphs and cells as text, the generated-at line left out.</summary>
    private static List<string> DocxText(string path)
    {
        using WordprocessingDocument doc = WordprocessingDocument.Open(path, false);
        return doc.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText)
            .Where(t => !t.StartsWith("生成时间", StringComparison.Ordinal)).ToList();
    }

    /// <summary>poppler's pdftotext -layout (Debian package poppler-utils).</summary>
    private static string PdfText(string pdf)
    {
        var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-layout", "-enc", "UTF-8", pdf, "-" })
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start) ?? throw new InvalidOperationException("pdftotext (poppler-utils) did not start");
        Task<string> err = p.StandardError.ReadToEndAsync();
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, err.Result);
        return text;
    }
}
