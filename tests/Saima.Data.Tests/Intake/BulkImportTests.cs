using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;
using Xunit.Abstractions;

namespace Saima.Data.Tests.Intake;

[Collection(StoresCollection.Name)]
public sealed class BulkImportTests(Stores stores, ITestOutputHelper output)
{
    private const int Rows = 10_000;

    /// <summary>The row (as Excel numbers it, header = 1) that holds the one bad value.</summary>
    private const int BadRow = 9_999;

    public static TheoryData<StoreProvider, string> Cases => new()
    {
        { StoreProvider.Sqlite, "csv" },
        { StoreProvider.Sqlite, "xlsx" },
        { StoreProvider.Postgres, "csv" },
        { StoreProvider.Postgres, "xlsx" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_TenThousandRowsWithOneBadRow_WritesNothingThenTheFixedFileWritesAll(StoreProvider provider, string format)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider), bulkUnits: 200, bulkIndicators: 50);
        var before = world.CountRows();

        ImportResult refused = world.Import(Make(format, bad: true), "bulk." + format);

        refused.Accepted.ShouldBeFalse();
        ImportError error = refused.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column.Split(' ')[0], error.ReasonEn).ShouldBe((BadRow, "D", "'12,5x' is not a number"));
        world.CountRows().ShouldBe(before);

        byte[] good = Make(format, bad: false);
        var watch = Stopwatch.StartNew();
        ImportResult accepted = world.Import(good, "bulk." + format);
        watch.Stop();

        accepted.Errors.ShouldBeEmpty();
        accepted.Inserted.ShouldBe(Rows);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider} {format}: {Rows} rows imported in {watch.ElapsedMilliseconds} ms"));
        var after = world.CountRows();
        after["figures"].ShouldBe(before["figures"] + Rows);
        after["imports"].ShouldBe(before["imports"] + 1);
        after["audit"].ShouldBe(before["audit"] + 1 + (2 * Rows), "one entry for the import and, per figure, its value and status");
        using SaimaDb db = world.Open();
        long b0200 = world.Units["B0200"], x050 = world.Indicators["X050"];
        db.Figures.AsNoTracking().Single(f => f.UnitId == b0200 && f.IndicatorId == x050).Value.ShouldBe(Value(199, 49));
    }

    private static double Value(int unit, int indicator) => unit + (indicator / 100.0);

    private static byte[] Make(string format, bool bad)
    {
        var rows = new List<(string Unit, string Indicator, string Value)>(Rows);
        for (int u = 0; u < 200; u++)
        {
            for (int i = 0; i < 50; i++)
            {
                rows.Add(("B" + (u + 1).ToString("D4", CultureInfo.InvariantCulture), "X" + (i + 1).ToString("D3", CultureInfo.InvariantCulture), Value(u, i).ToString("R", CultureInfo.InvariantCulture)));
            }
        }

        if (bad)
        {
            rows[BadRow - 2] = rows[BadRow - 2] with { Value = "12,5x" };
        }

        if (format == "csv")
        {
            var sb = new StringBuilder("单位代码,指标代码,期间,填报值\n");
            foreach ((string unit, string indicator, string value) in rows)
            {
                sb.Append(unit).Append(',').Append(indicator).Append(",2025-06,\"").Append(value).Append("\"\n");
            }

            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        var stream = new MemoryStream();
        using (var book = new XlsxBook(stream))
        {
            book.BeginSheet("数据", new SheetSetup { FrozenRows = 1 });
            book.Row(XCell.Str("单位代码"), XCell.Str("指标代码"), XCell.Str("期间"), XCell.Str("填报值"));
            foreach ((string unit, string indicator, string value) in rows)
            {
                book.Row(XCell.Str(unit), XCell.Str(indicator), XCell.Str("2025-06"),
                    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? XCell.Num(v) : XCell.Str(value));
            }

            book.EndSheet();
        }

        return stream.ToArray();
    }
}
