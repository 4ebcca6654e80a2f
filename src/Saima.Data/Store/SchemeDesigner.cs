using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>A dimension (group, 维度) of a new scheme with its weight among the dimensions.</summary>
public sealed record DimensionDraft(string Code, string Name, double Weight = 1);

/// <summary>
/// An indicator of a new scheme as the form or an indicator file gives it. <see cref="Rule"/> is a
/// method code or Chinese name of <see cref="SchemeRules.All"/> (empty: min-max),
/// <see cref="RuleParams"/> its parameters' text (<c>满分=10, 封顶=1.2</c>).
/// </summary>
public sealed record IndicatorDraft(string Code, string Name)
{
    public string? NameEn { get; init; }
    public string? Dimension { get; init; }
    public int Direction { get; init; } = 1;
    public string? UnitOfMeasure { get; init; }
    public double Weight { get; init; } = 1;
    public string? Rule { get; init; }
    public string? RuleParams { get; init; }

    /// <summary>Null or empty: the scheme's frequency.</summary>
    public string? Frequency { get; init; }
    public bool Cumulative { get; init; }
    public string? SourceUnitCode { get; init; }
    public double? MinPlausible { get; init; }
    public double? MaxPlausible { get; init; }
    public bool IsPublic { get; init; }
}

/// <summary>Units taking part by kind and/or parent (e.g. every county under the city), all in one track or none.</summary>
public sealed record UnitPick(UnitKind? Kind, string? ParentCode, string? Track);

/// <summary>
/// A new scheme from the office's form: its code and names, frequency, how its dimensions add up
/// (<c>arithmetic</c>: weighted mean, <c>sum</c>: points added up), the units (by <see cref="Picks"/>
/// and one by one in <see cref="Units"/>), the dimensions and the indicators.
/// </summary>
public sealed record SchemeDraft(string Code, string Name, string Frequency)
{
    public string? NameEn { get; init; }
    public string Aggregate { get; init; } = "arithmetic";
    public IReadOnlyList<UnitPick> Picks { get; init; } = [];
    public IReadOnlyList<SchemeUnitSpec> Units { get; init; } = [];
    public IReadOnlyList<DimensionDraft> Dimensions { get; init; } = [];
    public IReadOnlyList<IndicatorDraft> Indicators { get; init; } = [];
}

/// <summary>
/// One problem of a draft, beside its field: <see cref="Field"/> is the form's key (<c>Code</c>,
/// <c>Picks[0].Parent</c>, <c>Dims[1].Weight</c>, <c>Inds[2].Rule</c>…), <see cref="Code"/> one of
/// the constants here and <see cref="Args"/> its arguments; <see cref="Message"/> is English (for
/// an engine refusal, the engine's reason; <see cref="Args"/>[0] is then its JSON path).
/// </summary>
public sealed record DraftError(string Field, string Code, IReadOnlyList<string> Args, string Message)
{
    /// <summary>The field is required.</summary>
    public const string Missing = "Missing";

    /// <summary>{0} code: not a valid code (letters, digits, - _ . only, at most 50).</summary>
    public const string BadCode = "BadCode";

    /// <summary>{0} code: appears twice.</summary>
    public const string Twice = "Twice";

    /// <summary>{0} code: a scheme has it already.</summary>
    public const string Taken = "Taken";

    /// <summary>{0} value: not month, quarter or year.</summary>
    public const string BadFrequency = "BadFrequency";

    /// <summary>{0} dimension code: not a dimension of the draft.</summary>
    public const string NoDimension = "NoDimension";

    /// <summary>{0} weight: not a finite number ≥ 0.</summary>
    public const string BadWeight = "BadWeight";

    /// <summary>{0} min, {1} max: an empty plausible range.</summary>
    public const string BadRange = "BadRange";

    /// <summary>{0} unit code: no such unit.</summary>
    public const string NoUnit = "NoUnit";

    /// <summary>{0} unit code: not a department, cannot supply figures.</summary>
    public const string NotDepartment = "NotDepartment";

    /// <summary>A pick without kind nor parent, or that matches no unit.</summary>
    public const string EmptyPick = "EmptyPick";

    /// <summary>No unit takes part.</summary>
    public const string NoUnits = "NoUnits";

    /// <summary>No indicator.</summary>
    public const string NoIndicators = "NoIndicators";

    /// <summary>{0} unit code, {1} track, {2} other track: picked in two tracks.</summary>
    public const string TwoTracks = "TwoTracks";

    /// <summary>{0} unit code: without a track while others have one.</summary>
    public const string TrackMixed = "TrackMixed";

    /// <summary>{0} rule: not a rule the form offers.</summary>
    public const string RuleUnknown = "RuleUnknown";

    /// <summary>{0} key, {1} rule name: not a parameter of the rule.</summary>
    public const string RuleParamUnknown = "RuleParamUnknown";

    /// <summary>{0} parameter (Chinese), {1} parameter (engine key): required by the rule.</summary>
    public const string RuleParamMissing = "RuleParamMissing";

    /// <summary>{0} parameter, {1} text: not a number (or list of numbers, or basis).</summary>
    public const string RuleParamNumber = "RuleParamNumber";

    /// <summary>{0} direction: not 1 or -1.</summary>
    public const string BadDirection = "BadDirection";

    /// <summary>{0} JSON path: the engine refused the scheme there; the message is its reason.</summary>
    public const string Engine = "Engine";
}

/// <summary>A draft with errors, each beside its field. Nothing was stored.</summary>
public sealed class SchemeDraftException(IReadOnlyList<DraftError> errors)
    : WorkflowException(WorkflowCodes.SchemeDraftInvalid, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors.Count.ToString(CultureInfo.InvariantCulture))
{
    public IReadOnlyList<DraftError> Errors { get; } = errors;
}

/// <summary>What a checked draft gives: the engine's JSON and the units taking part (the first <see cref="SampleSize"/> of them, with their tracks).</summary>
public sealed record DraftCheck(string Json, int UnitCount, IReadOnlyList<SchemeUnitSpec> Sample)
{
    public const int SampleSize = 50;
}

/// <summary>A copy of a scheme as the start of another year: new code and names; targets of <see cref="TargetsFrom"/> moved to <see cref="TargetsTo"/> when given.</summary>
public sealed record SchemeCopy(string Code, string Name)
{
    public string? NameEn { get; init; }
    public int? TargetsFrom { get; init; }
    public int? TargetsTo { get; init; }
}

/// <summary>An indicator that a unit enters (or a department supplies): the scheme, the indicator, for which units, and who supplies it if not the reader.</summary>
public sealed record MineRow(
    string SchemeCode, string SchemeName, string? SchemeNameEn, string IndicatorCode, string IndicatorName, string? IndicatorNameEn,
    string? UnitOfMeasure, string Frequency, bool Cumulative, bool Mine, int UnitCount, string? SourceCode, string? SourceName, string? SourceNameEn);

/// <summary>
/// The office designs schemes in the browser: a new scheme from a form (<see cref="CreateAsync"/>,
/// built into the engine's JSON and validated by the engine before anything is stored), a copy of
/// a scheme as the next year's start (<see cref="CopyAsync"/>), and which department supplies which
/// indicator (<see cref="SetSourceAsync"/>); and every reporter's or department's list of what is
/// theirs to enter (<see cref="MineAsync"/>). Every change is audited.
/// </summary>
public sealed class SchemeDesigner(SaimaDb db, TimeProvider clock)
{
    /// <summary>The root group's code in the JSON a draft becomes.</summary>
    public const string RootCode = "Total";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] Frequencies = ["month", "quarter", "year"];

    /// <summary>Checks a draft as <see cref="CreateAsync"/> would, the engine included; stores nothing.</summary>
    /// <exception cref="SchemeDraftException">Every problem, beside its field.</exception>
    public async Task<DraftCheck> CheckAsync(Actor actor, SchemeDraft draft, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("design schemes");
        NewScheme spec = await PrepareAsync(draft, cancel);
        return new DraftCheck(spec.Json, spec.Units.Count, spec.Units.Take(DraftCheck.SampleSize).ToList());
    }

    /// <summary>
    /// Creates the scheme of a draft: checks every field (codes, names, weights, ranges, rules,
    /// units, sources), builds the engine's JSON, lets the engine validate it, then stores the
    /// scheme, its units, indicators and first version in one transaction, audited.
    /// </summary>
    /// <exception cref="SchemeDraftException">Every problem, beside its field; nothing stored.</exception>
    public async Task<AssessmentScheme> CreateAsync(Actor actor, SchemeDraft draft, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("create schemes");
        NewScheme spec = await PrepareAsync(draft, cancel);
        var service = new SchemeService(db, clock);
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        AssessmentScheme scheme = service.CreateCore(actor, spec);
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "create", AuditLog.SchemeEntity, scheme.Code, "json", null, spec.Json, "designed in the browser"));
        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
        return scheme;
    }

    /// <summary>
    /// Copies a scheme as the start of another (next year's): its units and tracks, indicators
    /// (sources and derivations included) and the rules of its current version become the new
    /// scheme's first version; with <see cref="SchemeCopy.TargetsFrom"/> the targets of that year
    /// become targets of <see cref="SchemeCopy.TargetsTo"/>. Never periods, figures, adjustments or
    /// results. One transaction, audited.
    /// </summary>
    public async Task<AssessmentScheme> CopyAsync(Actor actor, string fromCode, SchemeCopy copy, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(copy);
        actor.RequireOffice("copy schemes");
        AssessmentScheme original = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == fromCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{fromCode}' does not exist", fromCode);
        string code = (copy.Code ?? string.Empty).Trim();
        string name = (copy.Name ?? string.Empty).Trim();
        var errors = new List<DraftError>();
        CheckCode(errors, "Code", code);
        if (name.Length == 0)
        {
            errors.Add(new DraftError("Name", DraftError.Missing, [], "the new scheme needs a name"));
        }

        if (errors.Count == 0 && await db.Schemes.AnyAsync(s => s.Code == code, cancel))
        {
            errors.Add(new DraftError("Code", DraftError.Taken, [code], $"scheme '{code}' exists already; expected a new code"));
        }

        if (copy.TargetsFrom is not null && copy.TargetsTo is null)
        {
            errors.Add(new DraftError("TargetsTo", DraftError.Missing, [], "the year the targets move to is missing"));
        }

        if (errors.Count > 0)
        {
            throw new SchemeDraftException(errors);
        }

        var units = await (from su in db.SchemeUnits.AsNoTracking()
                           join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                           where su.SchemeId == original.Id
                           orderby u.Code
                           select new { u.Id, u.Code, su.Track }).ToListAsync(cancel);
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == original.Id).OrderBy(i => i.SortOrder).ToListAsync(cancel);
        var codes = indicators.ToDictionary(i => i.Id, i => i.Code);
        var sourceIds = indicators.Where(i => i.SourceUnitId is not null).Select(i => i.SourceUnitId!.Value).Distinct().ToList();
        var sources = await db.Units.AsNoTracking().Where(u => sourceIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, cancel);
        SchemeVersion version = new SchemeService(db, clock).CurrentVersion(original.Id);
        string json = version.Json;
        if (JsonNode.Parse(json) is JsonObject doc && doc["name"] is not null)
        {
            doc["name"] = name;
            json = doc.ToJsonString(Indented);
        }

        var spec = new NewScheme(
            code,
            name,
            original.Frequency,
            units.Select(u => new SchemeUnitSpec(u.Code, u.Track)).ToList(),
            indicators.Select(i => new IndicatorSpec(i.Code, i.Name)
            {
                NameEn = i.NameEn,
                Dimension = i.Dimension,
                Direction = i.Direction,
                UnitOfMeasure = i.UnitOfMeasure,
                Frequency = i.Frequency,
                Cumulative = i.Cumulative,
                SourceUnitCode = i.SourceUnitId is { } s ? sources[s] : null,
                MinPlausible = i.MinPlausible,
                MaxPlausible = i.MaxPlausible,
                IsPublic = i.IsPublic,
                GrowthOf = i.GrowthOfId is { } g ? codes[g] : null,
            }).ToList(),
            json)
        {
            NameEn = string.IsNullOrWhiteSpace(copy.NameEn) ? null : copy.NameEn.Trim(),
            Note = $"copy of {original.Code} version {version.Version.ToString(CultureInfo.InvariantCulture)}",
        };

        DateTimeOffset now = StoreTime.Now(clock);
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        AssessmentScheme scheme = new SchemeService(db, clock).CreateCore(actor, spec);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.SchemeEntity, scheme.Code, "copy_of", null, $"{original.Code} v{version.Version.ToString(CultureInfo.InvariantCulture)}"));
        int moved = 0;
        if (copy.TargetsFrom is { } year && copy.TargetsTo is { } to)
        {
            var newIndicators = await db.Indicators.Where(i => i.SchemeId == scheme.Id).ToDictionaryAsync(i => i.Code, i => i.Id, cancel);
            var targets = await db.Targets.AsNoTracking().Where(t => t.SchemeId == original.Id && t.Year == year).ToListAsync(cancel);
            foreach (Target t in targets)
            {
                db.Targets.Add(new Target { SchemeId = scheme.Id, UnitId = t.UnitId, IndicatorId = newIndicators[codes[t.IndicatorId]], Year = to, Value = t.Value });
                moved++;
            }

            db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.TargetEntity, scheme.Code, "targets", null,
                string.Create(CultureInfo.InvariantCulture, $"{moved} of {year} as {to}"), $"copied from {original.Code}"));
        }

        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
        return scheme;
    }

    /// <summary>
    /// Sets or clears (null or empty department) the department that supplies an indicator for every
    /// unit (数据来源). The department must be a unit of kind department; a derived indicator has no source. Audited.
    /// </summary>
    public async Task SetSourceAsync(Actor actor, string schemeCode, string indicatorCode, string? departmentCode, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("set data sources");
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == schemeCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{schemeCode}' does not exist", schemeCode);
        Indicator row = await db.Indicators.SingleOrDefaultAsync(i => i.SchemeId == scheme.Id && i.Code == indicatorCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoIndicator, $"'{indicatorCode}' is not an indicator of scheme '{scheme.Code}'", indicatorCode, scheme.Code);
        string? code = string.IsNullOrWhiteSpace(departmentCode) ? null : departmentCode.Trim();
        long? id = null;
        if (code is not null)
        {
            if (row.GrowthOfId is not null)
            {
                throw new WorkflowException(WorkflowCodes.DerivedNoSource, $"indicator '{indicatorCode}' is derived: it is computed, not supplied by a department", indicatorCode);
            }

            Unit unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code, cancel)
                ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit '{code}' does not exist", code);
            if (unit.Kind != UnitKind.Department)
            {
                throw new WorkflowException(WorkflowCodes.NotDepartment, $"unit '{code}' is not a department; expected a department as data source", code);
            }

            id = unit.Id;
        }

        if (row.SourceUnitId == id)
        {
            return;
        }

        string? old = row.SourceUnitId is { } o ? await db.Units.Where(u => u.Id == o).Select(u => u.Code).SingleAsync(cancel) : null;
        row.SourceUnitId = id;
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", SchemeAdmin.IndicatorEntity, $"{scheme.Code}/{indicatorCode}", "source", old, code));
        await db.SaveChangesAsync(cancel);
    }

    /// <summary>
    /// What is the actor's to enter: for a reporter, every reported indicator of the schemes its
    /// unit takes part in (<see cref="MineRow.Mine"/> false where a department supplies it, naming
    /// the department); for a department reporter, the indicators it supplies, with the number of
    /// units it supplies them for. Derived indicators are left out. Other roles: nothing.
    /// </summary>
    public async Task<IReadOnlyList<MineRow>> MineAsync(Actor actor, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (ActorRole.Reporter or ActorRole.DepartmentReporter) || actor.UnitId is not { } unit)
        {
            return [];
        }

        bool department = actor.Role == ActorRole.DepartmentReporter;
        var schemeIds = department
            ? await db.Indicators.AsNoTracking().Where(i => i.SourceUnitId == unit).Select(i => i.SchemeId).Distinct().ToListAsync(cancel)
            : await db.SchemeUnits.AsNoTracking().Where(su => su.UnitId == unit).Select(su => su.SchemeId).ToListAsync(cancel);
        var schemes = await db.Schemes.AsNoTracking().Where(s => schemeIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancel);
        var counts = await db.SchemeUnits.AsNoTracking().Where(su => schemeIds.Contains(su.SchemeId)).GroupBy(su => su.SchemeId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancel);
        var indicators = await db.Indicators.AsNoTracking()
            .Where(i => schemeIds.Contains(i.SchemeId) && i.GrowthOfId == null && (!department || i.SourceUnitId == unit))
            .ToListAsync(cancel);
        var sourceIds = indicators.Where(i => i.SourceUnitId is not null).Select(i => i.SourceUnitId!.Value).Distinct().ToList();
        var sources = await db.Units.AsNoTracking().Where(u => sourceIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancel);
        return indicators
            .OrderBy(i => schemes[i.SchemeId].Code, StringComparer.Ordinal).ThenBy(i => i.SortOrder)
            .Select(i =>
            {
                AssessmentScheme s = schemes[i.SchemeId];
                Unit? src = i.SourceUnitId is { } id ? sources[id] : null;
                bool mine = department || src is null;
                return new MineRow(s.Code, s.Name, s.NameEn, i.Code, i.Name, i.NameEn, i.UnitOfMeasure, i.Frequency, i.Cumulative, mine,
                    department ? counts.GetValueOrDefault(s.Id) : 1, src?.Code, src?.Name, src?.NameEn);
            })
            .ToList();
    }

    /// <summary>The engine's JSON of a draft (no checks beyond the rules' text): dimensions under <see cref="RootCode"/>, each indicator's rule as its <c>normalise</c>.</summary>
    public static string BuildJson(SchemeDraft draft, out IReadOnlyList<DraftError> ruleErrors)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<DraftError>();
        var indicators = new JsonArray();
        for (int k = 0; k < draft.Indicators.Count; k++)
        {
            IndicatorDraft i = draft.Indicators[k];
            var o = new JsonObject
            {
                ["code"] = i.Code,
                ["name"] = i.Name,
                ["parent"] = string.IsNullOrWhiteSpace(i.Dimension) ? RootCode : i.Dimension.Trim(),
            };
            if (i.Weight != 1)
            {
                o["weight"] = i.Weight;
            }

            if (i.Direction != 1)
            {
                o["direction"] = i.Direction;
            }

            if (i.Cumulative)
            {
                o["cumulative"] = true;
            }

            JsonObject? rule = SchemeRules.Build(i.Rule, i.RuleParams, out RuleProblem? problem);
            if (problem is not null)
            {
                string field = problem.Code == DraftError.RuleUnknown ? $"Inds[{Num(k)}].Rule" : $"Inds[{Num(k)}].RuleParams";
                errors.Add(new DraftError(field, problem.Code, problem.Args, $"rule of '{i.Code}': {problem.Code} {string.Join(" ", problem.Args)}"));
            }
            else if (rule is not null && !(rule.Count == 1 && (string?)rule["method"] == "minmax"))
            {
                o["normalise"] = rule;
            }

            indicators.Add(o);
        }

        var groups = new JsonArray { new JsonObject { ["code"] = RootCode, ["name"] = "总分" } };
        foreach (DimensionDraft d in draft.Dimensions)
        {
            var g = new JsonObject { ["code"] = d.Code, ["name"] = d.Name, ["parent"] = RootCode };
            if (d.Weight != 1)
            {
                g["weight"] = d.Weight;
            }

            groups.Add(g);
        }

        var doc = new JsonObject { ["name"] = draft.Name };
        if (draft.Aggregate == "sum")
        {
            doc["steps"] = new JsonObject { ["aggregate"] = new JsonObject { ["method"] = "sum" } };
        }

        doc["indicators"] = indicators;
        doc["groups"] = groups;
        bool tracks = draft.Picks.Any(p => !string.IsNullOrWhiteSpace(p.Track)) || draft.Units.Any(u => !string.IsNullOrWhiteSpace(u.Track));
        if (tracks)
        {
            doc["tracks"] = new JsonObject { ["compare"] = "track" };
        }

        ruleErrors = errors;
        return doc.ToJsonString(Indented);
    }

    private async Task<NewScheme> PrepareAsync(SchemeDraft draft, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<DraftError>();
        string code = (draft.Code ?? string.Empty).Trim();
        CheckCode(errors, "Code", code);
        if (string.IsNullOrWhiteSpace(draft.Name))
        {
            errors.Add(new DraftError("Name", DraftError.Missing, [], "the scheme needs a name"));
        }

        if (!Frequencies.Contains(draft.Frequency, StringComparer.Ordinal))
        {
            errors.Add(new DraftError("Frequency", DraftError.BadFrequency, [draft.Frequency ?? string.Empty], "expected month, quarter or year"));
        }

        if (code.Length > 0 && await db.Schemes.AnyAsync(s => s.Code == code, cancel))
        {
            errors.Add(new DraftError("Code", DraftError.Taken, [code], $"scheme '{code}' exists already; expected a new code"));
        }

        // Units: the picks, then the ones named one by one.
        var members = new Dictionary<string, string?>(StringComparer.Ordinal);
        var memberField = new Dictionary<string, string>(StringComparer.Ordinal);
        void Member(string unit, string? track, string field)
        {
            track = string.IsNullOrWhiteSpace(track) ? null : track.Trim();
            if (members.TryGetValue(unit, out string? had))
            {
                if (had != track)
                {
                    errors.Add(new DraftError(field, DraftError.TwoTracks, [unit, track ?? string.Empty, had ?? string.Empty], $"unit '{unit}' is picked in track '{track}' and in '{had}'; expected one track"));
                }

                return;
            }

            members[unit] = track;
            memberField[unit] = field;
        }

        for (int k = 0; k < draft.Picks.Count; k++)
        {
            UnitPick p = draft.Picks[k];
            string field = $"Picks[{Num(k)}]";
            string? parent = string.IsNullOrWhiteSpace(p.ParentCode) ? null : p.ParentCode.Trim();
            if (p.Kind is null && parent is null)
            {
                errors.Add(new DraftError(field + ".Kind", DraftError.EmptyPick, [], "a pick needs a kind or a parent"));
                continue;
            }

            long? parentId = null;
            if (parent is not null)
            {
                parentId = await db.Units.AsNoTracking().Where(u => u.Code == parent).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel);
                if (parentId is null)
                {
                    errors.Add(new DraftError(field + ".Parent", DraftError.NoUnit, [parent], $"unit '{parent}' does not exist"));
                    continue;
                }
            }

            IQueryable<Unit> q = db.Units.AsNoTracking();
            if (p.Kind is { } kind)
            {
                q = q.Where(u => u.Kind == kind);
            }

            if (parentId is { } pid)
            {
                q = q.Where(u => u.ParentId == pid);
            }

            List<string> picked = await q.OrderBy(u => u.Code).Select(u => u.Code).ToListAsync(cancel);
            if (picked.Count == 0)
            {
                errors.Add(new DraftError(field + ".Kind", DraftError.EmptyPick, [], "the pick matches no unit"));
            }

            foreach (string u in picked)
            {
                Member(u, p.Track, field + ".Track");
            }
        }

        var named = draft.Units.Select(u => u.UnitCode.Trim()).Where(c => c.Length > 0).Distinct().ToList();
        var known = await db.Units.AsNoTracking().Where(u => named.Contains(u.Code)).Select(u => u.Code).ToListAsync(cancel);
        foreach (SchemeUnitSpec u in draft.Units.Where(u => !string.IsNullOrWhiteSpace(u.UnitCode)))
        {
            string c = u.UnitCode.Trim();
            if (!known.Contains(c, StringComparer.Ordinal))
            {
                errors.Add(new DraftError("UnitList", DraftError.NoUnit, [c], $"unit '{c}' does not exist"));
                continue;
            }

            Member(c, u.Track, "UnitList");
        }

        if (members.Count == 0 && !errors.Any(e => e.Field.StartsWith("Picks", StringComparison.Ordinal) || e.Field == "UnitList"))
        {
            errors.Add(new DraftError("Picks", DraftError.NoUnits, [], "no unit takes part; pick units by kind or parent, or list them"));
        }

        if (members.Values.Any(t => t is not null) && members.FirstOrDefault(m => m.Value is null) is { Key: not null } trackless)
        {
            errors.Add(new DraftError(memberField[trackless.Key], DraftError.TrackMixed, [trackless.Key], $"unit '{trackless.Key}' has no track while others have; expected a track for every unit or for none"));
        }

        // Dimensions and indicators.
        var dims = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < draft.Dimensions.Count; k++)
        {
            DimensionDraft d = draft.Dimensions[k];
            string field = $"Dims[{Num(k)}]";
            CheckCode(errors, field + ".Code", d.Code);
            if (!string.IsNullOrWhiteSpace(d.Code) && !dims.Add(d.Code))
            {
                errors.Add(new DraftError(field + ".Code", DraftError.Twice, [d.Code], $"dimension '{d.Code}' twice"));
            }

            if (string.IsNullOrWhiteSpace(d.Name))
            {
                errors.Add(new DraftError(field + ".Name", DraftError.Missing, [], "the dimension needs a name"));
            }

            CheckWeight(errors, field + ".Weight", d.Weight);
        }

        if (draft.Indicators.Count == 0)
        {
            errors.Add(new DraftError("Inds", DraftError.NoIndicators, [], "the scheme has no indicators; expected at least one"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sourceCodes = draft.Indicators.Select(i => i.SourceUnitCode?.Trim()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct().ToList();
        var sources = await db.Units.AsNoTracking().Where(u => sourceCodes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Kind, cancel);
        for (int k = 0; k < draft.Indicators.Count; k++)
        {
            IndicatorDraft i = draft.Indicators[k];
            string field = $"Inds[{Num(k)}]";
            CheckCode(errors, field + ".Code", i.Code);
            if (!string.IsNullOrWhiteSpace(i.Code) && (!seen.Add(i.Code) || dims.Contains(i.Code)))
            {
                errors.Add(new DraftError(field + ".Code", DraftError.Twice, [i.Code], $"code '{i.Code}' twice among indicators and dimensions"));
            }

            if (string.IsNullOrWhiteSpace(i.Name))
            {
                errors.Add(new DraftError(field + ".Name", DraftError.Missing, [], "the indicator needs a name"));
            }

            if (!string.IsNullOrWhiteSpace(i.Dimension) && !dims.Contains(i.Dimension.Trim()))
            {
                errors.Add(new DraftError(field + ".Dimension", DraftError.NoDimension, [i.Dimension], $"'{i.Dimension}' is not a dimension of the scheme"));
            }

            if (i.Direction is not (1 or -1))
            {
                errors.Add(new DraftError(field + ".Direction", DraftError.BadDirection, [Num(i.Direction)], "expected 1 or -1"));
            }

            CheckWeight(errors, field + ".Weight", i.Weight);
            if (!string.IsNullOrWhiteSpace(i.Frequency) && !Frequencies.Contains(i.Frequency, StringComparer.Ordinal))
            {
                errors.Add(new DraftError(field + ".Frequency", DraftError.BadFrequency, [i.Frequency], "expected month, quarter or year"));
            }

            if (i.MinPlausible is { } lo && i.MaxPlausible is { } hi && lo > hi)
            {
                errors.Add(new DraftError(field + ".Max", DraftError.BadRange, [AuditLog.Text(lo)!, AuditLog.Text(hi)!], "the plausible range is empty; expected min ≤ max"));
            }

            if (i.SourceUnitCode?.Trim() is { Length: > 0 } src)
            {
                if (!sources.TryGetValue(src, out UnitKind kind))
                {
                    errors.Add(new DraftError(field + ".Source", DraftError.NoUnit, [src], $"unit '{src}' does not exist"));
                }
                else if (kind != UnitKind.Department)
                {
                    errors.Add(new DraftError(field + ".Source", DraftError.NotDepartment, [src], $"unit '{src}' is not a department"));
                }
            }
        }

        string json = BuildJson(draft, out IReadOnlyList<DraftError> ruleErrors);
        errors.AddRange(ruleErrors);
        if (errors.Count > 0)
        {
            throw new SchemeDraftException(errors);
        }

        var units = members.Select(m => new SchemeUnitSpec(m.Key, m.Value)).ToList();
        var spec = new NewScheme(
            code,
            draft.Name!.Trim(),
            draft.Frequency!,
            units,
            draft.Indicators.Select(i => new IndicatorSpec(i.Code.Trim(), i.Name.Trim())
            {
                NameEn = Blank(i.NameEn),
                Dimension = Blank(i.Dimension),
                Direction = i.Direction,
                UnitOfMeasure = Blank(i.UnitOfMeasure),
                Frequency = Blank(i.Frequency),
                Cumulative = i.Cumulative,
                SourceUnitCode = Blank(i.SourceUnitCode),
                MinPlausible = i.MinPlausible,
                MaxPlausible = i.MaxPlausible,
                IsPublic = i.IsPublic,
            }).ToList(),
            json)
        {
            NameEn = Blank(draft.NameEn),
            Note = "designed in the browser",
        };

        // The engine has the last word, and its refusal is put back beside the field it concerns.
        try
        {
            Scheme parsed = SchemeParser.Parse(json);
            var rows = spec.Indicators.Select((x, k) => new Indicator { Id = k + 1, Code = x.Code, Name = x.Name, Direction = x.Direction, Cumulative = x.Cumulative, SortOrder = k }).ToList();
            SchemeService.CheckAgainstIndicators(parsed, rows, units.Where(u => u.Track is not null).Select(u => u.Track!).Distinct().ToList(), code);
        }
        catch (SchemeException e)
        {
            throw new SchemeDraftException([new DraftError(FieldOfPath(e.Path, draft), DraftError.Engine, [e.Path], e.Reason)]);
        }

        return spec;
    }

    /// <summary>The form's field a JSON path of <see cref="BuildJson"/>'s output points at (<c>Json</c> when none).</summary>
    public static string FieldOfPath(string path, SchemeDraft draft)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(draft);
        System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(path, @"^\$\.(indicators|groups)\[(\d+)\](?:\.(\w+))?");
        if (!m.Success)
        {
            return path.StartsWith("$.groups", StringComparison.Ordinal) ? "Dims" : "Json";
        }

        int k = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        string key = m.Groups[3].Value;
        if (m.Groups[1].Value == "indicators")
        {
            string prefix = $"Inds[{Num(k)}]";
            return key switch
            {
                "code" => prefix + ".Code",
                "weight" => prefix + ".Weight",
                "direction" => prefix + ".Direction",
                "parent" => prefix + ".Dimension",
                "cumulative" => prefix + ".Cumulative",
                "normalise" => path.EndsWith(".method", StringComparison.Ordinal) ? prefix + ".Rule" : prefix + ".RuleParams",
                _ => prefix + ".Code",
            };
        }

        if (k == 0)
        {
            return "Dims";
        }

        string dim = $"Dims[{Num(k - 1)}]";
        return key == "weight" ? dim + ".Weight" : dim + ".Code";
    }

    private static void CheckCode(List<DraftError> errors, string field, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            errors.Add(new DraftError(field, DraftError.Missing, [], "a code is required"));
        }
        else if (code.Length > 50 || code.Any(c => char.IsWhiteSpace(c) || c is '/' or '|' or '?' or '#' or '%' or '&' or '"' or '\'' or '<' or '>'))
        {
            errors.Add(new DraftError(field, DraftError.BadCode, [code], $"'{code}' is not a code; expected at most 50 characters without spaces or / | ? # % & quotes < >"));
        }
    }

    private static void CheckWeight(List<DraftError> errors, string field, double weight)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            errors.Add(new DraftError(field, DraftError.BadWeight, [AuditLog.Text(weight)!], "expected a weight ≥ 0"));
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Num(int k) => k.ToString(CultureInfo.InvariantCulture);
}
