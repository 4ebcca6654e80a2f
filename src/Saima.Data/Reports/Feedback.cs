using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Reports;

/// <summary>One indicator's line of a feedback report, as the published result set stored it.</summary>
public sealed record FeedbackIndicator(
    string Code, string Name, string? Dimension, string? UnitOfMeasure, double? Value, double? Target, double? Completion,
    double? Score, int? Rank, int? TrackRank, string? Warning)
{
    /// <summary>The rank that counts for strengths and weaknesses: within the unit's track when the scheme has tracks.</summary>
    public int? PeerRank => TrackRank ?? Rank;
}

/// <summary>A dimension (a group under the total) or the total: score, rank and track rank.</summary>
public sealed record FeedbackNode(string Code, string Name, double? Score, int? Rank, int? TrackRank);

/// <summary>A list item of the unit not yet closed out (问题、督办…), as it stood when the report was generated.</summary>
public sealed record FeedbackItem(long Id, string Kind, string Title, DateOnly? Deadline, string State, bool Overdue);

/// <summary>A target of the unit for the year after the period's (adopted from what it takes, or set by the office).</summary>
public sealed record FeedbackTarget(string Code, string Name, int Year, double Value);

/// <summary>A peer (对标单位) by <see cref="PeerService.Choose"/>: named by the office (no distance) or nearest, with its stored total rank and score.</summary>
public sealed record FeedbackPeer(string Code, string Name, double? Distance, int? Rank, double? Score);

/// <summary>What it takes to move up one place on one indicator, as <c>saima whatif</c> finds it.</summary>
public sealed record FeedbackStep(string Code, string Name, double? Value, double? Needed, bool Reachable)
{
    public double? Change => Needed is double n && Value is double v ? n - v : null;

    public double? ChangePercent => Change is double c && Value is double v && v != 0 ? c / Math.Abs(v) * 100 : null;
}

/// <summary>
/// A unit's feedback report (点对点反馈) for a published period: its total rank and score, its
/// dimensions, every indicator (value, target, completion, score, rank, warning), strengths and
/// weaknesses, red warnings, nearest peers and what it takes to move up one place, and a factual
/// text. Everything but <see cref="GeneratedAt"/> comes from the stored, published result set and
/// the inputs it was computed from, so the same period gives the same content every time.
/// </summary>
public sealed record FeedbackContent(
    string Office, string SchemeCode, string SchemeName, string Period, string PeriodText, long ResultSetId,
    string UnitCode, string UnitName, string? Track, int UnitCount, int TrackCount,
    FeedbackNode Total, int? RankChange, IReadOnlyList<FeedbackNode> Dimensions, IReadOnlyList<FeedbackIndicator> Indicators,
    IReadOnlyList<FeedbackIndicator> Strengths, IReadOnlyList<FeedbackIndicator> Weaknesses, IReadOnlyList<FeedbackIndicator> RedWarnings,
    IReadOnlyList<FeedbackPeer> Peers, int? TargetRank, IReadOnlyList<FeedbackStep> MoveUp, string Text,
    DateTimeOffset GeneratedAt, string TimeZone)
{
    /// <summary>The title: {unit}{period}{scheme}考核结果反馈.</summary>
    public string Title => $"{UnitName}{PeriodText}{SchemeName}考核结果反馈";

    public string GeneratedLine => Publications.GeneratedLine(GeneratedAt, TimeZone);

    public bool HasTracks => Track is not null;

    /// <summary>The unit's list items not yet closed out when the report was generated (at most <see cref="FeedbackReader.MaxItems"/>, by deadline).</summary>
    public IReadOnlyList<FeedbackItem> OpenItems { get; init; } = [];

    /// <summary>The unit's targets for the next year.</summary>
    public IReadOnlyList<FeedbackTarget> NextTargets { get; init; } = [];

    /// <summary>How <see cref="Peers"/> were chosen (named, nearest, none), by the unit page's rule.</summary>
    public PeerBasis PeerBasis { get; init; }

    /// <summary>The names of the context indicators nearest peers were found by (empty for named peers or none).</summary>
    public IReadOnlyList<string> PeerContext { get; init; } = [];

    /// <summary>The file name stem of this report in a zip: feedback-{period}-{unit code}.</summary>
    public string FileStem => $"feedback-{Period}-{UnitCode}";
}

/// <summary>
/// Reads feedback reports from a published period's latest result set. Peers follow the one peer
/// rule of <see cref="PeerService.Choose"/> (named by the office, else nearest by the scheme's
/// context indicators over the set's stored values, else none); what it takes is the engine's
/// <see cref="WhatItTakes"/> over the inputs the result set was computed from
/// (<see cref="ScoringInputs"/> as of its computing time).
/// Refusals: <see cref="WorkflowCodes.NoScheme"/>, <see cref="WorkflowCodes.PeriodNotPublished"/>,
/// <see cref="WorkflowCodes.NoUnit"/> (a unit without results in the period).
/// </summary>
public sealed class FeedbackReader(SaimaDb db, TimeProvider clock)
{
    /// <summary>How many open list items a report lists at most (the nearest deadlines first).</summary>
    public const int MaxItems = 20;

    private static readonly ListState[] Open = [ListState.Open, ListState.InProgress, ListState.Submitted, ListState.Returned];

    /// <summary>How many nearest peers a report names (as the unit page).</summary>
    public const int PeerCount = PeerService.NearestCount;

    /// <summary>How many strengths and weaknesses a report names.</summary>
    public const int Highlights = 3;

    public async Task<FeedbackContent> ReadAsync(string schemeCode, string period, string unitCode, string? office = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(unitCode);
        Context context = await LoadAsync(schemeCode, period, office, cancel);
        long unit = context.Units.FirstOrDefault(u => u.Value.Code == unitCode).Key;
        if (unit == 0 || !context.Totals.ContainsKey(unit))
        {
            throw new NotFoundException(WorkflowCodes.NoUnit, $"unit '{unitCode}' has no results in period {period} of scheme '{schemeCode}'", unitCode);
        }

        return context.Build(unit);
    }

    /// <summary>Every unit's report of the period, in unit code order.</summary>
    public async Task<IReadOnlyList<FeedbackContent>> ReadAllAsync(string schemeCode, string period, string? office = null, CancellationToken cancel = default)
    {
        Context context = await LoadAsync(schemeCode, period, office, cancel);
        return context.Totals.Keys.OrderBy(id => context.Units[id].Code, StringComparer.Ordinal).Select(context.Build).ToList();
    }

    private async Task<Context> LoadAsync(string schemeCode, string period, string? office, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(schemeCode);
        ArgumentNullException.ThrowIfNull(period);
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        PublishedSet set = await Publications.PublishedAsync(db, scheme, period, cancel);
        var rows = await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.ResultSetId).ToListAsync(cancel);
        var warnings = await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.ResultSetId).ToListAsync(cancel);
        var ids = rows.Select(r => r.UnitId).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), cancel);
        var tracks = await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).ToDictionaryAsync(su => su.UnitId, su => su.Track, cancel);
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToListAsync(cancel);
        int year = int.Parse(period.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        var targets = await db.Targets.AsNoTracking().Where(t => t.SchemeId == scheme.Id && t.Year == year)
            .ToDictionaryAsync(t => (t.UnitId, t.IndicatorId), t => t.Value, cancel);
        ScoringInputs inputs = ScoringInputs.Load(db, set.SchemeVersionId, period, set.ComputedAt);
        string officeName = await Publications.OfficeAsync(db, office, cancel);
        string zone = await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel);
        var items = (await db.ListItems.AsNoTracking().Where(i => ids.Contains(i.OwnerUnitId) && Open.Contains(i.State))
                .Select(i => new { i.Id, i.OwnerUnitId, i.Kind, i.Title, i.Deadline, i.State }).ToListAsync(cancel))
            .GroupBy(i => i.OwnerUnitId)
            .ToDictionary(g => g.Key, g => g.OrderBy(i => i.Deadline ?? DateOnly.MaxValue).ThenBy(i => i.Id).Take(MaxItems)
                .Select(i => (i.Id, i.Kind, i.Title, i.Deadline, i.State)).ToList());
        var next = await db.Targets.AsNoTracking().Where(t => t.SchemeId == scheme.Id && t.Year == year + 1 && ids.Contains(t.UnitId))
            .Select(t => new { t.UnitId, t.IndicatorId, t.Value }).ToListAsync(cancel);
        var nextTargets = next.GroupBy(t => t.UnitId).ToDictionary(g => g.Key, g => g.Select(t => (t.IndicatorId, t.Value)).ToList());
        TimeZoneInfo officeZone = OfficeSettings.Find(zone) ?? TimeZoneInfo.Utc;
        DateOnly today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), officeZone).DateTime);
        var peerService = new PeerService(db, clock);
        var named = await peerService.NamedPeersAsync(scheme.Id, cancel);
        string? context = await db.AnalysisSettings.AsNoTracking().Where(s => s.SchemeId == scheme.Id).Select(s => s.ContextIndicators).SingleOrDefaultAsync(cancel);
        var stored = await new StoredAnalysis(db).WhatItTakesOfSetAsync(set.ResultSetId, inputs.Scheme, cancel);
        return new Context(scheme, set, rows, warnings, units, tracks, indicators, targets, inputs, officeName, zone, clock.GetUtcNow())
        {
            WhatItTakes = stored,
            Items = items, NextTargets = nextTargets, Today = today, Year = year, Named = named,
            ContextIndicators = PeerService.ContextCodes(context, inputs.Scheme.Indicators.Select(i => i.Code).ToList()),
        };
    }

    private sealed class Context(
        AssessmentScheme schemeRow, PublishedSet set, List<ResultRow> rows, List<WarningResult> warnings,
        Dictionary<long, (string Code, string Name)> units, Dictionary<long, string?> tracks, List<Indicator> indicatorRows,
        Dictionary<(long, long), double> targets, ScoringInputs inputs, string office, string zone, DateTimeOffset now)
    {
        private readonly Scheme _scheme = inputs.Scheme;
        private readonly Dictionary<(long, string), ResultRow> _rows = rows.ToDictionary(r => (r.UnitId, r.Node));
        private readonly Dictionary<(long, string), WarningResult> _warnings = warnings.GroupBy(w => (w.UnitId, w.Indicator)).ToDictionary(g => g.Key, g => g.First());
        private readonly Dictionary<string, Indicator> _indicatorRows = indicatorRows.ToDictionary(i => i.Code, StringComparer.Ordinal);

        public Dictionary<long, (string Code, string Name)> Units => units;

        public Dictionary<long, List<(long Id, ListKind Kind, string Title, DateOnly? Deadline, ListState State)>> Items { get; init; } = [];

        public Dictionary<long, List<(long IndicatorId, double Value)>> NextTargets { get; init; } = [];

        public DateOnly Today { get; init; }

        public int Year { get; init; }

        public IReadOnlyDictionary<long, IReadOnlyList<long>> Named { get; init; } = new Dictionary<long, IReadOnlyList<long>>();

        public IReadOnlyList<string> ContextIndicators { get; init; } = [];

        /// <summary>What it takes as stored with the set (<see cref="StoredAnalysis"/>), unit → answer.</summary>
        public IReadOnlyDictionary<long, WhatItTakesAnswer> WhatItTakes { get; init; } = new Dictionary<long, WhatItTakesAnswer>();

        public Dictionary<long, ResultRow> Totals { get; } = rows.Where(r => r.Node == inputs.Scheme.Groups[inputs.Scheme.RootGroup].Code && units.ContainsKey(r.UnitId))
            .ToDictionary(r => r.UnitId);

        public FeedbackContent Build(long unit)
        {
            GroupDef root = _scheme.Groups[_scheme.RootGroup];
            ResultRow total = Totals[unit];
            string? track = tracks.GetValueOrDefault(unit);
            int unitCount = Totals.Count;
            int trackCount = track is null ? unitCount : Totals.Keys.Count(u => tracks.GetValueOrDefault(u) == track);
            var dimensions = _scheme.Groups.Where(g => g.Parent == root.Code)
                .Select(g => Node(unit, g.Code, g.Name ?? g.Code)).ToList();
            var groupName = _scheme.Groups.ToDictionary(g => g.Code, g => g.Name ?? g.Code, StringComparer.Ordinal);
            var list = new List<FeedbackIndicator>(_scheme.Indicators.Count);
            foreach (IndicatorDef def in _scheme.Indicators)
            {
                _rows.TryGetValue((unit, def.Code), out ResultRow? r);
                _warnings.TryGetValue((unit, def.Code), out WarningResult? w);
                Indicator? row = _indicatorRows.GetValueOrDefault(def.Code);
                double? target = w?.Target ?? (row is not null && targets.TryGetValue((unit, row.Id), out double t) ? t : null);
                list.Add(new FeedbackIndicator(def.Code, def.Name ?? row?.Name ?? def.Code, groupName.GetValueOrDefault(def.Parent), row?.UnitOfMeasure,
                    r?.Value, target, w?.Completion, r?.Score, r?.Rank, track is null ? null : r?.TrackRank, w?.Level));
            }

            int half = (trackCount + 1) / 2;
            var strengths = list.Where(i => i.PeerRank is int k && k <= half && trackCount > 1)
                .OrderBy(i => i.PeerRank).ThenBy(i => i.Code, StringComparer.Ordinal).Take(Highlights).ToList();
            var red = list.Where(i => i.Warning == "red").ToList();
            var weaknesses = red.Concat(list.Where(i => i.PeerRank is int k && k > half && i.Warning != "red")
                    .OrderByDescending(i => i.PeerRank).ThenBy(i => i.Code, StringComparer.Ordinal))
                .Take(Math.Max(Highlights, red.Count)).ToList();

            var (peerBasis, peers) = Peers(unit);
            int? targetRank = total.Rank is int rank && rank > 1 ? rank - 1 : null;
            var moveUp = targetRank is int want ? MoveUp(unit, want) : [];
            var node = new FeedbackNode(root.Code, root.Name ?? root.Code, total.Score, total.Rank, track is null ? null : total.TrackRank);
            var (code, name) = units[unit];
            string periodText = CircularReader.PeriodText(set.Period);
            string text = FeedbackText.Write(name, schemeRow.Name, periodText, node, track, unitCount, trackCount, total.RankChange,
                strengths, weaknesses, red, peers, peerBasis, targetRank, moveUp);
            var byId = indicatorRows.ToDictionary(i => i.Id);
            return new FeedbackContent(office, schemeRow.Code, schemeRow.Name, set.Period, periodText, set.ResultSetId, code, name, track,
                unitCount, trackCount, node, total.RankChange, dimensions, list, strengths, weaknesses, red, peers, targetRank, moveUp, text, now, zone)
            {
                PeerBasis = peerBasis,
                PeerContext = peerBasis == PeerBasis.Nearest ? ContextIndicators.Select(c => _scheme.Indicators.FirstOrDefault(i => i.Code == c)?.Name ?? c).ToList() : [],
                OpenItems = Items.GetValueOrDefault(unit, []).Select(i => new FeedbackItem(i.Id, FeedbackWriters.KindText(i.Kind), i.Title, i.Deadline,
                    FeedbackWriters.StateText(i.State), i.Deadline is DateOnly d && d < Today)).ToList(),
                NextTargets = NextTargets.GetValueOrDefault(unit, []).Where(t => byId.ContainsKey(t.IndicatorId))
                    .Select(t => (Row: byId[t.IndicatorId], t.Value)).OrderBy(t => t.Row.SortOrder).ThenBy(t => t.Row.Code, StringComparer.Ordinal)
                    .Select(t => new FeedbackTarget(t.Row.Code, t.Row.Name, Year + 1, t.Value)).ToList(),
            };
        }

        private FeedbackNode Node(long unit, string code, string name)
        {
            _rows.TryGetValue((unit, code), out ResultRow? r);
            return new FeedbackNode(code, name, r?.Score, r?.Rank, tracks.GetValueOrDefault(unit) is null ? null : r?.TrackRank);
        }

        /// <summary>The engine's local index of the unit in the period, or -1.</summary>
        private int Local(long unit)
        {
            Dataset data = inputs.Dataset;
            int global = Array.IndexOf(inputs.UnitIds, unit);
            return global < 0 ? -1 : Array.BinarySearch(data.Periods[^1].Units, global);
        }

        /// <summary>
        /// The unit's peers by the one peer rule (<see cref="PeerService.Choose"/>): named by the
        /// office, else nearest by the scheme's context indicators over the set's stored values, else none.
        /// </summary>
        private (PeerBasis Basis, List<FeedbackPeer> Peers) Peers(long unit)
        {
            var ordered = Totals.Keys.OrderBy(id => units[id].Code, StringComparer.Ordinal).ToList();
            var choice = PeerService.Choose(unit, ordered, Named.GetValueOrDefault(unit, []), ContextIndicators,
                (u, code) => _rows.TryGetValue((u, code), out ResultRow? r) ? r.Value : null);
            return (choice.Basis, choice.Peers.Select(p =>
            {
                ResultRow? t = Totals.GetValueOrDefault(p.UnitId);
                var (peerCode, name) = units[p.UnitId];
                return new FeedbackPeer(peerCode, name, p.Distance, t?.Rank, t?.Score);
            }).ToList());
        }

        /// <summary>
        /// As <c>saima whatif --rank R</c> at the total, every indicator in scheme order: the stored
        /// answer's one place up (<see cref="StoredAnalysis"/>); computed here only when none is stored.
        /// </summary>
        private List<FeedbackStep> MoveUp(long unit, int rank)
        {
            if (WhatItTakes.TryGetValue(unit, out WhatItTakesAnswer? stored) && stored.Rank - 1 == rank)
            {
                var order = _scheme.Indicators.Select((d, i) => (d.Code, i)).ToDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);
                return stored.OneUp.OrderBy(s => order.GetValueOrDefault(s.Indicator, int.MaxValue))
                    .Select(s => new FeedbackStep(s.Indicator, s.Name, s.Value, s.Needed, s.Reachable)).ToList();
            }

            int local = Local(unit);
            if (local < 0)
            {
                return [];
            }

            IReadOnlyList<WhatIfRow> found;
            try
            {
                found = Scoring.WhatItTakes.Search(_scheme, inputs.Dataset, new WhatIfQuery
                {
                    Period = inputs.Dataset.Periods.Length - 1,
                    Unit = units[unit].Code,
                    Rank = rank,
                });
            }
            catch (ScoringException)
            {
                return [];
            }

            return found.Select(w =>
            {
                IndicatorDef def = _scheme.Indicators[w.Indicator];
                return new FeedbackStep(def.Code, def.Name ?? def.Code, double.IsNaN(w.Value) ? null : w.Value,
                    double.IsNaN(w.Needed) ? null : w.Needed, w.Reachable);
            }).ToList();
        }
    }
}

/// <summary>The feedback report's factual paragraph (Chinese), from its content alone.</summary>
internal static class FeedbackText
{
    public static string Write(string unit, string scheme, string periodText, FeedbackNode total, string? track, int unitCount, int trackCount,
        int? change, IReadOnlyList<FeedbackIndicator> strengths, IReadOnlyList<FeedbackIndicator> weaknesses, IReadOnlyList<FeedbackIndicator> red,
        IReadOnlyList<FeedbackPeer> peers, PeerBasis peerBasis, int? targetRank, IReadOnlyList<FeedbackStep> moveUp)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{periodText}{scheme}考核中，{unit}{total.Name}{Publications.Shown(total.Score)}分");
        s.Append(total.Rank is int r ? string.Create(CultureInfo.InvariantCulture, $"，在{unitCount}个单位中列第{r}名") : "，本期未获名次");
        if (track is not null && total.TrackRank is int tr)
        {
            s.Append(CultureInfo.InvariantCulture, $"，在{track}赛道{trackCount}个单位中列第{tr}名");
        }

        s.Append(change switch
        {
            > 0 => string.Create(CultureInfo.InvariantCulture, $"，较上期上升{change}位"),
            < 0 => string.Create(CultureInfo.InvariantCulture, $"，较上期下降{-change}位"),
            0 => "，名次与上期持平",
            _ => string.Empty,
        });
        s.Append('。');
        string rankWord = track is null ? "第" : "赛道第";
        if (strengths.Count > 0)
        {
            s.Append("排名靠前的指标有");
            s.Append(string.Join("、", strengths.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Name}（{rankWord}{i.PeerRank}名）"))));
            s.Append('。');
        }

        if (weaknesses.Count > 0)
        {
            s.Append("相对薄弱的指标有");
            s.Append(string.Join("、", weaknesses.Select(i => i.PeerRank is int k
                ? string.Create(CultureInfo.InvariantCulture, $"{i.Name}（{rankWord}{k}名）")
                : i.Name)));
            s.Append('。');
        }

        s.Append(red.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"本期有{red.Count}项指标出现红色预警：{string.Join("、", red.Select(i => i.Name))}，请分析原因、落实整改。")
            : "本期没有红色预警。");
        if (peers.Count > 0)
        {
            s.Append(peerBasis == PeerBasis.Named
                ? $"考核办确定的对标单位是{string.Join("、", peers.Take(3).Select(p => p.Name))}{(peers.Count > 3 ? "等" : string.Empty)}。"
                : $"按对标参照指标，与本单位最接近的是{string.Join("、", peers.Take(3).Select(p => p.Name))}。");
        }

        if (targetRank is int want)
        {
            var easiest = moveUp.Where(m => m.Reachable && m.Change is not null)
                .OrderBy(m => m.ChangePercent is double p ? Math.Abs(p) : double.MaxValue).ThenBy(m => m.Code, StringComparer.Ordinal).Take(3).ToList();
            if (easiest.Count > 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"在其他指标不变的情况下，要进位至第{want}名，可将");
                s.Append(string.Join("，或将", easiest.Select(m => $"{m.Name}由{Publications.Shown(m.Value)}调整到{Publications.Shown(m.Needed)}")));
                s.Append('。');
            }
            else
            {
                s.Append(CultureInfo.InvariantCulture, $"单靠一项指标的提升不能进位至第{want}名。");
            }
        }
        else if (total.Rank == 1)
        {
            s.Append("本期位居第一。");
        }

        return s.ToString();
    }
}
