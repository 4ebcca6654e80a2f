using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Saima.Data.Intake;

namespace Saima.Data.Tests.Intake;

/// <summary>Fills the value column of one of our templates, as a reporter would, through OpenXml.</summary>
internal static class TemplateFiller
{
    /// <summary>Sets the value cell of each data row whose key (indicator code, or "unit/indicator" in a department template) is given.</summary>
    public static byte[] Fill(byte[] template, IReadOnlyDictionary<string, double> values)
    {
        var stream = new MemoryStream();
        stream.Write(template);
        using (SpreadsheetDocument doc = SpreadsheetDocument.Open(stream, true))
        {
            WorkbookPart wb = doc.WorkbookPart!;
            Sheet sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == TemplateWriter.DataSheet);
            var part = (WorksheetPart)wb.GetPartById(sheet.Id!);
            List<Cell> header = part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().First().Elements<Cell>().ToList();
            int valueColumn = header.FindIndex(c => (c.InlineString?.Text?.Text ?? string.Empty).StartsWith("填报值", StringComparison.Ordinal));
            bool byUnit = (header[0].InlineString?.Text?.Text ?? string.Empty).StartsWith("单位代码", StringComparison.Ordinal);
            foreach (Row row in part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Skip(1))
            {
                List<Cell> cells = row.Elements<Cell>().ToList();
                string Text(int i) => cells[i].InlineString?.Text?.Text ?? string.Empty;
                string key = byUnit ? Text(0) + "/" + Text(2) : Text(0);
                if (values.TryGetValue(key, out double v))
                {
                    Cell target = cells[valueColumn];
                    target.CellValue = new CellValue(v);
                    target.DataType = CellValues.Number;
                }
            }

            part.Worksheet.Save();
        }

        return stream.ToArray();
    }
}

[Collection(StoresCollection.Name)]
public sealed class TemplateTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void UnitTemplate_ListsOwnIndicatorsDueWithLastValueTargetValidationAndMetadata(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        var output = new MemoryStream();
        using (SaimaDb db = world.Open())
        {
            TemplateSummary summary = new TemplateWriter(db, world.Clock).WriteUnitTemplate(IntakeWorld.Scheme, "2025-06", "001", output, "office");
            summary.ShouldBe(new TemplateSummary("S1_2025-06_001.xlsx", 3));
        }

        IntakeFile read = IntakeFile.Read(new MemoryStream(output.ToArray()), "t.xlsx");
        read.Metadata["scheme"].ShouldBe("S1");
        read.Metadata["period"].ShouldBe("2025-06");
        read.Metadata["unit"].ShouldBe("001");
        IntakeSheet data = read.Sheets.Single(s => s.Name == TemplateWriter.DataSheet);
        data.Rows[0].Cells.ShouldBe(["指标代码 / Indicator code", "指标名称 / Indicator", "计量单位 / Unit of measure", "上期值 2025-05 / Last period", "2025年目标 / Target 2025", "填报值 / Value", "说明 / Explanation", "状态 / Status", "审核意见 / Reviewer's comment"]);

        // GDP comes from the statistics bureau and GDP_G is derived: neither is the unit's to fill in.
        data.Rows.Skip(1).Select(r => Enumerable.Range(0, 6).Select(c => r[c]).ToArray()).ShouldBe(
        [
            ["AIR", "空气质量优良天数比例", "%", 85.0, 90.0, null],
            ["RD", "研发经费投入强度", "%", null, null, null],
            ["INV", "固定资产投资", "亿元", null, null, null],
        ]);

        using SpreadsheetDocument doc = SpreadsheetDocument.Open(new MemoryStream(output.ToArray()), false);
        WorkbookPart wb = doc.WorkbookPart!;
        Sheet dataSheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == TemplateWriter.DataSheet);
        Worksheet ws = ((WorksheetPart)wb.GetPartById(dataSheet.Id!)).Worksheet;
        ws.Descendants<Pane>().Single().State!.Value.ShouldBe(PaneStateValues.Frozen);
        ws.GetFirstChild<SheetProtection>()!.Sheet!.Value.ShouldBeTrue();
        var validations = ws.Descendants<DataValidation>().ToList();
        validations.Select(v => (v.SequenceOfReferences!.InnerText, v.Type!.Value, v.Formula1!.Text, v.Formula2?.Text)).ShouldBe(
        [
            ("F2", DataValidationValues.Decimal, "0", "100"),
            ("F3", DataValidationValues.Decimal, "0", "20"),
            ("F4", DataValidationValues.Decimal, "0", null),
        ]);
        validations[2].Operator!.Value.ShouldBe(DataValidationOperatorValues.GreaterThanOrEqual);
        validations[0].Prompt!.Value!.ShouldContain("空气质量优良天数比例");
        wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == IntakeFile.MetadataSheet).State!.Value.ShouldBe(SheetStateValues.Hidden);
        wb.Workbook.DefinedNames!.Elements<DefinedName>().Select(n => n.Name!.Value).ShouldBe(["SaimaScheme", "SaimaPeriod", "SaimaUnit"]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void UnitTemplate_FilledAndUploaded_StoresTheFiguresForTheTemplatesUnit(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        byte[] filled = TemplateFixtures.FilledUnitTemplate(world);

        ImportResult result = world.Import(filled, "S1_2025-06_001.xlsx");

        result.Errors.ShouldBeEmpty();
        (result.Inserted, result.SkippedBlank).ShouldBe((3, 0));
        world.Current("001", "AIR", "2025-06")!.Value.ShouldBe(87.5);
        world.Current("001", "INV", "2025-06")!.Value.ShouldBe(300);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void SourceTemplate_ListsEveryUnitForTheDepartmentsIndicators(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        byte[] filled = TemplateFixtures.FilledSourceTemplate(world);
        IntakeFile read = IntakeFile.Read(new MemoryStream(filled), "s.xlsx");
        read.Metadata["source"].ShouldBe("900");
        read.Sheets.Single(s => s.Name == TemplateWriter.DataSheet).Rows.Skip(1).Select(r => r.Cells.Take(7).ToArray()).ShouldBe(
        [
            ["001", "青山区", "GDP", "地区生产总值", "亿元", 500.0, 1200.0],
            ["002", "绿水县", "GDP", "地区生产总值", "亿元", null, 2500.0],
            ["003", "白云镇", "GDP", "地区生产总值", "亿元", 90.0, 200.0],
        ]);

        ImportResult result = world.Import(filled, "S1_2025-06_900.xlsx");

        result.Errors.ShouldBeEmpty();
        world.Current("002", "GDP", "2025-06")!.Value.ShouldBe(1300);
    }

    public static TheoryData<StoreProvider, string> LibreOfficeTemplates
    {
        get
        {
            var data = new TheoryData<StoreProvider, string>();
            foreach (StoreProvider p in new[] { StoreProvider.Sqlite, StoreProvider.Postgres })
            {
                foreach (string f in new[] { "template_unit_filled.lo.xlsx", "template_unit_filled.lo.xls", "template_source_filled.lo.xlsx", "template_source_filled.lo.xls" })
                {
                    data.Add(p, f);
                }
            }

            return data;
        }
    }

    /// <summary>Our template, filled, then opened and saved again by LibreOffice (see TestData/intake/make_fixtures.sh).</summary>
    [Theory]
    [MemberData(nameof(LibreOfficeTemplates))]
    public void Template_ResavedByLibreOffice_UploadsWithItsMetadata(StoreProvider provider, string file)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        IntakeFile read = IntakeFile.Read(IntakeData.Path(file));
        read.Metadata["scheme"].ShouldBe("S1");
        read.Sheets.Select(s => s.Name).ShouldBe([TemplateWriter.DataSheet, TemplateWriter.AboutSheet]);

        ImportResult result = world.Import(IntakeData.Path(file));

        result.Errors.ShouldBeEmpty();
        if (file.StartsWith("template_unit", StringComparison.Ordinal))
        {
            result.Inserted.ShouldBe(3);
            world.Current("001", "AIR", "2025-06")!.Value.ShouldBe(87.5);
            world.Current("001", "RD", "2025-06")!.Value.ShouldBe(2.1);
        }
        else
        {
            result.Inserted.ShouldBe(3);
            world.Current("001", "GDP", "2025-06")!.Value.ShouldBe(620);
            world.Current("003", "GDP", "2025-06")!.Value.ShouldBe(95.5);
        }
    }
}

/// <summary>
/// Our filled templates, as make_fixtures.sh hands them to LibreOffice. This test always checks that
/// they are written; with SAIMA_FIXTURE_OUT set it also saves them there.
/// </summary>
public sealed class TemplateFixtures
{
    internal static byte[] FilledUnitTemplate(IntakeWorld world)
    {
        var output = new MemoryStream();
        using (SaimaDb db = world.Open())
        {
            new TemplateWriter(db, world.Clock).WriteUnitTemplate(IntakeWorld.Scheme, "2025-06", "001", output, "office");
        }

        return TemplateFiller.Fill(output.ToArray(), new Dictionary<string, double> { ["AIR"] = 87.5, ["RD"] = 2.1, ["INV"] = 300 });
    }

    internal static byte[] FilledSourceTemplate(IntakeWorld world)
    {
        var output = new MemoryStream();
        using (SaimaDb db = world.Open())
        {
            new TemplateWriter(db, world.Clock).WriteSourceTemplate(IntakeWorld.Scheme, "2025-06", "900", output, "office");
        }

        return TemplateFiller.Fill(output.ToArray(), new Dictionary<string, double> { ["001/GDP"] = 620, ["002/GDP"] = 1300, ["003/GDP"] = 95.5 });
    }

    [Fact]
    public void WriteTemplateFixtures_FilledTemplates_AreWritten()
    {
        string path = Path.Combine(Path.GetTempPath(), "saima-fixture-" + Guid.NewGuid().ToString("N") + ".db");
        StoreOptions store = StoreOptions.SqliteFile(path);
        SchemaMigrator.Migrate(store);
        IntakeWorld world = IntakeWorld.Create(store);
        byte[] unit = FilledUnitTemplate(world);
        byte[] source = FilledSourceTemplate(world);
        unit.Length.ShouldBeGreaterThan(0);
        source.Length.ShouldBeGreaterThan(0);
        string? outDir = Environment.GetEnvironmentVariable("SAIMA_FIXTURE_OUT");
        if (!string.IsNullOrEmpty(outDir))
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllBytes(Path.Combine(outDir, "template_unit_filled.xlsx"), unit);
            File.WriteAllBytes(Path.Combine(outDir, "template_source_filled.xlsx"), source);
        }
    }
}
