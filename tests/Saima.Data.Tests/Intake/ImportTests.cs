using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;

namespace Saima.Data.Tests.Intake;

[Collection(StoresCollection.Name)]
public sealed class ImportTests(Stores stores)
{
    public static TheoryData<StoreProvider, string> GoodFiles => Cross(["figures_good.csv", "figures_good.lo.xlsx", "figures_good.lo.xls", "figures_good_numeric_codes.lo.xlsx"]);

    public static TheoryData<StoreProvider, string> BadFiles => Cross(["figures_bad.csv", "figures_bad.lo.xlsx", "figures_bad.lo.xls"]);

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Import_GoodFile_StoresEveryFigureAsDraftUnderOneBatch(StoreProvider provider, string file)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));

        ImportResult result = world.Import(IntakeData.Path(file));

        result.Errors.ShouldBeEmpty();
        result.Accepted.ShouldBeTrue();
        result.Inserted.ShouldBe(6);
        result.SkippedBlank.ShouldBe(1);
        world.Current("001", "GDP", "2025-06")!.Value.ShouldBe(612.5);
        world.Current("002", "GDP", "2025-06")!.Value.ShouldBe(1250.75);
        world.Current("003", "RD", "2025-06")!.Value.ShouldBe(2.45);
        Figure air = world.Current("001", "AIR", "2025-06")!;
        air.Value.ShouldBe(86.3);
        air.Status.ShouldBe(FigureStatus.Draft);
        air.Revision.ShouldBe(1);
        air.EnteredBy.ShouldBe(IntakeWorld.Reporter);
        air.EnteredAt.ShouldBe(IntakeWorld.Now);
        air.ImportId.ShouldBe(result.ImportId);
        using SaimaDb db = world.Open();
        ImportBatch batch = db.Imports.Single();
        (batch.Rows, batch.FileName, batch.ImportedBy).ShouldBe((6, file, IntakeWorld.Reporter));
        AuditEntry audit = db.Audit.Single(a => a.Action == "import");
        (audit.Action, audit.EntityKey, audit.User).ShouldBe(("import", batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), IntakeWorld.Reporter));

        // Every figure's value is in the audit trail too, with the file it came in.
        db.Audit.Count(a => a.Action == "create" && a.Field == "value" && a.Reason == file).ShouldBe(6);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Import_FileWithBadCells_ListsEveryErrorWithSheetRowColumnAndWritesNothing(StoreProvider provider, string file)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        var before = world.CountRows();

        ImportResult result = world.Import(IntakeData.Path(file));

        result.Accepted.ShouldBeFalse();
        world.CountRows().ShouldBe(before);
        string[] got = result.Errors.Select(e => $"{e.Sheet}|{e.Row}|{e.Column}|{e.ReasonEn}").ToArray();
        got.ShouldBe(
        [
            "figures_bad|3|A 单位代码|unknown unit code '004'",
            "figures_bad|4|C 指标代码|unknown indicator code 'XYZ' in scheme 'S1'",
            "figures_bad|5|E 填报值|'八十' is not a number",
            "figures_bad|6|E 填报值|value 120 % is outside the plausible range [0, 100] of indicator 'AIR'; if it is right, explain it",
            "figures_bad|7|E 填报值|year-to-date value 80 is lower than 90 of 2025-05; a cumulative figure should not fall: if it is right, explain it",
            "figures_bad|8|C 指标代码|duplicate of row 2 (same unit, indicator and period)",
            "figures_bad|9|C 指标代码|indicator 'GDP_G' is a derived year-on-year growth (of 'GDP'): it is computed, never entered",
            "figures_bad|10|D 期间|period 2025-04 is published and takes no more figures (the office corrects published figures)",
        ]);
        result.Errors.Select(e => e.ReasonZh).ShouldBe(
        [
            "单位代码“004”不存在",
            "考核方案“S1”中没有指标代码“XYZ”",
            "“八十”不是数字",
            "数值 120 % 超出指标“AIR”的合理范围 [0, 100]；如数据无误，请填写说明",
            "累计值 80 低于上期（2025-05）的 90，累计数一般不应减少；如数据无误，请填写说明",
            "与第 2 行重复（同一单位、指标、期间）",
            "指标“GDP_G”是“GDP”的同比增速，由系统计算，不需填报",
            "期间 2025-04 已发布，不再接收数据（已发布的数据由考核办更正）",
        ]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Import_CumulativeLowerThanLastMonthInSameFile_NamesTheFileAsTheSource(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        string csv = "unit,indicator,period,value\n002,GDP,2025-06,700\n002,GDP,2025-05,710\n002,GDP,2025-07,800\n";

        ImportResult result = world.Import(Encoding.UTF8.GetBytes(csv), "ytd.csv");

        result.Errors.Select(e => (e.Row, e.Column, e.ReasonEn)).ShouldBe(
        [
            (2, "D value", "year-to-date value 700 is lower than 710 of 2025-05; a cumulative figure should not fall: if it is right, explain it"),
            (4, "C period", "period 2025-07 of scheme 'S1' does not exist"),
        ]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Import_OverADraft_ChangesTheDraftAndAuditsOldAndNew(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));

        ImportResult result = world.Import(Encoding.UTF8.GetBytes("单位代码,指标代码,期间,填报值\n003,AIR,2025-06,89\n"), "fix.csv", new ImportOptions { Submit = true });

        result.Accepted.ShouldBeTrue();
        result.Replaced.ShouldBe(1);
        Figure now = world.Current("003", "AIR", "2025-06")!;
        (now.Value, now.Revision, now.Status).ShouldBe((89.0, 1, FigureStatus.Submitted));
        using SaimaDb db = world.Open();
        db.Audit.AsNoTracking().Where(a => a.EntityKey == "S1/003/AIR/2025-06" && a.Field == "value")
            .Select(a => new { a.OldValue, a.NewValue, a.Reason }).ToList()
            .Select(a => (a.OldValue, a.NewValue, a.Reason)).ShouldBe([("88", "89", "fix.csv")]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Import_SubmittedFigureUnitOutsideSchemeAndUnitNotAllowed_AreErrors(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        string csv = "单位代码,指标代码,期间,填报值\n002,RD,2025-06,2.2\n800,AIR,2025-06,70\n003,AIR,2025-06,70\n001,AIR,2025-06,70\n";
        var before = world.CountRows();

        ImportResult result = world.Import(Encoding.UTF8.GetBytes(csv), "mixed.csv", actor: Saima.Data.Store.Actor.Reporter(IntakeWorld.Reporter, world.Units["002"]));

        result.Errors.Select(e => (e.Row, e.Column.Split(' ')[0], e.ReasonEn)).ShouldBe(
        [
            (2, "D", "figure S1/002/RD/2025-06 is submitted and waits for review; a reviewer must return it before it can be changed"),
            (3, "A", "unit '800' does not take part in scheme 'S1'"),
            (4, "A", "reporter01 may not enter figures of unit '003': a reporter acts for its own unit only"),
            (5, "A", "reporter01 may not enter figures of unit '001': a reporter acts for its own unit only"),
        ]);
        world.CountRows().ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Import_FileWithoutUnitOrPeriodColumns_TakesThemFromTheOptions(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        byte[] gbk = Encoding.GetEncoding(54936).GetBytes("指标代码,指标名称,填报值\nAIR,空气质量优良天数比例,77.5\nRD,研发经费投入强度,１．５\n");

        ImportResult result = world.Import(gbk, "wps.csv", new ImportOptions { UnitCode = "002", Period = "2025-05" });

        result.Errors.ShouldBeEmpty();
        world.Current("002", "AIR", "2025-05")!.Value.ShouldBe(77.5);
        world.Current("002", "RD", "2025-05")!.Value.ShouldBe(1.5);
        world.Import(gbk, "wps.csv").Errors.Single().ReasonEn.ShouldBe("there is no unit code column and the file names no unit");
    }

    [Theory]
    [InlineData("12.5", 12.5)]
    [InlineData(" 1,234.5 ", 1234.5)]
    [InlineData("－３．２５", -3.25)]
    [InlineData("1e3", 1000.0)]
    [InlineData("12.5%", null)]
    [InlineData("八十", null)]
    [InlineData("NaN", null)]
    [InlineData("2025-06-01", null)]
    public void TryNumber_Text_ReadsPlainNumbersOnly(string text, double? expected)
    {
        bool ok = FigureImporter.TryNumber(text, out double value);
        ok.ShouldBe(expected is not null);
        if (expected is double e)
        {
            value.ShouldBe(e);
        }
    }

    [Fact]
    public void Read_LibreOfficeFiles_KeepCodesAndPeriodsAsText()
    {
        foreach (string file in new[] { "figures_good.lo.xlsx", "figures_good.lo.xls" })
        {
            IntakeFile read = IntakeFile.Read(IntakeData.Path(file));
            read.Format.ShouldBe(file.EndsWith(".xls", StringComparison.Ordinal) ? IntakeFormat.Xls : IntakeFormat.Xlsx);
            IntakeRow row = read.Sheets.Single().Rows[1];
            row.Number.ShouldBe(2);
            row.Cells.ShouldBe(["001", "青山区", "GDP", "2025-06", 612.5]);
        }

        // The filter of STACK.md without column types turns 001 into the number 1; the upload still finds unit 001.
        IntakeFile plain = IntakeFile.Read(IntakeData.Path("figures_good_numeric_codes.lo.xlsx"));
        plain.Sheets.Single().Rows[1].Cells[0].ShouldBe(1.0);
    }

    private static TheoryData<StoreProvider, string> Cross(string[] files)
    {
        var data = new TheoryData<StoreProvider, string>();
        foreach (StoreProvider p in new[] { StoreProvider.Sqlite, StoreProvider.Postgres })
        {
            foreach (string f in files)
            {
                data.Add(p, f);
            }
        }

        return data;
    }
}
