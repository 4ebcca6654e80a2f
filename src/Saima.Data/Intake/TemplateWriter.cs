using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Intake;

/// <summary>A template written: the file name to offer and how many rows it asks for.</summary>
public sealed record TemplateSummary(string FileName, int Rows);

/// <summary>
/// Excel templates (填报模板) for a period: one per unit, listing the indicators it reports itself,
/// and one per source department, listing every unit for the indicators that department supplies.
/// The data sheet holds only the rows still to fill (nothing entered yet, a draft, or a figure a
/// reviewer returned, with its status and the reviewer's comment); figures already submitted,
/// approved or published are listed on a second sheet with their status. Each row shows the code,
/// name, unit of measure, last period's value and the year's target; the yellow value and
/// explanation columns are the only unlocked ones, the value carrying a decimal validation that
/// warns outside the indicator's plausible range (such a value needs an explanation). A hidden sheet <c>_saima</c> (and defined names) names the scheme,
/// period and unit or department, so that the upload knows what the file is for.
/// </summary>
public sealed class TemplateWriter(SaimaDb db, TimeProvider clock)
{
    public const string DataSheet = "填报 Data";
    public const string AboutSheet = "说明 About";
    public const string DoneSheet = "已报送 Done";

    /// <summary>The template a unit's reporter fills in: its own indicators due in the period.</summary>
    public TemplateSummary WriteUnitTemplate(string schemeCode, string period, string unitCode, Stream output, string user)
    {
        (AssessmentScheme scheme, ReportingPeriod rp, Period p) = SchemeAndPeriod(schemeCode, period);
        Unit unit = db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id && su.Unit!.Code == unitCode).Select(su => su.Unit!).SingleOrDefault()
            ?? throw new ArgumentException($"unit '{unitCode}' is not assessed in scheme '{scheme.Code}'", nameof(unitCode));
        List<Indicator> indicators = Reportable(scheme, p).Where(i => i.SourceUnitId is null || i.SourceUnitId == unit.Id).ToList();
        var rows = indicators.Select(i => (Unit: unit, Indicator: i)).ToList();
        string fileName = $"{scheme.Code}_{rp.Code}_{unit.Code}.xlsx";
        rows = ToFill(scheme, rp, rows, out var done, out var current);
        Write(output, scheme, rp, p, rows, done, current, byUnit: false, user,
            [("template", "unit"), ("unit", unit.Code)],
            ("单位 Unit", $"{unit.Name} ({unit.Code})"));
        return new TemplateSummary(fileName, rows.Count);
    }

    /// <summary>The template a source department fills in: every unit of the scheme, for each indicator it supplies.</summary>
    public TemplateSummary WriteSourceTemplate(string schemeCode, string period, string departmentCode, Stream output, string user)
    {
        (AssessmentScheme scheme, ReportingPeriod rp, Period p) = SchemeAndPeriod(schemeCode, period);
        Unit department = db.Units.AsNoTracking().SingleOrDefault(u => u.Code == departmentCode)
            ?? throw new ArgumentException($"unknown unit '{departmentCode}'", nameof(departmentCode));
        List<Indicator> indicators = Reportable(scheme, p).Where(i => i.SourceUnitId == department.Id).ToList();
        if (indicators.Count == 0)
        {
            throw new ArgumentException($"'{department.Code}' supplies no indicator of scheme '{scheme.Code}' due in {rp.Code}", nameof(departmentCode));
        }

        List<Unit> units = db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).Select(su => su.Unit!).OrderBy(u => u.Code).ToList();

        // Grouped by indicator, so that one validation (and one input message) covers each block of rows.
        var rows = indicators.SelectMany(i => units.Select(u => (Unit: u, Indicator: i))).ToList();
        string fileName = $"{scheme.Code}_{rp.Code}_{department.Code}.xlsx";
        rows = ToFill(scheme, rp, rows, out var done, out var current);
        Write(output, scheme, rp, p, rows, done, current, byUnit: true, user,
            [("template", "source"), ("source", department.Code)],
            ("数据来源部门 Source department", $"{department.Name} ({department.Code})"));
        return new TemplateSummary(fileName, rows.Count);
    }

    private (AssessmentScheme, ReportingPeriod, Period) SchemeAndPeriod(string schemeCode, string period)
    {
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Code == schemeCode)
            ?? throw new ArgumentException($"unknown scheme '{schemeCode}'", nameof(schemeCode));
        ReportingPeriod rp = db.Periods.AsNoTracking().SingleOrDefault(x => x.SchemeId == scheme.Id && x.Code == period)
            ?? throw new ArgumentException($"scheme '{scheme.Code}' has no period '{period}'", nameof(period));
        if (!Period.TryParse(rp.Code, out Period p))
        {
            throw new ArgumentException($"period '{rp.Code}' is not of the form 2025-06, 2025-Q2 or 2025", nameof(period));
        }

        return (scheme, rp, p);
    }

    /// <summary>
    /// The rows still to fill (no figure, a draft, a returned one) and, apart, those done
    /// (submitted, approved, published), with the current figure of each.
    /// </summary>
    private List<(Unit Unit, Indicator Indicator)> ToFill(
        AssessmentScheme scheme,
        ReportingPeriod rp,
        List<(Unit Unit, Indicator Indicator)> rows,
        out List<(Unit Unit, Indicator Indicator)> done,
        out Dictionary<(long, long), Figure> current)
    {
        List<long> unitIds = rows.Select(r => r.Unit.Id).Distinct().ToList();
        List<long> indicatorIds = rows.Select(r => r.Indicator.Id).Distinct().ToList();
        var figures = new Dictionary<(long, long), Figure>();
        foreach (long[] chunk in unitIds.Chunk(1000))
        {
            foreach (Figure f in db.Figures.AsNoTracking()
                         .Where(f => f.SchemeId == scheme.Id && f.Period == rp.Code && f.IsCurrent && chunk.Contains(f.UnitId) && indicatorIds.Contains(f.IndicatorId)))
            {
                figures[(f.UnitId, f.IndicatorId)] = f;
            }
        }

        current = figures;
        bool Open((Unit Unit, Indicator Indicator) r) =>
            !figures.TryGetValue((r.Unit.Id, r.Indicator.Id), out Figure? f) || f.Status is FigureStatus.Draft or FigureStatus.Returned;
        done = rows.Where(r => !Open(r)).ToList();
        return rows.Where(Open).ToList();
    }

    /// <summary>A figure's status as the template shows it, in Chinese and English.</summary>
    private static string StatusText(Figure? f) => f?.Status switch
    {
        null => "未填 Not entered",
        FigureStatus.Draft => "草稿 Draft",
        FigureStatus.Returned => "已退回 Returned",
        FigureStatus.Submitted => "已报送 Submitted",
        FigureStatus.Approved => "已审核 Approved",
        _ => "已发布 Published",
    };

    /// <summary>Indicators a person types in: not the derived growth rates, and only those due in the period.</summary>
    private List<Indicator> Reportable(AssessmentScheme scheme, Period p) => db.Indicators.AsNoTracking()
        .Where(i => i.SchemeId == scheme.Id && i.GrowthOfId == null)
        .OrderBy(i => i.SortOrder).ThenBy(i => i.Code)
        .AsEnumerable()
        .Where(i => IntakePeriods.IsDue(i.Frequency, p))
        .ToList();

    private void Write(
        Stream output,
        AssessmentScheme scheme,
        ReportingPeriod rp,
        Period p,
        List<(Unit Unit, Indicator Indicator)> rows,
        List<(Unit Unit, Indicator Indicator)> done,
        Dictionary<(long, long), Figure> current,
        bool byUnit,
        string user,
        (string Key, string Value)[] meta,
        (string Label, string Value) who)
    {
        string previous = IntakePeriods.Previous(p).ToString();
        List<long> unitIds = rows.Select(r => r.Unit.Id).Distinct().ToList();
        List<long> indicatorIds = rows.Select(r => r.Indicator.Id).Distinct().ToList();
        var last = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == scheme.Id && f.Period == previous && f.IsCurrent && unitIds.Contains(f.UnitId) && indicatorIds.Contains(f.IndicatorId))
            .Select(f => new { f.UnitId, f.IndicatorId, f.Value })
            .AsEnumerable()
            .ToDictionary(f => (f.UnitId, f.IndicatorId), f => f.Value);
        var targets = db.Targets.AsNoTracking()
            .Where(t => t.SchemeId == scheme.Id && t.Year == p.Year && unitIds.Contains(t.UnitId) && indicatorIds.Contains(t.IndicatorId))
            .Select(t => new { t.UnitId, t.IndicatorId, t.Value })
            .AsEnumerable()
            .ToDictionary(t => (t.UnitId, t.IndicatorId), t => t.Value);
        string year = p.Year.ToString(CultureInfo.InvariantCulture);
        DateTimeOffset now = clock.GetUtcNow();

        using var book = new XlsxBook(output);
        var header = new List<XCell>();
        if (byUnit)
        {
            header.Add(XCell.Str("单位代码 / Unit code", XlsxBook.Header));
            header.Add(XCell.Str("单位名称 / Unit", XlsxBook.Header));
        }

        int valueColumn = header.Count + 5;
        header.AddRange([
            XCell.Str("指标代码 / Indicator code", XlsxBook.Header),
            XCell.Str("指标名称 / Indicator", XlsxBook.Header),
            XCell.Str("计量单位 / Unit of measure", XlsxBook.Header),
            XCell.Str($"上期值 {previous} / Last period", XlsxBook.Header),
            XCell.Str($"{year}年目标 / Target {year}", XlsxBook.Header),
            XCell.Str("填报值 / Value", XlsxBook.Header),
            XCell.Str("说明 / Explanation", XlsxBook.Header),
            XCell.Str("状态 / Status", XlsxBook.Header),
            XCell.Str("审核意见 / Reviewer's comment", XlsxBook.Header),
        ]);
        double[] widths = byUnit ? [12, 18, 14, 30, 14, 16, 16, 16, 30, 16, 30] : [14, 30, 14, 16, 16, 16, 30, 16, 30];
        book.BeginSheet(DataSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = widths });
        book.Row([.. header]);
        var validations = new List<DataValidation>();
        string valueLetter = CellText.ColumnLetter(valueColumn);
        int blockStart = 2;
        for (int r = 0; r < rows.Count; r++)
        {
            (Unit unit, Indicator indicator) = rows[r];
            var cells = new List<XCell>();
            if (byUnit)
            {
                cells.Add(XCell.Str(unit.Code));
                cells.Add(XCell.Str(unit.Name));
            }

            cells.Add(XCell.Str(indicator.Code));
            cells.Add(XCell.Str(indicator.Name));
            cells.Add(XCell.Str(indicator.UnitOfMeasure));
            cells.Add(XCell.Num(last.TryGetValue((unit.Id, indicator.Id), out double? v) ? v : null));
            cells.Add(XCell.Num(targets.TryGetValue((unit.Id, indicator.Id), out double t) ? t : null));
            current.TryGetValue((unit.Id, indicator.Id), out Figure? figure);
            cells.Add(XCell.Num(figure?.Value, XlsxBook.Input));
            cells.Add(XCell.Str(figure?.Explanation ?? string.Empty, XlsxBook.TextInput));
            cells.Add(XCell.Str(StatusText(figure)));
            cells.Add(XCell.Str(figure?.Status == FigureStatus.Returned ? figure.Comment : null));
            int at = book.Row([.. cells]);
            if (r == rows.Count - 1 || rows[r + 1].Indicator.Id != indicator.Id)
            {
                string first = valueLetter + blockStart.ToString(CultureInfo.InvariantCulture);
                string range = at == blockStart ? first : first + ":" + valueLetter + at.ToString(CultureInfo.InvariantCulture);
                validations.Add(Validation(indicator, range, rp.Code));
                blockStart = at + 1;
            }
        }

        book.EndSheet(protect: true, validations);

        if (done.Count > 0)
        {
            // What is no longer the user's to fill, for reference: not read back by the upload (no value column).
            book.BeginSheet(DoneSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = byUnit ? [12, 18, 14, 30, 16, 16] : [14, 30, 16, 16] });
            var doneHeader = new List<XCell>();
            if (byUnit)
            {
                doneHeader.Add(XCell.Str("单位代码 / Unit code", XlsxBook.Header));
                doneHeader.Add(XCell.Str("单位名称 / Unit", XlsxBook.Header));
            }

            doneHeader.Add(XCell.Str("指标代码 / Indicator code", XlsxBook.Header));
            doneHeader.Add(XCell.Str("指标名称 / Indicator", XlsxBook.Header));
            doneHeader.Add(XCell.Str("已报数值 / Reported", XlsxBook.Header));
            doneHeader.Add(XCell.Str("状态 / Status", XlsxBook.Header));
            book.Row([.. doneHeader]);
            foreach ((Unit unit, Indicator indicator) in done)
            {
                Figure figure = current[(unit.Id, indicator.Id)];
                var cells = new List<XCell>();
                if (byUnit)
                {
                    cells.Add(XCell.Str(unit.Code));
                    cells.Add(XCell.Str(unit.Name));
                }

                cells.Add(XCell.Str(indicator.Code));
                cells.Add(XCell.Str(indicator.Name));
                cells.Add(XCell.Num(figure.Value));
                cells.Add(XCell.Str(StatusText(figure)));
                book.Row([.. cells]);
            }

            book.EndSheet(protect: true);
        }

        book.BeginSheet(AboutSheet, new SheetSetup { ColumnWidths = [30, 60] });
        book.Row(XCell.Str("考核方案 Scheme", XlsxBook.Header), XCell.Str($"{scheme.Name} ({scheme.Code})"));
        book.Row(XCell.Str("期间 Period", XlsxBook.Header), XCell.Str(rp.Code));
        book.Row(XCell.Str(who.Label, XlsxBook.Header), XCell.Str(who.Value));
        book.Row(XCell.Str("填报截止 Deadline", XlsxBook.Header), XCell.Time(rp.Deadline, clock.LocalTimeZone));
        book.Row(XCell.Str("生成 Generated", XlsxBook.Header), XCell.Str($"{now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)} {user}"));
        book.Row(XCell.Str("填写说明", XlsxBook.Header), XCell.Str("只填写黄色的“填报值”和“说明”列，空白表示本期不报；数值超出合理范围、累计数下降或退回后未修改时，请在“说明”列写明原因。请勿改动代码列和本说明。累计指标填写年初至本期的累计数。已报送的数据列在“已报送”工作表中。"));
        book.Row(XCell.Str("How to fill in", XlsxBook.Header), XCell.Str("Fill in only the yellow Value and Explanation columns; leave blank what is not reported this period. A value outside the plausible range, a falling year-to-date figure or a returned figure sent back unchanged needs an explanation. Do not change the code columns. Cumulative indicators take the year-to-date figure. Figures already submitted are listed on the Done sheet."));
        book.EndSheet(protect: true);

        book.BeginSheet(IntakeFile.MetadataSheet, new SheetSetup { Hidden = true });
        (string Key, string Value)[] all =
        [
            ("format", "saima-template-1"),
            ("scheme", scheme.Code),
            ("period", rp.Code),
            .. meta,
            ("generated_at", now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("generated_by", user),
        ];
        for (int i = 0; i < all.Length; i++)
        {
            book.Row(XCell.Str(all[i].Key), XCell.Str(all[i].Value));
            string name = all[i].Key switch
            {
                "scheme" => "SaimaScheme",
                "period" => "SaimaPeriod",
                "unit" => "SaimaUnit",
                "source" => "SaimaSource",
                _ => string.Empty,
            };
            if (name.Length > 0)
            {
                book.DefineName(name, IntakeFile.MetadataSheet, "$B$" + (i + 1).ToString(CultureInfo.InvariantCulture));
            }
        }

        book.EndSheet(protect: true);
    }

    /// <summary>A decimal validation over the value cells of one indicator, bounded by its plausible range where it has one.</summary>
    private static DataValidation Validation(Indicator indicator, string range, string period)
    {
        string min = indicator.MinPlausible is double a ? FigureImporter.Num(a) : "-∞";
        string max = indicator.MaxPlausible is double b ? FigureImporter.Num(b) : "+∞";
        string uom = indicator.UnitOfMeasure is { Length: > 0 } u ? $"（{u}）" : string.Empty;
        string cumulative = indicator.Cumulative ? $"\n累计值：年初至 {period} 的累计，不低于上月。Year-to-date." : string.Empty;
        var v = new DataValidation
        {
            Type = DataValidationValues.Decimal,
            AllowBlank = true,
            ShowInputMessage = true,
            ShowErrorMessage = true,
            // A warning, not a stop: a value outside the range is allowed with an explanation.
            ErrorStyle = DataValidationErrorStyleValues.Warning,
            ErrorTitle = "请核实 Please check",
            Error = Clip((indicator.MinPlausible, indicator.MaxPlausible) switch
            {
                (double, double) => $"合理范围为 {min} 至 {max}；如数据无误，请在“说明”列写明原因。Plausible: {min} to {max}; explain a value outside.",
                (double, null) => $"合理范围为不小于 {min}；如数据无误，请在“说明”列写明原因。Plausible: at least {min}; explain a value outside.",
                (null, double) => $"合理范围为不大于 {max}；如数据无误，请在“说明”列写明原因。Plausible: at most {max}; explain a value outside.",
                _ => "请输入数字。Enter a number.",
            }, 225),
            PromptTitle = Clip($"{indicator.Code}", 32),
            Prompt = Clip($"{indicator.Name}{uom}\n合理范围 Plausible range: {min} ~ {max}{cumulative}", 255),
            SequenceOfReferences = new ListValue<StringValue> { InnerText = range },
        };
        (string f1, string? f2, DataValidationOperatorValues op) = (indicator.MinPlausible, indicator.MaxPlausible) switch
        {
            (double lo, double hi) => (Formula(lo), Formula(hi), DataValidationOperatorValues.Between),
            (double lo, null) => (Formula(lo), null, DataValidationOperatorValues.GreaterThanOrEqual),
            (null, double hi) => (Formula(hi), null, DataValidationOperatorValues.LessThanOrEqual),
            _ => ("-1E+15", "1E+15", DataValidationOperatorValues.Between),
        };
        v.Operator = op;
        v.Append(new Formula1(f1));
        if (f2 is not null)
        {
            v.Append(new Formula2(f2));
        }

        return v;
    }

    private static string Formula(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}
