using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>An escalation rule as given (the admin form): level yellow or red, periods in a row, points (negative: a deduction), the action (督办函, 约谈).</summary>
public sealed record EscalationRuleSpec(string? Level, int Times, double Points, string? Action);

/// <summary>
/// Escalation rules per scheme, as cities write them: "yellow twice in a row → 督办函 and −1
/// point", "red → −2 points and 约谈". The office sets a scheme's rules (all at once); when a
/// period is published (<see cref="FigureWorkflow.Publish"/>), each unit and indicator whose
/// warning has the rule's level in this period and in the published periods just before it (as
/// many as the rule says in a row) gets, in the same transaction, an open supervision item (督办,
/// source the warning, the action in its title) and, when the rule has points, an approved
/// adjustment with the reason, of the period after (the published period's results are final).
/// Each application happens once (the item's source key), however often the period's results
/// are stored.
/// </summary>
public sealed class EscalationService(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of a scheme's rules (key: the scheme's code).</summary>
    public const string Entity = "escalation_rules";

    /// <summary>How the source key of every item an escalation rule made begins (then scheme, period, unit, indicator, rule).</summary>
    public const string KeyPrefix = "esc/";

    /// <summary>Most rules of a scheme.</summary>
    public const int MaxRules = 20;

    /// <summary>Most periods in a row a rule counts.</summary>
    public const int MaxTimes = 12;

    /// <summary>Longest action.</summary>
    public const int MaxAction = 50;

    /// <summary>The levels a rule may name.</summary>
    public static readonly string[] Levels = ["yellow", "red"];

    /// <summary>A scheme's rules, in the order they were given.</summary>
    public async Task<IReadOnlyList<EscalationRule>> RulesAsync(long schemeId, CancellationToken cancel = default) =>
        await db.EscalationRules.AsNoTracking().Where(r => r.SchemeId == schemeId).OrderBy(r => r.Id).ToListAsync(cancel).ConfigureAwait(false);

    /// <summary>Replaces a scheme's rules (office only); malformed rules: <see cref="WorkflowCodes.EscalationInvalid"/>, nothing changed.</summary>
    public async Task<IReadOnlyList<EscalationRule>> SetRulesAsync(Actor actor, long schemeId, IReadOnlyList<EscalationRuleSpec> rules, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(rules);
        actor.RequireOffice("set escalation rules");
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));
        var errors = new List<ListError>();
        if (rules.Count > MaxRules)
        {
            errors.Add(new("rules", string.Create(CultureInfo.InvariantCulture, $"at most {MaxRules} rules")));
        }

        for (int i = 0; i < rules.Count; i++)
        {
            EscalationRuleSpec r = rules[i];
            string at = string.Create(CultureInfo.InvariantCulture, $"rules[{i}]");
            if (!Levels.Contains(r.Level?.Trim(), StringComparer.Ordinal))
            {
                errors.Add(new(at + ".level", "yellow or red"));
            }

            if (r.Times is < 1 or > MaxTimes)
            {
                errors.Add(new(at + ".times", string.Create(CultureInfo.InvariantCulture, $"1 to {MaxTimes} periods in a row")));
            }

            if (!double.IsFinite(r.Points) || Math.Abs(r.Points) > 100)
            {
                errors.Add(new(at + ".points", "-100 to 100"));
            }

            if (ListService.Clean(r.Action) is not { Length: <= MaxAction })
            {
                errors.Add(new(at + ".action", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {MaxAction} characters")));
            }
        }

        if (errors.Count > 0)
        {
            throw new WorkflowException(WorkflowCodes.EscalationInvalid, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
                errors.Count.ToString(CultureInfo.InvariantCulture));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        List<EscalationRule> old = await db.EscalationRules.Where(r => r.SchemeId == schemeId).OrderBy(r => r.Id).ToListAsync(cancel).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false);
        db.EscalationRules.RemoveRange(old);
        var made = rules.Select(r => new EscalationRule
        {
            SchemeId = schemeId, Level = r.Level!.Trim(), Times = r.Times, Points = r.Points, Action = r.Action!.Trim(), CreatedAt = now, CreatedBy = actor.Name,
        }).ToList();
        db.EscalationRules.AddRange(made);
        db.Audit.Add(AuditLog.Entry(now, actor, "set", Entity, scheme.Code, "rules", Describe(old), Describe(made)));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return made;
    }

    /// <summary>A rule as the audit trail and the admin form write it: <c>yellow×2→督办函(-1)</c>.</summary>
    public static string Describe(EscalationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return string.Create(CultureInfo.InvariantCulture, $"{rule.Level}×{rule.Times}→{rule.Action}({rule.Points:0.##})");
    }

    /// <summary>
    /// Applies a scheme's rules to the result set of a period just published (see the class).
    /// Called inside the publication's transaction; saves. Returns how many applications were made.
    /// </summary>
    internal static int Apply(SaimaDb db, Actor actor, AssessmentScheme scheme, string period, long resultSetId, DateTimeOffset now)
    {
        List<EscalationRule> rules = [.. db.EscalationRules.AsNoTracking().Where(r => r.SchemeId == scheme.Id).OrderBy(r => r.Id)];
        if (rules.Count == 0)
        {
            return 0;
        }

        int most = rules.Max(r => r.Times);
        List<string> before = [.. db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == scheme.Id && p.Status == PeriodStatus.Published && string.Compare(p.Code, period) < 0)
            .OrderByDescending(p => p.Code).Take(most - 1).Select(p => p.Code)];
        var sets = new List<long> { resultSetId };
        foreach (string p in before)
        {
            long? set = db.ResultSets.AsNoTracking().Where(r => r.SchemeId == scheme.Id && r.Period == p).OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefault();
            if (set is null)
            {
                break;
            }

            sets.Add(set.Value);
        }

        var levels = db.WarningResults.AsNoTracking().Where(w => sets.Contains(w.ResultSetId) && w.Level != null)
            .Select(w => new { w.ResultSetId, w.UnitId, w.Indicator, w.Level }).ToList()
            .ToDictionary(w => (w.ResultSetId, w.UnitId, w.Indicator), w => w.Level!);
        var units = db.Units.AsNoTracking().Where(u => db.SchemeUnits.Any(s => s.SchemeId == scheme.Id && s.UnitId == u.Id)).ToDictionary(u => u.Id, u => u.Code);
        var names = db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Code, i => i.Name, StringComparer.Ordinal);
        string prefix = $"{KeyPrefix}{scheme.Code}/{period}/";
        var known = db.ListItems.AsNoTracking().Where(i => i.SourceKey != null && i.SourceKey.StartsWith(prefix)).Select(i => i.SourceKey!).ToHashSet(StringComparer.Ordinal);
        string next = Next(period);
        int made = 0;
        foreach (EscalationRule rule in rules)
        {
            if (rule.Times > sets.Count)
            {
                continue;
            }

            var hits = levels.Where(l => l.Key.ResultSetId == resultSetId && l.Value == rule.Level)
                .Where(l => sets.Take(rule.Times).All(s => levels.TryGetValue((s, l.Key.UnitId, l.Key.Indicator), out string? v) && v == rule.Level))
                .Select(l => (l.Key.UnitId, l.Key.Indicator))
                .Where(h => units.ContainsKey(h.UnitId))
                .OrderBy(h => units[h.UnitId], StringComparer.Ordinal).ThenBy(h => h.Indicator, StringComparer.Ordinal);
            foreach ((long unitId, string indicator) in hits)
            {
                string unit = units[unitId];
                string key = prefix + unit + "/" + indicator + "/" + AuditLog.Text(rule.Id);
                if (!known.Add(key))
                {
                    continue;
                }

                string name = names.TryGetValue(indicator, out string? n) ? n : indicator;
                string level = rule.Level == "red" ? "红色" : "黄色";
                string times = rule.Times == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"连续 {rule.Times} 期");
                string points = rule.Points == 0 ? string.Empty
                    : string.Create(CultureInfo.InvariantCulture, $"，{(rule.Points < 0 ? "扣" : "加")} {Math.Abs(rule.Points):0.##} 分（计入 {next} 期）");
                var item = new ListItem
                {
                    Kind = ListKind.Supervision,
                    State = ListState.Open,
                    Title = $"{name}（{period}）{rule.Action}",
                    Description = $"{scheme.Name} {period}：{name}{times}{level}预警，按规则{rule.Action}{points}。",
                    SourceKind = ListSource.RedWarning,
                    SourceRef = $"{scheme.Code}/{period}/{unit}/{indicator}",
                    SourceKey = key,
                    SchemeId = scheme.Id,
                    Period = period,
                    Indicator = indicator,
                    OwnerUnitId = unitId,
                    CreatedAt = now,
                    CreatedBy = actor.Name,
                    UpdatedAt = now,
                };
                db.ListItems.Add(item);
                db.SaveChanges();
                db.Audit.Add(AuditLog.Entry(now, actor, "escalate", ListService.Entity, ListService.Key(item), "state", null, ListService.Text(ListState.Open), Describe(rule)));
                if (rule.Points != 0)
                {
                    AdjustmentService.Escalation(db, actor, scheme, unitId, unit, next, rule.Points,
                        $"{rule.Action}：{name} {period}{times}{level}预警（{Describe(rule)}）", now);
                }

                made++;
            }
        }

        db.SaveChanges();
        return made;
    }

    /// <summary>The period after a month, quarter or year (2025-12 → 2026-01, 2025-Q4 → 2026-Q1, 2025 → 2026).</summary>
    internal static string Next(string period)
    {
        if (!Period.TryParse(period, out Period p))
        {
            return period;
        }

        return p.Kind switch
        {
            PeriodKind.Month => p.Sub == 12 ? new Period(PeriodKind.Month, p.Year + 1, 1).ToString() : new Period(PeriodKind.Month, p.Year, p.Sub + 1).ToString(),
            PeriodKind.Quarter => p.Sub == 4 ? new Period(PeriodKind.Quarter, p.Year + 1, 1).ToString() : new Period(PeriodKind.Quarter, p.Year, p.Sub + 1).ToString(),
            _ => new Period(PeriodKind.Year, p.Year + 1, 0).ToString(),
        };
    }

    private static string Describe(IEnumerable<EscalationRule> rules) => string.Join("; ", rules.Select(Describe));
}
