using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Intake;

/// <summary>
/// A problem of an indicator list file: the sheet, the 1-based line and the column letter and
/// header, a code (<see cref="IndicatorSheet"/>'s constants) with its arguments, and an English message.
/// </summary>
public sealed record IndicatorFileError(string Sheet, int Line, string Column, string Header, string Code, IReadOnlyList<string> Args, string Message);

/// <summary>An indicator list file with errors; nothing was taken from it.</summary>
public sealed class IndicatorSheetException(IReadOnlyList<IndicatorFileError> errors)
    : WorkflowException(WorkflowCodes.IndicatorFileInvalid, string.Join("; ", errors.Select(e => $"{e.Sheet}:{e.Line.ToString(CultureInfo.InvariantCulture)}:{e.Column} {e.Message}")), errors.Count.ToString(CultureInfo.InvariantCulture))
{
    public IReadOnlyList<IndicatorFileError> Errors { get; } = errors;
}

/// <summary>
/// The indicator list of a new scheme as a spreadsheet (.xlsx, .xls or .csv; the first sheet with
/// a header row): the columns of <see cref="Columns"/>, headed in Chinese or English (the blank
/// template heads them <c>指标代码 code</c>…). Every bad cell is named by sheet, line and column
/// with what was expected; any error and nothing is taken. Dimensions are the distinct values of
/// the dimension column, in order of appearance, weight 1.
/// </summary>
public static class IndicatorSheet
{
    /// <summary>Not a code.</summary>
    public const string BadCode = "BadCode";

    /// <summary>Required and empty.</summary>
    public const string Missing = "Missing";

    /// <summary>{0} text: not a number.</summary>
    public const string NotNumber = "NotNumber";

    /// <summary>{0} text: not 正向/逆向 (1/-1).</summary>
    public const string BadDirection = "BadDirection";

    /// <summary>{0} text: not 月/季/年 (month/quarter/year).</summary>
    public const string BadFrequency = "BadFrequency";

    /// <summary>{0} text: not 是/否 (yes/no).</summary>
    public const string BadBool = "BadBool";

    /// <summary>{0} rule problem code, {1…} its arguments: the rule's text is wrong.</summary>
    public const string BadRule = "BadRule";

    /// <summary>{0} code: the same indicator code on an earlier line.</summary>
    public const string Twice = "Twice";

    /// <summary>{0} header: a required column is missing (line 1).</summary>
    public const string NoColumn = "NoColumn";

    /// <summary>The file has no indicator rows.</summary>
    public const string Empty = "Empty";

    /// <summary>The columns: engine key, Chinese header, English header, required.</summary>
    public static readonly IReadOnlyList<(string Key, string Zh, string En, bool Required)> Columns =
    [
        ("code", "指标代码", "code", true),
        ("name", "指标名称", "name", true),
        ("name_en", "英文名称", "name_en", false),
        ("dimension", "维度", "dimension", false),
        ("direction", "方向", "direction", false),
        ("unit", "计量单位", "unit", false),
        ("weight", "权重", "weight", false),
        ("rule", "计分规则", "rule", false),
        ("frequency", "频次", "frequency", false),
        ("cumulative", "累计", "cumulative", false),
        ("source", "数据来源部门代码", "source", false),
        ("min", "合理下限", "min", false),
        ("max", "合理上限", "max", false),
        ("public", "公开", "public", false),
    ];

    /// <summary>The blank template: one sheet with the headers in Chinese and English and an example row, and a sheet listing the rules.</summary>
    public static void WriteTemplate(Stream output)
    {
        using var book = new XlsxBook(output);
        book.BeginSheet("指标 Indicators", new SheetSetup { FrozenRows = 1, ColumnWidths = Columns.Select(_ => 16d).ToArray() });
        book.Row(Columns.Select(c => XCell.Str(c.Zh + " " + c.En, XlsxBook.Header)).ToArray());
        book.Row(
            XCell.Str("GDP"), XCell.Str("地区生产总值增速"), XCell.Str("GDP growth"), XCell.Str("Econ"), XCell.Str("正向"), XCell.Str("%"),
            XCell.Num(2), XCell.Str("完成率计分(满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2)"), XCell.Str("月"), XCell.Str("是"),
            XCell.Str(string.Empty), XCell.Num(-20), XCell.Num(40), XCell.Str("是"));
        book.EndSheet();
        book.BeginSheet("计分规则 Rules", new SheetSetup { ColumnWidths = [20, 24, 60] });
        book.Row(XCell.Str("规则 Rule", XlsxBook.Header), XCell.Str("method", XlsxBook.Header), XCell.Str("示例 Example", XlsxBook.Header));
        foreach (RuleKind r in SchemeRules.All)
        {
            book.Row(XCell.Str(r.NameZh), XCell.Str(r.Method), XCell.Str(r.ExampleZh));
        }

        book.Row(XCell.Str("方向 direction", XlsxBook.Header), XCell.Str("正向 / 逆向 (1 / -1)"));
        book.Row(XCell.Str("频次 frequency", XlsxBook.Header), XCell.Str("月 / 季 / 年 (month / quarter / year)"));
        book.Row(XCell.Str("累计 / 公开", XlsxBook.Header), XCell.Str("是 / 否 (yes / no)"));
        book.EndSheet();
    }

    /// <summary>Reads the indicators and their dimensions, or throws every error at once.</summary>
    /// <exception cref="IndicatorSheetException">Each bad cell, by sheet, line and column.</exception>
    public static (IReadOnlyList<DimensionDraft> Dimensions, IReadOnlyList<IndicatorDraft> Indicators) Read(IntakeFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var errors = new List<IndicatorFileError>();
        IntakeSheet? sheet = file.Sheets.FirstOrDefault(s => !s.Hidden && s.Rows.Count > 0);
        if (sheet is null)
        {
            throw new IndicatorSheetException([new IndicatorFileError(file.FileName, 1, "A", string.Empty, Empty, [], "the file is empty; expected a header row and one row per indicator")]);
        }

        IntakeRow header = sheet.Rows[0];
        var at = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Cells.Count; c++)
        {
            string h = CellText.Of(header[c]).TrimStart('\uFEFF');
            foreach (var col in Columns)
            {
                if (!at.ContainsKey(col.Key) && Matches(h, col.Zh, col.En))
                {
                    at[col.Key] = c;
                    break;
                }
            }
        }

        foreach (var col in Columns.Where(c => c.Required && !at.ContainsKey(c.Key)))
        {
            errors.Add(new IndicatorFileError(sheet.Name, header.Number, CellText.ColumnLetter(header.Cells.Count), col.Zh, NoColumn, [col.Zh + " " + col.En],
                $"column '{col.Zh} {col.En}' is missing; expected the headers of the template"));
        }

        if (errors.Count > 0)
        {
            throw new IndicatorSheetException(errors);
        }

        var dims = new List<DimensionDraft>();
        var indicators = new List<IndicatorDraft>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IntakeRow row in sheet.Rows.Skip(1).Where(r => !r.IsBlank))
        {
            int before = errors.Count;
            string Text(string key) => at.TryGetValue(key, out int c) ? CellText.Of(row[c]) : string.Empty;
            void Bad(string key, string code, string message, params string[] args)
            {
                int c = at.TryGetValue(key, out int i) ? i : 0;
                string head = Columns.First(x => x.Key == key).Zh;
                errors.Add(new IndicatorFileError(sheet.Name, row.Number, CellText.ColumnLetter(c), head, code, args, message));
            }

            double? Number(string key)
            {
                if (!at.TryGetValue(key, out int c) || row[c] is null || CellText.Of(row[c]).Length == 0)
                {
                    return null;
                }

                if (row[c] is double d && double.IsFinite(d))
                {
                    return d;
                }

                string t = CellText.Of(row[c]);
                if (SchemeRules.TryNumber(t, out double v))
                {
                    return v;
                }

                Bad(key, NotNumber, $"'{t}' is not a number; expected a number with '.' as decimal point", t);
                return null;
            }

            bool Flag(string key)
            {
                string t = Text(key);
                switch (t.ToLowerInvariant())
                {
                    case "" or "否" or "no" or "false" or "0" or "n":
                        return false;
                    case "是" or "yes" or "true" or "1" or "y":
                        return true;
                    default:
                        Bad(key, BadBool, $"'{t}' is not yes or no; expected 是 or 否", t);
                        return false;
                }
            }

            string code = Text("code");
            if (code.Length == 0)
            {
                Bad("code", Missing, "the indicator code is missing");
            }
            else if (code.Length > 50 || code.Any(ch => char.IsWhiteSpace(ch) || ch is '/' or '|' or '?' or '#' or '%' or '&'))
            {
                Bad("code", BadCode, $"'{code}' is not a code; expected at most 50 characters without spaces or / | ? # % &", code);
            }
            else if (seen.TryGetValue(code, out int first))
            {
                Bad("code", Twice, $"indicator '{code}' is on line {first.ToString(CultureInfo.InvariantCulture)} already; expected each code once", code, first.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                seen[code] = row.Number;
            }

            string name = Text("name");
            if (name.Length == 0)
            {
                Bad("name", Missing, "the indicator name is missing");
            }

            string dirText = Text("direction");
            int direction = dirText switch
            {
                "" or "正向" or "1" or "+1" or "positive" or "higher" => 1,
                "逆向" or "-1" or "negative" or "lower" => -1,
                _ => 0,
            };
            if (direction == 0)
            {
                Bad("direction", BadDirection, $"'{dirText}' is not a direction; expected 正向 (1) or 逆向 (-1)", dirText);
            }

            string freqText = Text("frequency");
            string? frequency = freqText switch
            {
                "" => null,
                "月" or "月度" or "month" => "month",
                "季" or "季度" or "quarter" => "quarter",
                "年" or "年度" or "year" => "year",
                _ => "?",
            };
            if (frequency == "?")
            {
                Bad("frequency", BadFrequency, $"'{freqText}' is not a frequency; expected 月, 季 or 年 (month, quarter, year)", freqText);
            }

            (string ruleName, string ruleParams) = SchemeRules.Split(Text("rule"));
            SchemeRules.Build(ruleName, ruleParams, out RuleProblem? problem);
            if (problem is not null)
            {
                Bad("rule", BadRule, $"rule '{Text("rule")}': {problem.Code} {string.Join(" ", problem.Args)}; expected e.g. 完成率计分(满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2)", [problem.Code, .. problem.Args]);
            }

            double? weight = Number("weight");
            if (weight is < 0)
            {
                Bad("weight", NotNumber, $"weight {AuditLog.Text(weight)} is negative; expected a weight ≥ 0", Text("weight"));
            }

            double? min = Number("min"), max = Number("max");
            bool cumulative = Flag("cumulative"), isPublic = Flag("public");
            string dimension = Text("dimension");
            if (errors.Count > before)
            {
                continue;
            }

            if (dimension.Length > 0 && !dims.Any(d => d.Code == dimension))
            {
                dims.Add(new DimensionDraft(dimension, dimension));
            }

            indicators.Add(new IndicatorDraft(code, name)
            {
                NameEn = NullIfEmpty(Text("name_en")),
                Dimension = NullIfEmpty(dimension),
                Direction = direction,
                UnitOfMeasure = NullIfEmpty(Text("unit")),
                Weight = weight ?? 1,
                Rule = NullIfEmpty(ruleName),
                RuleParams = NullIfEmpty(ruleParams),
                Frequency = frequency,
                Cumulative = cumulative,
                SourceUnitCode = NullIfEmpty(Text("source")),
                MinPlausible = min,
                MaxPlausible = max,
                IsPublic = isPublic,
            });
        }

        if (errors.Count == 0 && indicators.Count == 0)
        {
            errors.Add(new IndicatorFileError(sheet.Name, 2, "A", Columns[0].Zh, Empty, [], "the file has no indicator rows; expected one row per indicator under the header"));
        }

        if (errors.Count > 0)
        {
            throw new IndicatorSheetException(errors);
        }

        return (dims, indicators);
    }

    private static bool Matches(string header, string zh, string en)
    {
        string h = header.Trim();
        return h.Equals(zh, StringComparison.Ordinal) || h.Equals(en, StringComparison.OrdinalIgnoreCase)
            || h.Equals(zh + " " + en, StringComparison.OrdinalIgnoreCase) || h.Equals(zh + " / " + en, StringComparison.OrdinalIgnoreCase)
            || h.Equals(zh + "/" + en, StringComparison.OrdinalIgnoreCase);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
