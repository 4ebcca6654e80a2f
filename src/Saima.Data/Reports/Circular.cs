using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Reports;

/// <summary>
/// One unit's line of a circular's league table, as the published result set stored it at the
/// scheme's total node. <see cref="ScoreText"/> and <see cref="ShownScore"/> are the score as the
/// league page shows it (two decimals).
/// </summary>
public sealed record CircularRow(
    int? Rank, string Code, string Name, string? Track, double? Score, int? TrackRank, int? RankChange, int RedWarnings)
{
    /// <summary>The format the league page shows scores with.</summary>
    public const string ScoreFormat = ShownNumbers.Decimals;

    /// <summary>The score as shown (two decimals), or "–" when the unit has none.</summary>
    public string ScoreText => Score is double s && double.IsFinite(s) ? s.ToString(ScoreFormat, CultureInfo.InvariantCulture) : "–";

    /// <summary>The score rounded as shown, as a number (what the .xlsx holds).</summary>
    public double? ShownScore => Score is double s && double.IsFinite(s) ? double.Parse(ScoreText, CultureInfo.InvariantCulture) : null;

    /// <summary>The rank as shown, or "–".</summary>
    public string RankText => Rank?.ToString(CultureInfo.InvariantCulture) ?? "–";

    /// <summary>The change of rank since the previous period: ▲n up, ▼n down, "–" none or unknown.</summary>
    public string ChangeText => RankChange switch
    {
        > 0 => "▲" + RankChange.Value.ToString(CultureInfo.InvariantCulture),
        < 0 => "▼" + (-RankChange.Value).ToString(CultureInfo.InvariantCulture),
        _ => "–",
    };
}

/// <summary>One unit's line of a dimension's table: its rank and score at that dimension, as stored.</summary>
public sealed record CircularDimensionRow(int? Rank, string Code, string Name, double? Score)
{
    /// <summary>The score as shown (two decimals), or "–".</summary>
    public string ScoreText => Score is double s && double.IsFinite(s) ? s.ToString(CircularRow.ScoreFormat, CultureInfo.InvariantCulture) : "–";

    /// <summary>The score rounded as shown, as a number (what the .xlsx holds).</summary>
    public double? ShownScore => Score is double s && double.IsFinite(s) ? double.Parse(ScoreText, CultureInfo.InvariantCulture) : null;

    /// <summary>The rank as shown, or "–".</summary>
    public string RankText => Rank?.ToString(CultureInfo.InvariantCulture) ?? "–";
}

/// <summary>
/// A dimension of the scheme (a group directly under the total) with its units ranked by the
/// dimension's score, as the published result set stored them: rank order, unranked last, ties by
/// code, at most <see cref="CircularReader.MaxDimensionRows"/> lines (<see cref="Units"/> says how
/// many the set holds).
/// </summary>
public sealed record CircularDimension(string Code, string Name, double Weight, IReadOnlyList<CircularDimensionRow> Rows, int Units)
{
    /// <summary>Whether the table leaves units out (more than <see cref="CircularReader.MaxDimensionRows"/>).</summary>
    public bool Cut => Units > Rows.Count;

    /// <summary>The table's heading: "经济发展排名".</summary>
    public string Heading => string.Create(CultureInfo.InvariantCulture, $"{Name}排名");

    /// <summary>The line under a cut table: "仅列前100名，共120个单位".</summary>
    public string? CutText => Cut ? string.Create(CultureInfo.InvariantCulture, $"仅列前{Rows.Count}名，共{Units}个单位。") : null;
}

/// <summary>A unit that moved up (positive) or down (negative) in the league table since the previous period.</summary>
public sealed record CircularMover(string Code, string Name, int Change);

/// <summary>A unit whose 90% rank interval overlaps a neighbour's: not clearly ahead of (or behind) it.</summary>
public sealed record CircularUnclear(string Code, string Name, int Rank, int Low, int High)
{
    /// <summary>"甲县（第2名，区间1–3）".</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Name}（第{Rank}名，区间{Low}–{High}）");
}

/// <summary>
/// What a monthly circular (通报) says: a published period's league table at the total node in
/// rank order, its movers, red warnings per unit and a factual draft paragraph in Chinese the
/// office edits before issuing. Everything but <see cref="GeneratedAt"/> is read from the stored,
/// published result set, so the same period gives the same content every time.
/// </summary>
public sealed record CircularContent(
    string Office,
    string SchemeCode,
    string SchemeName,
    string Period,
    string PeriodText,
    long ResultSetId,
    string TotalName,
    IReadOnlyList<CircularRow> Rows,
    IReadOnlyList<CircularMover> Risers,
    IReadOnlyList<CircularMover> Fallers,
    int RedWarnings,
    string Draft,
    DateTimeOffset GeneratedAt,
    string TimeZone)
{
    /// <summary>The title: 关于{period}{scheme}考核排名情况的通报.</summary>
    public string Title => $"关于{PeriodText}{SchemeName}考核排名情况的通报";

    /// <summary>The generated-at line, in the office's zone (the one line that differs between two runs).</summary>
    public string GeneratedLine
    {
        get
        {
            DateTimeOffset local = OfficeSettings.Find(TimeZone) is { } zone ? TimeZoneInfo.ConvertTime(GeneratedAt, zone) : GeneratedAt;
            string line = string.Create(CultureInfo.InvariantCulture, $"生成时间：{local:yyyy-MM-dd HH:mm}（{TimeZone}）");
            return AuditHead is { Seq: > 0 } head
                ? line + string.Create(CultureInfo.InvariantCulture, $"　操作日志哈希链：第 {head.Seq} 位 {head.Hash}")
                : line;
        }
    }

    /// <summary>
    /// The audit trail's hash chain head when the document was generated (its place and hash),
    /// printed beside the generated-at time: on paper, a later check (<c>saima audit verify</c>, the
    /// entry at that place still carries that hash) proves the trail behind the document unchanged.
    /// </summary>
    public ChainHead? AuditHead { get; init; }

    /// <summary>The document number (发文字号, e.g. 澜川考核〔2025〕6号) printed under the red header, once the office gives one.</summary>
    public string? Number { get; init; }

    /// <summary>The date of issue printed under the office's name at the end, once the office issues the circular.</summary>
    public DateOnly? IssuedOn { get; init; }

    /// <summary>The date of issue as a Chinese document writes it (2025年6月10日), or null.</summary>
    public string? IssuedOnText => IssuedOn is DateOnly d ? string.Create(CultureInfo.InvariantCulture, $"{d.Year}年{d.Month}月{d.Day}日") : null;

    /// <summary>The text's paragraphs (the office may write several, one per line).</summary>
    public IReadOnlyList<string> DraftParagraphs =>
        Draft.Split('\n').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();

    /// <summary>
    /// The units (in rank order) whose stored 90% rank interval overlaps the one ranked just above
    /// or below: not clearly ahead. Empty when the result set has no intervals or every rank is clear.
    /// </summary>
    public IReadOnlyList<CircularUnclear> NotClearlyAhead { get; init; } = [];

    /// <summary>The sentence the documents print under the table when <see cref="NotClearlyAhead"/> is not empty.</summary>
    public string? NotClearlyAheadText => NotClearlyAhead.Count == 0
        ? null
        : "以下单位的90%名次区间（各项权重在±25%范围内变动重算所得）与相邻名次单位重叠，名次未明显领先或落后：" + string.Join("、", NotClearlyAhead.Select(u => u.Text)) + "。";

    /// <summary>
    /// Each dimension's table (the groups directly under the total, in the scheme's order), from
    /// the same stored result set; empty when the total has no groups under it.
    /// </summary>
    public IReadOnlyList<CircularDimension> Dimensions { get; init; } = [];

    /// <summary>Whether any unit has a track (the table then shows track and track rank).</summary>
    public bool HasTracks => Rows.Any(r => !string.IsNullOrEmpty(r.Track));
}

/// <summary>
/// Reads a circular's content from a published period's latest result set. Only published periods
/// have a circular: an unknown scheme is <see cref="WorkflowCodes.NoScheme"/>, a period that is not
/// published (or has no results) <see cref="WorkflowCodes.PeriodNotPublished"/>. Reading changes
/// nothing, so it takes no actor; whoever may read the published league table may read this.
/// </summary>
public sealed class CircularReader(SaimaDb db, TimeProvider clock)
{
    /// <summary>The office's name on the red header when none is given or set.</summary>
    public const string DefaultOffice = "考核办公室";

    /// <summary>The setting that holds the office's name (e.g. 澜川市考核办公室).</summary>
    public const string OfficeNameKey = "office_name";

    /// <summary>How many earlier periods are looked at for "first for the n-th month running".</summary>
    private const int Lookback = 36;

    /// <summary>Most lines of one dimension's table (the league table lists every unit scored).</summary>
    public const int MaxDimensionRows = 100;

    /// <summary>Most dimension tables a circular holds.</summary>
    public const int MaxDimensions = 20;

    /// <summary>How many risers and fallers the circular names.</summary>
    private const int Movers = 3;

    public async Task<CircularContent> ReadAsync(string schemeCode, string period, string? office = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(schemeCode);
        ArgumentNullException.ThrowIfNull(period);
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == schemeCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"unknown scheme '{schemeCode}'", schemeCode);

        var published = await PublishedSetsAsync(scheme.Id, cancel);
        ResultSet set = published.FirstOrDefault(p => p.Period == period)
            ?? throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
                $"period {period} of scheme '{schemeCode}' is not published (or has no results); only a published period has a circular", period, schemeCode);

        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == set.SchemeVersionId).Select(v => v.Json).SingleAsync(cancel);
        Scheme parsed = SchemeParser.Parse(json);
        GroupDef root = parsed.Groups[parsed.RootGroup];
        string node = root.Code;

        var stored = await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id && r.Node == node)
            .Select(r => new { r.UnitId, r.Score, r.Rank, r.TrackRank, r.RankChange }).ToListAsync(cancel);
        var ids = stored.Select(r => r.UnitId).ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Code, u.Name }).ToDictionaryAsync(u => u.Id, cancel);
        var tracks = await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).Select(su => new { su.UnitId, su.Track })
            .ToDictionaryAsync(su => su.UnitId, su => su.Track, cancel);
        var red = (await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.Level == "red").Select(w => w.UnitId).ToListAsync(cancel))
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        bool anyWarnings = await db.WarningResults.AsNoTracking().AnyAsync(w => w.ResultSetId == set.Id, cancel);

        // Rank order as the league page sorts it: unranked units last, ties by code.
        var rows = stored.Where(r => units.ContainsKey(r.UnitId))
            .Select(r => new CircularRow(r.Rank, units[r.UnitId].Code, units[r.UnitId].Name, tracks.GetValueOrDefault(r.UnitId),
                r.Score, r.TrackRank, r.RankChange, red.GetValueOrDefault(r.UnitId)))
            .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();

        var risers = rows.Where(r => r.RankChange > 0).OrderByDescending(r => r.RankChange).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Take(Movers).Select(r => new CircularMover(r.Code, r.Name, r.RankChange!.Value)).ToList();
        var fallers = rows.Where(r => r.RankChange < 0).OrderBy(r => r.RankChange).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Take(Movers).Select(r => new CircularMover(r.Code, r.Name, r.RankChange!.Value)).ToList();

        // "First for the n-th period running": the leader's rank 1 in the published periods before this one.
        int running = 0;
        var leaders = rows.Where(r => r.Rank == 1).ToList();
        if (leaders.Count == 1)
        {
            long leader = units.Single(u => u.Value.Code == leaders[0].Code).Key;
            var earlier = published.Where(p => string.CompareOrdinal(p.Period, period) < 0).Take(Lookback).ToList();
            var earlierIds = earlier.Select(p => p.Id).ToList();
            var firsts = (await db.ResultRows.AsNoTracking()
                .Where(r => earlierIds.Contains(r.ResultSetId) && r.Node == node && r.UnitId == leader && r.Rank == 1)
                .Select(r => r.ResultSetId).ToListAsync(cancel)).ToHashSet();
            running = 1 + earlier.TakeWhile(p => firsts.Contains(p.Id)).Count();
        }

        string officeName = office is { Length: > 0 } ? office
            : await db.Settings.AsNoTracking().Where(s => s.Key == OfficeNameKey).Select(s => s.Value).SingleOrDefaultAsync(cancel) ?? DefaultOffice;
        string zone = await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel);
        string periodText = PeriodText(period);
        string totalName = root.Name ?? root.Code;
        int redTotal = red.Values.Sum();
        string draft = CircularDraft.Write(scheme.Name, scheme.Frequency, periodText, totalName, rows, risers, fallers, running, anyWarnings);
        // Read from the intervals stored with the set; a set without them lists nobody.
        IReadOnlyDictionary<long, UnitRankInterval> intervals = await RankIntervals.OfAsync(db, set.Id, cancel);
        var unclear = RankIntervals.Overlapping([.. stored.Where(r => r.Rank is not null && units.ContainsKey(r.UnitId)).Select(r => (r.UnitId, r.Rank!.Value))], intervals)
            .Select(id => new CircularUnclear(units[id].Code, units[id].Name, stored.First(r => r.UnitId == id).Rank!.Value, intervals[id].Low!.Value, intervals[id].High!.Value))
            .ToList();
        return new CircularContent(officeName, scheme.Code, scheme.Name, period, periodText, set.Id, totalName, rows, risers, fallers,
            redTotal, draft, clock.GetUtcNow(), zone)
        {
            AuditHead = await AuditChain.HeadAsync(db, AuditChain.AuditName, cancel),
            NotClearlyAhead = unclear,
            Dimensions = await DimensionsAsync(parsed, node, set.Id, cancel),
        };
    }

    /// <summary>The groups directly under the total, each with its units ranked as the stored result set ranks them at that group.</summary>
    private async Task<IReadOnlyList<CircularDimension>> DimensionsAsync(Scheme parsed, string total, long setId, CancellationToken cancel)
    {
        var groups = parsed.Groups.Where(g => string.Equals(g.Parent, total, StringComparison.Ordinal)).Take(MaxDimensions).ToList();
        if (groups.Count == 0)
        {
            return [];
        }

        string[] codes = [.. groups.Select(g => g.Code)];
        var stored = await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == setId && codes.Contains(r.Node))
            .Select(r => new { r.Node, r.UnitId, r.Score, r.Rank }).ToListAsync(cancel);
        var ids = stored.Select(r => r.UnitId).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Code, u.Name }).ToDictionaryAsync(u => u.Id, cancel);
        var byNode = stored.Where(r => units.ContainsKey(r.UnitId)).ToLookup(r => r.Node, StringComparer.Ordinal);
        return [.. groups.Select(g =>
        {
            var all = byNode[g.Code]
                .Select(r => new CircularDimensionRow(r.Rank, units[r.UnitId].Code, units[r.UnitId].Name, r.Score))
                .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal)
                .ToList();
            return new CircularDimension(g.Code, g.Name ?? g.Code, g.Weight, [.. all.Take(MaxDimensionRows)], all.Count);
        })];
    }

    /// <summary>"2025-06" → 2025年6月, "2025-Q2" → 2025年第二季度, "2025" → 2025年度; anything else as it is.</summary>
    public static string PeriodText(string period)
    {
        ArgumentNullException.ThrowIfNull(period);
        string[] parts = period.Split('-');
        if (parts.Length == 1 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int y))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{y}年度");
        }

        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out y))
        {
            if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m is >= 1 and <= 12)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{y}年{m}月");
            }

            if (parts[1] is ['Q', >= '1' and <= '4'])
            {
                return string.Create(CultureInfo.InvariantCulture, $"{y}年第{"一二三四"[parts[1][1] - '1']}季度");
            }
        }

        return period;
    }

    /// <summary>The scheme's published periods with their latest result set, newest first.</summary>
    private async Task<List<ResultSet>> PublishedSetsAsync(long schemeId, CancellationToken cancel)
    {
        var sets = await (from r in db.ResultSets.AsNoTracking()
                          join p in db.Periods.AsNoTracking() on new { r.SchemeId, Code = r.Period } equals new { p.SchemeId, p.Code }
                          where r.SchemeId == schemeId && p.Status == PeriodStatus.Published
                          select new { r.Id, r.Period, r.SchemeVersionId }).ToListAsync(cancel);
        return sets.GroupBy(s => s.Period, StringComparer.Ordinal)
            .Select(g => g.MaxBy(s => s.Id)!)
            .Select(s => new ResultSet { Id = s.Id, SchemeId = schemeId, Period = s.Period, SchemeVersionId = s.SchemeVersionId, ComputedBy = string.Empty, InputHash = string.Empty })
            .OrderByDescending(s => s.Period, StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>The circular's factual draft paragraph (Chinese), from the league table alone.</summary>
internal static class CircularDraft
{
    private static readonly string[] Ordinals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

    public static string Write(string schemeName, string frequency, string periodText, string totalName, IReadOnlyList<CircularRow> rows,
        IReadOnlyList<CircularMover> risers, IReadOnlyList<CircularMover> fallers, int running, bool anyWarnings)
    {
        var text = new StringBuilder();
        var ranked = rows.Where(r => r.Rank is not null).ToList();
        text.Append(CultureInfo.InvariantCulture, $"{periodText}{schemeName}考核结果已经发布，共{rows.Count}个单位参加排名（按{totalName}）。");
        if (ranked.Count == 0)
        {
            text.Append("本期没有单位获得名次。");
            return text.ToString();
        }

        var first = ranked.Where(r => r.Rank == 1).ToList();
        if (first.Count == 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{first[0].Name}以{first[0].ScoreText}分位列第一");
            if (running >= 2)
            {
                string unit = frequency switch { "quarter" => "个季度", "year" => "年", _ => "个月" };
                text.Append(CultureInfo.InvariantCulture, $"，连续第{Number(running)}{unit}位居榜首");
            }
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{string.Join("、", first.Select(r => r.Name))}以{first[0].ScoreText}分并列第一");
        }

        var next = ranked.Where(r => r.Rank is 2 or 3).ToList();
        if (next.Count > 0)
        {
            text.Append("；其后依次为");
            text.Append(string.Join("、", next.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name}（第{Number(r.Rank!.Value)}名，{r.ScoreText}分）"))));
        }

        text.Append('。');
        var tracks = rows.Where(r => r.TrackRank == 1 && !string.IsNullOrEmpty(r.Track)).GroupBy(r => r.Track!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (tracks.Count > 1)
        {
            text.Append("分赛道看，");
            text.Append(string.Join("；", tracks.Select(g => $"{g.Key}赛道第一为{string.Join("、", g.Select(r => r.Name))}")));
            text.Append('。');
        }

        if (risers.Count > 0)
        {
            text.Append("与上期相比，进位较多的有");
            text.Append(string.Join("、", risers.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name}（上升{m.Change}位）"))));
            text.Append(fallers.Count > 0 ? "；" : "。");
        }

        if (fallers.Count > 0)
        {
            text.Append(risers.Count > 0 ? "退位较多的有" : "与上期相比，退位较多的有");
            text.Append(string.Join("、", fallers.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name}（下降{-m.Change}位）"))));
            text.Append('。');
        }

        if (risers.Count == 0 && fallers.Count == 0 && rows.Any(r => r.RankChange is not null))
        {
            text.Append("与上期相比，各单位名次没有变化。");
        }

        var red = rows.Where(r => r.RedWarnings > 0).ToList();
        if (red.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"本期共有{red.Count}个单位出现红色预警（{red.Sum(r => r.RedWarnings)}项）：");
            text.Append(string.Join("、", red.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name}（{r.RedWarnings}项）"))));
            text.Append("，请相关单位分析原因、落实整改。");
        }
        else if (anyWarnings)
        {
            text.Append("本期没有单位出现红色预警。");
        }

        return text.ToString();
    }

    /// <summary>1..10 in Chinese numerals, larger numbers in digits.</summary>
    private static string Number(int n) => n is >= 1 and <= 10 ? Ordinals[n - 1] : n.ToString(CultureInfo.InvariantCulture);
}
