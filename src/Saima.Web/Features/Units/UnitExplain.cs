using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Scoring;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Units;

/// <summary>
/// One node of a unit's total, as the unit page explains it: its weights (as given and effective
/// up to the root, from the stored explanation; and as this unit's aggregation used it), the
/// method and rule, for an indicator the raw figure, target and who entered and approved it, the
/// score and bonus/penalty points, and its contribution to the total.
/// </summary>
public sealed record ExplainNode(
    string Code, string Name, NodeKind Kind, int Depth,
    double? Weight, double? EffectiveWeight, double? UsedWeight,
    AggregateMethod? Aggregate, WeightingMethod? Weighting, string Rule,
    double? Raw, double? Target, bool Imputed, bool Derived,
    double? Score, double? Adjustment, double? Contribution,
    string? EnteredBy, DateTimeOffset? EnteredAt, string? ApprovedBy, DateTimeOffset? ApprovedAt, int? Revision, string? Reason);

/// <summary>
/// How a unit's total of a stored result set came about: the tree total → dimensions → indicators
/// in scheme order (<see cref="Nodes"/>, depth first). <see cref="Additive"/>: every group is a
/// weighted sum or mean, so that contributions add up (with the bonus/penalty points) to the total.
/// </summary>
public sealed record UnitExplanation(
    string Period, int SchemeVersion, string? Track, IReadOnlyList<ExplainNode> Nodes,
    double? Total, double? StoredTotal, double ContributionSum, bool Additive, string? Error)
{
    /// <summary>The recomputed total is not the stored one (the inputs changed since, which <see cref="ResultService.Recompute"/> would report).</summary>
    public bool Differs => Total is double t && StoredTotal is double s && Math.Abs(t - s) > 1e-9 * Math.Max(1, Math.Abs(s));

    /// <summary>The scheme version the set was scored with: the page describes each node's rule from it (<see cref="RuleTexts"/>).</summary>
    public Scheme? Scheme { get; init; }
}

/// <summary>
/// Builds a <see cref="UnitExplanation"/>. The weights come from the result set's stored
/// explanation JSON; what it does not keep (the rule, raw figure, target and imputation of each
/// indicator, the weights the unit's aggregation used, bonus/penalty points) from the unit's trace
/// stored with the set (<see cref="UnitTrace"/>), never by scoring logic of its own. Who entered a
/// figure is the published revision's; who approved it, the audit trail's last approval before the
/// results were computed.
/// </summary>
public static class UnitExplain
{
    /// <summary>The audit trail's entity of figures (the store's AuditLog.FigureEntity).</summary>
    private const string FigureEntity = "figure";

    public static Task<UnitExplanation> LoadAsync(SaimaDb db, ResultSet set, long unitId, IReadOnlyDictionary<string, string> englishNames, bool english, CancellationToken cancel, IMemoryCache? cache = null) =>
        LoadAsync(db, set, unitId, englishNames, english, stamp: null, cancel, cache);

    /// <summary>
    /// As <see cref="LoadAsync(SaimaDb, ResultSet, long, IReadOnlyDictionary{string, string}, bool, CancellationToken, IMemoryCache?)"/>;
    /// with <paramref name="cache"/> and the store's change <paramref name="stamp"/>, what every
    /// unit's explanation of the set shares (<see cref="ExplainSet"/>: the scheme version parsed,
    /// the stored weights per track, the scheme's indicators) is read once per set and stamp and
    /// shared, one read at a time; the unit's own rows are read per unit.
    /// </summary>
    public static async Task<UnitExplanation> LoadAsync(SaimaDb db, ResultSet set, long unitId, IReadOnlyDictionary<string, string> englishNames, bool english, long? stamp, CancellationToken cancel, IMemoryCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(englishNames);
        string? track = await db.SchemeUnits.AsNoTracking().Where(s => s.SchemeId == set.SchemeId && s.UnitId == unitId).Select(s => s.Track).SingleOrDefaultAsync(cancel);
        ExplainSet shared;
        try
        {
            shared = cache is null || stamp is not long at
                ? await ExplainSet.ReadAsync(db, set, cancel)
                : (await Published.KeptAsync(cache, ("explain-set", at, set.Id), async () => await ExplainSet.ReadAsync(db, set, cancel)))!;
        }
        catch (Exception e) when (e is SchemeException)
        {
            int v = await db.SchemeVersions.AsNoTracking().Where(x => x.Id == set.SchemeVersionId).Select(x => x.Version).SingleAsync(cancel);
            return new UnitExplanation(set.Period, v, track, [], null, null, 0, false, e.Message);
        }

        int version = shared.Version;
        Scheme scheme = shared.Scheme;
        UnitTrace? unitTrace;
        try
        {
            // The unit's trace stored with the set (derived and stored once for a set computed before traces were kept).
            unitTrace = await UnitTrace.ReadAsync(db, set, unitId, cancel);
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException or ScoringException or SchemeException or Saima.Scoring.DataException)
        {
            return new UnitExplanation(set.Period, version, track, [], null, null, 0, false, e.Message);
        }

        int nInd = scheme.Indicators.Count;
        if (unitTrace is null)
        {
            return new UnitExplanation(set.Period, version, track, [], null, null, 0, false, "unit not scored in this period");
        }

        var weights = shared.WeightsOf(track);
        var children = shared.Children;

        // Figures as they were scored: the published revision current when the set was computed.
        string schemeCode = shared.SchemeCode;
        string unitCode = await db.Units.AsNoTracking().Where(x => x.Id == unitId).Select(x => x.Code).SingleAsync(cancel);
        var indicatorCode = shared.IndicatorCode;
        var derived = shared.Derived;
        var figures = (await db.Figures.AsNoTracking()
                .Where(f => f.SchemeId == set.SchemeId && f.UnitId == unitId && f.Period == set.Period && f.Status == FigureStatus.Published)
                .ToListAsync(cancel))
            .Where(f => f.EnteredAt <= set.ComputedAt && indicatorCode.ContainsKey(f.IndicatorId))
            .GroupBy(f => f.IndicatorId)
            .ToDictionary(g => indicatorCode[g.Key], g => g.MaxBy(f => f.Revision)!, StringComparer.Ordinal);
        var keys = scheme.Indicators.Select(i => AuditTrail.FigureKey(schemeCode, unitCode, i.Code, set.Period)).ToList();
        var approvals = (await db.Audit.AsNoTracking()
                .Where(a => a.Entity == FigureEntity && a.Action == "approve" && keys.Contains(a.EntityKey))
                .Select(a => new { a.Id, a.EntityKey, a.User, a.At }).ToListAsync(cancel))
            .Where(a => a.At <= set.ComputedAt)
            .GroupBy(a => a.EntityKey)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Id)!, StringComparer.Ordinal);

        var nodes = new List<ExplainNode>();
        bool additive = true;
        double sum = 0;
        int root = nInd + scheme.RootGroup;
        Walk(root, 0, 1.0, null);
        double total = unitTrace.Scores[root] ?? double.NaN;
        double? storedTotal = await db.ResultRows.AsNoTracking()
            .Where(r => r.ResultSetId == set.Id && r.UnitId == unitId && r.Node == scheme.NodeCode(root)).Select(r => r.Score).SingleOrDefaultAsync(cancel);
        return new UnitExplanation(set.Period, version, track, nodes, Num(total), storedTotal, sum, additive, null) { Scheme = scheme };

        // Depth first from the total; factor: the product of the weights used from the total down
        // to this node, null once a group on the way does not add its children up.
        void Walk(int node, int depth, double? factor, double? used)
        {
            string code = scheme.NodeCode(node);
            (double? Given, double? Effective) w = weights.TryGetValue(code, out var found) ? (Num(found.Weight), Num(found.EffectiveWeight)) : (null, null);
            double score = unitTrace.Scores[node] ?? double.NaN;
            double adjustment = unitTrace.Adjustments[node] ?? double.NaN;
            double? contribution = factor is double f && !double.IsNaN(score) ? f * score : null;
            if (node < nInd)
            {
                IndicatorDef def = scheme.Indicators[node];
                figures.TryGetValue(code, out Figure? figure);
                approvals.TryGetValue(AuditTrail.FigureKey(schemeCode, unitCode, code, set.Period), out var approval);
                string name = SchemeNames.Indicator(def, englishNames, english);
                nodes.Add(new ExplainNode(code, name, NodeKind.Indicator, depth, w.Given, w.Effective, used, null, null, unitTrace.Rules[node],
                    unitTrace.Raw[node], unitTrace.Target[node], unitTrace.Imputed[node], derived.Contains(code),
                    Num(score), Num(adjustment), contribution,
                    figure?.EnteredBy, figure?.EnteredAt, approval?.User, approval?.At, figure?.Revision, figure?.Reason));
                if (contribution is double c)
                {
                    sum += c;
                }

                return;
            }

            int g = node - nInd;
            GroupDef group = scheme.Groups[g];
            (AggregateMethod method, WeightingMethod weighting) = Rules(scheme, group, track);
            bool adds = method is AggregateMethod.Arithmetic or AggregateMethod.Sum;
            additive &= adds;
            nodes.Add(new ExplainNode(code, SchemeNames.Group(group, english), g == scheme.RootGroup ? NodeKind.Total : NodeKind.Dimension, depth,
                g == scheme.RootGroup ? null : w.Given, g == scheme.RootGroup ? null : w.Effective, used,
                method, weighting, unitTrace.Rules[node], null, null, false, false, Num(score), Num(adjustment), contribution,
                null, null, null, null, null, null));
            if (factor is double gf && adjustment != 0 && !double.IsNaN(adjustment))
            {
                sum += gf * adjustment;
            }

            List<int> mine = children[g];
            IReadOnlyList<double?>? childWeights = unitTrace.ChildWeights[g];
            for (int k = 0; k < mine.Count; k++)
            {
                double? cw = childWeights?[k];
                Walk(mine[k], depth + 1, adds && factor is double pf && cw is double x ? pf * x : null, cw);
            }
        }
    }

    /// <summary>The aggregation and weighting of a group for a track: the track's override, else the group's own, else the scheme's default.</summary>
    public static (AggregateMethod Method, WeightingMethod Weighting) Rules(Scheme scheme, GroupDef group, string? track)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(group);
        int g = scheme.NodeIndex(group.Code) - scheme.Indicators.Count;
        return (scheme.AggregateFor(g, track).Method, scheme.WeightingFor(g, track));
    }

    private static double? Num(double v) => double.IsNaN(v) ? null : v;

    public static string Format(double? v, string format = Saima.Data.ShownNumbers.Decimals) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "–";
}

/// <summary>
/// What every unit's explanation in a result set shares: the scheme version scored (its number and
/// parse, each group's children in node order), the node weights stored with the set per track
/// (from its explanation JSON, parsed once), the scheme's code and its indicators (code by id, and
/// the growth indicators derived from their levels).
/// </summary>
public sealed class ExplainSet
{
    private readonly IReadOnlyList<(string? Track, string Node, double Weight, double Effective)> _weights;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, (double Weight, double EffectiveWeight)>> _byTrack = new(StringComparer.Ordinal);

    private ExplainSet(int version, Scheme scheme, string schemeCode, IReadOnlyList<(string? Track, string Node, double Weight, double Effective)> weights,
        IReadOnlyDictionary<long, string> indicatorCode, IReadOnlySet<string> derived)
    {
        Version = version;
        Scheme = scheme;
        SchemeCode = schemeCode;
        _weights = weights;
        IndicatorCode = indicatorCode;
        Derived = derived;
        int nInd = scheme.Indicators.Count;
        var children = new List<int>[scheme.Groups.Count];
        for (int g = 0; g < children.Length; g++)
        {
            children[g] = [];
        }

        for (int node = 0; node < scheme.NodeCount; node++)
        {
            string? parent = node < nInd ? scheme.Indicators[node].Parent : scheme.Groups[node - nInd].Parent;
            if (parent is not null)
            {
                children[scheme.NodeIndex(parent) - nInd].Add(node);
            }
        }

        Children = children;
    }

    public int Version { get; }

    public Scheme Scheme { get; }

    public string SchemeCode { get; }

    /// <summary>A group's children in node order, as the engine aggregates them.</summary>
    public IReadOnlyList<List<int>> Children { get; }

    public IReadOnlyDictionary<long, string> IndicatorCode { get; }

    public IReadOnlySet<string> Derived { get; }

    /// <summary>Reads the set's shared part (the set may come without its explanation JSON: it is read here).</summary>
    public static async Task<ExplainSet> ReadAsync(SaimaDb db, ResultSet set, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(set);
        var versionRow = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == set.SchemeVersionId).Select(v => new { v.Version, v.Json }).SingleAsync(cancel);
        Scheme scheme = SchemeParser.Parse(versionRow.Json);
        string schemeCode = await db.Schemes.AsNoTracking().Where(s => s.Id == set.SchemeId).Select(s => s.Code).SingleAsync(cancel);
        var stored = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == set.SchemeId)
            .Select(i => new { i.Id, i.Code, i.GrowthOfId }).ToListAsync(cancel);
        string? explainJson = set.ExplainJson ?? await db.ResultSets.AsNoTracking().Where(r => r.Id == set.Id).Select(r => r.ExplainJson).SingleOrDefaultAsync(cancel);
        return new ExplainSet(versionRow.Version, scheme, schemeCode, StoredWeights(explainJson),
            stored.ToDictionary(i => i.Id, i => i.Code),
            stored.Where(i => i.GrowthOfId is not null).Select(i => i.Code).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The node weights of a track (those stored for no track when the track has none); empty when the set stored none.</summary>
    public IReadOnlyDictionary<string, (double Weight, double EffectiveWeight)> WeightsOf(string? track) =>
        _byTrack.GetOrAdd(track ?? string.Empty, _ =>
        {
            var mine = _weights.Where(r => r.Track == track).ToList();
            if (mine.Count == 0)
            {
                mine = _weights.Where(r => r.Track is null).ToList();
            }

            var map = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
            foreach (var r in mine)
            {
                map[r.Node] = (r.Weight, r.Effective);
            }

            return map;
        });

    /// <summary>Every stored weight row of the explanation JSON (track, node, weight, effective weight).</summary>
    private static IReadOnlyList<(string? Track, string Node, double Weight, double Effective)> StoredWeights(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using JsonDocument doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("weights", out JsonElement rows))
        {
            return [];
        }

        return rows.EnumerateArray().Select(r => (
            r.GetProperty("track").ValueKind == JsonValueKind.String ? r.GetProperty("track").GetString() : null,
            r.GetProperty("node").GetString() ?? string.Empty,
            Read(r, "weight"),
            Read(r, "effectiveWeight"))).ToList();

        static double Read(JsonElement e, string name) =>
            e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
    }
}
