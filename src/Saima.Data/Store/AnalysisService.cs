using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// One indicator's answer to "what would it take": the unit's value, the value that first brings it
/// to the rank sought (others' figures fixed), the change relative to the value, and — for adopting
/// it as next year's target — the annual target it means (for a cumulative indicator, the needed
/// year-to-date value carried to the year's end by time progress).
/// </summary>
public sealed record WhatItTakesStep(string Indicator, string Name, double? Value, double? Needed, bool Reachable, double? ChangePercent, bool Cumulative, double? AnnualTarget)
{
    /// <summary>
    /// The monthly path of <see cref="AnnualTarget"/> by time progress (双过半): month m's value is
    /// the target × m/12 for a cumulative indicator, the target itself otherwise.
    /// </summary>
    public IReadOnlyList<double> MonthlyPath => AnnualTarget is not double t ? [] : [.. Enumerable.Range(1, 12).Select(m => Cumulative ? t * m / 12 : t)];
}

/// <summary>What it takes for one unit in one stored result set: one place up, and first place, with the indicators in order of the smallest relative change.</summary>
public sealed record WhatItTakesAnswer(string Period, int NextYear, int Rank, int Ranked, IReadOnlyList<WhatItTakesStep> OneUp, IReadOnlyList<WhatItTakesStep> First, long ElapsedMs);

/// <summary>
/// Benchmarking and analysis on stored, published results: what it takes (from the result set's
/// stored inputs, never recomputing the set) and the doors that write the office's analysis
/// choices and adopt a needed value as a target, each checking role and scope and auditing.
/// </summary>
public sealed class AnalysisService(SaimaDb db, TimeProvider clock)
{
    /// <summary>The inputs a stored result set was scored from (for what it takes; read once per set and kept by the caller).</summary>
    public ScoringInputs InputsOf(ResultSet set) => ScoringInputs.LoadAsStored(db, set);

    /// <summary>
    /// What it takes for unit <paramref name="unitId"/> at the root of the set's period: the
    /// indicators for one place up and for first place, each ordered by the smallest relative change
    /// (unreachable ones last). Null when the unit has no rank there. Pure computation on the inputs,
    /// on at most <paramref name="maxDegreeOfParallelism"/> cores (null: all; the answer does not depend on it).
    /// </summary>
    public static WhatItTakesAnswer? WhatItTakes(ScoringInputs inputs, long unitId, int rank, int ranked, IReadOnlyDictionary<string, string>? names = null, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int global = Array.IndexOf(inputs.UnitIds, unitId);
        if (global < 0 || rank < 1)
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        string code = inputs.Dataset.UnitCodes[global];
        IReadOnlyList<WhatItTakesStep> Search(int wanted)
        {
            if (wanted < 1 || wanted >= rank)
            {
                return [];
            }

            IReadOnlyList<WhatIfRow> rows;
            try
            {
                rows = Scoring.WhatItTakes.Search(inputs.Scheme, inputs.Dataset, new WhatIfQuery
                {
                    Period = inputs.Dataset.Periods.Length - 1,
                    Unit = code,
                    Rank = wanted,
                    MaxDegreeOfParallelism = maxDegreeOfParallelism,
                });
            }
            catch (ScoringException)
            {
                return [];
            }

            // Time progress of the period (June: 6/12): a cumulative needed value carried to the year's end.
            double progress = Scoring.Period.TryParse(inputs.Period, out Period p) && p.ExpectedProgress > 0 ? p.ExpectedProgress / 100 : 1;
            return rows.Select(w =>
            {
                IndicatorDef def = inputs.Scheme.Indicators[w.Indicator];
                double? needed = w.Reachable && double.IsFinite(w.Needed) ? w.Needed : null;
                double? annual = needed is double n ? (def.Cumulative ? n / progress : n) : null;
                return new WhatItTakesStep(def.Code, names?.GetValueOrDefault(def.Code) ?? def.Name ?? def.Code, double.IsNaN(w.Value) ? null : w.Value,
                    needed, needed is not null, needed is not null && double.IsFinite(w.ChangePercent) ? w.ChangePercent : null, def.Cumulative, annual);
            })
            .OrderBy(s => s.Reachable ? 0 : 1)
            .ThenBy(s => s.ChangePercent is double c ? Math.Abs(c) : double.MaxValue)
            .ThenBy(s => s.Indicator, StringComparer.Ordinal)
            .ToList();
        }

        IReadOnlyList<WhatItTakesStep> oneUp = Search(rank - 1);
        IReadOnlyList<WhatItTakesStep> first = rank - 1 == 1 ? oneUp : Search(1);
        int year = Scoring.Period.TryParse(inputs.Period, out Period at) ? at.Year : 0;
        return new WhatItTakesAnswer(inputs.Period, year + 1, rank, ranked, oneUp, first, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// Adopts a value as a unit's target of an indicator for a year (e.g. a needed value from what
    /// it takes, as next year's target): the office for any unit, a reviewer for a unit within its
    /// own (or any, when it has none); everyone else is refused with
    /// <see cref="WorkflowCodes.AnalysisScope"/>. Written as <see cref="SchemeService.SetTarget"/>
    /// writes targets (one row per unit, indicator and year), audited with the reason.
    /// </summary>
    public async Task<Target> AdoptTargetAsync(Actor actor, long schemeId, long unitId, string indicatorCode, int year, double value, string? reason, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(indicatorCode);
        actor.Validate();
        Unit unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Id == unitId, cancel)
            ?? throw new NotFoundException($"unit {unitId.ToString(CultureInfo.InvariantCulture)} does not exist");
        bool allowed = actor.Role switch
        {
            ActorRole.Office => true,
            ActorRole.Reviewer => actor.UnitId is not { } scope || (await UnitTree.WithUnitsBelowAsync(db, scope, cancel)).Contains(unitId),
            _ => false,
        };
        if (!allowed)
        {
            throw new AccessDeniedException(WorkflowCodes.AnalysisScope,
                $"{actor} may not adopt targets for unit '{unit.Code}': only the office, or a reviewer for a unit within its own, may", actor.Name, unit.Code);
        }

        if (!double.IsFinite(value))
        {
            throw new WorkflowException(WorkflowCodes.AnalysisInvalid, "a target must be a finite number", "a target must be a finite number");
        }

        if (!await db.SchemeUnits.AnyAsync(su => su.SchemeId == schemeId && su.UnitId == unitId, cancel))
        {
            throw new NotFoundException($"unit '{unit.Code}' does not take part in scheme {schemeId.ToString(CultureInfo.InvariantCulture)}");
        }

        Indicator indicator = await db.Indicators.AsNoTracking().SingleOrDefaultAsync(i => i.SchemeId == schemeId && i.Code == indicatorCode, cancel)
            ?? throw new NotFoundException($"'{indicatorCode}' is not an indicator of scheme {schemeId.ToString(CultureInfo.InvariantCulture)}");

        // The target door writes the row and its audit line; it asks the office's role of whoever
        // calls it, so the scope checked above is the rule here, and the audit names the real actor.
        var door = new SchemeService(db, clock);
        string why = string.IsNullOrWhiteSpace(reason) ? "adopted from what it takes" : reason.Trim();
        return door.SetTargetAs(actor, schemeId, unitId, indicator.Id, year, value, why);
    }

    /// <summary>
    /// Stores the office's analysis settings of a scheme: the step alternatives the rank intervals
    /// draw from (ALT.json, checked by parsing; null or blank: weights only) and the context
    /// indicators nearest peers are found by (codes of the scheme). Audited with old and new.
    /// </summary>
    public async Task<AnalysisSettings> SetSettingsAsync(Actor actor, long schemeId, string? alternativesJson, IReadOnlyList<string> contextIndicators, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(contextIndicators);
        actor.RequireOffice("change the analysis settings");
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));
        string? alternatives = string.IsNullOrWhiteSpace(alternativesJson) ? null : alternativesJson.Trim();
        if (alternatives is not null)
        {
            try
            {
                SchemeParser.ParseAlternatives(alternatives);
            }
            catch (SchemeException e)
            {
                throw new WorkflowException(WorkflowCodes.AnalysisInvalid, $"the alternatives are not valid: {e.Message}", $"alternatives {e.Path}: {e.Reason}");
            }
        }

        var codes = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).Select(i => i.Code).ToListAsync(cancel);
        var context = contextIndicators.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        string? unknown = context.FirstOrDefault(c => !codes.Contains(c, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new WorkflowException(WorkflowCodes.AnalysisInvalid, $"'{unknown}' is not an indicator of scheme '{scheme.Code}'", $"'{unknown}' is not an indicator of the scheme");
        }

        DateTimeOffset now = StoreTime.Now(clock);
        AnalysisSettings? row = await db.AnalysisSettings.SingleOrDefaultAsync(s => s.SchemeId == schemeId, cancel);
        string newContext = string.Join(",", context);
        string? oldAlternatives = row?.AlternativesJson, oldContext = row?.ContextIndicators;
        if (row is null)
        {
            row = new AnalysisSettings { SchemeId = schemeId, ContextIndicators = newContext, UpdatedBy = actor.Name };
            db.AnalysisSettings.Add(row);
        }

        row.AlternativesJson = alternatives;
        row.ContextIndicators = newContext;
        row.UpdatedAt = now;
        row.UpdatedBy = actor.Name;
        if (!string.Equals(oldAlternatives, alternatives, StringComparison.Ordinal))
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.SchemeEntity, scheme.Code, "analysis_alternatives", oldAlternatives, alternatives));
        }

        if (!string.Equals(oldContext, newContext, StringComparison.Ordinal))
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.SchemeEntity, scheme.Code, "analysis_context", oldContext, newContext));
        }

        await db.SaveChangesAsync(cancel);
        return row;
    }

    /// <summary>The analysis settings of a scheme, or null when the office has set none (weights only, no context indicators).</summary>
    public Task<AnalysisSettings?> SettingsAsync(long schemeId, CancellationToken cancel = default) =>
        db.AnalysisSettings.AsNoTracking().SingleOrDefaultAsync(s => s.SchemeId == schemeId, cancel);
}
