namespace Saima.Scoring.Tests;

/// <summary>Data errors the builder refuses, naming the offending record (line) and column.</summary>
public class DatasetBuilderTests
{
    private static readonly Scheme S = Fx.Flat("{'code':'X','parent':'R','denominator':'Pop'}");

    [Fact]
    public void AddFigure_SameUnitIndicatorAndPeriodTwice_IsAnErrorAtTheSecondRow()
    {
        var b = new DatasetBuilder(S);
        b.AddFigure("A", "X", "2025-06", 1, double.NaN, 2);
        b.AddFigure("A", "X", "2025-05", 1, double.NaN, 3);
        b.AddFigure("A", "X", "2025-06", 2, double.NaN, 4);
        DataException ex = Assert.Throws<DataException>(b.Build);
        Assert.Equal(4, ex.Record);
        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Y", null, "indicator")] // unknown code
    [InlineData("Pop", 10.0, "target")] // a denominator takes no target
    public void AddFigure_BadCode_IsAnErrorNamingTheColumn(string code, double? target, string column)
    {
        var b = new DatasetBuilder(S);
        DataException ex = Assert.Throws<DataException>(() => b.AddFigure("A", code, null, 1, target ?? double.NaN, 7));
        Assert.Equal((7, column), (ex.Record, ex.Column));
    }

    [Theory]
    [InlineData("2025-06", "2025-Q3")]
    [InlineData("2025", "2025-06")]
    [InlineData("2025-06", "June")]
    [InlineData("", "2025-06")]
    public void AddFigure_PeriodOfAnotherKindOrNotAPeriod_IsAnError(string first, string second)
    {
        var b = new DatasetBuilder(S);
        b.AddFigure("A", "X", first.Length == 0 ? null : first, 1, double.NaN, 2);
        DataException ex = Assert.Throws<DataException>(() => b.AddFigure("B", "X", second, 1, double.NaN, 3));
        Assert.Equal((3, "period"), (ex.Record, ex.Column));
    }

    [Fact]
    public void AddFigure_UnitMissingFromTheUnitsFile_IsAnError()
    {
        var b = new DatasetBuilder(S, declaredUnits: true);
        b.DeclareUnit("A", null, null, null, 2);
        DataException ex = Assert.Throws<DataException>(() => b.AddFigure("B", "X", null, 1, double.NaN, 5));
        Assert.Equal((5, "unit"), (ex.Record, ex.Column));
    }

    [Fact]
    public void Build_UnitsAndPeriods_AreInCodeAndChronologicalOrder()
    {
        var b = new DatasetBuilder(S);
        b.AddFigure("b", "X", "2025-06", 1, double.NaN, 2);
        b.AddFigure("B", "X", "2025-01", 1, double.NaN, 3);
        b.AddFigure("a", "X", "2025-06", 1, double.NaN, 4);
        Dataset d = b.Build();
        Assert.Equal(new[] { "B", "a", "b" }, d.UnitCodes); // ordinal: upper case first
        Assert.Equal(new[] { "2025-01", "2025-06" }, d.Periods.Select(p => p.Period.ToString()));
        Assert.Equal(new[] { 1, 2 }, d.Periods[1].Units);
    }

    [Fact]
    public void AddAdjustment_UnknownNodeOrPeriod_IsAnError()
    {
        var b = new DatasetBuilder(S);
        b.AddFigure("A", "X", "2025-06", 1, double.NaN, 2);
        Assert.Equal("node", Assert.Throws<DataException>(() => b.AddAdjustment("A", 1, null, "Q", null, 3)).Column);
        b.AddAdjustment("A", 1, "2025-07", null, null, 4);
        DataException ex = Assert.Throws<DataException>(b.Build);
        Assert.Equal((4, "period"), (ex.Record, ex.Column));
    }
}
