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

    public static IntakeFile Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>
    /// Reads a .xlsx, .xls or .csv file. The format is taken from the content (a ZIP is .xlsx, an OLE
    /// compound file is .xls, anything else is CSV), so a .xls saved under a .xlsx name still reads.
    /// </summary>
    public static IntakeFile Read(Stream content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        var buffer = new MemoryStream();
        content.CopyTo(buffer);
        buffer.Position = 0;
        IntakeFormat format = Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return format == IntakeFormat.Csv ? ReadCsv(buffer, fileName) : ReadExcel(buffer, fileName, format);
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

    private static IntakeFile ReadExcel(MemoryStream buffer, string fileName, IntakeFormat format)
    {
        var sheets = new List<IntakeSheet>();
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using IExcelDataReader reader = format == IntakeFormat.Xlsx
            ? ExcelReaderFactory.CreateOpenXmlReader(buffer)
            : ExcelReaderFactory.CreateBinaryReader(buffer);
        do
        {
            var rows = new List<IntakeRow>();
            int number = 0;
            while (reader.Read())
            {
                number++;
                var cells = new object?[reader.FieldCount];
                for (int i = 0; i < cells.Length; i++)
                {
                    cells[i] = reader.GetValue(i);
                }

                int last = cells.Length - 1;
                while (last >= 0 && cells[last] is null)
                {
                    last--;
                }

                if (last >= 0)
                {
                    rows.Add(new IntakeRow(number, last == cells.Length - 1 ? cells : cells[..(last + 1)]));
                }
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
                sheets.Add(new IntakeSheet(reader.Name, !string.Equals(reader.VisibleState, "visible", StringComparison.OrdinalIgnoreCase), rows));
            }
        }
        while (reader.NextResult());

        return new IntakeFile(fileName, format, sheets, metadata);
    }

    private static IntakeFile ReadCsv(MemoryStream buffer, string fileName)
    {
        string text = Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
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
        using var parser = new CsvParser(new StringReader(text), config);
        while (parser.Read())
        {
            string[]? record = parser.Record;
            if (record is null || record.All(f => f.Trim().Length == 0))
            {
                continue;
            }

            // One record is one row in Excel even when a quoted field spans lines.
            rows.Add(new IntakeRow(parser.Row, record));
        }

        string name = Path.GetFileNameWithoutExtension(fileName);
        return new IntakeFile(fileName, IntakeFormat.Csv, [new IntakeSheet(name.Length > 0 ? name : "csv", false, rows)], new Dictionary<string, string>());
    }

    /// <summary>
    /// UTF-8 (with or without BOM) when the bytes are valid UTF-8; otherwise GB18030, which is what
    /// Chinese Excel and WPS write for "CSV (逗号分隔)".
    /// </summary>
    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(54936).GetString(bytes);
        }
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
