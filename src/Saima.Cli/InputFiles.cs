using System.Globalization;
using System.Runtime.CompilerServices;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>The input files of `saima score`, as the user named them.</summary>
internal sealed record InputPaths(string Data, string? Units = null, string? Adjustments = null);

/// <summary>
/// Reads UNITS.csv, DATA.csv and ADJ.csv into a <see cref="DatasetBuilder"/>. Column names are
/// matched case-insensitively and in any order; codes, periods and numbers are trimmed of
/// surrounding white space; rows whose fields are all empty (a spreadsheet's row of commas) are
/// skipped. Every error names the file, the physical line (header = 1) and the column.
/// </summary>
internal static class InputFiles
{
    /// <summary>
    /// Sources of adjustment rows are their line plus this offset, so that an error the builder
    /// raises at <see cref="DatasetBuilder.Build"/> can be traced back to the right file.
    /// </summary>
    internal const int AdjustmentSource = 1 << 30;

    private static readonly string[] DataColumns = ["unit", "indicator", "value", "period", "target"];
    private static readonly string[] DataRequired = ["unit", "indicator", "value"];
    private static readonly string[] AdjustmentColumns = ["unit", "points", "reason", "period", "node"];
    private static readonly string[] AdjustmentRequired = ["unit", "points"];
    private static readonly string[] UnitColumns = ["unit", "name", "track"];
    private static readonly string[] UnitRequired = ["unit"];

    public static Dataset Read(Scheme scheme, InputPaths paths)
    {
        DatasetBuilder builder = paths.Units is null ? new DatasetBuilder(scheme) : ReadUnits(scheme, paths.Units);
        ReadData(builder, paths.Data);
        if (paths.Adjustments is not null)
        {
            ReadAdjustments(builder, paths.Adjustments);
        }

        try
        {
            return builder.Build();
        }
        catch (DataException e)
        {
            throw e.Record >= AdjustmentSource && paths.Adjustments is not null
                ? Located(paths.Adjustments, e.Record - AdjustmentSource, e)
                : Located(paths.Data, e.Record, e);
        }
    }

    /// <summary>
    /// The distinct non-empty codes of DATA.csv's indicator column, in order of first appearance:
    /// for commands that read figures without a scheme (every code then counts as an indicator).
    /// </summary>
    public static List<string> IndicatorCodes(string path)
    {
        using CsvFileReader reader = Open(path);
        CsvHeader header = CsvHeader.Read(reader, DataColumns, DataRequired, allowExtra: false);
        int indicator = header.IndexOf("indicator");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var codes = new List<string>();
        while (reader.Read())
        {
            if (!header.CheckRow(reader))
            {
                continue;
            }

            ReadOnlySpan<char> code = reader[indicator].Trim();
            if (!code.IsEmpty && !seen.GetAlternateLookup<ReadOnlySpan<char>>().Contains(code))
            {
                string text = code.ToString();
                seen.Add(text);
                codes.Add(text);
            }
        }

        return codes;
    }

    private static DatasetBuilder ReadUnits(Scheme scheme, string path)
    {
        using CsvFileReader reader = Open(path);
        CsvHeader header = CsvHeader.Read(reader, UnitColumns, UnitRequired, allowExtra: true);
        int unit = header.IndexOf("unit");
        int name = header.IndexOf("name");
        int track = header.IndexOf("track");
        string[] attributeNames = header.Extra.Select(e => e.Name).ToArray();
        var builder = new DatasetBuilder(scheme, attributeNames, declaredUnits: true, hasTracks: track >= 0);
        try
        {
            while (reader.Read())
            {
                if (!header.CheckRow(reader))
                {
                    continue;
                }

                var attributes = new string[header.Extra.Count];
                for (int a = 0; a < attributes.Length; a++)
                {
                    attributes[a] = reader[header.Extra[a].Index].Trim().ToString();
                }

                builder.DeclareUnit(
                    reader[unit].Trim().ToString(),
                    name >= 0 ? NullIfEmpty(reader[name]) : null,
                    track >= 0 ? NullIfEmpty(reader[track]) : null,
                    attributes,
                    reader.Line);
            }
        }
        catch (DataException e)
        {
            throw Located(path, e.Record, e);
        }

        return builder;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReadData(DatasetBuilder builder, string path)
    {
        using CsvFileReader reader = Open(path);
        CsvHeader header = CsvHeader.Read(reader, DataColumns, DataRequired, allowExtra: false);
        int unit = header.IndexOf("unit");
        int indicator = header.IndexOf("indicator");
        int value = header.IndexOf("value");
        int period = header.IndexOf("period");
        int target = header.IndexOf("target");

        // Units, codes and periods repeat on every row: one string each instead of 600,000.
        var pool = new StringPool();
        string? lastUnit = null;
        string? lastCode = null;
        string? lastPeriod = null;
        try
        {
            while (reader.Read())
            {
                if (!header.CheckRow(reader))
                {
                    continue;
                }

                builder.AddFigure(
                    pool.Get(reader[unit].Trim(), ref lastUnit),
                    pool.Get(reader[indicator].Trim(), ref lastCode),
                    period >= 0 ? pool.Get(reader[period].Trim(), ref lastPeriod) : null,
                    ParseNumber(reader, value, "value"),
                    target >= 0 ? ParseNumber(reader, target, "target") : double.NaN,
                    reader.Line);
            }
        }
        catch (DataException e)
        {
            throw Located(path, e.Record, e);
        }
    }

    private static void ReadAdjustments(DatasetBuilder builder, string path)
    {
        using CsvFileReader reader = Open(path);
        CsvHeader header = CsvHeader.Read(reader, AdjustmentColumns, AdjustmentRequired, allowExtra: false);
        int unit = header.IndexOf("unit");
        int points = header.IndexOf("points");
        int reason = header.IndexOf("reason");
        int period = header.IndexOf("period");
        int node = header.IndexOf("node");
        try
        {
            while (reader.Read())
            {
                if (!header.CheckRow(reader))
                {
                    continue;
                }

                double value = ParseNumber(reader, points, "points");
                if (double.IsNaN(value))
                {
                    throw CliInputException.At(path, reader.Line, "points", "empty; expected the signed number of points to add");
                }

                builder.AddAdjustment(
                    reader[unit].Trim().ToString(),
                    value,
                    period >= 0 ? NullIfEmpty(reader[period]) : null,
                    node >= 0 ? NullIfEmpty(reader[node]) : null,
                    reason >= 0 ? NullIfEmpty(reader[reason]) : null,
                    AdjustmentSource + reader.Line);
            }
        }
        catch (DataException e)
        {
            throw Located(path, e.Record >= AdjustmentSource ? e.Record - AdjustmentSource : e.Record, e);
        }
    }

    /// <summary>
    /// Parses a number the way the file contract states: invariant culture, '.' as the decimal
    /// point, an exponent allowed, no thousands separators; empty (or white space) is missing (NaN).
    /// NaN and infinity written out are refused: a missing value is an empty field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ParseNumber(CsvFileReader reader, int field, string column)
    {
        ReadOnlySpan<char> text = reader[field].Trim();
        if (text.IsEmpty)
        {
            return double.NaN;
        }

        if (TryParsePlainDecimal(text, out double value))
        {
            return value;
        }

        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (double.TryParse(text, Style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            return value;
        }

        string why = double.IsInfinity(value) && char.IsAsciiDigit(text[^1])
            ? "is out of range; expected a number of magnitude below 1.8e308"
            : "is not a number; expected a finite number with '.' as the decimal point and no thousands separators (e.g. 1234.5, -0.25 or 1.2e3), or an empty field for a missing value";
        throw CliInputException.At(reader.FileName, reader.Line, column, $"'{text}' {why}");
    }

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// The fast path for what nearly every figure looks like: an optional sign, digits and at
    /// most one '.'. When the digits, read as an integer m, are at most 2^53 and there are at
    /// most 22 decimals, m and 10^decimals are exact doubles, so one IEEE division gives the
    /// correctly rounded value, bit for bit what double.Parse gives (Clinger's fast path).
    /// Anything else (exponents, long mantissas, garbage) returns false for the full parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParsePlainDecimal(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == '-' || text[0] == '+'))
        {
            negative = text[0] == '-';
            i = 1;
        }

        ulong mantissa = 0;
        int significant = 0;
        int decimals = 0;
        bool digits = false;
        bool point = false;
        for (; i < text.Length; i++)
        {
            uint d = (uint)(text[i] - '0');
            if (d <= 9)
            {
                digits = true;
                if (mantissa != 0 || d != 0)
                {
                    if (++significant > 16)
                    {
                        return false;
                    }
                }

                mantissa = (mantissa * 10) + d;
                if (point)
                {
                    decimals++;
                }
            }
            else if (text[i] == '.' && !point)
            {
                point = true;
            }
            else
            {
                return false;
            }
        }

        if (!digits || mantissa > (1UL << 53) || decimals > 22)
        {
            return false;
        }

        double v = mantissa;
        if (decimals > 0)
        {
            v /= PowersOfTen[decimals];
        }

        value = negative ? -v : v;
        return true;
    }

    private static string? NullIfEmpty(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        return text.IsEmpty ? null : text.ToString();
    }

    private static CsvFileReader Open(string path)
    {
        try
        {
            return CsvFileReader.Open(path, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"{path}: cannot read the file: {e.Message}");
        }
    }

    private static CliInputException Located(string file, int line, DataException e) =>
        CliInputException.At(file, line, e.Column, e.Message);
}

/// <summary>The header row of an input file: which known column is where, and the extra ones.</summary>
internal sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    private CsvHeader(int fieldCount) => FieldCount = fieldCount;

    public int FieldCount { get; }

    /// <summary>Columns that are not among the known ones (only where extra columns are allowed), in file order.</summary>
    public List<(string Name, int Index)> Extra { get; } = [];

    /// <summary>Position of a known column, or -1 if the file does not have it.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;

    public static CsvHeader Read(CsvFileReader reader, string[] known, string[] required, bool allowExtra)
    {
        string expected = string.Join(", ", known);
        if (!reader.Read())
        {
            throw CliInputException.At(reader.FileName, 1, null, $"the file is empty; expected a header row with the columns {expected}");
        }

        var header = new CsvHeader(reader.FieldCount);
        for (int i = 0; i < reader.FieldCount; i++)
        {
            string name = reader[i].Trim().ToString();
            if (name.Length == 0)
            {
                throw CliInputException.At(
                    reader.FileName, reader.Line, null, $"column {i + 1} of the header has no name; expected one of {expected}");
            }

            if (header._index.ContainsKey(name) || header.Extra.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw CliInputException.At(reader.FileName, reader.Line, name, "the column appears twice; expected each column once");
            }

            if (known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                header._index[name] = i;
            }
            else if (allowExtra)
            {
                header.Extra.Add((name, i));
            }
            else
            {
                throw CliInputException.At(reader.FileName, reader.Line, name, $"unknown column; expected only {expected}");
            }
        }

        foreach (string name in required)
        {
            if (header.IndexOf(name) < 0)
            {
                throw CliInputException.At(
                    reader.FileName, reader.Line, null, $"the required column '{name}' is missing; expected the columns {string.Join(", ", required)}");
            }
        }

        return header;
    }

    /// <summary>False for a row to skip (all fields empty); throws for a row with the wrong number of fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool CheckRow(CsvFileReader reader)
    {
        if (reader.FieldCount == FieldCount)
        {
            return !reader[0].IsWhiteSpace() || !reader.IsBlank();
        }

        if (reader.IsBlank())
        {
            return false;
        }

        throw CliInputException.At(
            reader.FileName,
            reader.Line,
            null,
            $"the row has {reader.FieldCount} fields but the header has {FieldCount}; expected {FieldCount} (quote a field that contains a comma)");
    }
}
