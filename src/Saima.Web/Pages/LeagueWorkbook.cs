using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Localization;

namespace Saima.Web.Pages;

/// <summary>
/// The league table as an .xlsx workbook: one sheet, a header row (Chinese first, then English,
/// as the store's exports do) and exactly the rows the page shows, in its order. Numbers are
/// numbers, not text, so the office can sort and sum in Excel or WPS.
/// </summary>
internal static class LeagueWorkbook
{
    public static byte[] Write(LeagueModel table, IStringLocalizer<Texts> texts)
    {
        bool indicator = table.Current!.Kind == NodeKind.Indicator;
        bool tracks = table.Tracks.Count > 0;
        var header = new List<string> { texts["Xlsx_Rank"], texts["Xlsx_UnitCode"], texts["Xlsx_Unit"] };
        if (tracks)
        {
            header.Add(texts["Xlsx_Track"]);
        }

        if (indicator)
        {
            header.Add(texts["Xlsx_Value"]);
        }

        header.AddRange([texts["Xlsx_Score"], texts["Xlsx_RankChange"]]);
        if (tracks)
        {
            header.Add(texts["Xlsx_TrackRank"]);
        }

        if (indicator)
        {
            header.Add(texts["Xlsx_Warning"]);
        }

        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            WorkbookPart workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            WorksheetPart sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(header.Select(Text)));
            foreach (LeagueRow r in table.Rows)
            {
                var cells = new List<Cell> { Number(r.Rank), Text(r.Code), Text(r.Name) };
                if (tracks)
                {
                    cells.Add(Text(r.Track));
                }

                if (indicator)
                {
                    cells.Add(Number(r.Value));
                }

                cells.AddRange([Number(r.Score), Number(r.RankChange)]);
                if (tracks)
                {
                    cells.Add(Number(r.TrackRank));
                }

                if (indicator)
                {
                    cells.Add(Text(r.Warning));
                }

                data.Append(Row(cells));
            }

            sheet.Worksheet = new Worksheet(data);
            string title = string.Create(CultureInfo.InvariantCulture, $"{table.Period} {table.Current.Code}");
            workbook.Workbook.AppendChild(new Sheets(new Sheet
            {
                Id = workbook.GetIdOfPart(sheet),
                SheetId = 1U,
                Name = SheetName(title),
            }));
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Row Row(IEnumerable<Cell> cells) => new(cells);

    private static Cell Text(string? text) => text is null
        ? new Cell()
        : new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Cell Number(double? n) => n is double v && double.IsFinite(v)
        ? new Cell { DataType = CellValues.Number, CellValue = new CellValue(v.ToString("R", CultureInfo.InvariantCulture)) }
        : new Cell();

    private static Cell Number(int? n) => Number(n is int v ? (double?)v : null);

    /// <summary>Excel refuses sheet names over 31 characters or with []:*?/\.</summary>
    private static string SheetName(string name)
    {
        char[] bad = ['[', ']', ':', '*', '?', '/', '\\'];
        string clean = new(name.Select(c => bad.Contains(c) ? '_' : c).ToArray());
        return clean.Length > 31 ? clean[..31] : clean;
    }
}
