using System.Globalization;

namespace Saima.Data.Intake;

/// <summary>
/// One thing wrong in an uploaded file, where the user will find it: the sheet, the row as Excel
/// numbers it (1-based), the column as letter and header (e.g. "F 填报值 / Value", empty when the
/// problem is the whole file), and the reason in Chinese and in English.
/// </summary>
public sealed record ImportError(string Sheet, int Row, string Column, string ReasonZh, string ReasonEn)
{
    /// <summary>The refusal's code (<see cref="Saima.Data.Store.WorkflowCodes"/>) when the error has one of its own; empty for a cell's checks.</summary>
    public string Code { get; init; } = string.Empty;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Sheet}!{(Column.Length > 0 ? Column.Split(' ')[0] : string.Empty)}{Row}: {ReasonZh} | {ReasonEn}");
}

public sealed class ImportOptions
{
    /// <summary>The period of rows that name none (and of a file without a period column or template metadata).</summary>
    public string? Period { get; init; }

    /// <summary>The unit of rows that name none (and of a file without a unit column or template metadata).</summary>
    public string? UnitCode { get; init; }

    /// <summary>Insert the figures as submitted (报送) rather than as drafts.</summary>
    public bool Submit { get; init; }

    /// <summary>How much the file may hold, and how many errors are listed.</summary>
    public IntakeLimits Limits { get; init; } = IntakeLimits.Default;
}

/// <summary>
/// The outcome of an upload: accepted with every figure stored under one import, or refused with
/// every error found and nothing written.
/// </summary>
public sealed record ImportResult(
    bool Accepted,
    long? ImportId,
    int Inserted,
    int Replaced,
    int SkippedBlank,
    IReadOnlyList<ImportError> Errors)
{
    /// <summary>Errors found beyond those listed (the list ends with one that says "and n more").</summary>
    public int MoreErrors { get; init; }

    /// <summary>Every error found, listed or not.</summary>
    public int ErrorCount => MoreErrors > 0 ? Errors.Count - 1 + MoreErrors : Errors.Count;

    internal static ImportResult Refused(IReadOnlyList<ImportError> errors, int skipped, int maxErrors = int.MaxValue)
    {
        if (errors.Count <= maxErrors)
        {
            return new(false, null, 0, 0, skipped, errors);
        }

        int more = errors.Count - maxErrors;
        string n = more.ToString("N0", CultureInfo.InvariantCulture);
        var shown = new List<ImportError>(errors.Take(maxErrors))
        {
            new(string.Empty, 0, string.Empty, $"另有 {n} 处错误未列出", $"and {n} more") { Code = Saima.Data.Store.WorkflowCodes.MoreErrors },
        };
        return new(false, null, 0, 0, skipped, shown) { MoreErrors = more };
    }
}
