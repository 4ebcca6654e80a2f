using System.Globalization;

namespace Saima.Data.Intake;

/// <summary>The column a figure field is read from: 0-based index and the header the user sees.</summary>
internal sealed record SourceColumn(int Index, string Header)
{
    /// <summary>"F 填报值 / Value", the way an error names it.</summary>
    public string Label => CellText.ColumnLetter(Index) + " " + Header;
}

/// <summary>A field of one row: the raw cell, its text, and the column it came from (null when it came from the template metadata or the caller).</summary>
internal readonly record struct Field(object? Raw, string Text, SourceColumn? Column)
{
    public static readonly Field None = new(null, string.Empty, null);

    public string Label => Column?.Label ?? string.Empty;
}

/// <summary>A non-blank data row of an upload, before anything is looked up.</summary>
internal sealed record Candidate(int SheetOrder, string Sheet, int Row, Field Unit, Field Indicator, Field Period, Field Value, Field Explanation);

/// <summary>
/// Finds the data in an upload by its headers, in Chinese or English, so that our templates, a
/// department's own sheet and a plain CSV export all read: a header row (within the first rows of a
/// sheet) with an indicator-code column and a value column; unit and period columns are optional
/// when the template's metadata or the caller names them.
/// </summary>
internal static class FileLayout
{
    private const int HeaderSearchRows = 30;

    private static readonly string[] UnitHeaders = ["单位代码", "单位编码", "考核对象代码", "unitcode", "unit"];
    private static readonly string[] IndicatorHeaders = ["指标代码", "指标编码", "indicatorcode", "indicator"];
    private static readonly string[] PeriodHeaders = ["期间", "报告期", "时期", "period"];
    private static readonly string[] ValueHeaders = ["填报值", "本期值", "数值", "value"];
    private static readonly string[] ExplanationHeaders = ["说明", "情况说明", "备注", "explanation", "note"];

    public static List<Candidate> Extract(IntakeFile file, ImportOptions options, List<ImportError> errors, out int skippedBlank)
    {
        skippedBlank = 0;
        var rows = new List<Candidate>();
        string? metaUnit = Meta(file, "unit") ?? options.UnitCode;
        string? metaPeriod = Meta(file, "period") ?? options.Period;
        bool anyData = false;
        (string Sheet, int Row)? firstHeader = null;
        for (int s = 0; s < file.Sheets.Count; s++)
        {
            IntakeSheet sheet = file.Sheets[s];
            if (!TryFindHeader(sheet, out int headerAt, out SourceColumn? unitCol, out SourceColumn? indicatorCol, out SourceColumn? periodCol, out SourceColumn? valueCol, out SourceColumn? explanationCol))
            {
                continue;
            }

            anyData = true;
            int headerRow = sheet.Rows[headerAt].Number;
            firstHeader ??= (sheet.Name, headerRow);
            file.FormulasWithoutValue.TryGetValue(sheet.Name, out HashSet<(int Row, int Column)>? formulas);
            if (unitCol is null && metaUnit is null)
            {
                errors.Add(new ImportError(sheet.Name, headerRow, string.Empty,
                    "缺少“单位代码”列，文件也未注明单位", "there is no unit code column and the file names no unit"));
                continue;
            }

            if (periodCol is null && metaPeriod is null)
            {
                errors.Add(new ImportError(sheet.Name, headerRow, string.Empty,
                    "缺少“期间”列，文件也未注明期间", "there is no period column and the file names no period"));
                continue;
            }

            for (int r = headerAt + 1; r < sheet.Rows.Count; r++)
            {
                IntakeRow row = sheet.Rows[r];
                if (row.IsBlank)
                {
                    continue;
                }

                Field value = FieldOf(row, valueCol!);
                Field indicator = FieldOf(row, indicatorCol!);
                if (value.Text.Length == 0 && formulas is not null && formulas.Contains((row.Number, valueCol!.Index)))
                {
                    string cell = CellText.ColumnLetter(valueCol.Index) + row.Number.ToString(CultureInfo.InvariantCulture);
                    errors.Add(new ImportError(sheet.Name, row.Number, valueCol.Label,
                        $"单元格 {cell} 是公式，但文件中没有公式的计算结果（文件不是由 Excel 或 WPS 保存的）；请用 Excel 或 WPS 打开并保存后重新上传，或直接填写数值",
                        $"cell {cell} holds a formula without a computed value (the file was not saved by Excel or WPS); open and save it in Excel or WPS and upload it again, or type the value")
                    { Code = Saima.Data.Store.WorkflowCodes.FormulaNoValue });
                    continue;
                }

                if (value.Text.Length == 0)
                {
                    // A template row left empty: the indicator is not reported this time.
                    skippedBlank++;
                    continue;
                }

                Field unit = unitCol is not null ? FieldOf(row, unitCol) : Field.None;
                if (unit.Text.Length == 0 && metaUnit is not null)
                {
                    unit = new Field(metaUnit, metaUnit, null);
                }
                else if (unitCol is not null && unit.Text.Length == 0)
                {
                    unit = unit with { Column = unitCol };
                }

                Field period = periodCol is not null ? PeriodField(row, periodCol) : Field.None;
                if (period.Text.Length == 0 && metaPeriod is not null)
                {
                    period = new Field(metaPeriod, metaPeriod, null);
                }
                else if (periodCol is not null && period.Text.Length == 0)
                {
                    period = period with { Column = periodCol };
                }

                Field explanation = explanationCol is not null ? FieldOf(row, explanationCol) : Field.None;
                rows.Add(new Candidate(s, sheet.Name, row.Number, unit, indicator, period, value, explanation));
            }
        }

        if (anyData && rows.Count == 0 && errors.Count == 0 && firstHeader is { } h)
        {
            string blank = skippedBlank.ToString(CultureInfo.InvariantCulture);
            string at = h.Row.ToString(CultureInfo.InvariantCulture);
            errors.Add(new ImportError(h.Sheet, h.Row, string.Empty,
                skippedBlank > 0 ? $"没有可导入的数据：工作表“{h.Sheet}”第 {at} 行是表头，其下 {blank} 行的填报值均为空" : $"没有可导入的数据：工作表“{h.Sheet}”第 {at} 行是表头，其下没有数据行",
                skippedBlank > 0 ? $"nothing to import: sheet '{h.Sheet}' has its header in row {at} and {blank} rows under it, all without a value" : $"nothing to import: sheet '{h.Sheet}' has its header in row {at} and no rows under it")
            { Code = Saima.Data.Store.WorkflowCodes.NoFigures, });
        }

        if (!anyData)
        {
            errors.Add(new ImportError(file.Sheets.Count > 0 ? file.Sheets[0].Name : file.FileName, 1, string.Empty,
                "未找到表头：需要含“指标代码”和“填报值”两列的标题行",
                "no header row found: a row with an indicator code column and a value column is needed"));
        }

        return rows;
    }

    private static string? Meta(IntakeFile file, string key) =>
        file.Metadata.TryGetValue(key, out string? v) && v.Trim().Length > 0 ? v.Trim() : null;

    private static Field FieldOf(IntakeRow row, SourceColumn column)
    {
        object? raw = row[column.Index];
        return new Field(raw, CellText.Of(raw), column);
    }

    /// <summary>A period typed into a date cell (Excel turns 2025-06 into 1 June 2025) reads as its month.</summary>
    private static Field PeriodField(IntakeRow row, SourceColumn column)
    {
        object? raw = row[column.Index];
        string text = raw is DateTime t ? t.ToString("yyyy-MM", CultureInfo.InvariantCulture) : CellText.Of(raw);
        return new Field(raw, text, column);
    }

    private static bool TryFindHeader(IntakeSheet sheet, out int headerAt, out SourceColumn? unit, out SourceColumn? indicator, out SourceColumn? period, out SourceColumn? value, out SourceColumn? explanation)
    {
        for (int r = 0; r < Math.Min(sheet.Rows.Count, HeaderSearchRows); r++)
        {
            IntakeRow row = sheet.Rows[r];
            unit = indicator = period = value = explanation = null;
            for (int c = 0; c < row.Cells.Count; c++)
            {
                if (row.Cells[c] is not string header || header.Trim().Length == 0)
                {
                    continue;
                }

                string shown = string.Join(' ', header.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                var column = new SourceColumn(c, shown);
                unit ??= Matches(header, UnitHeaders) ? column : null;
                indicator ??= Matches(header, IndicatorHeaders) ? column : null;
                period ??= Matches(header, PeriodHeaders) ? column : null;
                value ??= Matches(header, ValueHeaders) ? column : null;
                explanation ??= Matches(header, ExplanationHeaders) ? column : null;
            }

            if (indicator is not null && value is not null)
            {
                headerAt = r;
                return true;
            }
        }

        headerAt = -1;
        unit = indicator = period = value = explanation = null;
        return false;
    }

    /// <summary>
    /// A header matches when it, or one of its parts ("指标代码 / Indicator code", "指标代码\nIndicator code"),
    /// equals a known name once spaces, underscores, marks and case are ignored.
    /// </summary>
    private static bool Matches(string header, string[] names)
    {
        foreach (string part in header.Split(['/', '|', '\n', '\r', '（', '(', ')', '）'], StringSplitOptions.RemoveEmptyEntries).Append(header))
        {
            string key = Normalise(part);
            if (key.Length > 0 && names.Contains(key, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalise(string text)
    {
        Span<char> buffer = stackalloc char[Math.Min(text.Length, 128)];
        int n = 0;
        foreach (char ch in text)
        {
            if (n == buffer.Length)
            {
                break;
            }

            if (char.IsLetterOrDigit(ch))
            {
                buffer[n++] = char.ToLowerInvariant(ch);
            }
        }

        return new string(buffer[..n]);
    }
}
