using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// Makes a malformed upload from a valid one, deterministically from a seed: bit flips and
/// truncation of the bytes; for .xlsx, edits inside the archive (odd and huge numbers, row and cell
/// references out of range, formulas without values, merged cells, dates, error and boolean cells,
/// shared-string indexes out of range, broken or re-declared XML, missing parts); for CSV, other
/// encodings, stray quotes, long fields and lines, wide rows. Shared by the fuzz test and bench/fuzz.
/// </summary>
public static partial class IntakeMutator
{
    static IntakeMutator()
    {
        // GB18030 for the encoding edits.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private static readonly string[] OddNumbers =
    [
        "1e308", "-1e308", "1E+400", "NaN", "INF", "-INF", "99999999999999999999999", "-0", "0x1F", "１２３．４", "1,234.5", "  7 ",
        "2025-06-31", "45000.5", string.Empty, "٣", "1.7976931348623157E+309", "4.9E-324", "--1", "1..2", "12%", "¥100",
    ];

    private static readonly string[] OddRows = ["1000000002", "0", "-1", "abc", "100001", "99999999999999999999", "1e3", " 2", string.Empty];

    private static readonly string[] OddCells = ["XFD1", "A0", "ZZZZ1", "GS2", "A1048577", "1A", "a2", "$A$1", string.Empty, "AAAAAAAAAAAAAAAAAAAAAAA1"];

    /// <summary>A malformed variant of <paramref name="content"/> and what was done to it.</summary>
    public static (byte[] Bytes, string Kind) Mutate(byte[] content, string name, int seed)
    {
        var rnd = new Random(seed);
        bool zip = content.Length > 4 && content[0] == 0x50 && content[1] == 0x4B;
        bool csv = name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        int choice = rnd.Next(10);
        if (choice < 2)
        {
            return (FlipBits(content, rnd, zip ? 30 : 0), "bitflip");
        }

        if (choice == 2)
        {
            return (content[..rnd.Next(content.Length)], "truncate");
        }

        if (zip)
        {
            return XlsxEdit(content, rnd);
        }

        if (csv)
        {
            return CsvEdit(content, rnd);
        }

        // .xls: a damaged sector, or flips in the body.
        byte[] copy = (byte[])content.Clone();
        if (rnd.Next(2) == 0 && copy.Length > 1024)
        {
            int at = 512 * rnd.Next(1, copy.Length / 512);
            byte[] junk = new byte[Math.Min(512, copy.Length - at)];
            rnd.NextBytes(junk);
            if (rnd.Next(2) == 0)
            {
                Array.Fill(junk, (byte)0xFF);
            }

            junk.CopyTo(copy, at);
            return (copy, "xls-sector");
        }

        return (FlipBits(content, rnd, 512), "xls-bitflip");
    }

    private static byte[] FlipBits(byte[] content, Random rnd, int from)
    {
        byte[] copy = (byte[])content.Clone();
        int flips = rnd.Next(1, 17);
        for (int i = 0; i < flips && copy.Length > from; i++)
        {
            int at = rnd.Next(Math.Min(from, copy.Length - 1), copy.Length);
            copy[at] ^= (byte)(1 << rnd.Next(8));
        }

        return copy;
    }

    private static (byte[], string) XlsxEdit(byte[] content, Random rnd)
    {
        var parts = new List<(string Name, byte[] Data)>();
        using (var input = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read))
        {
            foreach (ZipArchiveEntry e in input.Entries)
            {
                using Stream s = e.Open();
                var m = new MemoryStream();
                s.CopyTo(m);
                parts.Add((e.FullName, m.ToArray()));
            }
        }

        int sheetIndex = parts.FindIndex(p => p.Name.Contains("worksheets/sheet", StringComparison.Ordinal) && p.Name.EndsWith(".xml", StringComparison.Ordinal));
        if (sheetIndex < 0)
        {
            sheetIndex = rnd.Next(parts.Count);
        }

        // Most edits go to a sheet; some to any part.
        int target = rnd.Next(4) == 0 ? rnd.Next(parts.Count) : sheetIndex;
        string xml = Encoding.UTF8.GetString(parts[target].Data);
        string kind;
        switch (rnd.Next(13))
        {
            case 0:
                kind = "odd-number";
                xml = ReplaceOne(ValueRegex(), xml, rnd, _ => "<v>" + Pick(OddNumbers, rnd) + "</v>");
                break;
            case 1:
                kind = "odd-row";
                xml = ReplaceOne(RowRefRegex(), xml, rnd, _ => "<row r=\"" + Pick(OddRows, rnd) + "\"");
                break;
            case 2:
                kind = "odd-cell";
                xml = ReplaceOne(CellRefRegex(), xml, rnd, _ => "<c r=\"" + Pick(OddCells, rnd) + "\"");
                break;
            case 3:
                kind = "formula-no-value";
                xml = ReplaceOne(ValueRegex(), xml, rnd, _ => "<f>SUM(A1:A3)</f>");
                break;
            case 4:
                kind = "merged";
                xml = xml.Replace("</sheetData>", "</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:D3\"/><mergeCell ref=\"" + Pick(OddCells, rnd) + ":B9\"/></mergeCells>", StringComparison.Ordinal);
                break;
            case 5:
                kind = "xml-bitflip";
                byte[] flipped = FlipBits(Encoding.UTF8.GetBytes(xml), rnd, 0);
                parts[target] = (parts[target].Name, flipped);
                return (Zip(parts), kind);
            case 6:
                kind = "xml-truncate";
                xml = xml[..rnd.Next(xml.Length + 1)];
                break;
            case 7:
                kind = "date";
                xml = ReplaceOne(CellOpenRegex(), xml, rnd, m => rnd.Next(2) == 0
                    ? m.Value.Replace("<c ", "<c s=\"" + rnd.Next(0, 200).ToString(CultureInfo.InvariantCulture) + "\" ", StringComparison.Ordinal)
                    : m.Value.Replace("<c ", "<c t=\"d\" ", StringComparison.Ordinal));
                if (rnd.Next(2) == 0)
                {
                    xml = ReplaceOne(ValueRegex(), xml, rnd, _ => "<v>" + Pick(["2025-06-01T00:00:00", "45809", "-1", "2958466", "1900-02-29"], rnd) + "</v>");
                }

                break;
            case 8:
                kind = "cell-type";
                xml = ReplaceOne(CellOpenRegex(), xml, rnd, m => m.Value.Replace("<c ", "<c t=\"" + Pick(["e", "b", "s", "str", "n", "inlineStr", "x"], rnd) + "\" ", StringComparison.Ordinal));
                xml = ReplaceOne(ValueRegex(), xml, rnd, _ => "<v>" + Pick(["#DIV/0!", "99999", "-3", "TRUE", "1", string.Empty], rnd) + "</v>");
                break;
            case 9:
                kind = "missing-part";
                parts.RemoveAt(rnd.Next(parts.Count));
                return (Zip(parts), kind);
            case 10:
                kind = "encoding";
                xml = xml.Replace("encoding=\"UTF-8\"", "encoding=\"" + Pick(["UTF-16", "GB2312", "ISO-8859-1", "nonsense"], rnd) + "\"", StringComparison.OrdinalIgnoreCase);
                break;
            case 11:
                kind = "many-rows";
                var sb = new StringBuilder();
                int first = rnd.Next(1, 120_000);
                for (int i = 0; i < 50; i++)
                {
                    string r = (first + (i * rnd.Next(1, 5000))).ToString(CultureInfo.InvariantCulture);
                    sb.Append("<row r=\"").Append(r).Append("\"><c r=\"").Append(Pick(["A", "D", "GR", "GS", "XFD"], rnd)).Append(r).Append("\"><v>1</v></c></row>");
                }

                xml = xml.Replace("</sheetData>", sb + "</sheetData>", StringComparison.Ordinal);
                break;
            default:
                kind = "dtd";
                xml = xml.Replace("?>", "?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>", StringComparison.Ordinal);
                break;
        }

        parts[target] = (parts[target].Name, Encoding.UTF8.GetBytes(xml));
        return (Zip(parts), kind);
    }

    private static (byte[], string) CsvEdit(byte[] content, Random rnd)
    {
        string text = Encoding.UTF8.GetString(content);
        switch (rnd.Next(8))
        {
            case 0:
                Encoding enc = Pick<Encoding>([Encoding.Unicode, Encoding.BigEndianUnicode, Encoding.GetEncoding(54936), Encoding.Latin1, Encoding.UTF32], rnd);
                byte[] body = enc.GetBytes(text);
                return (rnd.Next(2) == 0 ? [.. enc.GetPreamble(), .. body] : body, "csv-encoding");
            case 1:
                return (Encoding.UTF8.GetBytes(Insert(text, rnd, "\"")), "csv-quote");
            case 2:
                return (Encoding.UTF8.GetBytes(NumberRegex().Replace(text, m => rnd.Next(3) == 0 ? Pick(OddNumbers, rnd) : m.Value)), "csv-odd-numbers");
            case 3:
                return (Encoding.UTF8.GetBytes(Insert(text, rnd, new string('9', rnd.Next(1, 200_000)))), "csv-long-field");
            case 4:
                return (Encoding.UTF8.GetBytes(Insert(text, rnd, new string(',', rnd.Next(150, 400)) + "1")), "csv-wide");
            case 5:
                return (Encoding.UTF8.GetBytes(Insert(text, rnd, Pick(["\0", "\r", "\uFEFF", "\t", ";", "\u2028", "\uD800"], rnd))), "csv-control");
            case 6:
                var sb = new StringBuilder(text);
                int n = rnd.Next(1, 3000);
                for (int i = 0; i < n; i++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"00{rnd.Next(1, 5)},{Pick(["GDP", "AIR", "RD", "INV", "GDP_G", "X"], rnd)},{Pick(["2025-06", "2025-04", "2025-05", "2025-Q2", "2025-13", "6/2025"], rnd)},{rnd.Next(-5, 200)}\n");
                }

                return (Encoding.UTF8.GetBytes(sb.ToString()), "csv-many-rows");
            default:
                return (Encoding.UTF8.GetBytes(text.Replace(",", Pick(["\t", ";", "，", "|"], rnd), StringComparison.Ordinal)), "csv-delimiter");
        }
    }

    private static string Insert(string text, Random rnd, string what)
    {
        int at = rnd.Next(text.Length + 1);
        return text[..at] + what + text[at..];
    }

    private static string ReplaceOne(Regex regex, string xml, Random rnd, Func<Match, string> with)
    {
        MatchCollection matches = regex.Matches(xml);
        if (matches.Count == 0)
        {
            return xml;
        }

        Match m = matches[rnd.Next(matches.Count)];
        return xml[..m.Index] + with(m) + xml[(m.Index + m.Length)..];
    }

    private static T Pick<T>(T[] items, Random rnd) => items[rnd.Next(items.Length)];

    private static byte[] Zip(List<(string Name, byte[] Data)> parts)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in parts)
            {
                using Stream s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(data);
            }
        }

        return output.ToArray();
    }

    [GeneratedRegex("<v>[^<]*</v>")]
    private static partial Regex ValueRegex();

    [GeneratedRegex("<row r=\"[^\"]*\"")]
    private static partial Regex RowRefRegex();

    [GeneratedRegex("<c r=\"[^\"]*\"")]
    private static partial Regex CellRefRegex();

    [GeneratedRegex("<c [^>]*>")]
    private static partial Regex CellOpenRegex();

    [GeneratedRegex("-?[0-9]+(\\.[0-9]+)?")]
    private static partial Regex NumberRegex();
}
