using System.Globalization;
using Saima.Data.Intake;

namespace Saima.Web.Features.Shared;

/// <summary>
/// A one-sheet .xlsx workbook of what a page shows (the league table, the matrix), written by the
/// application's one spreadsheet writer (<see cref="XlsxBook"/>, which cleans every text): text
/// cells inline, numbers as numbers (so the office can sort and sum in Excel or WPS), rounded to
/// the decimals the page shows them with.
/// </summary>
internal static class SheetWriter
{
    /// <summary>The decimals a page shows scores and values with (<see cref="Saima.Data.ShownNumbers.Decimals"/>).</summary>
    public const string Shown = Saima.Data.ShownNumbers.Decimals;

    public static byte[] Write(string sheetName, IEnumerable<IEnumerable<XCell>> rows)
    {
        using var stream = new MemoryStream();
        using (var book = new XlsxBook(stream))
        {
            book.BeginSheet(sheetName, new SheetSetup { FrozenRows = 2 });
            foreach (IEnumerable<XCell> cells in rows)
            {
                book.Row([.. cells]);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// As <see cref="Write"/>, the <paramref name="header"/> rows first, then <paramref name="rows"/>
    /// as they come (each written to the compressed workbook before the next is asked for).
    /// </summary>
    public static async Task<byte[]> WriteAsync(string sheetName, IEnumerable<IEnumerable<XCell>> header, IAsyncEnumerable<IEnumerable<XCell>> rows,
        CancellationToken cancel)
    {
        using var stream = new MemoryStream();
        using (var book = new XlsxBook(stream))
        {
            book.BeginSheet(sheetName, new SheetSetup { FrozenRows = 2 });
            foreach (IEnumerable<XCell> cells in header)
            {
                book.Row([.. cells]);
            }

            await foreach (IEnumerable<XCell> cells in rows.WithCancellation(cancel))
            {
                book.Row([.. cells]);
            }
        }

        return stream.ToArray();
    }

    public static XCell Text(string? text) => XCell.Str(text);

    /// <summary>
    /// A number as the page shows it: formatted with <paramref name="format"/> and read back, so
    /// that the cell holds exactly the rounded figure on the screen (null: unrounded).
    /// </summary>
    public static XCell Number(double? n, string? format = Shown)
    {
        if (n is not double v || !double.IsFinite(v))
        {
            return XCell.Num(null);
        }

        return XCell.Num(format is null ? v : double.Parse(v.ToString(format, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    public static XCell Number(int? n) => Number(n is int v ? (double?)v : null, null);
}
