using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using ExcelDataReader;

namespace Saima.Data.Intake;

public enum IntakeFormat
{
    Xlsx,
    Xls,
    Csv,
}

/// <summary>One row of a sheet as the user sees it: its 1-based row number and its cells from column A.</summary>
public sealed record IntakeRow(int Number, IReadOnlyList<object?> Cells)
{
    public object? this[int column] => column < Cells.Count ? Cells[column] : null;

    public bool IsBlank => Cells.All(c => c is null || (c is string s && s.Trim().Length == 0));
}

/// <summary>A sheet of an uploaded file (a CSV file is one sheet named after the file).</summary>
public sealed record IntakeSheet(string Name, bool Hidden, IReadOnlyList<IntakeRow> Rows);

/// <summary>
/// An uploaded spreadsheet as cells: text stays text (a code typed as 001 in a text cell stays
/// "001"), numbers are doubles, dates are <see cref="DateTime"/>. The hidden metadata sheet of our
/// templates (<see cref="MetadataSheet"/>) is read into <see cref="Metadata"/> and not listed as a sheet.
/// </summary>
public sealed class IntakeFile
{
    /// <summary>The hidden sheet our templates carry: key in column A, value in column B.</summary>
    public const string MetadataSheet = "_saima";

    static IntakeFile()
    {
        // .xls files keep their strings in a Windows code page (GBK for Chinese Excel and WPS).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private IntakeFile(string fileName, IntakeFormat format, IReadOnlyList<IntakeSheet> sheets, IReadOnlyDictionary<string, string> metadata)
    {
        FileName = fileName;
        Format = format;
        Sheets = sheets;
        Metadata = metadata;
    }

    public string FileName { get; }
    public IntakeFormat Format { get; }
    public IReadOnlyList<IntakeSheet> Sheets { get; }

    /// <summary>Keys of the template's metadata sheet (scheme, period, unit, source…); empty for other files.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Formula cells of an .xlsx that carry no computed value, per sheet, as (row, 0-based column):
    /// a reader shows them empty, so an import says so instead of skipping them.
    /// </summary>
    public IReadOnlyDictionary<string, HashSet<(int Row, int Column)>> FormulasWithoutValue { get; private init; } = new Dictionary<string, HashSet<(int, int)>>();

    public static IntakeFile Read(string path, IntakeLimits? limits = null)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path), limits);
    }

    /// <summary>
    /// Reads a .xlsx, .xls or .csv file. The format is taken from the content (a ZIP is .xlsx, an OLE
    /// compound file is .xls, anything else is CSV), so a .xls saved under a .xlsx name still reads.
    /// A file beyond the <paramref name="limits"/> is refused before its cells are kept; a damaged
    /// file is refused saying what is wrong. Both as <see cref="IntakeFileException"/>, never as the
    /// reader's own exception.
    /// </summary>
    /// <exception cref="IntakeFileException">The file is unreadable or beyond the limits.</exception>
    public static IntakeFile Read(Stream content, string fileName, IntakeLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        limits ??= IntakeLimits.Default;
        MemoryStream buffer = Copy(content, fileName, limits);
        IntakeFormat format = Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        try
        {
            if (format == IntakeFormat.Csv)
            {
                return ReadCsv(buffer, fileName, limits);
            }

            Dictionary<string, HashSet<(int, int)>> formulas = [];
            if (format == IntakeFormat.Xlsx)
            {
                formulas = XlsxScan.Check(buffer, fileName, limits);
                buffer.Position = 0;
            }

            IntakeFile file = ReadExcel(buffer, fileName, format, limits);
            return formulas.Count == 0 ? file : new IntakeFile(file.FileName, file.Format, file.Sheets, file.Metadata) { FormulasWithoutValue = formulas };
        }
        catch (IntakeFileException)
        {
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw Unreadable(fileName, format, e);
        }
    }

    /// <summary>What is wrong with a file a reader gave up on, in words the uploader can act on.</summary>
    private static IntakeFileException Unreadable(string fileName, IntakeFormat format, Exception e) => (format, e) switch
    {
        (IntakeFormat.Xlsx, System.Xml.XmlException x) => IntakeFileException.Unreadable(fileName, string.Empty,
            string.Create(CultureInfo.InvariantCulture, $"文件内容已损坏：内部 XML 第 {x.LineNumber} 行第 {x.LinePosition} 列有误；请用 Excel 或 WPS 打开并另存为 .xlsx 后重新上传"),
            string.Create(CultureInfo.InvariantCulture, $"the file's content is damaged: malformed XML at line {x.LineNumber}, position {x.LinePosition}; open it in Excel or WPS, save it as .xlsx and upload it again"), e),
        (IntakeFormat.Xlsx, InvalidDataException or IOException) => IntakeFileException.Unreadable(fileName, string.Empty,
            "文件已损坏：不是完整的 .xlsx 文件（压缩结构有误，可能未完整上传）；请用 Excel 或 WPS 另存为 .xlsx 后重新上传",
            "the file is damaged: not a complete .xlsx file (its ZIP structure is broken, perhaps cut off); save it as .xlsx in Excel or WPS and upload it again", e),
        (IntakeFormat.Xlsx, _) => IntakeFileException.Unreadable(fileName, string.Empty,
            "文件已损坏，或不是 Excel 工作簿（.xlsx）；请用 Excel 或 WPS 另存为 .xlsx 后重新上传",
            "the file is damaged or not an Excel workbook (.xlsx); save it as .xlsx in Excel or WPS and upload it again", e),
        (IntakeFormat.Xls, _) => IntakeFileException.Unreadable(fileName, string.Empty,
            "文件已损坏，或不是 Excel 97-2003 工作簿（.xls）；请用 Excel 或 WPS 另存为 .xlsx 后重新上传",
            "the file is damaged or not an Excel 97-2003 workbook (.xls); save it as .xlsx in Excel or WPS and upload it again", e),
        _ => IntakeFileException.Unreadable(fileName, string.Empty,
            "CSV 文件无法读取：文本格式有误；请另存为 UTF-8 编码的 CSV 或 .xlsx 后重新上传",
            "the CSV file cannot be read: its text is malformed; save it as UTF-8 CSV or .xlsx and upload it again", e),
    };

    /// <summary>The upload in memory, refused as soon as it passes the byte limit.</summary>
    private static MemoryStream Copy(Stream content, string fileName, IntakeLimits limits)
    {
        IntakeFileException TooLarge() => IntakeFileException.Limit(fileName, string.Empty, 0, string.Empty, "bytes", limits.MaxBytes,
            string.Create(CultureInfo.InvariantCulture, $"文件大小超过 {limits.MaxBytes / (1024 * 1024)} MB 的上限"),
            string.Create(CultureInfo.InvariantCulture, $"the file is larger than {limits.MaxBytes / (1024 * 1024)} MB"));

        if (content.CanSeek && content.Length - content.Position > limits.MaxBytes)
        {
            throw TooLarge();
        }

        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limits.MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, n);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static IntakeFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04)
        {
            return IntakeFormat.Xlsx;
        }

        if (head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
        {
            return IntakeFormat.Xls;
        }

        return IntakeFormat.Csv;
    }

    private static IntakeFile ReadExcel(MemoryStream buffer, string fileName, IntakeFormat format, IntakeLimits limits)
    {
        var sheets = new List<IntakeSheet>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        long cellCount = 0;
        using IExcelDataReader reader = format == IntakeFormat.Xlsx
            ? ExcelReaderFactory.CreateOpenXmlReader(buffer)
            : ExcelReaderFactory.CreateBinaryReader(buffer);
        do
        {
            // A damaged workbook may leave a sheet nameless or name two alike; errors name sheets, so each gets one.
            string name = string.IsNullOrWhiteSpace(reader.Name) ? "Sheet" + (sheets.Count + 1).ToString(CultureInfo.InvariantCulture) : reader.Name;
            for (int k = 2; !names.Add(name); k++)
            {
                name = (reader.Name ?? "Sheet") + " (" + k.ToString(CultureInfo.InvariantCulture) + ")";
            }

            if (names.Count > limits.MaxSheets)
            {
                throw IntakeFileException.Limit(fileName, name, 0, string.Empty, "sheets", limits.MaxSheets,
                    string.Create(CultureInfo.InvariantCulture, $"工作表超过 {limits.MaxSheets} 个的上限"),
                    string.Create(CultureInfo.InvariantCulture, $"the workbook has more than {limits.MaxSheets} sheets"));
            }

            var rows = new List<IntakeRow>();
            int number = 0;
            while (reader.Read())
            {
                number++;
                int fields = Math.Min(reader.FieldCount, limits.MaxColumns);
                var cells = new object?[fields];
                int last = -1;
                for (int i = 0; i < fields; i++)
                {
                    cells[i] = reader.GetValue(i);
                    if (cells[i] is not null)
                    {
                        last = i;
                    }
                }

                // The .xlsx scan refused cells beyond the columns already; an .xls (256 columns at most) is checked here.
                for (int i = fields; format == IntakeFormat.Xls && i < Math.Min(reader.FieldCount, 256); i++)
                {
                    if (reader.GetValue(i) is not null)
                    {
                        throw IntakeFileException.Limit(fileName, name, number, CellText.ColumnLetter(i), "columns", limits.MaxColumns,
                            string.Create(CultureInfo.InvariantCulture, $"单元格 {CellText.ColumnLetter(i)}{number} 超出列数上限（每个工作表最多 {limits.MaxColumns} 列）"),
                            string.Create(CultureInfo.InvariantCulture, $"cell {CellText.ColumnLetter(i)}{number} is beyond the limit of {limits.MaxColumns} columns"));
                    }
                }

                if (last < 0)
                {
                    if (number >= limits.MaxRows)
                    {
                        // Trailing empty rows of a sheet formatted to its end: nothing more to keep.
                        break;
                    }

                    continue;
                }

                if (number > limits.MaxRows)
                {
                    throw IntakeFileException.Limit(fileName, name, number, string.Empty, "rows", limits.MaxRows,
                        string.Create(CultureInfo.InvariantCulture, $"第 {number} 行超出行数上限（每个工作表最多 {limits.MaxRows:N0} 行）"),
                        string.Create(CultureInfo.InvariantCulture, $"row {number} is beyond the limit of {limits.MaxRows:N0} rows per sheet"));
                }

                cellCount += last + 1;
                if (cellCount > limits.MaxCells)
                {
                    throw IntakeFileException.Limit(fileName, name, number, string.Empty, "cells", limits.MaxCells,
                        string.Create(CultureInfo.InvariantCulture, $"文件的单元格超过 {limits.MaxCells:N0} 个的上限"),
                        string.Create(CultureInfo.InvariantCulture, $"the file has more than {limits.MaxCells:N0} cells"));
                }

                rows.Add(new IntakeRow(number, last == cells.Length - 1 ? cells : cells[..(last + 1)]));
            }

            if (string.Equals(reader.Name, MetadataSheet, StringComparison.OrdinalIgnoreCase))
            {
                foreach (IntakeRow row in rows)
                {
                    string key = CellText.Of(row[0]);
                    if (key.Length > 0)
                    {
                        metadata[key] = CellText.Of(row[1]);
                    }
                }
            }
            else
            {
                sheets.Add(new IntakeSheet(name, !string.Equals(reader.VisibleState, "visible", StringComparison.OrdinalIgnoreCase), rows));
            }
        }
        while (reader.NextResult());

        return new IntakeFile(fileName, format, sheets, metadata);
    }

    private static IntakeFile ReadCsv(MemoryStream buffer, string fileName, IntakeLimits limits)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = false,
            DetectDelimiter = true,
            DetectDelimiterValues = [",", "\t", ";"],
        };
        var rows = new List<IntakeRow>();
        long cells = 0;
        string name = Path.GetFileNameWithoutExtension(fileName);
        name = name.Length > 0 ? name : "csv";
        using var parser = new CsvParser(Decode(buffer), config);
        while (parser.Read())
        {
            string[]? record = parser.Record;
            if (parser.Row > limits.MaxRows)
            {
                throw IntakeFileException.Limit(fileName, name, parser.Row, string.Empty, "rows", limits.MaxRows,
                    string.Create(CultureInfo.InvariantCulture, $"第 {parser.Row} 行超出行数上限（最多 {limits.MaxRows:N0} 行）"),
                    string.Create(CultureInfo.InvariantCulture, $"row {parser.Row} is beyond the limit of {limits.MaxRows:N0} rows"));
            }

            if (record is null || record.All(f => f.Trim().Length == 0))
            {
                continue;
            }

            int last = record.Length - 1;
            while (last >= 0 && record[last].Trim().Length == 0)
            {
                last--;
            }

            if (last >= limits.MaxColumns)
            {
                string at = CellText.ColumnLetter(last) + parser.Row.ToString(CultureInfo.InvariantCulture);
                throw IntakeFileException.Limit(fileName, name, parser.Row, CellText.ColumnLetter(last), "columns", limits.MaxColumns,
                    string.Create(CultureInfo.InvariantCulture, $"单元格 {at} 超出列数上限（最多 {limits.MaxColumns} 列）"),
                    string.Create(CultureInfo.InvariantCulture, $"cell {at} is beyond the limit of {limits.MaxColumns} columns"));
            }

            cells += last + 1;
            if (cells > limits.MaxCells)
            {
                throw IntakeFileException.Limit(fileName, name, parser.Row, string.Empty, "cells", limits.MaxCells,
                    string.Create(CultureInfo.InvariantCulture, $"文件的单元格超过 {limits.MaxCells:N0} 个的上限"),
                    string.Create(CultureInfo.InvariantCulture, $"the file has more than {limits.MaxCells:N0} cells"));
            }

            // One record is one row in Excel even when a quoted field spans lines.
            rows.Add(new IntakeRow(parser.Row, last == record.Length - 1 ? record : record[..(last + 1)]));
        }

        return new IntakeFile(fileName, IntakeFormat.Csv, [new IntakeSheet(name, false, rows)], new Dictionary<string, string>());
    }

    /// <summary>
    /// UTF-8 (with or without BOM) when the bytes are valid UTF-8; otherwise GB18030, which is what
    /// Chinese Excel and WPS write for "CSV (逗号分隔)". Read as a stream: the text is never held whole.
    /// </summary>
    private static StreamReader Decode(MemoryStream buffer)
    {
        ReadOnlySpan<byte> bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        Encoding encoding;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            (encoding, buffer.Position) = (new UTF8Encoding(false), 3);
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            (encoding, buffer.Position) = (new UnicodeEncoding(false, false), 2);
        }
        else
        {
            encoding = System.Text.Unicode.Utf8.IsValid(bytes) ? new UTF8Encoding(false) : Encoding.GetEncoding(54936);
            buffer.Position = 0;
        }

        return new StreamReader(buffer, encoding, detectEncodingFromByteOrderMarks: false);
    }
}

/// <summary>How a cell reads as text: codes and periods.</summary>
internal static class CellText
{
    public static string Of(object? cell) => cell switch
    {
        null => string.Empty,
        string s => s.Trim(),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString()?.Trim() ?? string.Empty,
    };

    /// <summary>Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA.</summary>
    public static string ColumnLetter(int index)
    {
        var sb = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26)
        {
            sb.Insert(0, (char)('A' + ((n - 1) % 26)));
        }

        return sb.ToString();
    }
}
