using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>How a unit's peers were chosen.</summary>
public enum PeerBasis
{
    /// <summary>No peers: see <see cref="PeerAbsence"/>.</summary>
    None,

    /// <summary>The peers the office named for the unit.</summary>
    Named,

    /// <summary>The units nearest on the scheme's context indicators (<see cref="NearestPeers"/>).</summary>
    Nearest,
}

/// <summary>Why a unit has no peers.</summary>
public enum PeerAbsence
{
    /// <summary>It has peers.</summary>
    None,

    /// <summary>The office named no peers and set no context indicators for the scheme.</summary>
    NoContextIndicators,

    /// <summary>The unit lacks a stored value of a context indicator in the result set.</summary>
    UnitLacksContext,

    /// <summary>No other unit of the result set has every context indicator's value.</summary>
    NoCandidates,
}

/// <summary>A peer of a unit: its code and names, its distance (nearest peers only) and its stored total rank and score.</summary>
public sealed record PeerUnit(long UnitId, string Code, string Name, string? NameEn, double? Distance, int? Rank, double? Score);

/// <summary>An external benchmark's value for one indicator (compared, never ranked), with the unit's gap to it (positive: behind).</summary>
public sealed record BenchmarkValue(long Id, string Name, string Period, double Value, string Source, double? Gap);

/// <summary>
/// One indicator of a unit against its peers: the unit's value, the peers' median and best
/// (direction-aware), the gap to each — positive when the unit is behind, absolute and in percent
/// of the unit's value (empty when it is 0 or missing) — and the external benchmarks of the indicator.
/// </summary>
public sealed record PeerGap(
    string Indicator, string Name, string? NameEn, string? UnitOfMeasure, int Direction, bool Cumulative, double? Value,
    int PeerValues, double? Median, double? Best, string? BestUnit, double? GapToMedian, double? GapToMedianPercent,
    double? GapToBest, double? GapToBestPercent, IReadOnlyList<BenchmarkValue> Benchmarks)
{
    /// <summary>Whether the unit is behind the peers' median or best (something to close).</summary>
    public bool HasGap => GapToMedian > 0 || GapToBest > 0;
}

/// <summary>
/// A unit against its peers in one published result set: who the peers are and why (named by
/// the office, or nearest by which context indicators, or none and why), and every indicator's gap,
/// the largest gaps to the peers' median first.
/// </summary>
public sealed record PeerComparison(
    long ResultSetId, string Period, long UnitId, PeerBasis Basis, PeerAbsence Absence, IReadOnlyList<string> ContextIndicators,
    IReadOnlyList<PeerUnit> Peers, IReadOnlyList<PeerGap> Indicators);

/// <summary>
/// The part of a result set's peer comparisons that is the same for every unit
/// (<see cref="PeerService.SetAsync"/>): the set, its scheme version, the context indicators, the
/// units in code order with their stored total rank and score, the units' context values, the
/// indicators' names and each indicator's latest external benchmarks. Read once per set and shared.
/// </summary>
public sealed class PeerSet
{
    private readonly IReadOnlyDictionary<(long UnitId, string Node), double?> _context;

    internal PeerSet(
        ResultSet set, Scheme scheme, IReadOnlyList<string> contextIndicators, IReadOnlyList<PeerUnit> units,
        IReadOnlyDictionary<(long UnitId, string Node), double?> contextValues,
        IReadOnlyDictionary<string, (string Name, string? NameEn, string? UnitOfMeasure)> meta,
        IReadOnlyDictionary<string, IReadOnlyList<ExternalBenchmark>> benchmarks)
    {
        Set = set;
        Scheme = scheme;
        ContextIndicators = contextIndicators;
        UnitIds = [.. units.Select(u => u.UnitId)];
        UnitsById = units.ToDictionary(u => u.UnitId);
        _context = contextValues;
        Meta = meta;
        Benchmarks = benchmarks;
        IndicatorCodes = [.. scheme.Indicators.Select(i => i.Code)];
        Order = scheme.Indicators.Select((d, i) => (d.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The result set (without its explanation).</summary>
    public ResultSet Set { get; }

    /// <summary>The scheme version the set was scored with.</summary>
    public Scheme Scheme { get; }

    /// <summary>The scheme's context indicators that are indicators of the version scored.</summary>
    public IReadOnlyList<string> ContextIndicators { get; }

    /// <summary>The set's units (those with a total row), in code order.</summary>
    public IReadOnlyList<long> UnitIds { get; }

    /// <summary>The set's units by id, with their stored total rank and score (no distance).</summary>
    public IReadOnlyDictionary<long, PeerUnit> UnitsById { get; }

    internal IReadOnlyDictionary<string, (string Name, string? NameEn, string? UnitOfMeasure)> Meta { get; }

    internal IReadOnlyDictionary<string, IReadOnlyList<ExternalBenchmark>> Benchmarks { get; }

    internal List<string> IndicatorCodes { get; }

    internal IReadOnlyDictionary<string, int> Order { get; }

    /// <summary>A unit's stored value of a context indicator in the set (null: missing).</summary>
    public double? ContextValue(long unitId, string indicator) => _context.GetValueOrDefault((unitId, indicator));
}

/// <summary>Which peer figure a gap-closing target aims at.</summary>
public enum GapGoal
{
    Median,
    Best,
}

/// <summary>One month of a gap-closing path: the month (yyyy-MM) and the value to reach at its end.</summary>
public sealed record GapPathStep(string Month, double Value);

/// <summary>
/// The target that closes a gap by a date: <see cref="Target"/> is the value to adopt as the
/// target of <see cref="Year"/> (for a cumulative indicator the annual figure at the goal's pace),
/// and <see cref="Path"/> the month-by-month way from the current value to it.
/// </summary>
public sealed record GapTarget(string Indicator, GapGoal Goal, double From, double GoalValue, int Year, int Month, double Target, bool Cumulative, IReadOnlyList<GapPathStep> Path);

/// <summary>
/// Peers and external benchmarks (对标先进找差距). The one rule for a unit's peers in a published
/// result set (<see cref="Choose"/>, used by the unit page and the feedback report alike): the
/// peers the office named for the unit, if any; otherwise the <see cref="NearestCount"/> units
/// nearest on the scheme's context indicators (<see cref="NearestPeers"/> over the values the
/// result set stored for them); otherwise none, with the reason. Also the doors that name peers and
/// enter or remove external benchmarks (office only, audited, coded refusals), and the pure
/// computation of a gap-closing target, which the target door (<see cref="AnalysisService.AdoptTargetAsync"/>) adopts.
/// </summary>
public sealed class PeerService(SaimaDb db, TimeProvider clock)
{
    /// <summary>How many peers the office may name for a unit at most.</summary>
    public const int MaxNamedPeers = 20;

    /// <summary>How many nearest peers are found when the office named none.</summary>
    public const int NearestCount = 5;

    /// <summary>How many external benchmarks a scheme holds at most.</summary>
    public const int MaxBenchmarks = 2000;

    /// <summary>
    /// Names the peers of unit <paramref name="unitId"/> in a scheme, replacing those named before
    /// (an empty list: none named, so the nearest are found). Office only. Each peer must be a
    /// unit of the same scheme (<see cref="WorkflowCodes.PeerNotInScheme"/>), not the unit itself
    /// (<see cref="WorkflowCodes.PeerSelf"/>), at most <see cref="MaxNamedPeers"/>
    /// (<see cref="WorkflowCodes.PeersTooMany"/>). Audited with the old and new lists of codes.
    /// </summary>
    public async Task<IReadOnlyList<string>> SetNamedPeersAsync(Actor actor, long schemeId, long unitId, IReadOnlyList<string> peerCodes, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(peerCodes);
        actor.RequireOffice("name peers");
        AssessmentScheme scheme = await SchemeAsync(schemeId, cancel);
        var codes = peerCodes.Select(c => c?.Trim() ?? string.Empty).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var old = await db.NamedPeers.Where(p => p.SchemeId == schemeId && p.UnitId == unitId).ToListAsync(cancel);

        // Only the units this change touches: the unit, the peers asked for and those named before.
        long[] oldIds = [.. old.Select(p => p.PeerUnitId)];
        string[] asked = [.. codes.Take(MaxNamedPeers + 1)];
        var members = await (from su in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                             where su.SchemeId == schemeId && (u.Id == unitId || asked.Contains(u.Code) || oldIds.Contains(u.Id))
                             select new { u.Id, u.Code }).ToListAsync(cancel);
        string unitCode = members.FirstOrDefault(m => m.Id == unitId)?.Code
            ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit {unitId.ToString(CultureInfo.InvariantCulture)} does not take part in scheme '{scheme.Code}'", unitId.ToString(CultureInfo.InvariantCulture));
        if (codes.Count > MaxNamedPeers)
        {
            throw new WorkflowException(WorkflowCodes.PeersTooMany,
                $"{codes.Count.ToString(CultureInfo.InvariantCulture)} peers named; at most {MaxNamedPeers.ToString(CultureInfo.InvariantCulture)} may be",
                codes.Count.ToString(CultureInfo.InvariantCulture), MaxNamedPeers.ToString(CultureInfo.InvariantCulture));
        }

        var byCode = members.ToDictionary(m => m.Code, m => m.Id, StringComparer.Ordinal);
        var ids = new List<long>(codes.Count);
        foreach (string code in codes)
        {
            if (code == unitCode)
            {
                throw new WorkflowException(WorkflowCodes.PeerSelf, $"unit '{unitCode}' cannot be its own peer", unitCode);
            }

            if (!byCode.TryGetValue(code, out long id))
            {
                throw new WorkflowException(WorkflowCodes.PeerNotInScheme, $"'{code}' is not a unit of scheme '{scheme.Code}'; a named peer must be", code, scheme.Code);
            }

            ids.Add(id);
        }

        var codeOf = members.ToDictionary(m => m.Id, m => m.Code);
        string oldText = string.Join(",", old.Select(p => codeOf.GetValueOrDefault(p.PeerUnitId, p.PeerUnitId.ToString(CultureInfo.InvariantCulture))).Order(StringComparer.Ordinal));
        string newText = string.Join(",", codes.Order(StringComparer.Ordinal));
        if (oldText == newText)
        {
            return codes;
        }

        db.NamedPeers.RemoveRange(old.Where(p => !ids.Contains(p.PeerUnitId)));
        db.NamedPeers.AddRange(ids.Where(id => !old.Any(p => p.PeerUnitId == id)).Select(id => new NamedPeer { SchemeId = schemeId, UnitId = unitId, PeerUnitId = id }));
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", AuditLog.SchemeEntity, $"{scheme.Code}/{unitCode}", "named_peers",
            oldText.Length == 0 ? null : oldText, newText.Length == 0 ? null : newText, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()));
        await db.SaveChangesAsync(cancel);
        return codes;
    }

    /// <summary>The peers the office named per unit of a scheme (unit id → peer unit ids).</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> NamedPeersAsync(long schemeId, CancellationToken cancel = default)
    {
        var rows = await db.NamedPeers.AsNoTracking().Where(p => p.SchemeId == schemeId).Select(p => new { p.UnitId, p.PeerUnitId }).ToListAsync(cancel);
        return rows.GroupBy(r => r.UnitId).ToDictionary(g => g.Key, g => (IReadOnlyList<long>)g.Select(r => r.PeerUnitId).Order().ToList());
    }

    /// <summary>
    /// Enters an external benchmark: an advanced place outside the assessment (<paramref name="name"/>,
    /// 1–100 characters), an indicator of the scheme, a period (2025-06, 2025-Q2) or a year (2025),
    /// a finite value and its source (1–500 characters), all required. Office only; refusals:
    /// <see cref="WorkflowCodes.BenchmarkInvalid"/> (what is wrong). Audited.
    /// </summary>
    public async Task<ExternalBenchmark> AddBenchmarkAsync(Actor actor, long schemeId, string? name, string? indicator, string? period, double value, string? source, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("enter external benchmarks");
        AssessmentScheme scheme = await SchemeAsync(schemeId, cancel);
        string n = name?.Trim() ?? string.Empty, i = indicator?.Trim() ?? string.Empty, p = period?.Trim() ?? string.Empty, s = source?.Trim() ?? string.Empty;
        static WorkflowException Invalid(string what) => new(WorkflowCodes.BenchmarkInvalid, $"the external benchmark is not valid: {what}", what);
        if (n.Length is 0 or > 100)
        {
            throw Invalid("the place's name is required (at most 100 characters)");
        }

        if (!await db.Indicators.AnyAsync(x => x.SchemeId == schemeId && x.Code == i, cancel))
        {
            throw Invalid($"'{i}' is not an indicator of the scheme");
        }

        if (!Period.TryParse(p, out Period parsed) || parsed.Kind == PeriodKind.None || parsed.Year < 1900)
        {
            throw Invalid($"'{p}' is not a period (2025-06, 2025-Q2) or a year (2025)");
        }

        if (!double.IsFinite(value))
        {
            throw Invalid("the value must be a finite number");
        }

        if (s.Length is 0 or > 500)
        {
            throw Invalid("the source is required (at most 500 characters)");
        }

        string canonical = parsed.ToString();
        if (await db.ExternalBenchmarks.AnyAsync(b => b.SchemeId == schemeId && b.Name == n && b.Indicator == i && b.Period == canonical, cancel))
        {
            throw Invalid($"{n} already has a figure of {i} for {canonical}; remove it first");
        }

        if (await db.ExternalBenchmarks.CountAsync(b => b.SchemeId == schemeId, cancel) >= MaxBenchmarks)
        {
            throw Invalid($"the scheme already holds {MaxBenchmarks.ToString(CultureInfo.InvariantCulture)} external benchmarks");
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var row = new ExternalBenchmark { SchemeId = schemeId, Name = n, Indicator = i, Period = canonical, Value = value, Source = s, EnteredAt = now, EnteredBy = actor.Name };
        db.ExternalBenchmarks.Add(row);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.SchemeEntity, scheme.Code, "external_benchmark", null, Describe(row)));
        await db.SaveChangesAsync(cancel);
        return row;
    }

    /// <summary>Removes an external benchmark of a scheme. Office only; audited with what it was.</summary>
    public async Task RemoveBenchmarkAsync(Actor actor, long schemeId, long benchmarkId, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("remove external benchmarks");
        AssessmentScheme scheme = await SchemeAsync(schemeId, cancel);
        ExternalBenchmark row = await db.ExternalBenchmarks.SingleOrDefaultAsync(b => b.Id == benchmarkId && b.SchemeId == schemeId, cancel)
            ?? throw new NotFoundException($"external benchmark {benchmarkId.ToString(CultureInfo.InvariantCulture)} is not one of scheme '{scheme.Code}'");
        db.ExternalBenchmarks.Remove(row);
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "delete", AuditLog.SchemeEntity, scheme.Code, "external_benchmark", Describe(row), null,
            string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()));
        await db.SaveChangesAsync(cancel);
    }

    /// <summary>One page (from 1) of a scheme's external benchmarks, by indicator, name and period, and how many there are.</summary>
    public async Task<(IReadOnlyList<ExternalBenchmark> Rows, int Total)> BenchmarksAsync(long schemeId, int page, int size, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var q = db.ExternalBenchmarks.AsNoTracking().Where(b => b.SchemeId == schemeId);
        int total = await q.CountAsync(cancel);
        var rows = await q.OrderBy(b => b.Indicator).ThenBy(b => b.Name).ThenBy(b => b.Period).ThenBy(b => b.Id)
            .Skip((Math.Max(page, 1) - 1) * size).Take(size).ToListAsync(cancel);
        return (rows, total);
    }

    /// <summary>
    /// A unit against its peers in a stored result set (its values, scores and ranks as stored,
    /// never recomputed): the peers by <see cref="Choose"/>, each indicator's gaps (the largest gap
    /// to the peers' median, in percent, first) and the external benchmarks of each indicator (per
    /// place, its latest figure of a period not after the set's). Null when the unit has no row in the set.
    /// Reads the set's shared part (<see cref="SetAsync"/>) and then the unit's own rows.
    /// </summary>
    public async Task<PeerComparison?> CompareAsync(long resultSetId, long unitId, CancellationToken cancel = default) =>
        await CompareAsync(await SetAsync(resultSetId, cancel), unitId, cancel);

    /// <summary>
    /// What every unit's comparison in a result set shares, read once for the set: the scheme
    /// version scored, the context indicators, every unit of the set (from its total row: code,
    /// names, rank and score), every unit's values of the context indicators, the indicators' names
    /// and units of measure, and each indicator's external benchmarks of a period not after the set's.
    /// A stored set never changes; the settings, the indicators and the benchmarks do (a reader that
    /// keeps this keeps it under the store's change stamp, which they move).
    /// </summary>
    public async Task<PeerSet> SetAsync(long resultSetId, CancellationToken cancel = default)
    {
        ResultSet set = await db.ResultSets.AsNoTracking().Where(r => r.Id == resultSetId)
                .Select(r => new ResultSet { Id = r.Id, SchemeId = r.SchemeId, SchemeVersionId = r.SchemeVersionId, Period = r.Period, ComputedAt = r.ComputedAt, ComputedBy = r.ComputedBy, InputHash = r.InputHash })
                .SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException($"result set {resultSetId.ToString(CultureInfo.InvariantCulture)} does not exist");
        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == set.SchemeVersionId).Select(v => v.Json).SingleAsync(cancel);
        Scheme scheme = SchemeParser.Parse(json);
        string total = scheme.Groups[scheme.RootGroup].Code;
        var indicatorCodes = scheme.Indicators.Select(i => i.Code).ToList();
        string? context = await db.AnalysisSettings.AsNoTracking().Where(s => s.SchemeId == set.SchemeId).Select(s => s.ContextIndicators).SingleOrDefaultAsync(cancel);
        var contextCodes = ContextCodes(context, indicatorCodes);

        // Every unit of the set has a total row: the units (with their rank and score) come from
        // those, and the context indicators' values of all units choose the nearest peers.
        var units = (await (from r in db.ResultRows.AsNoTracking()
                            where r.ResultSetId == resultSetId && r.Node == total
                            join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                            select new PeerUnit(u.Id, u.Code, u.Name, u.NameEn, null, r.Rank, r.Score)).ToListAsync(cancel))
            .OrderBy(u => u.Code, StringComparer.Ordinal).ToList();
        var contextValues = contextCodes.Count == 0 ? []
            : (await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == resultSetId && contextCodes.Contains(r.Node))
                .Select(r => new { r.UnitId, r.Node, r.Value }).ToListAsync(cancel))
                .ToDictionary(r => (r.UnitId, r.Node), r => r.Value);
        var meta = (await db.Indicators.AsNoTracking().Where(i => i.SchemeId == set.SchemeId)
                .Select(i => new { i.Code, i.Name, i.NameEn, i.UnitOfMeasure }).ToListAsync(cancel))
            .ToDictionary(i => i.Code, i => (i.Name, i.NameEn, i.UnitOfMeasure), StringComparer.Ordinal);
        var benchmarks = await db.ExternalBenchmarks.AsNoTracking().Where(b => b.SchemeId == set.SchemeId).ToListAsync(cancel);
        var marks = benchmarks.GroupBy(b => b.Indicator, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ExternalBenchmark>)LatestBenchmarks(g, set.Period).ToList(), StringComparer.Ordinal);
        return new PeerSet(set, scheme, contextCodes, units, contextValues, meta, marks);
    }

    /// <summary>
    /// A unit against its peers in the result set of <paramref name="shared"/> (read by
    /// <see cref="SetAsync"/>, possibly for another unit): reads only the peers the office named for
    /// the unit and every indicator's value of the unit and its peers. Null when the unit has no row in the set.
    /// </summary>
    public async Task<PeerComparison?> CompareAsync(PeerSet shared, long unitId, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(shared);
        if (!shared.UnitsById.TryGetValue(unitId, out _))
        {
            return null;
        }

        ResultSet set = shared.Set;
        Scheme scheme = shared.Scheme;
        var named = await db.NamedPeers.AsNoTracking().Where(p => p.SchemeId == set.SchemeId && p.UnitId == unitId).Select(p => p.PeerUnitId).ToListAsync(cancel);
        var choice = Choose(unitId, shared.UnitIds, named, shared.ContextIndicators, shared.ContextValue);
        long[] compared = [unitId, .. choice.Peers.Select(p => p.UnitId)];
        long resultSetId = set.Id;
        List<string> indicatorCodes = shared.IndicatorCodes;
        var values = (await db.ResultRows.AsNoTracking()
                .Where(r => r.ResultSetId == resultSetId && compared.Contains(r.UnitId) && indicatorCodes.Contains(r.Node))
                .Select(r => new { r.UnitId, r.Node, r.Value }).ToListAsync(cancel))
            .ToDictionary(r => (r.UnitId, r.Node), r => r.Value);
        var peers = choice.Peers.Where(p => shared.UnitsById.ContainsKey(p.UnitId))
            .Select(p => shared.UnitsById[p.UnitId] with { Distance = p.Distance }).ToList();

        var gaps = new List<PeerGap>(scheme.Indicators.Count);
        foreach (IndicatorDef def in scheme.Indicators)
        {
            var m = shared.Meta.TryGetValue(def.Code, out var found) ? found : default((string Name, string? NameEn, string? UnitOfMeasure)?);
            double? value = values.GetValueOrDefault((unitId, def.Code));
            var peerValues = peers.Select(p => (p.Code, Value: values.GetValueOrDefault((p.UnitId, def.Code))))
                .Where(p => p.Value is double v && double.IsFinite(v)).Select(p => (p.Code, p.Value!.Value)).ToList();
            var marks = (shared.Benchmarks.TryGetValue(def.Code, out var latest) ? latest : [])
                .Select(b => new BenchmarkValue(b.Id, b.Name, b.Period, b.Value, b.Source, GapTo(def.Direction, value, b.Value))).ToList();
            gaps.Add(Gap(def.Code, def.Name ?? m?.Name ?? def.Code, m?.NameEn ?? def.NameEn, m?.UnitOfMeasure, def.Direction, def.Cumulative, value, peerValues, marks));
        }

        var sorted = gaps.OrderBy(g => g.GapToMedianPercent is null ? 1 : 0).ThenByDescending(g => g.GapToMedianPercent ?? 0)
            .ThenBy(g => shared.Order[g.Indicator]).ToList();
        return new PeerComparison(resultSetId, set.Period, unitId, choice.Basis, choice.Absence, shared.ContextIndicators, peers, sorted);
    }

    /// <summary>The context indicators of a scheme's settings (comma-separated codes) that are indicators of the version scored.</summary>
    public static IReadOnlyList<string> ContextCodes(string? stored, IReadOnlyCollection<string> indicators)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        return string.IsNullOrWhiteSpace(stored) ? []
            : stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(indicators.Contains).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The one peer rule. <paramref name="units"/>: the units of the result set in code order.
    /// Named peers (those among <paramref name="units"/>, in code order) when the office named any;
    /// otherwise the <see cref="NearestCount"/> nearest by <see cref="NearestPeers"/> over the
    /// stored values of <paramref name="context"/> (<paramref name="value"/>: a unit's value of an
    /// indicator, null when missing); otherwise none and why.
    /// </summary>
    public static (PeerBasis Basis, PeerAbsence Absence, IReadOnlyList<(long UnitId, double? Distance)> Peers) Choose(
        long unit, IReadOnlyList<long> units, IReadOnlyCollection<long> named, IReadOnlyList<string> context, Func<long, string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(named);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (named.Count > 0)
        {
            return (PeerBasis.Named, PeerAbsence.None, units.Where(u => u != unit && named.Contains(u)).Select(u => (u, (double?)null)).ToList());
        }

        if (context.Count == 0)
        {
            return (PeerBasis.None, PeerAbsence.NoContextIndicators, []);
        }

        int local = -1;
        for (int i = 0; i < units.Count; i++)
        {
            if (units[i] == unit)
            {
                local = i;
            }
        }

        var columns = context.Select(c => units.Select(u => value(u, c) is double v && double.IsFinite(v) ? v : double.NaN).ToArray()).ToList();
        if (local < 0 || columns.Any(c => double.IsNaN(c[local])))
        {
            return (PeerBasis.None, PeerAbsence.UnitLacksContext, []);
        }

        var found = NearestPeers.Find(columns, local, NearestCount);
        return found.Count == 0
            ? (PeerBasis.None, PeerAbsence.NoCandidates, [])
            : (PeerBasis.Nearest, PeerAbsence.None, found.Select(p => (units[p.Unit], (double?)p.Distance)).ToList());
    }

    /// <summary>
    /// One indicator against its peers' values: the median (the middle value, or the mean of the
    /// two middle ones), the best (the highest, or the lowest when lower is better; its unit the
    /// first in the order given) and the gaps (positive: behind) in absolute terms and in percent of
    /// the unit's value.
    /// </summary>
    public static PeerGap Gap(string code, string name, string? nameEn, string? unitOfMeasure, int direction, bool cumulative, double? value,
        IReadOnlyList<(string Unit, double Value)> peers, IReadOnlyList<BenchmarkValue> benchmarks)
    {
        ArgumentNullException.ThrowIfNull(peers);
        int dir = direction < 0 ? -1 : 1;
        double? median = null, best = null;
        string? bestUnit = null;
        if (peers.Count > 0)
        {
            var sorted = peers.Select(p => p.Value).Order().ToArray();
            int n = sorted.Length;
            median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
            foreach (var (unit, v) in peers)
            {
                if (best is not double b || dir * (v - b) > 0)
                {
                    best = v;
                    bestUnit = unit;
                }
            }
        }

        double? toMedian = GapTo(dir, value, median), toBest = GapTo(dir, value, best);
        return new PeerGap(code, name, nameEn, unitOfMeasure, dir, cumulative, value, peers.Count, median, best, bestUnit,
            toMedian, Percent(toMedian, value), toBest, Percent(toBest, value), benchmarks);
    }

    /// <summary>
    /// The target that closes <paramref name="gap"/> to the peers' median or best by the end of
    /// month <paramref name="month"/> of <paramref name="year"/> (a month after the result set's
    /// period <paramref name="period"/>, at the latest December of the year after it). The path runs
    /// month by month from the current value: linearly to the goal; for a cumulative (year-to-date)
    /// indicator the annual pace (value ÷ the period's time progress) runs linearly from the unit's to
    /// the goal's, and each month's value is that pace × month/12 (time progress, as
    /// <see cref="WhatItTakesStep.MonthlyPath"/>), so the target adopted for the year is the goal's
    /// annual pace. Refused with <see cref="WorkflowCodes.AnalysisInvalid"/> when there is no gap or the date does not fit.
    /// </summary>
    public static GapTarget GapClosing(PeerGap gap, string period, GapGoal goal, int year, int month)
    {
        ArgumentNullException.ThrowIfNull(gap);
        ArgumentNullException.ThrowIfNull(period);
        double? aim = goal == GapGoal.Median ? gap.Median : gap.Best;
        double? behind = goal == GapGoal.Median ? gap.GapToMedian : gap.GapToBest;
        if (gap.Value is not double from || aim is not double to || behind is not > 0)
        {
            throw new WorkflowException(WorkflowCodes.AnalysisInvalid, $"{gap.Indicator} has no gap to the peers' {Word(goal)} to close", $"no gap to the peers' {Word(goal)}");
        }

        if (!Period.TryParse(period, out Period at) || at.Kind == PeriodKind.None)
        {
            throw new WorkflowException(WorkflowCodes.AnalysisInvalid, $"'{period}' is not a period", "not a period");
        }

        int startMonth = at.Kind switch { PeriodKind.Month => at.Sub, PeriodKind.Quarter => at.Sub * 3, _ => 12 };
        int start = (at.Year * 12) + startMonth - 1, end = (year * 12) + month - 1;
        if (month is < 1 or > 12 || end <= start || year > at.Year + 1)
        {
            throw new WorkflowException(WorkflowCodes.AnalysisInvalid,
                $"the date {year.ToString(CultureInfo.InvariantCulture)}-{month.ToString("00", CultureInfo.InvariantCulture)} is not a month after {period} of this or next year",
                "the date must be the end of a month after the period, this year or next");
        }

        int steps = end - start;
        double progress = at.ExpectedProgress > 0 ? at.ExpectedProgress / 100 : 1;
        double fromPace = gap.Cumulative ? from / progress : from, toPace = gap.Cumulative ? to / progress : to;
        var path = new List<GapPathStep>(steps);
        for (int k = 1; k <= steps; k++)
        {
            int index = start + k;
            int y = index / 12, m = (index % 12) + 1;
            double pace = k == steps ? toPace : fromPace + ((toPace - fromPace) * k / steps);
            double v = gap.Cumulative ? pace * m / 12 : pace;
            path.Add(new GapPathStep(string.Create(CultureInfo.InvariantCulture, $"{y:0000}-{m:00}"), v));
        }

        return new GapTarget(gap.Indicator, goal, from, to, year, month, toPace, gap.Cumulative, path);
    }

    private static string Word(GapGoal goal) => goal == GapGoal.Median ? "median" : "best";

    private static double? GapTo(int direction, double? value, double? goal) =>
        value is double v && goal is double g ? (direction < 0 ? -1 : 1) * (g - v) : null;

    private static double? Percent(double? gap, double? value) =>
        gap is double d && value is double v && v != 0 ? d / Math.Abs(v) * 100 : null;

    /// <summary>Per place, its latest figure of a period not after <paramref name="period"/> (a year counts as its December), by name.</summary>
    private static IEnumerable<ExternalBenchmark> LatestBenchmarks(IEnumerable<ExternalBenchmark> rows, string period)
    {
        int limit = MonthIndex(period) ?? int.MaxValue;
        return rows.Where(b => MonthIndex(b.Period) is int i && i <= limit)
            .GroupBy(b => b.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(b => MonthIndex(b.Period)).ThenByDescending(b => b.Id).First())
            .OrderBy(b => b.Name, StringComparer.Ordinal);
    }

    private static int? MonthIndex(string period) =>
        Period.TryParse(period, out Period p) && p.Kind != PeriodKind.None
            ? (p.Year * 12) + (p.Kind switch { PeriodKind.Month => p.Sub, PeriodKind.Quarter => p.Sub * 3, _ => 12 })
            : null;

    private static string Describe(ExternalBenchmark b) =>
        $"{b.Name} {b.Indicator} {b.Period} = {AuditLog.Text(b.Value)} ({b.Source})";

    private async Task<AssessmentScheme> SchemeAsync(long schemeId, CancellationToken cancel) =>
        await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));
}
