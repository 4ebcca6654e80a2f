using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Intake;

/// <summary>
/// Uploads of figures from .xlsx, .xls and .csv files: the file is read and its rows found by
/// their headers (<see cref="FileLayout"/>), then every row goes as one batch through
/// <see cref="FigureEntry"/>, the door every figure passes, as the uploader's <see cref="Actor"/>.
/// A file with any error writes nothing, and every error is named by sheet, row and column; a
/// good file is stored whole in one transaction, recorded as one <see cref="ImportBatch"/>.
/// </summary>
public sealed class FigureImporter(SaimaDb db, TimeProvider clock)
{
    public ImportResult Import(string schemeCode, Stream content, string fileName, Actor actor, ImportOptions? options = null) =>
        ImportAsync(schemeCode, content, fileName, actor, options).GetAwaiter().GetResult();

    public ImportResult Import(string schemeCode, IntakeFile file, Actor actor, ImportOptions? options = null) =>
        ImportAsync(schemeCode, file, actor, options).GetAwaiter().GetResult();

    /// <summary>
    /// Reads the upload within the options' <see cref="IntakeLimits"/> and imports it. A file that
    /// cannot be read, or is beyond the limits, is refused like any other file with an error: one
    /// error naming the file (and the place, where there is one) and what is wrong.
    /// </summary>
    public async Task<ImportResult> ImportAsync(string schemeCode, Stream content, string fileName, Actor actor, ImportOptions? options = null, CancellationToken cancel = default)
    {
        options ??= new ImportOptions();
        IntakeFile file;
        try
        {
            file = IntakeFile.Read(content, fileName, options.Limits);
        }
        catch (IntakeFileException e)
        {
            return ImportResult.Refused([e.ToImportError()], 0);
        }

        return await ImportAsync(schemeCode, file, actor, options, cancel);
    }

    public async Task<ImportResult> ImportAsync(string schemeCode, IntakeFile file, Actor actor, ImportOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(actor);
        options ??= new ImportOptions();
        var errors = new List<ImportError>();
        List<Candidate> candidates = FileLayout.Extract(file, options, errors, out int skipped);
        if (!await db.Schemes.AsNoTracking().AnyAsync(s => s.Code == schemeCode, cancel))
        {
            throw new ArgumentException($"unknown scheme '{schemeCode}'", nameof(schemeCode));
        }

        if (file.Metadata.TryGetValue("scheme", out string? fileScheme) && fileScheme.Length > 0 && !string.Equals(fileScheme, schemeCode, StringComparison.Ordinal))
        {
            errors.Add(new ImportError(IntakeFile.MetadataSheet, 1, string.Empty,
                $"该模板属于考核方案“{fileScheme}”，不是“{schemeCode}”",
                $"the template belongs to scheme '{fileScheme}', not '{schemeCode}'"));
        }

        if (errors.Count > 0)
        {
            return ImportResult.Refused(Sorted(errors, file), skipped, options.Limits.MaxErrors);
        }

        var items = candidates.Select(c => new FigureInput(c.Unit.Text, c.Indicator.Text, c.Period.Text, c.Value.Raw is string or double ? c.Value.Raw : c.Value.Text, c.Explanation.Text)).ToList();
        var request = new EntryRequest(schemeCode, items, options.Submit ? EntryMode.Submit : EntryMode.Draft) { FileName = file.FileName };
        EntryResult result = await new FigureEntry(db, clock).SaveAsync(actor, request, cancel);
        if (!result.Accepted)
        {
            var reportedPeriods = new HashSet<string>(StringComparer.Ordinal);
            foreach (EntryError e in result.Errors)
            {
                Candidate row = candidates[e.Index];
                if (Located(row, e, candidates, reportedPeriods) is { } located)
                {
                    errors.Add(located);
                }
            }

            return ImportResult.Refused(Sorted(errors, file), skipped, options.Limits.MaxErrors);
        }

        db.ChangeTracker.Clear();
        return new ImportResult(true, result.ImportId, result.Created, result.Updated + result.Unchanged, skipped, []);
    }

    /// <summary>An entry error told where the user finds it in the file; null for a repeat of a file-wide problem.</summary>
    private static ImportError? Located(Candidate row, EntryError e, List<Candidate> all, HashSet<string> reportedPeriods)
    {
        Field field = e.Field switch
        {
            EntryField.Unit => row.Unit,
            EntryField.Indicator => row.Indicator,
            EntryField.Period => row.Period,
            EntryField.Explanation => row.Explanation.Column is not null ? row.Explanation : row.Value,
            EntryField.Item => row.Indicator,
            _ => row.Value,
        };

        if (e.Code == WorkflowCodes.Duplicate && int.TryParse(e.Args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first))
        {
            Candidate other = all[first];
            return new ImportError(row.Sheet, row.Row, field.Label,
                string.Create(CultureInfo.InvariantCulture, $"与{Where(other, row)}重复（同一单位、指标、期间）"),
                string.Create(CultureInfo.InvariantCulture, $"duplicate of {WhereEn(other, row)} (same unit, indicator and period)"));
        }

        // A period from the template's metadata is one problem, not one per row.
        if (e.Field == EntryField.Period && row.Period.Column is null)
        {
            return reportedPeriods.Add(row.Period.Text)
                ? new ImportError(row.Sheet, 0, string.Empty, "文件所注期间：" + e.Zh, "the file's period: " + e.En)
                : null;
        }

        return new ImportError(row.Sheet, row.Row, field.Label, e.Zh, e.En) { Code = e.Code };
    }

    /// <summary>Errors in the order the user reads the file: sheet by sheet, row by row, column by column.</summary>
    private static List<ImportError> Sorted(List<ImportError> errors, IntakeFile file)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < file.Sheets.Count; i++)
        {
            order.TryAdd(file.Sheets[i].Name ?? string.Empty, i);
        }

        return errors
            .OrderBy(e => order.TryGetValue(e.Sheet, out int i) ? i : -1)
            .ThenBy(e => e.Row)
            .ThenBy(e => e.Column.Split(' ')[0].Length)
            .ThenBy(e => e.Column.Split(' ')[0], StringComparer.Ordinal)
            .ToList();
    }

    private static string Where(Candidate first, Candidate row) => first.Sheet == row.Sheet
        ? string.Create(CultureInfo.InvariantCulture, $"第 {first.Row} 行")
        : string.Create(CultureInfo.InvariantCulture, $"工作表“{first.Sheet}”第 {first.Row} 行");

    private static string WhereEn(Candidate first, Candidate row) => first.Sheet == row.Sheet
        ? string.Create(CultureInfo.InvariantCulture, $"row {first.Row}")
        : string.Create(CultureInfo.InvariantCulture, $"sheet '{first.Sheet}' row {first.Row}");

    internal static string Num(double v) => v.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>
    /// A number cell, or text that is a plain number: full-width digits (１２３．４) and thousands
    /// separators (1,234.5) are read; percent signs, units and dates are not guessed at.
    /// </summary>
    internal static bool TryNumber(object? raw, out double value)
    {
        value = 0;
        switch (raw)
        {
            case double d:
                value = d;
                return double.IsFinite(d);
            case int i:
                value = i;
                return true;
            case string s:
                Span<char> buffer = stackalloc char[Math.Min(s.Length, 64)];
                int n = 0;
                foreach (char ch in s.AsSpan().Trim())
                {
                    if (n == buffer.Length)
                    {
                        return false;
                    }

                    buffer[n++] = ch switch
                    {
                        >= '０' and <= '９' => (char)('0' + (ch - '０')),
                        '．' => '.',
                        '－' or '−' => '-',
                        '，' => ',',
                        '＋' => '+',
                        _ => ch,
                    };
                }

                return n > 0
                    && double.TryParse(buffer[..n], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out value)
                    && double.IsFinite(value);
            default:
                return false;
        }
    }
}
