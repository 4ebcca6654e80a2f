using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Data.Sqlite;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Saima.Cli.Tests;

/// <summary>
/// <c>saima report feedback</c> and <c>saima report annual</c> on the league seed (2025-05 and
/// 2025-06 published, 2025-07 open): contents read back against the stored result rows.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class PublicationCommandTests(Stores stores)
{
    private static readonly string[] IndicatorCodes = ["GDP", "REV", "AIR", "EMP"];

    private StoreOptions Seeded(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        return store;
    }

    private static string[] StoreArgs(StoreOptions store) => store.Provider == StoreProvider.Sqlite
        ? ["--db", new SqliteConnectionStringBuilder(store.ConnectionString).DataSource]
        : ["--postgres", store.ConnectionString];

    private static CliRun Feedback(StoreOptions store, string period, string? unit, string output) =>
        CliRunner.Run(["report", "feedback", .. StoreArgs(store), "--scheme", "T", "--period", period, .. unit is null ? Array.Empty<string>() : ["--unit", unit], "--out", output]);

    private static CliRun Annual(StoreOptions store, string year, string output) =>
        CliRunner.Run(["report", "annual", .. StoreArgs(store), "--scheme", "T", "--year", year, "--out", output]);

    private static string Shown(double? v) => v is double d ? d.ToString(ShownNumbers.Decimals, CultureInfo.InvariantCulture) : "–";

    /// <summary>The stored rows of a unit in the period's latest result set, by node.</summary>
    private static Dictionary<string, ResultRow> StoredUnit(StoreOptions store, string unit, string period = "2025-06")
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == period).Max(r => r.Id);
        long id = db.Units.Single(u => u.Code == unit).Id;
        return db.ResultRows.Where(r => r.ResultSetId == set && r.UnitId == id).ToList().ToDictionary(r => r.Node);
    }

    /// <summary>The stored totals of a period: code → (rank, score).</summary>
    private static Dictionary<string, (int Rank, double Score)> StoredTotals(StoreOptions store, string period)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long set = db.ResultSets.Where(r => r.Period == period).Max(r => r.Id);
        return (from r in db.ResultRows
                join u in db.Units on r.UnitId equals u.Id
                where r.ResultSetId == set && r.Node == "Total"
                select new { u.Code, r.Rank, r.Score }).ToList().ToDictionary(r => r.Code, r => (r.Rank!.Value, r.Score!.Value));
    }

    private static readonly Dictionary<string, string> Names = new()
    {
        ["GDP"] = "地区生产总值", ["REV"] = "财政收入", ["AIR"] = "空气优良率", ["EMP"] = "城镇新增就业",
    };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FeedbackDocx_HasRealTables_WithEachIndicatorsStoredNumbers(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using (SaimaDb db = SaimaDb.Open(store))
        {
            // Peers are nearest by the context indicators the office chose (none chosen: no peers).
            long scheme = db.Schemes.Single(s => s.Code == "T").Id;
            await new AnalysisService(db, TimeProvider.System).SetSettingsAsync(Actor.Office("office.wang"), scheme, null, ["GDP", "REV"]);
        }

        using var dir = new CliTempDir();

        CliRun run = Feedback(store, "2025-06", "C01", dir["f.docx"]);

        run.Exit.ShouldBe(0, run.ToString());
        using WordprocessingDocument doc = WordprocessingDocument.Open(dir["f.docx"], false);
        W.Body body = doc.MainDocumentPart!.Document.Body!;
        body.Elements<W.Paragraph>().ElementAt(1).InnerText.ShouldBe("甲县2025年6月测试赛马考核结果反馈");
        var tables = body.Elements<W.Table>().Select(t => t.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList()).ToList();
        var indicators = tables.Single(t => t[0].SequenceEqual(FeedbackWriters.IndicatorHeaders(tracks: true)));
        var stored = StoredUnit(store, "C01");
        indicators.Skip(1).Select(r => r[0]).ShouldBe(IndicatorCodes.Select(c => Names[c]));
        foreach (string code in IndicatorCodes)
        {
            List<string> row = indicators.Single(r => r[0] == Names[code]);
            ResultRow s = stored[code];
            (row[1], row[4], row[5], row[6]).ShouldBe((Shown(s.Value), Shown(s.Score), s.Rank!.Value.ToString(CultureInfo.InvariantCulture),
                s.TrackRank!.Value.ToString(CultureInfo.InvariantCulture)), code);
        }

        // GDP has a target (180) and a warning: C01 at 90 is 50% complete, yellow.
        indicators.Single(r => r[0] == "地区生产总值").Skip(2).Take(2).ShouldBe(["180.00", "50.00"]);
        indicators.Single(r => r[0] == "地区生产总值")[^1].ShouldBe("黄色");

        var totals = tables.Single(t => t[0][0] == "项目");
        totals[1].ShouldBe(["综合得分", Shown(stored["Total"].Score), stored["Total"].Rank!.Value.ToString(CultureInfo.InvariantCulture),
            stored["Total"].TrackRank!.Value.ToString(CultureInfo.InvariantCulture)]);
        totals.Skip(2).Select(r => r[0]).ShouldBe(["经济发展", "生态民生"]);

        // C01 is 2nd: what it takes to be 1st, as saima whatif finds it, one row per indicator.
        var moveUp = tables.Single(t => t[0].SequenceEqual(["指标", "当前值", "需达到", "变化", "变化率(%)", "能否达到"]));
        moveUp.Count.ShouldBe(1 + IndicatorCodes.Length);
        var peers = tables.Single(t => t[0].SequenceEqual(["单位", "距离", "名次", "得分"]));
        peers.Count.ShouldBe(1 + 4, "the four other units, nearest first");
    }

    [Fact]
    public void FeedbackDocx_ConvertsWithLibreOfficeWriter_WithoutError()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();
        Feedback(store, "2025-06", "C03", dir["f.docx"]).Exit.ShouldBe(0);

        ConvertWithLibreOffice(dir["f.docx"], dir.Root);

        string text = PdfText(dir["f.pdf"]);
        text.ShouldContain("指标明细");
        text.ShouldContain("城镇新增就业");
    }

    [Fact]
    public void FeedbackPdf_TextExtractsEachIndicatorRow_OnOneLine_WithTheStoredNumbers()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        CliRun run = Feedback(store, "2025-06", "C05", dir["f.pdf"]);

        run.Exit.ShouldBe(0, run.ToString());
        string text = PdfText(dir["f.pdf"]);
        text.ShouldContain("戊区2025年6月测试赛马考核结果反馈");
        var stored = StoredUnit(store, "C05");
        var lines = text.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        int previous = -1;
        foreach (string code in IndicatorCodes)
        {
            ResultRow s = stored[code];
            var hits = lines.Select((w, i) => (w, i))
                .Where(x => x.w.Length >= 8 && x.w[0] == Names[code] && x.w[1] == Shown(s.Value) && x.w[4] == Shown(s.Score)
                    && x.w[5] == s.Rank!.Value.ToString(CultureInfo.InvariantCulture))
                .ToList();
            hits.Count.ShouldBe(1, $"{code}: one line '{Names[code]} {Shown(s.Value)} … {Shown(s.Score)} {s.Rank}' in\n{text}");
            hits[0].i.ShouldBeGreaterThan(previous);
            previous = hits[0].i;
        }
    }

    [Fact]
    public void FeedbackZip_HoldsOnePdfAndOneDocxPerUnit()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        CliRun run = Feedback(store, "2025-06", null, dir["all.zip"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("5 unit(s)");
        using ZipArchive zip = ZipFile.OpenRead(dir["all.zip"]);
        zip.Entries.Select(e => e.FullName).ShouldBe(LeagueData.Codes.SelectMany(c => new[] { $"feedback-2025-06-{c}.pdf", $"feedback-2025-06-{c}.docx" }));
        using Stream pdf = zip.Entries[0].Open();
        var head = new byte[5];
        pdf.ReadExactly(head);
        head.ShouldBe("%PDF-"u8.ToArray());
    }

    [Fact]
    public void Feedback_SamePublishedPeriod_GivesTheSameContent_EveryTime()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Feedback(store, "2025-06", "C04", dir["a.docx"]).Exit.ShouldBe(0);
        Feedback(store, "2025-06", "C04", dir["b.docx"]).Exit.ShouldBe(0);

        DocxText(dir["a.docx"]).ShouldBe(DocxText(dir["b.docx"]));
        DocxText(dir["a.docx"]).Count.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void UnpublishedPeriodOrYear_UnknownUnit_OrOtherExtension_IsRefused_WithExit2_AndNoFile()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Feedback(store, "2025-07", "C01", dir["f.docx"]).ShouldBeBadInput("2025-07", "not published");
        Feedback(store, "2025-06", "C99", dir["f.docx"]).ShouldBeBadInput("C99");
        Feedback(store, "2025-06", "C01", dir["f.xlsx"]).ShouldBeBadInput("f.xlsx");
        Feedback(store, "2025-06", null, dir["f.pdf"]).ShouldBeBadInput(".zip");
        Annual(store, "2024", dir["a.xlsx"]).ShouldBeBadInput("2024", "no published period");
        Annual(store, "2025", dir["a.odt"]).ShouldBeBadInput("a.odt");

        dir.Files().ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AnnualXlsx_ByDefault_TakesTheLastPeriod_RanksAndAwards_FromTheStoredRanks(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using var dir = new CliTempDir();

        CliRun run = Annual(store, "2025", dir["a.xlsx"]);

        run.Exit.ShouldBe(0, run.ToString());
        var june = StoredTotals(store, "2025-06");
        var may = StoredTotals(store, "2025-05");
        var rows = SheetRows(dir["a.xlsx"], AnnualWriters.TableSheet);
        rows[0][3].Text.ShouldBe("年度综合得分 Composite");
        var expected = june.OrderByDescending(j => j.Value.Score).ToList();
        rows.Skip(1).Select(r => (r[0].Number, r[1].Text, r[3].Number))
            .ShouldBe(expected.Select((j, i) => ((double?)(i + 1), (string?)j.Key, (double?)Math.Round(j.Value.Score, 2))));
        rows.Skip(1).Select(r => r[9].Number)
            .ShouldBe(expected.Select(j => (double?)(may[j.Key].Rank - june[j.Key].Rank)));

        // Awards computed independently: the best total, the most and the least rank gained May → June.
        var gains = june.Keys.ToDictionary(c => c, c => may[c].Rank - june[c].Rank);
        var awards = SheetRows(dir["a.xlsx"], AnnualWriters.AwardSheet).Skip(1).Select(r => (r[0].Text, r[1].Text)).ToList();
        awards.ShouldBe([
            ("海豚奖", expected[0].Key),
            ("进位最快", gains.MaxBy(g => g.Value).Key),
            ("乌龟奖", gains.MinBy(g => g.Value).Key),
        ]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Feedback_ListsTheUnitsOpenItems_AndNextYearsTargets(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using (SaimaDb db = SaimaDb.Open(store))
        {
            Actor office = Actor.Office("office.wang");
            var lists = new ListService(db, TimeProvider.System);
            await lists.CreateAsync(office, new ListItemSpec(ListKind.Shortcoming, "招商引资落后需整改", null, "C01", null, "王局长", new DateOnly(2020, 1, 31)));
            await lists.CreateAsync(office, new ListItemSpec(ListKind.Commitment, "乙区承诺事项", null, "C02", null, null, new DateOnly(2030, 1, 31)));
            long c01 = db.Units.Single(u => u.Code == "C01").Id;
            ListItem closed = await lists.CreateAsync(office, new ListItemSpec(ListKind.Supervision, "已办结的督办事项", null, "C01", null, null, new DateOnly(2030, 1, 31)));
            await lists.StartAsync(Actor.Reporter("rep.c01", c01), closed.Id);
            await lists.SubmitAsync(Actor.Reporter("rep.c01", c01), closed.Id, "已整改");
            await lists.CloseOutAsync(office, closed.Id, null);
            AssessmentScheme scheme = db.Schemes.Single(x => x.Code == "T");
            long gdp = db.Indicators.Single(i => i.SchemeId == scheme.Id && i.Code == "GDP").Id;
            new SchemeService(db, TimeProvider.System).SetTarget(office, scheme.Id, c01, gdp, 2026, 321.5);
        }

        using var dir = new CliTempDir();
        CliRun run = Feedback(store, "2025-06", "C01", dir["f.docx"]);

        run.Exit.ShouldBe(0, run.ToString());
        string text = string.Join("\n", DocxText(dir["f.docx"]));
        text.ShouldContain("六、未办结事项");
        text.ShouldContain("招商引资落后需整改\n2020-01-31\n待整改（已逾期）");
        text.ShouldNotContain("乙区承诺事项");
        text.ShouldNotContain("已办结的督办事项");
        text.ShouldContain("2026年度目标");
        text.ShouldContain("地区生产总值\n321.50");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AnnualGrades_ByQuota_AndTheMeanComposite_FollowTheStoredRule(StoreProvider provider)
    {
        StoreOptions store = Seeded(provider);
        using (SaimaDb db = SaimaDb.Open(store))
        {
            await new AnnualRules(db, TimeProvider.System).SetAsync(Actor.Office("office.wang"), "T", new AnnualRule
            {
                Composite = AnnualComposites.Mean,
                Grades = [new() { Name = "优秀", Count = 2 }, new() { Name = "良好", Share = 0.4 }, new() { Name = "较差" }],
                Awards = [new("海豚奖", AnnualAwardKinds.Best), new("末位", AnnualAwardKinds.Last)],
            }, "2025 rule");
        }

        using var dir = new CliTempDir();
        Annual(store, "2025", dir["a.xlsx"]).Exit.ShouldBe(0);

        var june = StoredTotals(store, "2025-06");
        var may = StoredTotals(store, "2025-05");
        var mean = june.Keys.ToDictionary(c => c, c => (may[c].Score + june[c].Score) / 2);
        var order = mean.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key).ToList();

        // Competition ranks (ties share the better rank), then quotas: ranks 1–2 优秀, the next 40% of 5 (2) 良好, the rest 较差.
        var rank = order.ToDictionary(c => c, c => 1 + mean.Count(m => m.Value > mean[c]));
        var grades = order.Select(c => rank[c] <= 2 ? "优秀" : rank[c] <= 4 ? "良好" : "较差").ToList();
        var rows = SheetRows(dir["a.xlsx"], AnnualWriters.TableSheet).Skip(1).ToList();
        rows.Select(r => r[1].Text).ShouldBe(order);
        rows.Select(r => r[0].Number).ShouldBe(order.Select(c => (double?)rank[c]));
        rows.Select(r => r[3].Number).ShouldBe(order.Select(c => (double?)Math.Round(mean[c], 2)));
        rows.Select(r => r[6].Text).ShouldBe(grades);
        var awards = SheetRows(dir["a.xlsx"], AnnualWriters.AwardSheet).Skip(1).Select(r => (r[0].Text, r[1].Text)).ToList();
        int worst = rank.Values.Max();
        awards.ShouldBe([("海豚奖", order[0]), .. order.Where(c => rank[c] == worst).Select(c => ("末位", c))]);
    }

    [Fact]
    public void AnnualPdfAndDocx_HoldTheTable_AndTheDocxConvertsWithLibreOffice()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Annual(store, "2025", dir["a.pdf"]).Exit.ShouldBe(0);
        Annual(store, "2025", dir["b.docx"]).Exit.ShouldBe(0);

        var june = StoredTotals(store, "2025-06").OrderBy(j => j.Value.Rank).ToList();
        var lines = PdfText(dir["a.pdf"]).Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        using (SaimaDb db = SaimaDb.Open(store))
        {
            foreach (var (code, (rank, score)) in june)
            {
                string name = db.Units.Single(u => u.Code == code).Name;
                lines.Count(w => w.Length >= 3 && w[0] == rank.ToString(CultureInfo.InvariantCulture) && w[1] == name && w[2] == Shown(score)).ShouldBe(1, code);
            }
        }

        using (WordprocessingDocument doc = WordprocessingDocument.Open(dir["b.docx"], false))
        {
            var table = doc.MainDocumentPart!.Document.Body!.Elements<W.Table>().First();
            table.Elements<W.TableRow>().First().Elements<W.TableCell>().Select(c => c.InnerText).ShouldBe(AnnualWriters.Headers(tracks: true));
            table.Elements<W.TableRow>().Count().ShouldBe(1 + june.Count);
        }

        ConvertWithLibreOffice(dir["b.docx"], dir.Root);
        PdfText(dir["b.pdf"]).ShouldContain("海豚奖");
    }

    [Fact]
    public void Annual_SameYear_GivesTheSameContent_EveryTime()
    {
        StoreOptions store = Seeded(StoreProvider.Sqlite);
        using var dir = new CliTempDir();

        Annual(store, "2025", dir["a.xlsx"]).Exit.ShouldBe(0);
        Annual(store, "2025", dir["b.xlsx"]).Exit.ShouldBe(0);

        foreach (string sheet in new[] { AnnualWriters.TableSheet, AnnualWriters.AwardSheet })
        {
            Flat(SheetRows(dir["a.xlsx"], sheet)).ShouldBe(Flat(SheetRows(dir["b.xlsx"], sheet)));
        }

        Flat(SheetRows(dir["a.xlsx"], AnnualWriters.TextSheet).Where(r => r[0].Text != "生成时间 Generated").ToList())
            .ShouldBe(Flat(SheetRows(dir["b.xlsx"], AnnualWriters.TextSheet).Where(r => r[0].Text != "生成时间 Generated").ToList()));
    }

    internal sealed record XCellRead(string? Text, double? Number);

    internal static List<List<XCellRead>> SheetRows(string path, string sheet)
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

    internal static List<string> DocxText(string path)
    {
        using WordprocessingDocument doc = WordprocessingDocument.Open(path, false);
        return doc.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText)
            .Where(t => !t.StartsWith("生成时间", StringComparison.Ordinal)).ToList();
    }

    /// <summary>LibreOffice Writer converts the .docx to PDF beside it (exit 0, a PDF written).</summary>
    internal static void ConvertWithLibreOffice(string docx, string outDir)
    {
        string profile = Path.Combine(outDir, "lo-profile");
        var start = new ProcessStartInfo("soffice") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-env:UserInstallation=" + new Uri(profile).AbsoluteUri, "--headless", "--convert-to", "pdf", "--outdir", outDir, docx })
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start) ?? throw new InvalidOperationException("soffice did not start");
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, err.Result);
        File.Exists(Path.ChangeExtension(docx, ".pdf")).ShouldBeTrue(output + err.Result);
        err.Result.ShouldNotContain("Error");
    }

    internal static string PdfText(string pdf)
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
