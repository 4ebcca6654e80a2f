using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Intake;

public sealed class ExportOptions
{
    /// <summary>The result set to export; null: the latest computed for the period.</summary>
    public long? ResultSetId { get; init; }

    /// <summary>Only current revisions (a file that re-imports cleanly); by default every revision is listed.</summary>
    public bool CurrentOnly { get; init; }

    /// <summary>The zone times are shown in; null: the clock's local zone.</summary>
    public TimeZoneInfo? TimeZone { get; init; }
}

/// <summary>What an export holds.</summary>
public sealed record ExportSummary(string FileName, int Figures, long? ResultSetId, int Results, int Warnings);

/// <summary>
/// Exports a period to .xlsx: its figures with status, revision, who and when; the results per
/// unit and node (score, rank, track rank, change) and the warnings of a stored result set; and a
/// sheet saying what was exported. Rows are streamed, so a country's period fits.
/// </summary>
public sealed class PeriodExporter(SaimaDb db, TimeProvider clock)
{
    public const string FiguresSheet = "数据 Figures";
    public const string ResultsSheet = "结果 Results";
    public const string WarningsSheet = "预警 Warnings";
    public const string AboutSheet = "说明 About";

    public ExportSummary Export(string schemeCode, string period, Stream output, string user, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ExportOptions();
        TimeZoneInfo zone = options.TimeZone ?? clock.LocalTimeZone;
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Code == schemeCode)
            ?? throw new ArgumentException($"unknown scheme '{schemeCode}'", nameof(schemeCode));
        ResultSet? results = options.ResultSetId is long id
            ? db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == id && r.SchemeId == scheme.Id && r.Period == period)
                ?? throw new ArgumentException($"result set {id.ToString(CultureInfo.InvariantCulture)} is not of scheme '{scheme.Code}' period '{period}'", nameof(options))
            : db.ResultSets.AsNoTracking().Where(r => r.SchemeId == scheme.Id && r.Period == period).OrderByDescending(r => r.Id).FirstOrDefault();

        var indicators = db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Id);
        var indicatorByCode = indicators.Values.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var units = new Dictionary<long, Unit>();
        foreach (Unit u in db.Units.AsNoTracking())
        {
            units[u.Id] = u;
        }

        var tracks = db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).ToDictionary(su => su.UnitId, su => su.Track);
        string Code(long unitId) => units.TryGetValue(unitId, out Unit? u) ? u.Code : unitId.ToString(CultureInfo.InvariantCulture);
        string? Name(long unitId) => units.TryGetValue(unitId, out Unit? u) ? u.Name : null;

        using var book = new XlsxBook(output);

        book.BeginSheet(FiguresSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [12, 18, 14, 28, 12, 10, 14, 16, 8, 8, 14, 20, 10, 24, 24] });
        book.Row(Headers(
            "单位代码 / Unit code", "单位名称 / Unit", "指标代码 / Indicator code", "指标名称 / Indicator", "计量单位 / Unit of measure",
            "期间 / Period", "数值 / Value", "状态 / Status", "版本 / Revision", "当前 / Current", "填报人 / Entered by",
            "填报时间 / Entered at", "导入批次 / Import", "修改原因 / Reason", "审核意见 / Comment"));
        int figures = 0;
        IQueryable<Figure> query = db.Figures.AsNoTracking().Where(f => f.SchemeId == scheme.Id && f.Period == period);
        if (options.CurrentOnly)
        {
            query = query.Where(f => f.IsCurrent);
        }

        foreach (Figure f in query.OrderBy(f => f.UnitId).ThenBy(f => f.IndicatorId).ThenBy(f => f.Revision))
        {
            Indicator? i = indicators.GetValueOrDefault(f.IndicatorId);
            book.Row(
                XCell.Str(Code(f.UnitId)), XCell.Str(Name(f.UnitId)), XCell.Str(i?.Code), XCell.Str(i?.Name), XCell.Str(i?.UnitOfMeasure),
                XCell.Str(f.Period), XCell.Num(f.Value), XCell.Str(StatusText(f.Status)), XCell.Int(f.Revision), XCell.Str(f.IsCurrent ? "是 yes" : "否 no"),
                XCell.Str(f.EnteredBy), XCell.Time(f.EnteredAt, zone), XCell.Int(f.ImportId), XCell.Str(f.Reason), XCell.Str(f.Comment));
            figures++;
        }

        book.EndSheet();

        book.BeginSheet(ResultsSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [12, 18, 10, 14, 28, 14, 12, 10, 12, 14] });
        book.Row(Headers(
            "单位代码 / Unit code", "单位名称 / Unit", "分道 / Track", "节点 / Node", "节点名称 / Node name",
            "数值 / Value", "得分 / Score", "排名 / Rank", "分道排名 / Track rank", "位次变化 / Rank change"));
        int resultRows = 0;
        if (results is not null)
        {
            foreach (ResultRow r in db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == results.Id).OrderBy(r => r.Node).ThenBy(r => r.Rank).ThenBy(r => r.UnitId))
            {
                book.Row(
                    XCell.Str(Code(r.UnitId)), XCell.Str(Name(r.UnitId)), XCell.Str(tracks.GetValueOrDefault(r.UnitId)), XCell.Str(r.Node),
                    XCell.Str(indicatorByCode.TryGetValue(r.Node, out Indicator? i) ? i.Name : null),
                    XCell.Num(r.Value), XCell.Num(r.Score), XCell.Int(r.Rank), XCell.Int(r.TrackRank), XCell.Int(r.RankChange));
                resultRows++;
            }
        }

        book.EndSheet();

        book.BeginSheet(WarningsSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [12, 18, 14, 28, 14, 14, 12, 12, 12, 10] });
        book.Row(Headers(
            "单位代码 / Unit code", "单位名称 / Unit", "指标 / Indicator", "指标名称 / Indicator name", "实际值 / Actual",
            "目标值 / Target", "完成率 / Completion", "时间进度 / Expected", "差距 / Gap", "预警等级 / Level"));
        int warnings = 0;
        if (results is not null)
        {
            foreach (WarningResult w in db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == results.Id).OrderBy(w => w.Indicator).ThenBy(w => w.UnitId))
            {
                book.Row(
                    XCell.Str(Code(w.UnitId)), XCell.Str(Name(w.UnitId)), XCell.Str(w.Indicator),
                    XCell.Str(indicatorByCode.TryGetValue(w.Indicator, out Indicator? i) ? i.Name : null),
                    XCell.Num(w.Value), XCell.Num(w.Target), XCell.Num(w.Completion), XCell.Num(w.Expected), XCell.Num(w.Gap), XCell.Str(w.Level));
                warnings++;
            }
        }

        book.EndSheet();

        book.BeginSheet(AboutSheet, new SheetSetup { ColumnWidths = [30, 60] });
        book.Row(XCell.Str("考核方案 Scheme", XlsxBook.Header), XCell.Str($"{scheme.Name} ({scheme.Code})"));
        book.Row(XCell.Str("期间 Period", XlsxBook.Header), XCell.Str(period));
        book.Row(XCell.Str("结果集 Result set", XlsxBook.Header), results is null
            ? XCell.Str("尚未计算 not computed")
            : XCell.Str(string.Create(CultureInfo.InvariantCulture, $"{results.Id} (scheme version id {results.SchemeVersionId}, {results.ComputedBy})")));
        book.Row(XCell.Str("计算时间 Computed at", XlsxBook.Header), XCell.Time(results?.ComputedAt, zone));
        book.Row(XCell.Str("导出时间 Exported at", XlsxBook.Header), XCell.Time(clock.GetUtcNow(), zone));
        book.Row(XCell.Str("导出人 Exported by", XlsxBook.Header), XCell.Str(user));
        book.Row(XCell.Str("时区 Time zone", XlsxBook.Header), XCell.Str(zone.Id));
        book.EndSheet();

        return new ExportSummary($"{scheme.Code}_{period}.xlsx", figures, results?.Id, resultRows, warnings);
    }

    /// <summary>Status in both languages, as the reviewers' screens name it.</summary>
    public static string StatusText(FigureStatus status) => status switch
    {
        FigureStatus.Draft => "草稿 draft",
        FigureStatus.Submitted => "已报送 submitted",
        FigureStatus.Approved => "已审核 approved",
        FigureStatus.Published => "已发布 published",
        FigureStatus.Returned => "已退回 returned",
        _ => status.ToString(),
    };

    private static XCell[] Headers(params string[] names) => names.Select(n => XCell.Str(n, XlsxBook.Header)).ToArray();
}
