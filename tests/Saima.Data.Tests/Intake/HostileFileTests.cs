using System.Globalization;
using Xunit.Abstractions;
using System.IO.Compression;
using System.Text;
using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// Uploads built to hurt: rows in the last column, millions of identical rows, row numbers in the
/// billions, damaged archives. Each is refused with a coded reason naming the place, and the bytes
/// the reader allocated while refusing it stay bounded (the reader used to grow by gigabytes).
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class HostileFileTests(Stores stores, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    private static readonly Lazy<byte[]> TenMillionRows = new(() => HostileXlsx.Build(w =>
    {
        HostileXlsx.Header(w);
        for (int i = 0; i < 10_000_000; i++)
        {
            w.Write("<row><c><v>1</v></c><c><v>2</v></c></row>");
        }
    }));

    [Fact]
    public void Xlsx_RowsInColumnXfd_AreRefusedAtTheFirstSuchCellWithinBoundedMemory()
    {
        byte[] file = HostileXlsx.Build(w =>
        {
            for (int r = 1; r <= 2000; r++)
            {
                w.Write(string.Create(CultureInfo.InvariantCulture, $"<row r=\"{r}\"><c r=\"XFD{r}\"><v>1</v></c></row>"));
            }
        });
        file.Length.ShouldBeLessThan(16 * 1024);

        (IntakeFileException e, long allocated) = Refused(file, "xfd.xlsx");

        e.Code.ShouldBe(WorkflowCodes.FileLimit);
        (e.Sheet, e.Row, e.Column).ShouldBe(("data", 1, "XFD"));
        e.Args[1].ShouldBe("columns");
        e.Zh.ShouldContain("XFD1");
        allocated.ShouldBeLessThan(8 * MiB);
    }

    [Fact]
    public void Xlsx_TenMillionIdenticalRows_AreRefusedAtTheRowLimitWithinBoundedMemory()
    {
        byte[] file = TenMillionRows.Value;
        file.Length.ShouldBeLessThan(8 * (int)MiB);

        (IntakeFileException e, long allocated) = Refused(file, "rows.xlsx");

        e.Code.ShouldBe(WorkflowCodes.FileLimit);
        e.Args[1].ShouldBe("rows");
        e.Row.ShouldBe(IntakeLimits.Default.MaxRows + 1);
        allocated.ShouldBeLessThan(128 * MiB);
    }

    [Fact]
    public void Xlsx_RowNumberInTheBillions_IsRefusedAtOnceWithoutFillingTheGap()
    {
        byte[] file = HostileXlsx.Build(w =>
        {
            HostileXlsx.Header(w);
            w.Write("<row r=\"1000000002\"><c r=\"A1000000002\" t=\"inlineStr\"><is><t>001</t></is></c><c r=\"D1000000002\"><v>1</v></c></row>");
        });

        (IntakeFileException e, long allocated) = Refused(file, "far.xlsx");

        e.Code.ShouldBe(WorkflowCodes.FileLimit);
        e.Args[1].ShouldBe("rows");
        e.En.ShouldContain("row 1000000002");
        allocated.ShouldBeLessThan(4 * MiB);
    }

    [Fact]
    public void Xlsx_ADeclaredRangeToColumnXfd_IsRefusedBeforeAReaderSizesRowsByIt()
    {
        byte[] file = HostileXlsx.Build(w => w.Write("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
        file = IntakeMutatorTestSupport.WithDimension(file, "A1:XFD1");

        (IntakeFileException e, long allocated) = Refused(file, "dim.xlsx");

        (e.Code, e.Column, e.Args[1]).ShouldBe((WorkflowCodes.FileLimit, "XFD", "columns"));
        allocated.ShouldBeLessThan(4 * MiB);
    }

    [Fact]
    public void Xlsx_ACellReferenceBeyondThreeLetters_IsRefusedAsDamaged()
    {
        byte[] file = HostileXlsx.Build(w => w.Write("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>"));

        (IntakeFileException e, _) = Refused(file, "ref.xlsx");

        e.Code.ShouldBe(WorkflowCodes.FileUnreadable);
        e.En.ShouldContain("ZZZZ1");
    }

    [Fact]
    public void Csv_MoreRowsThanTheLimit_IsRefusedAtTheFirstRowBeyondIt()
    {
        var text = new StringBuilder("单位代码,指标代码,期间,填报值\n");
        for (int i = 0; i < 1000; i++)
        {
            text.Append("001,GDP,2025-06,1\n");
        }

        var limits = new IntakeLimits { MaxRows = 500 };
        IntakeFileException e = Should.Throw<IntakeFileException>(() => IntakeFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "many.csv", limits));

        (e.Code, e.Row, e.Args[1]).ShouldBe((WorkflowCodes.FileLimit, 501, "rows"));
    }

    [Fact]
    public void AnyFile_LargerThanTheByteLimit_IsRefusedBeforeItIsRead()
    {
        var limits = new IntakeLimits { MaxBytes = 1000 };

        IntakeFileException e = Should.Throw<IntakeFileException>(() => IntakeFile.Read(new MemoryStream(new byte[5000]), "big.csv", limits));

        (e.Code, e.Args[1]).ShouldBe((WorkflowCodes.FileLimit, "bytes"));
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public void Import_TruncatedXlsx_IsACleanRefusalNamingTheFileAndWritesNothing(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        byte[] good = File.ReadAllBytes(IntakeData.Path("figures_good.lo.xlsx"));
        var before = world.CountRows();

        ImportResult result = world.Import(good[..(good.Length / 2)], "cut.xlsx");

        result.Accepted.ShouldBeFalse();
        ImportError error = result.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(WorkflowCodes.FileUnreadable);
        error.Sheet.ShouldBe("cut.xlsx");
        error.ReasonZh.ShouldContain("已损坏");
        world.CountRows().ShouldBe(before);
    }

    [Fact]
    public void Xlsx_MalformedSheetXml_IsRefusedSayingWhereTheXmlBreaks()
    {
        byte[] file = HostileXlsx.Build(w => w.Write("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"));

        (IntakeFileException e, _) = Refused(file, "xml.xlsx");

        e.Code.ShouldBe(WorkflowCodes.FileUnreadable);
        e.En.ShouldContain("malformed XML");
    }

    [Fact]
    public void Xls_GarbageAfterTheOleSignature_IsRefusedAsADamagedXls()
    {
        byte[] file = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(file, 0);
        new Random(7).NextBytes(file.AsSpan(8));

        (IntakeFileException e, _) = Refused(file, "junk.xls");

        e.Code.ShouldBe(WorkflowCodes.FileUnreadable);
        e.En.ShouldContain(".xls");
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public void Import_TenThousandBadRows_ListsTheFirstHundredAndSaysHowManyMore(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        var text = new StringBuilder("单位代码,指标代码,期间,填报值\n");
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"X{i},AIR,2025-06,1\n");
        }

        ImportResult result = world.Import(Encoding.UTF8.GetBytes(text.ToString()), "bad.csv");

        result.Accepted.ShouldBeFalse();
        result.Errors.Count.ShouldBe(IntakeLimits.Default.MaxErrors + 1);
        result.MoreErrors.ShouldBe(10_000 - IntakeLimits.Default.MaxErrors);
        ImportError last = result.Errors[^1];
        last.Code.ShouldBe(WorkflowCodes.MoreErrors);
        last.ReasonEn.ShouldBe("and 9,900 more");
        last.ReasonZh.ShouldBe("另有 9,900 处错误未列出");
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public void Import_FormulaWithoutComputedValue_IsReportedAtItsCellNotSkipped(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        byte[] file = HostileXlsx.Build(w =>
        {
            HostileXlsx.Header(w);
            w.Write("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>001</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>AIR</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>2025-06</t></is></c><c r=\"D2\"><f>80+6</f></c></row>");
            w.Write("<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>002</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>AIR</t></is></c><c r=\"C3\" t=\"inlineStr\"><is><t>2025-06</t></is></c><c r=\"D3\"><f>80+7</f><v>87</v></c></row>");
        });

        ImportResult result = world.Import(file, "formula.xlsx");

        result.Accepted.ShouldBeFalse();
        ImportError e = result.Errors.ShouldHaveSingleItem();
        (e.Sheet, e.Row, e.Column, e.Code).ShouldBe(("data", 2, "D 填报值", WorkflowCodes.FormulaNoValue));
        e.ReasonEn.ShouldContain("cell D2 holds a formula without a computed value");
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public void Import_HeaderWithoutFigures_SaysWhatItFoundInsteadOfImportingNothing(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        var before = world.CountRows();

        ImportResult result = world.Import(Encoding.UTF8.GetBytes("单位代码,指标代码,期间,填报值\n001,AIR,2025-06,\n002,AIR,2025-06,\n"), "empty.csv");

        result.Accepted.ShouldBeFalse();
        ImportError e = result.Errors.ShouldHaveSingleItem();
        (e.Sheet, e.Row, e.Code).ShouldBe(("empty", 1, WorkflowCodes.NoFigures));
        e.ReasonEn.ShouldBe("nothing to import: sheet 'empty' has its header in row 1 and 2 rows under it, all without a value");
        world.CountRows().ShouldBe(before);
    }

    /// <summary>Reads the file expecting a refusal, and the bytes this thread allocated on the way.</summary>
    private (IntakeFileException Error, long Allocated) Refused(byte[] file, string name)
    {
        using var content = new MemoryStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        IntakeFileException e = Should.Throw<IntakeFileException>(() => IntakeFile.Read(content, name));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before - file.Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {file.Length} bytes, refused ({e.Code}) after allocating {allocated / 1024} KiB: {e.En}"));
        e.FileName.ShouldBe(name);
        e.Message.ShouldStartWith(name + ": ");
        return (e, allocated);
    }
}

/// <summary>Edits of a built .xlsx that its writer does not offer.</summary>
internal static class IntakeMutatorTestSupport
{
    /// <summary>The workbook with a &lt;dimension ref=...&gt; before the sheet's data.</summary>
    public static byte[] WithDimension(byte[] xlsx, string range)
    {
        var output = new MemoryStream();
        using (var input = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read))
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry e in input.Entries)
            {
                using var reader = new StreamReader(e.Open());
                string text = reader.ReadToEnd();
                if (e.FullName.EndsWith("sheet1.xml", StringComparison.Ordinal))
                {
                    text = text.Replace("<sheetData>", "<dimension ref=\"" + range + "\"/><sheetData>", StringComparison.Ordinal);
                }

                using var writer = new StreamWriter(zip.CreateEntry(e.FullName).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        return output.ToArray();
    }
}
