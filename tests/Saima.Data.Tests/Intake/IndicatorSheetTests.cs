using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// The indicator list of a new scheme read from files LibreOffice wrote (.xlsx, .xls) and from the
/// CSV they came from: a good list gives every column; a bad one names every bad cell by sheet,
/// line and column and gives nothing; our blank template reads back as a one-row list.
/// </summary>
public sealed class IndicatorSheetTests
{
    public static string Fixture(string name) => IntakeData.Path(name);

    [Theory]
    [InlineData("indicators_good.csv")]
    [InlineData("indicators_good.lo.xlsx")]
    [InlineData("indicators_good.lo.xls")]
    public void GoodList_GivesEveryColumn(string file)
    {
        (IReadOnlyList<DimensionDraft> dims, IReadOnlyList<IndicatorDraft> inds) = IndicatorSheet.Read(IntakeFile.Read(Fixture(file)));

        dims.Select(d => d.Code).ShouldBe(["Econ", "Eco"]);
        inds.Select(i => i.Code).ShouldBe(["GDP", "FAI", "PM25", "EMP"]);
        IndicatorDraft gdp = inds[0];
        (gdp.Name, gdp.NameEn, gdp.Dimension, gdp.Direction, gdp.UnitOfMeasure, gdp.Weight).ShouldBe(("地区生产总值增速", "GDP growth", "Econ", 1, "%", 2d));
        (gdp.Rule, gdp.RuleParams).ShouldBe(("完成率计分", "满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2"));
        (gdp.Frequency, gdp.Cumulative, gdp.SourceUnitCode, gdp.MinPlausible, gdp.MaxPlausible, gdp.IsPublic).ShouldBe(("month", false, "TJJ", -20d, 40d, true));
        inds[1].Cumulative.ShouldBeTrue();
        inds[1].MaxPlausible.ShouldBeNull();
        inds[2].Direction.ShouldBe(-1);
        inds[2].Frequency.ShouldBe("quarter");
        inds[2].UnitOfMeasure.ShouldBe("微克/立方米");
        inds[3].Rule.ShouldBeNull();
        inds[3].Weight.ShouldBe(0.5);
    }

    [Theory]
    [InlineData("indicators_bad.csv")]
    [InlineData("indicators_bad.lo.xlsx")]
    [InlineData("indicators_bad.lo.xls")]
    public void BadList_NamesEveryBadCell_ByLineAndColumn(string file)
    {
        var e = Should.Throw<IndicatorSheetException>(() => IndicatorSheet.Read(IntakeFile.Read(Fixture(file))));

        e.Code.ShouldBe(WorkflowCodes.IndicatorFileInvalid);
        var cells = e.Errors.Select(x => $"{x.Line}{x.Column}:{x.Code}").ToList();
        cells.ShouldBe(
            [
                "2H:BadRule",     // completion without perPoint and cap
                "3B:Missing",     // no name
                "3E:BadDirection",
                "3I:BadFrequency",
                "3J:BadBool",
                "3G:NotNumber",   // weight abc
                "4A:Twice",
                "4H:BadRule",     // unknown rule
            ],
            ignoreOrder: true);
        e.Errors.ShouldAllBe(x => x.Sheet.Length > 0);
        e.Errors.Single(x => x.Code == IndicatorSheet.Twice).Args.ShouldBe(["GDP", "2"]);
        e.Errors.Single(x => x.Line == 2).Args.ShouldBe([DraftError.RuleParamMissing, "每点", "perPoint"]);
    }

    [Fact]
    public void Template_ReadsBack_AsItsExampleRow()
    {
        using var buffer = new MemoryStream();
        IndicatorSheet.WriteTemplate(buffer);
        buffer.Position = 0;

        IntakeFile file = IntakeFile.Read(buffer, "template.xlsx");

        file.Sheets[0].Rows[0].Cells.Select(c => c?.ToString()).ShouldContain("指标代码 code");
        (_, IReadOnlyList<IndicatorDraft> inds) = IndicatorSheet.Read(file);
        inds.ShouldHaveSingleItem().Code.ShouldBe("GDP");
        inds[0].Rule.ShouldBe("完成率计分");
    }

    [Fact]
    public void MissingColumn_IsNamed_OnTheHeaderLine()
    {
        using var csv = new MemoryStream("指标名称 name,方向\n甲,正向\n"u8.ToArray());
        var e = Should.Throw<IndicatorSheetException>(() => IndicatorSheet.Read(IntakeFile.Read(csv, "x.csv")));
        e.Errors.ShouldHaveSingleItem().Code.ShouldBe(IndicatorSheet.NoColumn);
        e.Errors[0].Line.ShouldBe(1);
    }
}
