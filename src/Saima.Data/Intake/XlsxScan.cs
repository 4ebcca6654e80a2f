using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace Saima.Data.Intake;

/// <summary>
/// A first pass over an .xlsx before any cell is kept: every part is decompressed once through a
/// byte budget, every sheet's rows and cells are walked with a forward-only XML reader, and a row
/// or cell beyond <see cref="IntakeLimits"/> refuses the file at that element (a <c>&lt;row r="1000000002"&gt;</c>
/// or a cell in column XFD costs microseconds, not the gigabytes a reader that fills the gap would
/// allocate). It also finds formula cells that carry no computed value (written by programs that
/// do not calculate), which a reader shows as empty.
/// </summary>
internal static class XlsxScan
{
    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <summary>Formula cells without a value, per sheet name, as (row, 0-based column).</summary>
    public static Dictionary<string, HashSet<(int Row, int Column)>> Check(Stream content, string fileName, IntakeLimits limits)
    {
        var formulas = new Dictionary<string, HashSet<(int, int)>>(StringComparer.Ordinal);
        using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count > 10_000)
        {
            throw IntakeFileException.Limit(fileName, string.Empty, 0, string.Empty, "parts", 10_000,
                "文件内部的部件过多，不是正常的 Excel 文件", "the file holds too many parts for a spreadsheet");
        }

        Dictionary<string, string> sheetNames = SheetNames(zip, limits);
        long cells = 0;
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && !entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string name = entry.FullName.TrimStart('/');
            if (name.Contains("/worksheets/", StringComparison.OrdinalIgnoreCase) && !name.Contains("/_rels/", StringComparison.Ordinal))
            {
                string sheet = sheetNames.TryGetValue(name, out string? n) ? n : Path.GetFileNameWithoutExtension(name);
                var missing = new HashSet<(int, int)>();
                cells = ScanSheet(entry, fileName, sheet, limits, cells, missing);
                if (missing.Count > 0)
                {
                    formulas[sheet] = missing;
                }
            }
            else
            {
                // Every other part a reader loads whole (shared strings, styles) goes through the byte budget.
                using Stream s = Budget(entry, fileName, limits);
                s.CopyTo(Stream.Null);
            }
        }

        return formulas;
    }

    private static Stream Budget(ZipArchiveEntry entry, string fileName, IntakeLimits limits) =>
        new BudgetStream(entry.Open(), limits.MaxPartBytes, () => IntakeFileException.Limit(fileName, string.Empty, 0, string.Empty, "part-bytes", limits.MaxPartBytes,
            string.Create(CultureInfo.InvariantCulture, $"文件中的部件“{entry.FullName}”解压后超过 {limits.MaxPartBytes / (1024 * 1024)} MB 的上限"),
            string.Create(CultureInfo.InvariantCulture, $"part '{entry.FullName}' is larger than {limits.MaxPartBytes / (1024 * 1024)} MB once decompressed")));

    private static XmlReader Xml(Stream s) => XmlReader.Create(s, new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    });

    /// <summary>The sheets' part names (e.g. xl/worksheets/sheet1.xml) and the names the user sees; empty when the workbook does not say.</summary>
    private static Dictionary<string, string> SheetNames(ZipArchive zip, IntakeLimits limits)
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        ZipArchiveEntry? workbook = zip.Entries.FirstOrDefault(e => e.FullName.TrimStart('/').EndsWith("workbook.xml", StringComparison.OrdinalIgnoreCase));
        if (workbook is null)
        {
            return names;
        }

        string dir = workbook.FullName.TrimStart('/');
        dir = dir.Contains('/', StringComparison.Ordinal) ? dir[..(dir.LastIndexOf('/') + 1)] : string.Empty;
        ZipArchiveEntry? rels = zip.GetEntry(dir + "_rels/workbook.xml.rels");
        if (rels is null)
        {
            return names;
        }

        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        using (XmlReader r = Xml(new BudgetStream(rels.Open(), limits.MaxPartBytes, () => new InvalidDataException("workbook relationships too large"))))
        {
            while (r.Read())
            {
                if (r.NodeType == XmlNodeType.Element && r.LocalName == "Relationship" && r.GetAttribute("Id") is { } id && r.GetAttribute("Target") is { } target)
                {
                    targets[id] = target.StartsWith('/') ? target.TrimStart('/') : dir + target;
                }
            }
        }

        using (XmlReader r = Xml(new BudgetStream(workbook.Open(), limits.MaxPartBytes, () => new InvalidDataException("workbook too large"))))
        {
            while (r.Read())
            {
                if (r.NodeType == XmlNodeType.Element && r.LocalName == "sheet" && r.GetAttribute("name") is { } name
                    && r.GetAttribute("id", RelNs) is { } id && targets.TryGetValue(id, out string? part))
                {
                    names[part] = name;
                }
            }
        }

        return names;
    }

    private static long ScanSheet(ZipArchiveEntry entry, string fileName, string sheet, IntakeLimits limits, long cells, HashSet<(int, int)> formulaNoValue)
    {
        using XmlReader r = Xml(Budget(entry, fileName, limits));
        int row = 0, column = -1;
        bool inCell = false, hasFormula = false, hasValue = false;
        while (r.Read())
        {
            if (r.NodeType == XmlNodeType.Element && r.NamespaceURI == MainNs)
            {
                switch (r.LocalName)
                {
                    case "dimension" when r.GetAttribute("ref") is { Length: > 0 } range:
                        // A reader sizes every row by the declared range: a range to XFD1048576 over three cells is refused like the cells.
                        (int lastRow, int lastColumn) = CellReference(range[(range.IndexOf(':', StringComparison.Ordinal) + 1)..], fileName, sheet, limits);
                        if (lastColumn >= limits.MaxColumns)
                        {
                            throw IntakeFileException.Limit(fileName, sheet, lastRow, CellText.ColumnLetter(lastColumn), "columns", limits.MaxColumns,
                                string.Create(CultureInfo.InvariantCulture, $"工作表声明的区域 {range} 超出列数上限（每个工作表最多 {limits.MaxColumns} 列，即 A–{CellText.ColumnLetter(limits.MaxColumns - 1)} 列）"),
                                string.Create(CultureInfo.InvariantCulture, $"the sheet declares the range {range}, beyond the limit of {limits.MaxColumns} columns (A to {CellText.ColumnLetter(limits.MaxColumns - 1)})"));
                        }

                        break;
                    case "row":
                        row = r.GetAttribute("r") is { } rr ? RowNumber(rr, fileName, sheet, limits) : row + 1;
                        if (row > limits.MaxRows)
                        {
                            throw TooManyRows(fileName, sheet, row, limits);
                        }

                        column = -1;
                        break;
                    case "c":
                        string? reference = r.GetAttribute("r");
                        (int refRow, int refColumn) = reference is null ? (row, column + 1) : CellReference(reference, fileName, sheet, limits);
                        if (refRow > limits.MaxRows)
                        {
                            throw TooManyRows(fileName, sheet, refRow, limits);
                        }

                        if (refColumn >= limits.MaxColumns)
                        {
                            string at = CellText.ColumnLetter(refColumn) + refRow.ToString(CultureInfo.InvariantCulture);
                            throw IntakeFileException.Limit(fileName, sheet, refRow, CellText.ColumnLetter(refColumn), "columns", limits.MaxColumns,
                                string.Create(CultureInfo.InvariantCulture, $"单元格 {at} 超出列数上限（每个工作表最多 {limits.MaxColumns} 列，即 A–{CellText.ColumnLetter(limits.MaxColumns - 1)} 列）"),
                                string.Create(CultureInfo.InvariantCulture, $"cell {at} is beyond the limit of {limits.MaxColumns} columns (A to {CellText.ColumnLetter(limits.MaxColumns - 1)})"));
                        }

                        if (++cells > limits.MaxCells)
                        {
                            throw IntakeFileException.Limit(fileName, sheet, refRow, string.Empty, "cells", limits.MaxCells,
                                string.Create(CultureInfo.InvariantCulture, $"文件的单元格超过 {limits.MaxCells:N0} 个的上限"),
                                string.Create(CultureInfo.InvariantCulture, $"the file has more than {limits.MaxCells:N0} cells"));
                        }

                        row = refRow;
                        column = refColumn;
                        inCell = !r.IsEmptyElement;
                        hasFormula = hasValue = false;
                        break;
                    case "f" when inCell:
                        hasFormula = true;
                        break;
                    case "v" or "is" when inCell:
                        hasValue = !r.IsEmptyElement;
                        break;
                }
            }
            else if (r.NodeType == XmlNodeType.EndElement && r.LocalName == "c" && inCell)
            {
                if (hasFormula && !hasValue && formulaNoValue.Count < limits.MaxCells)
                {
                    formulaNoValue.Add((row, column));
                }

                inCell = false;
            }
        }

        return cells;
    }

    private static IntakeFileException TooManyRows(string fileName, string sheet, long row, IntakeLimits limits) =>
        IntakeFileException.Limit(fileName, sheet, (int)Math.Min(row, int.MaxValue), string.Empty, "rows", limits.MaxRows,
            string.Create(CultureInfo.InvariantCulture, $"第 {row} 行超出行数上限（每个工作表最多 {limits.MaxRows:N0} 行）"),
            string.Create(CultureInfo.InvariantCulture, $"row {row} is beyond the limit of {limits.MaxRows:N0} rows per sheet"));

    private static int RowNumber(string text, string fileName, string sheet, IntakeLimits limits)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1)
        {
            if (text.Length > 0 && text.All(char.IsAsciiDigit))
            {
                throw TooManyRows(fileName, sheet, long.MaxValue, limits);
            }

            throw BadReference(fileName, sheet, text);
        }

        if (n > limits.MaxRows)
        {
            throw TooManyRows(fileName, sheet, n, limits);
        }

        return (int)n;
    }

    /// <summary>A reference such as F12: (12, 5). Letters beyond three (past XFD) or digits beyond the row cap are refused at once.</summary>
    private static (int Row, int Column) CellReference(string reference, string fileName, string sheet, IntakeLimits limits)
    {
        int i = 0, column = 0;
        while (i < reference.Length && char.IsAsciiLetter(reference[i]))
        {
            if (i == 3)
            {
                throw BadReference(fileName, sheet, reference);
            }

            column = (column * 26) + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
            i++;
        }

        if (i == 0 || i == reference.Length)
        {
            throw BadReference(fileName, sheet, reference);
        }

        return (RowNumber(reference[i..], fileName, sheet, limits), column - 1);
    }

    private static IntakeFileException BadReference(string fileName, string sheet, string reference)
    {
        string shown = reference.Length > 20 ? reference[..20] + "…" : reference;
        return IntakeFileException.Unreadable(fileName, sheet,
            $"文件内容已损坏：单元格引用“{shown}”无效", $"the file is damaged: '{shown}' is not a cell reference");
    }

    /// <summary>A read-only stream that refuses to give more than a budget of bytes.</summary>
    private sealed class BudgetStream(Stream inner, long budget, Func<Exception> over) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > budget)
            {
                throw over();
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
