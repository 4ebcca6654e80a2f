using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Intake;

/// <summary>
/// How much one upload may hold. The defaults are generous for real templates (a country's 3,000
/// counties times 30 indicators is 90,000 rows of a few columns) and keep the memory of one upload
/// bounded: a file beyond them is refused before its cells are read, naming the limit and the place.
/// </summary>
public sealed class IntakeLimits
{
    public static IntakeLimits Default { get; } = new();

    /// <summary>Largest file taken, in bytes (as uploaded, compressed for .xlsx).</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Highest row number of a sheet (Excel's numbering, from 1).</summary>
    public int MaxRows { get; init; } = 100_000;

    /// <summary>Highest column of a sheet (200 is GR).</summary>
    public int MaxColumns { get; init; } = 200;

    /// <summary>Most cells with content in the whole file.</summary>
    public long MaxCells { get; init; } = 2_000_000;

    /// <summary>Most sheets in a workbook.</summary>
    public int MaxSheets { get; init; } = 100;

    /// <summary>Largest part of an .xlsx once decompressed (a sheet, the shared strings, the styles), in bytes.</summary>
    public long MaxPartBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most errors listed for one upload; the rest are counted ("and 9,990 more").</summary>
    public int MaxErrors { get; init; } = 100;
}

/// <summary>
/// An upload that cannot be taken as a whole: unreadable (<see cref="WorkflowCodes.FileUnreadable"/>)
/// or beyond the <see cref="IntakeLimits"/> (<see cref="WorkflowCodes.FileLimit"/>). It names the file,
/// the place (sheet, row, column; empty when the whole file is meant) and says what is wrong in
/// Chinese and English. Nothing of the file was stored.
/// </summary>
public sealed class IntakeFileException : WorkflowException
{
    public IntakeFileException(string code, string fileName, string sheet, int row, string column, string zh, string en, Exception? inner, params string[] args)
        : base(code, fileName + ": " + en, args)
    {
        FileName = fileName;
        Sheet = sheet;
        Row = row;
        Column = column;
        Zh = zh;
        En = en;
        if (inner is not null)
        {
            Data["inner"] = inner.GetType().FullName;
        }
    }

    public string FileName { get; }
    public string Sheet { get; }
    public int Row { get; }
    public string Column { get; }
    public string Zh { get; }
    public string En { get; }

    /// <summary>The refusal as an error of the upload, where the user finds it.</summary>
    public ImportError ToImportError() => new(Sheet.Length > 0 ? Sheet : FileName, Row, Column, Zh, En) { Code = Code };

    internal static IntakeFileException Limit(string fileName, string sheet, int row, string column, string what, long limit, string zh, string en) =>
        new(WorkflowCodes.FileLimit, fileName, sheet, row, column, zh, en, null, fileName, what, limit.ToString(CultureInfo.InvariantCulture), Place(sheet, row, column));

    internal static IntakeFileException Unreadable(string fileName, string sheet, string zh, string en, Exception? inner = null) =>
        new(WorkflowCodes.FileUnreadable, fileName, sheet, 0, string.Empty, zh, en, inner, fileName, en);

    private static string Place(string sheet, int row, string column) =>
        sheet + (column.Length > 0 ? "!" + column : row > 0 ? "!" + row.ToString(CultureInfo.InvariantCulture) : string.Empty);
}
