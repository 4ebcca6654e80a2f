using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Reports;

/// <summary>
/// A key indicator in the pack's economic analysis: the whole area's figure (the units' sum for an
/// amount, their mean for a rate or index), the same over the units that have a figure in both
/// periods (<see cref="Comparable"/>) and a year earlier over those units, the growth between
/// these two, and each unit's value for the chart.
/// </summary>
public sealed record PackIndicator(
    string Code, string Name, string? UnitOfMeasure, bool Summed, double? Total, double? Comparable, double? YearEarlier,
    IReadOnlyList<(string Unit, double Value)> ByUnit)
{
    /// <summary>Growth on a year earlier over the same units, percent; null without a year-earlier figure (or when it is 0).</summary>
    public double? GrowthPercent => Comparable is double t && YearEarlier is double y && y != 0 ? (t - y) / Math.Abs(y) * 100 : null;
}

/// <summary>A top performer (尖子生) of the quarter and why.</summary>
public sealed record PackPerformer(string Title, string Name, string Reason);

/// <summary>An on-site evaluation (现场评议) published in the quarter: its contestants by rank.</summary>
public sealed record PackArena(string Code, string Name, string Stage, DateOnly? HeldOn, IReadOnlyList<(int? Rank, string Name, double? Score)> Ranking);

/// <summary>
/// The quarterly pack (季度赛马会): the economic analysis of the key indicators (area totals,
/// growth on a year earlier, a chart per indicator), the circular of the quarter's latest published
/// period, the top performers, and the results of the on-site evaluations published in the quarter.
/// Read from stored, published results and frozen arena results only.
/// </summary>
public sealed record PackContent(
    string Office, string SchemeCode, string SchemeName, string Quarter, string Period, IReadOnlyList<PackIndicator> Economy,
    CircularContent Circular, IReadOnlyList<PackPerformer> Performers, IReadOnlyList<PackArena> Arena, DateTimeOffset GeneratedAt, string TimeZone)
{
    public string QuarterText => CircularReader.PeriodText(Quarter);

    public string Title => $"{QuarterText}{SchemeName}赛马会材料";

    public string GeneratedLine => Publications.GeneratedLine(GeneratedAt, TimeZone);
}

/// <summary>
/// Reads the quarterly pack of a scheme and quarter. The key indicators are those marked public
/// (the ones the newspaper prints); a scheme without any takes its first eight. An indicator is
/// summed over the units when its unit of measure is an amount (元, 个, 项, 人, 家, 件, 户) or it is
/// cumulative, and averaged otherwise (rates, indices, percentages). Refusals: those of
/// <see cref="PublicBoardReader"/> and <see cref="CircularReader"/>.
/// </summary>
public sealed class QuarterlyPackReader(SaimaDb db, TimeProvider clock)
{
    /// <summary>How many key indicators get a chart.</summary>
    public const int Charts = 6;

    private static readonly string[] Amounts = ["元", "个", "项", "人", "家", "件", "户"];

    private static readonly JsonSerializerOptions ArenaJson = new(JsonSerializerDefaults.Web);

    public static bool IsAmount(string? unitOfMeasure, bool cumulative) =>
        cumulative || (unitOfMeasure is { Length: > 0 } u && !u.Contains('%', StringComparison.Ordinal) && Amounts.Any(a => u.Contains(a, StringComparison.Ordinal)));

    public async Task<PackContent> ReadAsync(string schemeCode, string quarter, string? office = null, CancellationToken cancel = default)
    {
        // The board's reader settles the quarter and its latest published period (and refuses the rest).
        BoardContent board = await new PublicBoardReader(db, clock).ReadAsync(schemeCode, quarter, office, cancel);
        CircularContent circular = await new CircularReader(db, clock).ReadAsync(schemeCode, board.Period, office, cancel);
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);

        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id && i.GrowthOfId == null)
            .OrderBy(i => i.SortOrder).ThenBy(i => i.Code).ToListAsync(cancel);
        var key = indicators.Where(i => i.IsPublic).ToList();
        if (key.Count == 0)
        {
            key = indicators.Take(8).ToList();
        }

        var codes = key.Select(i => i.Code).ToList();
        var published = await Publications.PublishedAsync(db, scheme.Id, cancel);
        string? earlierPeriod = YearEarlier(board.Period);
        long? earlierSet = published.FirstOrDefault(p => p.Period == earlierPeriod)?.ResultSetId;
        var sets = new List<long> { board.ResultSetId };
        if (earlierSet is long e)
        {
            sets.Add(e);
        }

        var rows = await db.ResultRows.AsNoTracking().Where(r => sets.Contains(r.ResultSetId) && codes.Contains(r.Node) && r.Value != null)
            .Select(r => new { r.ResultSetId, r.UnitId, r.Node, r.Value }).ToListAsync(cancel);
        var ids = rows.Select(r => r.UnitId).Distinct().ToList();
        var names = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancel);
        var economy = key.Select(i =>
        {
            bool summed = IsAmount(i.UnitOfMeasure, i.Cumulative);
            var now = rows.Where(r => r.ResultSetId == board.ResultSetId && r.Node == i.Code && double.IsFinite(r.Value!.Value)).ToList();
            var before = rows.Where(r => r.ResultSetId == earlierSet && r.Node == i.Code && double.IsFinite(r.Value!.Value)).ToList();
            double? Aggregate(IEnumerable<double> values)
            {
                var list = values.ToList();
                return list.Count == 0 ? null : summed ? list.Sum() : list.Average();
            }

            // Growth compares like with like: only units that have a figure in both periods.
            var both = now.Select(r => r.UnitId).Intersect(before.Select(r => r.UnitId)).ToHashSet();
            double? total = Aggregate(now.Select(r => r.Value!.Value));
            double? earlier = both.Count == 0 ? null : Aggregate(before.Where(r => both.Contains(r.UnitId)).Select(r => r.Value!.Value));
            double? comparable = both.Count == 0 ? null : Aggregate(now.Where(r => both.Contains(r.UnitId)).Select(r => r.Value!.Value));
            var byUnit = now.Select(r => (names.GetValueOrDefault(r.UnitId, "?"), r.Value!.Value))
                .OrderByDescending(b => b.Value).ThenBy(b => b.Item1, StringComparer.Ordinal).ToList();
            return new PackIndicator(i.Code, i.Name, i.UnitOfMeasure, summed, total, comparable, earlier, byUnit);
        }).ToList();

        var performers = new List<PackPerformer>();
        foreach (CircularRow r in circular.Rows.Where(r => r.Rank is >= 1 and <= 3))
        {
            performers.Add(new PackPerformer($"综合第{r.RankText}名", r.Name, $"{circular.TotalName} {r.ScoreText} 分"));
        }

        foreach (var track in circular.Rows.Where(r => r.TrackRank == 1 && !string.IsNullOrEmpty(r.Track)).OrderBy(r => r.Track, StringComparer.Ordinal))
        {
            performers.Add(new PackPerformer($"{track.Track}赛道第一", track.Name, $"{circular.TotalName} {track.ScoreText} 分，总排名第{track.RankText}名"));
        }

        foreach (CircularMover m in circular.Risers.Take(1))
        {
            performers.Add(new PackPerformer("进位最快", m.Name, string.Create(CultureInfo.InvariantCulture, $"较上期上升{m.Change}位")));
        }

        return new PackContent(board.Office, scheme.Code, scheme.Name, board.Quarter, board.Period, economy, circular, performers,
            await ArenaAsync(scheme.Code, board.Quarter, cancel), clock.GetUtcNow(), board.TimeZone);
    }

    /// <summary>How many of the latest published on-site evaluations are looked at for a pack.</summary>
    public const int ArenaLookback = 200;

    /// <summary>
    /// The on-site evaluations of the quarter: published, of this scheme when their points go to a
    /// scheme, and whose points period falls in the quarter (a session that reviews a quarter is
    /// often held after it ends); a session without points by the day it was held (or published,
    /// in the office's zone).
    /// </summary>
    private async Task<IReadOnlyList<PackArena>> ArenaAsync(string scheme, string quarter, CancellationToken cancel)
    {
        TimeZoneInfo zone = OfficeSettings.Find(await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel)) ?? TimeZoneInfo.Utc;
        var sessions = await db.ArenaSessions.AsNoTracking().Where(s => s.ResultsJson != null)
            .OrderByDescending(s => s.Id).Take(ArenaLookback).ToListAsync(cancel);
        var result = new List<PackArena>();
        foreach (ArenaSession s in sessions.OrderBy(s => s.HeldOn).ThenBy(s => s.Id))
        {
            (string? pointsScheme, string? pointsPeriod) = (s.PointsScheme, s.PointsPeriod);
            if (pointsScheme is null && s.RankPoints is { } json)
            {
                using JsonDocument rank = JsonDocument.Parse(json);
                pointsScheme = rank.RootElement.TryGetProperty("scheme", out JsonElement sc) ? sc.GetString() : null;
                pointsPeriod = rank.RootElement.TryGetProperty("period", out JsonElement pe) ? pe.GetString() : null;
            }

            DateOnly day = s.HeldOn ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s.PublishedAt!.Value, zone).DateTime);
            string? of = pointsPeriod is not null ? PublicBoardReader.QuarterOf(pointsPeriod)
                : PublicBoardReader.QuarterOf(day.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            if (of != quarter || (pointsScheme is not null && pointsScheme != scheme))
            {
                continue;
            }

            ArenaResults results = JsonSerializer.Deserialize<ArenaResults>(s.ResultsJson!, ArenaJson)!;
            var codes = results.Contestants.Select(c => c.Unit).ToList();
            var names = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Name, cancel);
            result.Add(new PackArena(s.Code, s.Name, s.Stage, s.HeldOn,
                results.Contestants.OrderBy(c => c.Rank is null ? 1 : 0).ThenBy(c => c.Rank).ThenBy(c => c.Unit, StringComparer.Ordinal)
                    .Select(c => (c.Rank, names.GetValueOrDefault(c.Unit, c.Unit), c.Score)).ToList()));
        }

        return result;
    }

    /// <summary>The same period a year earlier: 2025-09 → 2024-09, 2025-Q3 → 2024-Q3.</summary>
    public static string? YearEarlier(string period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.Length > 4 && int.TryParse(period.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int y)
            ? (y - 1).ToString(CultureInfo.InvariantCulture) + period[4..]
            : null;
    }
}

/// <summary>The quarterly pack's writers: .docx (real tables; charts as tables) and the HTML print view (charts as SVG) for the .pdf.</summary>
public static class QuarterlyPackWriters
{
    public static GovDocument Document(PackContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var parts = new List<DocumentPart>
        {
            new HeadingPart("一、经济运行分析"),
            new TextPart($"以下为{CircularReader.PeriodText(c.Period)}各单位已发布数据汇总：金额类指标为各单位合计，比率类指标为各单位平均；增速为与上年同期相比（仅计两期均有数据的单位）。"),
            new TablePart(new DocumentTable("主要指标汇总", ["指标", "口径", "本期", "上年同期（可比）", "增速（%）"],
                c.Economy.Select(i => (IReadOnlyList<string>)[
                    string.IsNullOrEmpty(i.UnitOfMeasure) ? i.Name : $"{i.Name}（{i.UnitOfMeasure}）",
                    i.Summed ? "合计" : "平均", Publications.Shown(i.Total), Publications.Shown(i.YearEarlier), Publications.Shown(i.GrowthPercent)]).ToList())),
        };
        foreach (PackIndicator i in c.Economy.Take(QuarterlyPackReader.Charts))
        {
            parts.Add(new ChartPart(string.IsNullOrEmpty(i.UnitOfMeasure) ? i.Name : $"{i.Name}（{i.UnitOfMeasure}）", i.Name, i.ByUnit));
        }

        parts.Add(new HeadingPart("二、考核排名通报"));
        parts.AddRange(c.Circular.DraftParagraphs.Select(p => new TextPart(p)));
        parts.Add(new TablePart(new DocumentTable($"{c.Circular.PeriodText}{c.SchemeName}排名（按{c.Circular.TotalName}）", ["名次", "单位", "得分", "名次变化", "红色预警"],
            c.Circular.Rows.Select(r => (IReadOnlyList<string>)[r.RankText, r.Name, r.ScoreText, r.ChangeText, r.RedWarnings.ToString(CultureInfo.InvariantCulture)]).ToList())));
        parts.Add(new HeadingPart("三、尖子生"));
        parts.Add(c.Performers.Count > 0
            ? new TablePart(new DocumentTable("本季度表现突出单位", ["称号", "单位", "依据"], c.Performers.Select(p => (IReadOnlyList<string>)[p.Title, p.Name, p.Reason]).ToList()))
            : new TextPart("本季度没有排名结果。"));
        parts.Add(new HeadingPart("四、现场评议"));
        if (c.Arena.Count == 0)
        {
            parts.Add(new TextPart("本季度没有举行现场评议。"));
        }

        foreach (PackArena a in c.Arena)
        {
            string day = a.HeldOn is DateOnly d ? string.Create(CultureInfo.InvariantCulture, $"（{d.Year}年{d.Month}月{d.Day}日）") : string.Empty;
            parts.Add(new TablePart(new DocumentTable(a.Name + day, ["名次", "单位", "现场得分"],
                a.Ranking.Select(r => (IReadOnlyList<string>)[Publications.Int(r.Rank), r.Name, Publications.Shown(r.Score)]).ToList())));
        }

        return new GovDocument(c.Office, c.Title, parts, c.GeneratedLine);
    }

    public static void WriteDocx(PackContent content, Stream output) => Document(content).WriteDocx(output);

    public static string Html(PackContent content) => Document(content).Html();

    public static void WritePdf(PackContent content, Stream output, string? chromium = null) => CircularPdf.Print(Html(content), output, chromium);
}
