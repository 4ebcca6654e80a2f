using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Saima.Web.Features.Shared;

/// <summary>
/// A one-sheet .xlsx workbook of what a page shows (the league table, the matrix): text cells
/// inline, numbers as numbers (so the office can sort and sum in Excel or WPS), rounded to the
/// decimals the page shows them with.
/// </summary>
internal static class SheetWriter
{
    /// <summary>The decimals a page shows scores and values with ("0.00").</summary>
    public const string Shown = "0.00";

    public static byte[] Write(string sheetName, IEnumerable<IEnumerable<Cell>> rows)
    {
        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            WorkbookPart workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            WorksheetPart sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            foreach (IEnumerable<Cell> cells in rows)
            {
                data.Append(new Row(cells));
            }

            sheet.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet
            {
                Id = workbook.GetIdOfPart(sheet),
                SheetId = 1U,
                Name = SheetName(sheetName),
            }));
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    public static Cell Text(string? text) => text is null
        ? new Cell()
        : new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    /// <summary>
    /// A number as the page shows it: formatted with <paramref name="format"/> and read back, so
    /// that the cell holds exactly the rounded figure on the screen (null: unrounded).
    /// </summary>
    public static Cell Number(double? n, string? format = Shown)
    {
        if (n is not double v || !double.IsFinite(v))
        {
            return new Cell();
        }

        double shown = format is null ? v : double.Parse(v.ToString(format, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return new Cell { DataType = CellValues.Number, CellValue = new CellValue(shown.ToString("R", CultureInfo.InvariantCulture)) };
    }

    public static Cell Number(int? n) => Number(n is int v ? (double?)v : null, null);

    /// <summary>Excel refuses sheet names over 31 characters or with []:*?/\.</summary>
    private static string SheetName(string name)
    {
        char[] bad = ['[', ']', ':', '*', '?', '/', '\\'];
        string clean = new(name.Select(c => bad.Contains(c) ? '_' : c).ToArray());
        return clean.Length > 31 ? clean[..31] : clean;
    }
}
