using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Saima.Data.Intake;

/// <summary>A cell to write: text, a number, or nothing, with one of the book's styles.</summary>
public readonly record struct XCell(string? Text, double? Number, uint Style)
{
    public static XCell Str(string? text, uint style = XlsxBook.Text) => new(text, null, style);

    public static XCell Num(double? number, uint style = XlsxBook.Number) => new(null, number, style);

    public static XCell Int(long? number) => new(null, number, XlsxBook.Number);

    public static XCell Time(DateTimeOffset? at, TimeZoneInfo zone) =>
        new(null, at is DateTimeOffset t ? TimeZoneInfo.ConvertTime(t, zone).DateTime.ToOADate() : null, XlsxBook.DateTime);
}

/// <summary>What goes around a sheet's rows.</summary>
public sealed class SheetSetup
{
    public bool Hidden { get; init; }
    public double[] ColumnWidths { get; init; } = [];

    /// <summary>Rows kept in view while scrolling (the header).</summary>
    public int FrozenRows { get; init; }
}

/// <summary>
/// The application's one .xlsx writer (templates, the period export, the web pages' league table
/// and matrix): a small streaming writer over OpenXml's SAX writer, so rows go straight to the
/// part and an export of a country's figures does not build a DOM. Strings are inline, styles
/// fixed (see the constants), worksheet children written in the order the schema requires. Every
/// text, sheet name and defined name passes <see cref="Clean"/>: whatever a unit, track or
/// indicator is named (control characters, lone surrogates), the book is well-formed and opens.
/// </summary>
public sealed class XlsxBook : IDisposable
{
    public const uint Default = 0;
    public const uint Header = 1;
    public const uint Text = 2;
    public const uint Number = 3;
    public const uint Input = 4;
    public const uint DateTime = 5;
    public const uint TextInput = 6;

    private readonly SpreadsheetDocument _doc;
    private readonly List<(string Name, string RelId, bool Hidden)> _sheets = [];
    private readonly List<DefinedName> _names = [];
    private OpenXmlWriter? _writer;
    private int _row;

    public XlsxBook(Stream output)
    {
        _doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        _doc.AddWorkbookPart();
        WorkbookStylesPart styles = _doc.WorkbookPart!.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Styles();
        styles.Stylesheet.Save();
    }

    public void BeginSheet(string name, SheetSetup setup)
    {
        if (_writer is not null)
        {
            throw new InvalidOperationException("end the current sheet first");
        }

        ArgumentNullException.ThrowIfNull(setup);
        WorksheetPart part = _doc.WorkbookPart!.AddNewPart<WorksheetPart>();
        _sheets.Add((SheetName(name, _sheets.Select(s => s.Name)), _doc.WorkbookPart.GetIdOfPart(part), setup.Hidden));
        _writer = OpenXmlWriter.Create(part);
        _writer.WriteStartElement(new Worksheet());
        if (setup.FrozenRows > 0)
        {
            var pane = new Pane
            {
                VerticalSplit = setup.FrozenRows,
                TopLeftCell = "A" + (setup.FrozenRows + 1).ToString(CultureInfo.InvariantCulture),
                ActivePane = PaneValues.BottomLeft,
                State = PaneStateValues.Frozen,
            };
            _writer.WriteElement(new SheetViews(new SheetView(pane, new Selection { Pane = PaneValues.BottomLeft }) { WorkbookViewId = 0U, TabSelected = _sheets.Count == 1 }));
        }

        if (setup.ColumnWidths.Length > 0)
        {
            var cols = new Columns();
            for (int i = 0; i < setup.ColumnWidths.Length; i++)
            {
                cols.Append(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = setup.ColumnWidths[i], CustomWidth = true });
            }

            _writer.WriteElement(cols);
        }

        _writer.WriteStartElement(new SheetData());
        _row = 0;
    }

    /// <summary>Writes the next row (rows are numbered from 1 in the order written) and returns its number.</summary>
    public int Row(params XCell[] cells)
    {
        OpenXmlWriter w = _writer ?? throw new InvalidOperationException("begin a sheet first");
        _row++;
        string r = _row.ToString(CultureInfo.InvariantCulture);
        w.WriteStartElement(new Row(), [new OpenXmlAttribute("r", string.Empty, r)]);
        for (int c = 0; c < cells.Length; c++)
        {
            XCell cell = cells[c];
            string reference = CellText.ColumnLetter(c) + r;
            var attributes = new List<OpenXmlAttribute> { new("r", string.Empty, reference) };
            if (cell.Style != Default)
            {
                attributes.Add(new OpenXmlAttribute("s", string.Empty, cell.Style.ToString(CultureInfo.InvariantCulture)));
            }

            if (cell.Number is double n && double.IsFinite(n))
            {
                w.WriteStartElement(new Cell(), attributes);
                w.WriteElement(new CellValue(n.ToString("R", CultureInfo.InvariantCulture)));
                w.WriteEndElement();
            }
            else if (!string.IsNullOrEmpty(cell.Text))
            {
                attributes.Add(new OpenXmlAttribute("t", string.Empty, "inlineStr"));
                w.WriteStartElement(new Cell(), attributes);
                w.WriteElement(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(Clean(cell.Text)) { Space = SpaceProcessingModeValues.Preserve }));
                w.WriteEndElement();
            }
            else if (cell.Style != Default)
            {
                w.WriteStartElement(new Cell(), attributes);
                w.WriteEndElement();
            }
        }

        w.WriteEndElement();
        return _row;
    }

    /// <summary>Ends the sheet, with protection (locked cells stay locked; formatting and filtering allowed) and data validations.</summary>
    public void EndSheet(bool protect = false, IReadOnlyList<DataValidation>? validations = null)
    {
        OpenXmlWriter w = _writer ?? throw new InvalidOperationException("begin a sheet first");
        w.WriteEndElement(); // sheetData
        if (protect)
        {
            // No password: this keeps codes from being overtyped by accident, it is not a security boundary.
            w.WriteElement(new SheetProtection
            {
                Sheet = true,
                Objects = true,
                Scenarios = true,
                FormatColumns = false,
                FormatRows = false,
                FormatCells = false,
                AutoFilter = false,
                Sort = false,
            });
        }

        if (validations is { Count: > 0 })
        {
            var dv = new DataValidations { Count = (uint)validations.Count };
            foreach (DataValidation v in validations)
            {
                dv.Append(v);
            }

            w.WriteElement(dv);
        }

        w.WriteEndElement(); // worksheet
        w.Close();
        _writer = null;
    }

    /// <summary>A defined name for a cell of a sheet begun before (named as <see cref="BeginSheet"/> was given it).</summary>
    public void DefineName(string name, string sheet, string cell)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        string clean = SheetName(sheet, []);
        _names.Add(new DefinedName("'" + clean.Replace("'", "''", StringComparison.Ordinal) + "'!" + cell) { Name = Clean(name) });
    }

    public void Dispose()
    {
        if (_writer is not null)
        {
            EndSheet();
        }

        var sheets = new Sheets();
        uint id = 1;
        foreach ((string name, string relId, bool hidden) in _sheets)
        {
            var sheet = new Sheet { Name = name, SheetId = id++, Id = relId };
            if (hidden)
            {
                sheet.State = SheetStateValues.Hidden;
            }

            sheets.Append(sheet);
        }

        var workbook = new Workbook(new BookViews(new WorkbookView { ActiveTab = 0U }), sheets);
        if (_names.Count > 0)
        {
            workbook.Append(new DefinedNames(_names));
        }

        _doc.WorkbookPart!.Workbook = workbook;
        _doc.WorkbookPart.Workbook.Save();
        _doc.Dispose();
    }

    /// <summary>The most characters a cell holds (Excel's limit); a longer text is cut.</summary>
    public const int MaxCellText = 32767;

    /// <summary>
    /// A text as a cell can hold it: without the characters XML 1.0 cannot carry (control
    /// characters but tab, line feed and carriage return; U+FFFE, U+FFFF; a surrogate without its
    /// pair), which a pasted name may hold, and at most <see cref="MaxCellText"/> characters.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        bool clean = text.Length <= MaxCellText;
        for (int i = 0; clean && i < text.Length; i++)
        {
            clean = Allowed(text, i, out int width);
            i += width - 1;
        }

        if (clean)
        {
            return text;
        }

        var sb = new StringBuilder(Math.Min(text.Length, MaxCellText));
        for (int i = 0; i < text.Length && sb.Length < MaxCellText; i++)
        {
            if (Allowed(text, i, out int width))
            {
                if (sb.Length + width > MaxCellText)
                {
                    break;
                }

                sb.Append(text, i, width);
            }

            i += width - 1;
        }

        return sb.ToString();
    }

    /// <summary>
    /// A sheet's name as Excel takes it: cleaned, without []:*?/\, not starting or ending with an
    /// apostrophe, 1 to 31 characters (a surrogate pair is not cut), and unlike the names taken.
    /// </summary>
    public static string SheetName(string? name, IEnumerable<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        char[] bad = ['[', ']', ':', '*', '?', '/', '\\'];
        string clean = new(Clean(name).Select(c => bad.Contains(c) || char.IsControl(c) ? '_' : c).ToArray());
        clean = clean.Trim('\'').Trim();
        if (clean.Length == 0)
        {
            clean = "Sheet";
        }

        clean = Cut(clean, 31);
        var used = taken.ToHashSet(StringComparer.OrdinalIgnoreCase);
        string unique = clean;
        for (int n = 2; used.Contains(unique); n++)
        {
            string suffix = " (" + n.ToString(CultureInfo.InvariantCulture) + ")";
            unique = Cut(clean, 31 - suffix.Length) + suffix;
        }

        return unique;
    }

    private static string Cut(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];

    /// <summary>Whether the character at <paramref name="i"/> (with its pair: <paramref name="width"/> 2) may stand in XML 1.0.</summary>
    private static bool Allowed(string text, int i, out int width)
    {
        char c = text[i];
        width = 1;
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                return true;
            }

            return false;
        }

        if (char.IsLowSurrogate(c))
        {
            return false;
        }

        return c >= ' ' ? c is not '\uFFFE' and not '\uFFFF' : c is '\t' or '\n' or '\r';
    }

    private static Stylesheet Styles()
    {
        var numberFormats = new NumberingFormats(new NumberingFormat { NumberFormatId = 164U, FormatCode = "yyyy-mm-dd hh:mm:ss" }) { Count = 1U };
        var fonts = new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }))
        { Count = 2U };
        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFD9E1F2" }, new BackgroundColor { Indexed = 64U }) { PatternType = PatternValues.Solid }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFFFF2CC" }, new BackgroundColor { Indexed = 64U }) { PatternType = PatternValues.Solid }))
        { Count = 4U };
        var borders = new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1U };
        var cellStyleFormats = new CellStyleFormats(new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U }) { Count = 1U };
        var cellFormats = new CellFormats(
            new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center })
            { NumberFormatId = 49U, FontId = 1U, FillId = 2U, BorderId = 0U, FormatId = 0U, ApplyFont = true, ApplyFill = true, ApplyAlignment = true, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 49U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U },
            new CellFormat(new Protection { Locked = false })
            { NumberFormatId = 0U, FontId = 0U, FillId = 3U, BorderId = 0U, FormatId = 0U, ApplyFill = true, ApplyProtection = true },
            new CellFormat { NumberFormatId = 164U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U, ApplyNumberFormat = true },
            new CellFormat(new Protection { Locked = false })
            { NumberFormatId = 49U, FontId = 0U, FillId = 3U, BorderId = 0U, FormatId = 0U, ApplyFill = true, ApplyNumberFormat = true, ApplyProtection = true })
        { Count = 7U };
        var cellStyles = new CellStyles(new CellStyle { Name = "Normal", FormatId = 0U, BuiltinId = 0U }) { Count = 1U };
        return new Stylesheet(numberFormats, fonts, fills, borders, cellStyleFormats, cellFormats, cellStyles);
    }
}
