using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Reports;

/// <summary>A grade (等次) of the annual rule: by quota (<see cref="Count"/> units, or <see cref="Share"/> of them) or by threshold (<see cref="Min"/>).</summary>
public sealed record AnnualGrade
{
    public required string Name { get; init; }

    /// <summary>Quota: the next this-many units in rank order (e.g. 18 of 95).</summary>
    public int? Count { get; init; }

    /// <summary>Quota: this share (0..1) of the ranked units, rounded down.</summary>
    public double? Share { get; init; }

    /// <summary>Threshold: composite score at least this.</summary>
    public double? Min { get; init; }
}

/// <summary>An award the office gives (e.g. 海豚奖 to the best): its name and what it is given for (<see cref="AnnualAwardKinds"/>).</summary>
public sealed record AnnualAward(string Name, string Kind);

/// <summary>What an award is given for.</summary>
public static class AnnualAwardKinds
{
    /// <summary>The best annual composite (rank 1).</summary>
    public const string Best = "best";

    /// <summary>The largest rank gain from the year's first published period to its last (进位最快).</summary>
    public const string MostImproved = "mostImproved";

    /// <summary>The smallest rank gain (the largest fall) from the year's first published period to its last; ties: the lower composite.</summary>
    public const string Slowest = "slowest";

    /// <summary>The lowest annual composite.</summary>
    public const string Last = "last";

    public static readonly IReadOnlyList<string> All = [Best, MostImproved, Slowest, Last];
}

/// <summary>How the year's composite is formed from the year's published periods.</summary>
public static class AnnualComposites
{
    /// <summary>The total score of the year's last published period (the default).</summary>
    public const string LastPeriod = "last";

    /// <summary>The mean of the total scores over the year's published periods the unit was scored in.</summary>
    public const string Mean = "mean";

    /// <summary>The weighted mean, weights by period code (a period not listed weighs 1).</summary>
    public const string Weighted = "weighted";

    public static readonly IReadOnlyList<string> All = [LastPeriod, Mean, Weighted];
}

/// <summary>
/// The office's annual rule for a scheme: how the composite is formed, how grades are given
/// (quota or threshold, over all units or per track) and which awards are given. Stored per
/// scheme as JSON (<see cref="AnnualRules"/>); a scheme without one uses <see cref="Default"/>.
/// </summary>
public sealed record AnnualRule
{
    public string Composite { get; init; } = AnnualComposites.LastPeriod;

    /// <summary>Weights by period code for <see cref="AnnualComposites.Weighted"/>.</summary>
    public IReadOnlyDictionary<string, double>? Weights { get; init; }

    /// <summary>quota or threshold.</summary>
    public string GradeBy { get; init; } = "quota";

    /// <summary>Grades are given within each track (quotas per track) rather than over all units.</summary>
    public bool GradePerTrack { get; init; }

    /// <summary>Best first; the last grade takes every unit the others leave.</summary>
    public IReadOnlyList<AnnualGrade> Grades { get; init; } =
    [
        new() { Name = "优秀", Share = 0.2 }, new() { Name = "良好", Share = 0.3 }, new() { Name = "一般", Share = 0.3 }, new() { Name = "较差" },
    ];

    public IReadOnlyList<AnnualAward> Awards { get; init; } =
    [
        new("海豚奖", AnnualAwardKinds.Best), new("进位最快", AnnualAwardKinds.MostImproved), new("乌龟奖", AnnualAwardKinds.Slowest),
    ];

    public static AnnualRule Default { get; } = new();

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="WorkflowException"><see cref="WorkflowCodes.AnnualRuleInvalid"/>: not JSON of a rule, or an invalid one.</exception>
    public static AnnualRule Parse(string json)
    {
        AnnualRule? rule;
        try
        {
            rule = JsonSerializer.Deserialize<AnnualRule>(json, Json);
        }
        catch (JsonException e)
        {
            throw Invalid($"not an annual rule: {e.Message}");
        }

        rule ??= Default;
        rule.Validate();
        return rule;
    }

    /// <summary>Refuses a rule that cannot be applied (<see cref="WorkflowCodes.AnnualRuleInvalid"/>).</summary>
    public void Validate()
    {
        if (!AnnualComposites.All.Contains(Composite))
        {
            throw Invalid($"composite '{Composite}' is not one of {string.Join(", ", AnnualComposites.All)}");
        }

        if (Weights is not null && Weights.Values.Any(w => !double.IsFinite(w) || w < 0))
        {
            throw Invalid("weights must be finite and not negative");
        }

        if (GradeBy is not ("quota" or "threshold"))
        {
            throw Invalid($"gradeBy '{GradeBy}' is not quota or threshold");
        }

        if (Grades is null || Grades.Count == 0 || Grades.Any(g => string.IsNullOrWhiteSpace(g.Name)))
        {
            throw Invalid("at least one grade, each with a name, is needed");
        }

        foreach (AnnualGrade g in Grades.Take(Grades.Count - 1))
        {
            bool ok = GradeBy == "quota"
                ? (g.Count is >= 0) ^ (g.Share is double s && s >= 0 && s <= 1) && g.Min is null
                : g.Min is double m && double.IsFinite(m) && g.Count is null && g.Share is null;
            if (!ok)
            {
                throw Invalid(GradeBy == "quota"
                    ? $"grade '{g.Name}': a quota grade has a count or a share (0..1), not both"
                    : $"grade '{g.Name}': a threshold grade has a finite min");
            }
        }

        if (GradeBy == "threshold" && Grades.Zip(Grades.Skip(1)).Any(p => p.Second.Min is double b && p.First.Min is double a && b > a))
        {
            throw Invalid("threshold grades go from the highest min down");
        }

        if (Awards is null || Awards.Any(a => string.IsNullOrWhiteSpace(a.Name) || !AnnualAwardKinds.All.Contains(a.Kind)))
        {
            throw Invalid($"each award has a name and a kind ({string.Join(", ", AnnualAwardKinds.All)})");
        }
    }

    private static WorkflowException Invalid(string what) =>
        new(WorkflowCodes.AnnualRuleInvalid, $"the annual rule is not valid: {what}", what);
}

/// <summary>
/// The one door for a scheme's annual rule: <see cref="SetAsync"/> (office only, validated,
/// audited with the old and new JSON) and <see cref="GetAsync"/> (the defaults when unset).
/// </summary>
public sealed class AnnualRules(SaimaDb db, TimeProvider clock)
{
    public const string Entity = "annual_rule";

    public async Task<AnnualRule> GetAsync(long schemeId, CancellationToken cancel = default)
    {
        string? json = await db.AnnualRules.AsNoTracking().Where(r => r.SchemeId == schemeId).Select(r => r.RuleJson).SingleOrDefaultAsync(cancel);
        return json is null ? AnnualRule.Default : AnnualRule.Parse(json);
    }

    /// <summary>Sets the scheme's annual rule.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="NotFoundException">No such scheme.</exception>
    /// <exception cref="WorkflowException">The rule is not valid.</exception>
    public async Task SetAsync(Actor actor, string schemeCode, AnnualRule rule, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(rule);
        actor.RequireOffice("set the annual rule");
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        rule.Validate();
        string json = rule.ToJson();
        AnnualRuleRow? row = await db.AnnualRules.SingleOrDefaultAsync(r => r.SchemeId == scheme.Id, cancel);
        string? old = row?.RuleJson;
        DateTimeOffset now = StoreTime.Now(clock);
        if (row is null)
        {
            db.AnnualRules.Add(new AnnualRuleRow { SchemeId = scheme.Id, RuleJson = json, UpdatedAt = now, UpdatedBy = actor.Name });
        }
        else
        {
            row.RuleJson = json;
            row.UpdatedAt = now;
            row.UpdatedBy = actor.Name;
        }

        db.Audit.Add(AuditLog.Entry(now, actor, row is null ? "create" : "update", Entity, scheme.Code, "rule", old, json, reason));
        await db.SaveChangesAsync(cancel);
    }
}

/// <summary>One unit's line of the annual results.</summary>
public sealed record AnnualRow(
    int? Rank, string Code, string Name, string? Track, int? TrackRank, double? Composite, int Periods,
    int? FirstRank, int? LastRank, string? Grade)
{
    /// <summary>Rank gain from the year's first published period to its last (positive: up).</summary>
    public int? Gain => FirstRank is int a && LastRank is int b ? a - b : null;
}

/// <summary>An award given, to whom, and why (computed from the data).</summary>
public sealed record AnnualAwardGiven(string Award, string Kind, string Code, string Name, string Reason);

/// <summary>
/// The annual results (年度结果) of a scheme and year: the composite per unit from the year's
/// published periods as the annual rule says, rank overall and per track, grades and awards with
/// their reasons, and a factual text. Read from stored, published results only.
/// </summary>
public sealed record AnnualContent(
    string Office, string SchemeCode, string SchemeName, int Year, IReadOnlyList<string> Periods, AnnualRule Rule,
    IReadOnlyList<AnnualRow> Rows, IReadOnlyList<AnnualAwardGiven> Awards, string Text, DateTimeOffset GeneratedAt, string TimeZone)
{
    public string Title => string.Create(CultureInfo.InvariantCulture, $"关于{Year}年度{SchemeName}考核结果的通报");

    public string GeneratedLine => Publications.GeneratedLine(GeneratedAt, TimeZone);

    public bool HasTracks => Rows.Any(r => r.Track is not null);

    /// <summary>How the composite was formed, in Chinese.</summary>
    public string CompositeText => Rule.Composite switch
    {
        AnnualComposites.Mean => $"{Periods.Count}期得分的平均值",
        AnnualComposites.Weighted => $"{Periods.Count}期得分的加权平均值",
        _ => $"年内最后一期（{CircularReader.PeriodText(Periods[^1])}）的得分",
    };
}

/// <summary>
/// Reads the annual results: <see cref="WorkflowCodes.NoScheme"/> for an unknown scheme,
/// <see cref="WorkflowCodes.PeriodNotPublished"/> (naming the year) when the year has no published period.
/// </summary>
public sealed class AnnualReader(SaimaDb db, TimeProvider clock)
{
    public async Task<AnnualContent> ReadAsync(string schemeCode, int year, string? office = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(schemeCode);
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        string y = year.ToString(CultureInfo.InvariantCulture);
        var sets = (await Publications.PublishedAsync(db, scheme.Id, cancel))
            .Where(p => p.Period == y || p.Period.StartsWith(y + "-", StringComparison.Ordinal)).ToList();
        if (sets.Count == 0)
        {
            throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
                $"year {y} of scheme '{schemeCode}' has no published period (or none with results); only published periods are reported", y, schemeCode);
        }

        AnnualRule rule = await new AnnualRules(db, clock).GetAsync(scheme.Id, cancel);
        long versionId = sets[^1].SchemeVersionId;
        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == versionId).Select(v => v.Json).SingleAsync(cancel);
        Scheme parsed = SchemeParser.Parse(json);
        string node = parsed.Groups[parsed.RootGroup].Code;
        var setIds = sets.Select(s => s.ResultSetId).ToList();
        var stored = await db.ResultRows.AsNoTracking().Where(r => setIds.Contains(r.ResultSetId) && r.Node == node)
            .Select(r => new { r.ResultSetId, r.UnitId, r.Score, r.Rank }).ToListAsync(cancel);
        var ids = stored.Select(r => r.UnitId).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), cancel);
        var tracks = await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).ToDictionaryAsync(su => su.UnitId, su => su.Track, cancel);
        var bySet = stored.GroupBy(r => r.ResultSetId).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.UnitId));

        var composites = new Dictionary<long, (double? Composite, int Periods, int? First, int? Last)>();
        foreach (long unit in units.Keys)
        {
            var scored = sets.Select(s => (s.Period, Row: bySet.GetValueOrDefault(s.ResultSetId)?.GetValueOrDefault(unit)))
                .Where(x => x.Row?.Score is double d && double.IsFinite(d)).ToList();
            double? composite = rule.Composite switch
            {
                AnnualComposites.Mean => scored.Count == 0 ? null : scored.Average(x => x.Row!.Score!.Value),
                AnnualComposites.Weighted => Weighted(scored.Select(x => (x.Period, x.Row!.Score!.Value)), rule.Weights),
                _ => bySet.GetValueOrDefault(sets[^1].ResultSetId)?.GetValueOrDefault(unit)?.Score,
            };
            int? first = bySet.GetValueOrDefault(sets[0].ResultSetId)?.GetValueOrDefault(unit)?.Rank;
            int? last = bySet.GetValueOrDefault(sets[^1].ResultSetId)?.GetValueOrDefault(unit)?.Rank;
            composites[unit] = (composite is double c && double.IsFinite(c) ? c : null, scored.Count, first, last);
        }

        var rank = CompetitionRanks(composites.Where(c => c.Value.Composite is not null).ToDictionary(c => c.Key, c => c.Value.Composite!.Value));
        var trackRank = new Dictionary<long, int>();
        foreach (var group in composites.Where(c => c.Value.Composite is not null && tracks.GetValueOrDefault(c.Key) is not null)
                     .GroupBy(c => tracks[c.Key]!, StringComparer.Ordinal))
        {
            foreach (var (u, r) in CompetitionRanks(group.ToDictionary(c => c.Key, c => c.Value.Composite!.Value)))
            {
                trackRank[u] = r;
            }
        }

        var grades = new Dictionary<long, string>();
        var gradeGroups = rule.GradePerTrack
            ? rank.Keys.GroupBy(u => tracks.GetValueOrDefault(u) ?? string.Empty).Select(g => g.ToDictionary(u => u, u => trackRank.TryGetValue(u, out int r) ? r : rank[u]))
            : [rank];
        foreach (var group in gradeGroups)
        {
            foreach (var (u, g) in Grade(rule, group, u => composites[u].Composite!.Value))
            {
                grades[u] = g;
            }
        }

        var rows = units.Select(u => new AnnualRow(rank.TryGetValue(u.Key, out int r) ? r : null, u.Value.Code, u.Value.Name, tracks.GetValueOrDefault(u.Key),
                trackRank.TryGetValue(u.Key, out int tr) ? tr : null, composites[u.Key].Composite, composites[u.Key].Periods,
                composites[u.Key].First, composites[u.Key].Last, grades.GetValueOrDefault(u.Key)))
            .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        var periods = sets.Select(s => s.Period).ToList();
        var awards = Awards(rule, rows, periods);
        string officeName = await Publications.OfficeAsync(db, office, cancel);
        string zone = await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel);
        var content = new AnnualContent(officeName, scheme.Code, scheme.Name, year, periods, rule, rows, awards, string.Empty, clock.GetUtcNow(), zone);
        return content with { Text = AnnualText(content) };
    }

    private static double? Weighted(IEnumerable<(string Period, double Score)> scored, IReadOnlyDictionary<string, double>? weights)
    {
        double sum = 0, total = 0;
        foreach (var (p, s) in scored)
        {
            double w = weights is not null && weights.TryGetValue(p, out double given) ? given : 1;
            sum += w * s;
            total += w;
        }

        return total > 0 ? sum / total : null;
    }

    /// <summary>Competition ranks (1, 1, 3) by composite, highest first.</summary>
    private static Dictionary<long, int> CompetitionRanks(Dictionary<long, double> scores)
    {
        var ordered = scores.OrderByDescending(s => s.Value).ToList();
        var ranks = new Dictionary<long, int>(ordered.Count);
        for (int i = 0; i < ordered.Count; i++)
        {
            ranks[ordered[i].Key] = i > 0 && ordered[i].Value == ordered[i - 1].Value ? ranks[ordered[i - 1].Key] : i + 1;
        }

        return ranks;
    }

    /// <summary>
    /// Grades of one group (all units, or one track) by the rule. Quotas: grade k takes the units whose
    /// rank is within the quotas of grades 1..k (ties at a boundary share the better grade); shares are
    /// of the group's ranked units, rounded down. Thresholds: the first grade whose min the composite reaches.
    /// </summary>
    internal static Dictionary<long, string> Grade(AnnualRule rule, IReadOnlyDictionary<long, int> ranks, Func<long, double> composite)
    {
        var grades = new Dictionary<long, string>();
        int n = ranks.Count;
        foreach (var (unit, rank) in ranks)
        {
            string grade = rule.Grades[^1].Name;
            if (rule.GradeBy == "quota")
            {
                int upTo = 0;
                foreach (AnnualGrade g in rule.Grades.Take(rule.Grades.Count - 1))
                {
                    upTo += g.Count ?? (int)Math.Floor((g.Share ?? 0) * n + 1e-9);
                    if (rank <= upTo)
                    {
                        grade = g.Name;
                        break;
                    }
                }
            }
            else
            {
                grade = rule.Grades.Take(rule.Grades.Count - 1).FirstOrDefault(g => composite(unit) >= g.Min)?.Name ?? grade;
            }

            grades[unit] = grade;
        }

        return grades;
    }

    private static List<AnnualAwardGiven> Awards(AnnualRule rule, List<AnnualRow> rows, List<string> periods)
    {
        var ranked = rows.Where(r => r.Rank is not null).ToList();
        var given = new List<AnnualAwardGiven>();
        string first = CircularReader.PeriodText(periods[0]), last = CircularReader.PeriodText(periods[^1]);
        foreach (AnnualAward award in rule.Awards)
        {
            switch (award.Kind)
            {
                case AnnualAwardKinds.Best:
                    foreach (AnnualRow r in ranked.Where(r => r.Rank == 1))
                    {
                        given.Add(new(award.Name, award.Kind, r.Code, r.Name, $"年度综合得分{Publications.Shown(r.Composite)}分，列第1名"));
                    }

                    break;
                case AnnualAwardKinds.Last:
                    int worst = ranked.Count == 0 ? 0 : ranked.Max(r => r.Rank!.Value);
                    foreach (AnnualRow r in ranked.Where(r => r.Rank == worst))
                    {
                        given.Add(new(award.Name, award.Kind, r.Code, r.Name,
                            string.Create(CultureInfo.InvariantCulture, $"年度综合得分{Publications.Shown(r.Composite)}分，列第{worst}名（末位）")));
                    }

                    break;
                default:
                    if (periods.Count < 2)
                    {
                        break;
                    }

                    var moved = ranked.Where(r => r.Gain is not null).ToList();
                    if (moved.Count == 0)
                    {
                        break;
                    }

                    bool up = award.Kind == AnnualAwardKinds.MostImproved;
                    int best = up ? moved.Max(r => r.Gain!.Value) : moved.Min(r => r.Gain!.Value);
                    var tied = moved.Where(r => r.Gain == best).ToList();

                    // Ties: the better annual rank for the most improved, the worse one for the slowest.
                    int tieRank = up ? tied.Min(r => r.Rank!.Value) : tied.Max(r => r.Rank!.Value);
                    foreach (AnnualRow r in tied.Where(r => r.Rank == tieRank))
                    {
                        string move = r.Gain switch
                        {
                            > 0 => string.Create(CultureInfo.InvariantCulture, $"上升{r.Gain}位"),
                            < 0 => string.Create(CultureInfo.InvariantCulture, $"下降{-r.Gain}位"),
                            _ => "名次未变",
                        };
                        given.Add(new(award.Name, award.Kind, r.Code, r.Name,
                            string.Create(CultureInfo.InvariantCulture, $"名次由{first}的第{r.FirstRank}名变为{last}的第{r.LastRank}名，{move}")));
                    }

                    break;
            }
        }

        return given;
    }

    private static string AnnualText(AnnualContent c)
    {
        var s = new StringBuilder();
        var ranked = c.Rows.Where(r => r.Rank is not null).ToList();
        s.Append(CultureInfo.InvariantCulture,
            $"{c.Year}年度{c.SchemeName}考核依据已发布的{c.Periods.Count}期结果（{CircularReader.PeriodText(c.Periods[0])}至{CircularReader.PeriodText(c.Periods[^1])}），年度综合得分取{c.CompositeText}，共{ranked.Count}个单位参加排名。");
        foreach (var g in c.Rule.Grades)
        {
            var named = ranked.Where(r => r.Grade == g.Name).ToList();
            if (named.Count > 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"评为{g.Name}的{named.Count}个：{string.Join("、", named.Select(r => r.Name))}。");
            }
        }

        foreach (var a in c.Awards)
        {
            s.Append(CultureInfo.InvariantCulture, $"{a.Award}：{a.Name}（{a.Reason}）。");
        }

        return s.ToString();
    }
}
