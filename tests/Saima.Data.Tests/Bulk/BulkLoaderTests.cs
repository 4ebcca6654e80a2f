using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Bulk;

namespace Saima.Data.Tests.Bulk;

[Collection(StoresCollection.Name)]
public sealed class BulkLoaderTests(Stores stores)
{
    private static readonly DateTimeOffset At = new(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A scheme "S" with units U000.. and indicators I00.., monthly.</summary>
    internal static void Seed(StoreOptions store, int units, int indicators)
    {
        using var db = SaimaDb.Open(store);
        var scheme = new AssessmentScheme { Code = "S", Name = "测试", CreatedAt = At, CreatedBy = "office" };
        db.Schemes.Add(scheme);
        var us = Enumerable.Range(0, units).Select(i => new Unit { Code = $"U{i:000}", Name = $"单位{i}", Kind = UnitKind.County }).ToList();
        db.Units.AddRange(us);
        db.SaveChanges();
        db.SchemeUnits.AddRange(us.Select(u => new SchemeUnit { SchemeId = scheme.Id, UnitId = u.Id }));
        db.Indicators.AddRange(Enumerable.Range(0, indicators).Select(i => new Indicator { SchemeId = scheme.Id, Code = $"I{i:00}", Name = $"指标{i}", SortOrder = i }));
        db.SaveChanges();
    }

    internal static string Csv(string dir, string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadCsv_NRows_StoresExactlyThoseValuesBitForBit(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        Seed(store, units: 40, indicators: 25);
        var rnd = new Random(7);
        var expected = new Dictionary<(string, string, string), double?>();
        var lines = new List<string> { "unit,indicator,period,value" };
        foreach (string period in new[] { "2025-01", "2025-02", "2025-03" })
        {
            for (int u = 0; u < 40; u++)
            {
                for (int i = 0; i < 25; i++)
                {
                    // Awkward doubles: tiny, huge, negative, subnormal-adjacent, and some missing.
                    double? v = rnd.Next(50) == 0 ? null : (rnd.NextDouble() - 0.3) * Math.Pow(10, rnd.Next(-300, 300));
                    expected[($"U{u:000}", $"I{i:00}", period)] = v;
                    lines.Add($"U{u:000},I{i:00},{period},{v?.ToString("R", CultureInfo.InvariantCulture)}");
                }
            }
        }

        string dir = Directory.CreateTempSubdirectory("saima-bulk").FullName;
        BulkLoadResult result = FigureBulkLoader.LoadCsv(store, "S", Csv(dir, "f.csv", lines), new BulkLoadOptions { Clock = TestClocks.At(At) });

        result.Rows.ShouldBe(3000);
        result.PeriodsCreated.ShouldBe(new[] { "2025-01", "2025-02", "2025-03" });
        using var db = SaimaDb.Open(store);
        var stored = db.Figures.AsNoTracking().Join(db.Units, f => f.UnitId, u => u.Id, (f, u) => new { f, u.Code })
            .Join(db.Indicators, x => x.f.IndicatorId, i => i.Id, (x, i) => new { x.Code, Ind = i.Code, x.f.Period, x.f.Value, x.f.Status, x.f.ImportId, x.f.EnteredAt })
            .ToList();
        stored.Count.ShouldBe(3000);
        foreach (var s in stored)
        {
            double? want = expected[(s.Code, s.Ind, s.Period)];
            (s.Value.HasValue ? BitConverter.DoubleToInt64Bits(s.Value.Value) : (long?)null)
                .ShouldBe(want.HasValue ? BitConverter.DoubleToInt64Bits(want.Value) : null, $"{s.Code} {s.Ind} {s.Period}");
            s.Status.ShouldBe(FigureStatus.Submitted);
            s.ImportId.ShouldBe(result.ImportId);
            s.EnteredAt.ShouldBe(At);
        }

        db.Imports.Single().Rows.ShouldBe(3000);
        db.Audit.Single(a => a.Action == "import").EntityKey.ShouldBe(result.ImportId.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadCsv_OneBadRowAmongMany_LeavesNothingBehind(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        Seed(store, units: 10, indicators: 10);
        var lines = new List<string> { "indicator,unit,value,period" };
        for (int u = 0; u < 10; u++)
        {
            for (int i = 0; i < 10; i++)
            {
                lines.Add($"I{i:00},U{u:000},{u * i},2025-06");
            }
        }

        lines.Insert(57, "I03,U999,1.5,2025-06");
        string dir = Directory.CreateTempSubdirectory("saima-bulk").FullName;

        var e = Should.Throw<BulkLoadException>(() => FigureBulkLoader.LoadCsv(store, "S", Csv(dir, "bad.csv", lines)));

        e.Message.ShouldContain("bad.csv:58: unit: 'U999' is not a unit of scheme S");
        using var db = SaimaDb.Open(store);
        db.Figures.Count().ShouldBe(0);
        db.Imports.Count().ShouldBe(0);
        db.Periods.Count().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadCsv_FigureAlreadyStored_RefusedAndFirstLoadIntact(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        Seed(store, units: 3, indicators: 2);
        string dir = Directory.CreateTempSubdirectory("saima-bulk").FullName;
        FigureBulkLoader.LoadCsv(store, "S", Csv(dir, "a.csv", ["unit,indicator,period,value", "U000,I00,2025-06,1", "U001,I00,2025-06,2"]));

        var e = Should.Throw<BulkLoadException>(() =>
            FigureBulkLoader.LoadCsv(store, "S", Csv(dir, "b.csv", ["scheme,unit,indicator,period,value", "S,U002,I00,2025-06,3", "S,U001,I00,2025-06,4"])));

        e.Message.ShouldContain("unit 'U001', indicator 'I00' already has a figure in period 2025-06");
        using var db = SaimaDb.Open(store);
        db.Figures.OrderBy(f => f.Id).Select(f => f.Value).ToList().ShouldBe(new double?[] { 1, 2 });
    }

    [Theory]
    [InlineData("unit,indicator,period,value\nU000,I00,2025-13,1\n", "period: '2025-13' is not a period of a monthly scheme")]
    [InlineData("unit,indicator,period,value\nU000,I00,2025-06,1,5\n", "5 fields; expected 4")]
    [InlineData("unit,indicator,period,value\nU000,I00,2025-06,12;5\n", "value: '12;5' is not a number")]
    [InlineData("unit,indicator,period,value\nU000,I00,2025-06,1\nU000,I00,2025-06,2\n", "duplicate figure")]
    [InlineData("unit,indicator,period,value\nU000,I09,2025-06,1\n", "indicator: 'I09' is not an indicator of scheme S")]
    [InlineData("unit,indicator,period,amount\n", "unknown column 'amount'")]
    [InlineData("scheme,unit,indicator,period,value\nT,U000,I00,2025-06,1\n", "scheme: 'T' is not the scheme being loaded")]
    public void LoadCsv_BadInput_SaysWhatAndWhere(string csv, string message)
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);
        Seed(store, units: 1, indicators: 1);
        string dir = Directory.CreateTempSubdirectory("saima-bulk").FullName;
        string path = Path.Combine(dir, "x.csv");
        File.WriteAllText(path, csv);

        Should.Throw<BulkLoadException>(() => FigureBulkLoader.LoadCsv(store, "S", path)).Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("\n", false, true)]
    [InlineData("\r\n", false, true)]
    [InlineData("\r", false, true)]
    [InlineData("\r\n", true, false)]
    [InlineData("\n", true, false)]
    public void LoadCsv_AnyLineEnding_BomAndNoFinalNewline_ReadTheSame(string newline, bool bom, bool finalNewline)
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);
        Seed(store, units: 3, indicators: 1);
        string text = string.Join(newline, "unit,indicator,period,value", "U000,I00,2025-06,1.5", string.Empty, "\"U001\",I00,2025-06,", "U002,I00,2025-06," + new string('0', 70_000) + "2.25")
            + (finalNewline ? newline : string.Empty);
        string dir = Directory.CreateTempSubdirectory("saima-bulk").FullName;
        string path = Path.Combine(dir, "eol.csv");
        File.WriteAllText(path, text, new UTF8Encoding(bom));

        FigureBulkLoader.LoadCsv(store, "S", path).Rows.ShouldBe(3);

        using var db = SaimaDb.Open(store);
        db.Figures.OrderBy(f => f.UnitId).Select(f => f.Value).ToList().ShouldBe(new double?[] { 1.5, null, 2.25 });
    }

}
