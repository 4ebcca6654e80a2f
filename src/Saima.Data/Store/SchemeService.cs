using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>A unit taking part in a new scheme, by code, with its track (分道) or none.</summary>
public sealed record SchemeUnitSpec(string UnitCode, string? Track = null);

/// <summary>An indicator of a new scheme as intake sees it. <see cref="GrowthOf"/> names the level indicator of a derived year-on-year growth.</summary>
public sealed record IndicatorSpec(string Code, string Name)
{
    public string? NameEn { get; init; }
    public string? Dimension { get; init; }
    public int Direction { get; init; } = 1;
    public string? UnitOfMeasure { get; init; }

    /// <summary>Null: the scheme's frequency.</summary>
    public string? Frequency { get; init; }
    public bool Cumulative { get; init; }

    /// <summary>The code of the department (a unit) that supplies it for every unit, if any.</summary>
    public string? SourceUnitCode { get; init; }
    public double? MinPlausible { get; init; }
    public double? MaxPlausible { get; init; }
    public bool IsPublic { get; init; }

    /// <summary>Code of the level indicator whose year-on-year growth (%) this is; such an indicator is derived, never reported.</summary>
    public string? GrowthOf { get; init; }
}

/// <summary>A new scheme: its units, its indicators and the engine JSON of its first version.</summary>
public sealed record NewScheme(
    string Code,
    string Name,
    string Frequency,
    IReadOnlyList<SchemeUnitSpec> Units,
    IReadOnlyList<IndicatorSpec> Indicators,
    string Json)
{
    public string? NameEn { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// Schemes (考核方案) and what hangs on them: units and tracks, indicators, versions of the scoring
/// rules (append-only, each validated by the engine and against the indicator list), targets per
/// unit, indicator and year (periods are <see cref="PeriodService"/>'s; bonus/penalty items <see cref="AdjustmentService"/>'s). Every change is audited.
/// </summary>
public sealed class SchemeService(SaimaDb db, TimeProvider clock)
{
    private static readonly string[] Frequencies = ["month", "quarter", "year"];

    /// <summary>Adds a unit (county, township, department…) under an existing parent, or at the top.</summary>
    public Unit AddUnit(Actor actor, string code, string name, UnitKind kind, string? parentCode = null, string? nameEn = null)
    {
        actor.RequireOffice("add units");
        Require(!string.IsNullOrWhiteSpace(code), "a unit needs a code");
        Require(!string.IsNullOrWhiteSpace(name), $"unit '{code}' needs a name");
        if (db.Units.Any(u => u.Code == code))
        {
            throw new WorkflowException($"unit '{code}' exists already; expected a new code");
        }

        long? parentId = null;
        if (parentCode is not null)
        {
            parentId = db.Units.Where(u => u.Code == parentCode).Select(u => (long?)u.Id).SingleOrDefault()
                ?? throw new NotFoundException($"parent unit '{parentCode}' of '{code}' does not exist");
        }

        var unit = new Unit { Code = code, Name = name, NameEn = nameEn, Kind = kind, ParentId = parentId };
        db.Units.Add(unit);
        db.SaveChanges();
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "create", AuditLog.UnitEntity, code, "name", null, name));
        db.SaveChanges();
        return unit;
    }

    /// <summary>
    /// Creates a scheme with its units, indicators and first version, in one transaction: either
    /// all of it is stored or nothing.
    /// </summary>
    /// <exception cref="SchemeException">The JSON is not a valid scheme, or its codes do not match the indicators.</exception>
    public AssessmentScheme CreateScheme(Actor actor, NewScheme spec)
    {
        using var tx = db.Database.BeginTransaction();
        AssessmentScheme scheme = CreateCore(actor, spec);
        tx.Commit();
        return scheme;
    }

    /// <summary>What <see cref="CreateScheme"/> does, inside the caller's transaction (a copy adds its targets in the same one).</summary>
    internal AssessmentScheme CreateCore(Actor actor, NewScheme spec)
    {
        actor.RequireOffice("create schemes");
        Require(!string.IsNullOrWhiteSpace(spec.Code), "a scheme needs a code");
        Require(!string.IsNullOrWhiteSpace(spec.Name), $"scheme '{spec.Code}' needs a name");
        string frequency = CheckFrequency(spec.Frequency, $"scheme '{spec.Code}'");
        if (db.Schemes.Any(s => s.Code == spec.Code))
        {
            throw new WorkflowException($"scheme '{spec.Code}' exists already; expected a new code (add a version to change its rules)");
        }

        Require(spec.Units.Count > 0, $"scheme '{spec.Code}' has no units; expected at least one");
        Require(spec.Indicators.Count > 0, $"scheme '{spec.Code}' has no indicators; expected at least one");
        var unitCodes = spec.Units.Select(u => u.UnitCode).ToList();
        var units = db.Units.Where(u => unitCodes.Contains(u.Code)).ToDictionary(u => u.Code, StringComparer.Ordinal);
        foreach (SchemeUnitSpec u in spec.Units)
        {
            if (!units.ContainsKey(u.UnitCode))
            {
                throw new NotFoundException($"unit '{u.UnitCode}' of scheme '{spec.Code}' does not exist; add it first");
            }
        }

        Duplicate(unitCodes, $"scheme '{spec.Code}' lists unit");
        bool anyTrack = spec.Units.Any(u => !string.IsNullOrEmpty(u.Track));
        SchemeUnitSpec? trackless = anyTrack ? spec.Units.FirstOrDefault(u => string.IsNullOrEmpty(u.Track)) : null;
        if (trackless is not null)
        {
            // The engine compares within tracks: a unit outside every track would be compared with no one.
            throw new WorkflowException($"unit '{trackless.UnitCode}' of scheme '{spec.Code}' has no track while others have; expected a track for every unit or for none");
        }

        Duplicate(spec.Indicators.Select(i => i.Code), $"scheme '{spec.Code}' lists indicator");
        var byCode = spec.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        foreach (IndicatorSpec i in spec.Indicators)
        {
            Require(!string.IsNullOrWhiteSpace(i.Code) && !string.IsNullOrWhiteSpace(i.Name), "every indicator needs a code and a name");
            Require(i.Direction is 1 or -1, $"indicator '{i.Code}': direction {i.Direction.ToString(CultureInfo.InvariantCulture)}; expected 1 (higher is better) or -1 (lower is better)");
            if (i.MinPlausible is { } lo && i.MaxPlausible is { } hi && lo > hi)
            {
                throw new WorkflowException($"indicator '{i.Code}': plausible range [{AuditLog.Text(lo)}, {AuditLog.Text(hi)}] is empty; expected min ≤ max");
            }

            if (i.Frequency is not null)
            {
                CheckFrequency(i.Frequency, $"indicator '{i.Code}'");
            }

            if (i.GrowthOf is { } level)
            {
                if (!byCode.TryGetValue(level, out IndicatorSpec? of))
                {
                    throw new WorkflowException($"indicator '{i.Code}' is the growth of '{level}', which is not an indicator of scheme '{spec.Code}'");
                }

                if (of.GrowthOf is not null)
                {
                    throw new WorkflowException($"indicator '{i.Code}' is the growth of '{level}', which is itself derived; expected a reported level indicator");
                }

                if (i.SourceUnitCode is not null)
                {
                    throw new WorkflowException($"indicator '{i.Code}' is derived from '{level}': it is computed, not supplied by a department");
                }
            }
        }

        var sourceCodes = spec.Indicators.Where(i => i.SourceUnitCode is not null).Select(i => i.SourceUnitCode!).Distinct().ToList();
        var sources = db.Units.Where(u => sourceCodes.Contains(u.Code)).ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        foreach (string s in sourceCodes)
        {
            if (!sources.ContainsKey(s))
            {
                throw new NotFoundException($"source department '{s}' does not exist; add it as a unit first");
            }
        }

        // Validate the rules before anything is written, so that a refused scheme leaves no trace.
        var draft = spec.Indicators.Select((i, k) => new Indicator { Id = k + 1, Code = i.Code, Name = i.Name, Direction = i.Direction, Cumulative = i.Cumulative, SortOrder = k }).ToList();
        foreach (IndicatorSpec i in spec.Indicators.Where(i => i.GrowthOf is not null))
        {
            draft.Single(d => d.Code == i.Code).GrowthOfId = draft.Single(d => d.Code == i.GrowthOf).Id;
        }

        CheckAgainstIndicators(SchemeParser.Parse(spec.Json), draft, spec.Units.Where(u => !string.IsNullOrEmpty(u.Track)).Select(u => u.Track!).Distinct().ToList(), spec.Code);

        DateTimeOffset now = StoreTime.Now(clock);
        var scheme = new AssessmentScheme { Code = spec.Code, Name = spec.Name, NameEn = spec.NameEn, Frequency = frequency, CreatedAt = now, CreatedBy = actor.Name };
        db.Schemes.Add(scheme);
        db.SaveChanges();
        foreach (SchemeUnitSpec u in spec.Units)
        {
            db.SchemeUnits.Add(new SchemeUnit { SchemeId = scheme.Id, UnitId = units[u.UnitCode].Id, Track = string.IsNullOrEmpty(u.Track) ? null : u.Track });
        }

        var rows = new Dictionary<string, Indicator>(StringComparer.Ordinal);
        int order = 0;
        foreach (IndicatorSpec i in spec.Indicators)
        {
            var row = new Indicator
            {
                SchemeId = scheme.Id,
                Code = i.Code,
                Name = i.Name,
                NameEn = i.NameEn,
                Dimension = i.Dimension,
                Direction = i.Direction,
                UnitOfMeasure = i.UnitOfMeasure,
                Frequency = i.Frequency ?? frequency,
                Cumulative = i.Cumulative,
                SourceUnitId = i.SourceUnitCode is null ? null : sources[i.SourceUnitCode],
                MinPlausible = i.MinPlausible,
                MaxPlausible = i.MaxPlausible,
                IsPublic = i.IsPublic,
                SortOrder = order++,
            };
            rows[i.Code] = row;
            db.Indicators.Add(row);
        }

        db.SaveChanges();
        foreach (IndicatorSpec i in spec.Indicators.Where(i => i.GrowthOf is not null))
        {
            rows[i.Code].GrowthOfId = rows[i.GrowthOf!].Id;
        }

        db.SaveChanges();
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.SchemeEntity, scheme.Code, "name", null, scheme.Name));
        AddVersionCore(actor, scheme, spec.Json, spec.Note, now);
        return scheme;
    }

    /// <summary>
    /// Adds a version of the scheme's scoring rules. The JSON is validated by the engine and must
    /// use exactly the scheme's indicators: every indicator and denominator code must be an
    /// indicator of the scheme, and every reported indicator must be scored, be a denominator or
    /// be the level of a scored growth. Earlier versions are kept unchanged.
    /// </summary>
    /// <exception cref="SchemeException">Invalid JSON or a mismatch, with the JSON path.</exception>
    public SchemeVersion AddVersion(Actor actor, long schemeId, string json, string? note = null)
    {
        actor.RequireOffice("change scoring rules");
        AssessmentScheme scheme = Scheme(schemeId);
        using var tx = db.Database.BeginTransaction();
        SchemeVersion version = AddVersionCore(actor, scheme, json, note, StoreTime.Now(clock));
        tx.Commit();
        return version;
    }

    internal SchemeVersion AddVersionCore(Actor actor, AssessmentScheme scheme, string json, string? note, DateTimeOffset now)
    {
        Scheme parsed = SchemeParser.Parse(json);
        List<Indicator> indicators = db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToList();
        var tracks = db.SchemeUnits.Where(u => u.SchemeId == scheme.Id && u.Track != null).Select(u => u.Track!).Distinct().ToList();
        CheckAgainstIndicators(parsed, indicators, tracks, scheme.Code);
        int next = (db.SchemeVersions.Where(v => v.SchemeId == scheme.Id).Max(v => (int?)v.Version) ?? 0) + 1;
        var version = new SchemeVersion { SchemeId = scheme.Id, Version = next, Json = json, Note = note, CreatedAt = now, CreatedBy = actor.Name };
        db.SchemeVersions.Add(version);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.SchemeEntity, scheme.Code, "version", AuditLog.Text(next - 1), AuditLog.Text(next), note));
        db.SaveChanges();
        return version;
    }

    /// <summary>Checks that the engine scheme and the stored indicator list describe the same indicators.</summary>
    internal static void CheckAgainstIndicators(Scheme parsed, IReadOnlyList<Indicator> indicators, IReadOnlyCollection<string> tracks, string schemeCode)
    {
        var rows = indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var byId = indicators.ToDictionary(i => i.Id);
        string known = string.Join(", ", indicators.OrderBy(i => i.SortOrder).Select(i => i.Code));
        var scored = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < parsed.Indicators.Count; k++)
        {
            IndicatorDef def = parsed.Indicators[k];
            string path = string.Create(CultureInfo.InvariantCulture, $"$.indicators[{k}]");
            if (!rows.TryGetValue(def.Code, out Indicator? row))
            {
                throw new SchemeException(path + ".code", $"'{def.Code}' is not an indicator of scheme '{schemeCode}'; expected one of {known}");
            }

            if (row.Direction != def.Direction)
            {
                throw new SchemeException(path + ".direction", string.Create(CultureInfo.InvariantCulture, $"indicator '{def.Code}' has direction {def.Direction} here but {row.Direction} in the indicator list; expected the same"));
            }

            if (row.Cumulative != def.Cumulative)
            {
                throw new SchemeException(path + ".cumulative", $"indicator '{def.Code}' is {(def.Cumulative ? string.Empty : "not ")}cumulative here but {(row.Cumulative ? string.Empty : "not ")}in the indicator list; expected the same");
            }

            scored.Add(def.Code);
            if (row.GrowthOfId is { } level)
            {
                // The level a growth is derived from is used by the scheme, though not scored itself.
                scored.Add(byId[level].Code);
            }
        }

        for (int k = 0; k < parsed.Indicators.Count; k++)
        {
            if (parsed.Indicators[k].Denominator is { } d)
            {
                if (!rows.TryGetValue(d, out Indicator? row))
                {
                    throw new SchemeException(string.Create(CultureInfo.InvariantCulture, $"$.indicators[{k}].denominator"), $"'{d}' is not an indicator of scheme '{schemeCode}'; a denominator is reported like any figure, expected one of {known}");
                }

                if (row.GrowthOfId is not null)
                {
                    throw new SchemeException(string.Create(CultureInfo.InvariantCulture, $"$.indicators[{k}].denominator"), $"'{d}' is a derived growth; expected a reported indicator as denominator");
                }

                scored.Add(d);
            }
        }

        foreach (Indicator row in indicators.OrderBy(i => i.SortOrder))
        {
            if (row.GrowthOfId is null && !scored.Contains(row.Code))
            {
                throw new SchemeException("$.indicators", $"indicator '{row.Code}' of scheme '{schemeCode}' is reported but the scheme neither scores it nor uses it as a denominator or growth level; add it to the JSON or remove it from the scheme");
            }
        }

        if (parsed.Tracks is { } t)
        {
            foreach (string name in t.Overrides.Keys)
            {
                if (!tracks.Contains(name))
                {
                    string have = tracks.Count == 0 ? "the scheme's units have no tracks" : "expected one of " + string.Join(", ", tracks.Order(StringComparer.Ordinal));
                    throw new SchemeException($"$.tracks.overrides.{name}", $"no unit of scheme '{schemeCode}' is in track '{name}'; {have}");
                }
            }
        }
    }

    /// <summary>The latest version of the scheme's rules.</summary>
    public SchemeVersion CurrentVersion(long schemeId) =>
        db.SchemeVersions.AsNoTracking().Where(v => v.SchemeId == schemeId).OrderByDescending(v => v.Version).FirstOrDefault()
        ?? throw new NotFoundException($"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} has no version");

    /// <summary>
    /// Sets a unit's target for an indicator and year (for a cumulative indicator, the full-year
    /// figure). Changing a target of a year that already has a published period needs a reason:
    /// the published results were computed with the old one.
    /// </summary>
    public Target SetTarget(Actor actor, long schemeId, long unitId, long indicatorId, int year, double value, string? reason = null)
    {
        actor.RequireOffice("set targets");
        return SetTargetAs(actor, schemeId, unitId, indicatorId, year, value, reason);
    }

    /// <summary>The target write itself, for a door that has checked the actor's role and scope its own way (<see cref="AnalysisService.AdoptTargetAsync"/>).</summary>
    internal Target SetTargetAs(Actor actor, long schemeId, long unitId, long indicatorId, int year, double value, string? reason)
    {
        AssessmentScheme scheme = Scheme(schemeId);
        Require(double.IsFinite(value), "a target must be a finite number");
        Require(year is >= 1900 and <= 9999, $"year {year.ToString(CultureInfo.InvariantCulture)} is not a year");
        string unitCode = SchemeUnitCode(schemeId, unitId);
        Indicator indicator = db.Indicators.SingleOrDefault(i => i.Id == indicatorId && i.SchemeId == schemeId)
            ?? throw new NotFoundException($"indicator {indicatorId.ToString(CultureInfo.InvariantCulture)} is not an indicator of scheme '{scheme.Code}'");
        Target? target = db.Targets.SingleOrDefault(t => t.SchemeId == schemeId && t.UnitId == unitId && t.IndicatorId == indicatorId && t.Year == year);
        string yearText = year.ToString(CultureInfo.InvariantCulture);
        string key = $"{scheme.Code}/{unitCode}/{indicator.Code}/{yearText}";
        DateTimeOffset now = StoreTime.Now(clock);
        if (target is null)
        {
            target = new Target { SchemeId = schemeId, UnitId = unitId, IndicatorId = indicatorId, Year = year, Value = value };
            db.Targets.Add(target);
            db.Audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.TargetEntity, key, "value", null, AuditLog.Text(value), reason));
        }
        else if (BitConverter.DoubleToInt64Bits(target.Value) != BitConverter.DoubleToInt64Bits(value))
        {
            var published = db.Periods.Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Published).Select(p => p.Code).ToList()
                .Where(c => c.StartsWith(yearText, StringComparison.Ordinal)).ToList();
            if (published.Count > 0 && string.IsNullOrWhiteSpace(reason))
            {
                throw new WorkflowException($"the {yearText} target of {unitCode}/{indicator.Code} was used by published period(s) {string.Join(", ", published)}; changing it needs a reason");
            }

            db.Audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.TargetEntity, key, "value", AuditLog.Text(target.Value), AuditLog.Text(value), reason));
            target.Value = value;
        }

        db.SaveChanges();
        return target;
    }

    internal static PeriodKind KindOf(string frequency) => frequency switch
    {
        "month" => PeriodKind.Month,
        "quarter" => PeriodKind.Quarter,
        "year" => PeriodKind.Year,
        _ => throw new WorkflowException($"frequency '{frequency}'; expected month, quarter or year"),
    };

    private static string Example(PeriodKind kind) => kind switch
    {
        PeriodKind.Month => "a month like 2025-06",
        PeriodKind.Quarter => "a quarter like 2025-Q2",
        _ => "a year like 2025",
    };

    private static string CheckFrequency(string frequency, string what)
    {
        if (!Frequencies.Contains(frequency, StringComparer.Ordinal))
        {
            throw new WorkflowException($"{what}: frequency '{frequency}'; expected month, quarter or year");
        }

        return frequency;
    }

    private AssessmentScheme Scheme(long schemeId) =>
        db.Schemes.SingleOrDefault(s => s.Id == schemeId)
        ?? throw new NotFoundException($"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist");

    private string SchemeUnitCode(long schemeId, long unitId) =>
        (from su in db.SchemeUnits
         join u in db.Units on su.UnitId equals u.Id
         where su.SchemeId == schemeId && su.UnitId == unitId
         select u.Code).SingleOrDefault()
        ?? throw new NotFoundException($"unit {unitId.ToString(CultureInfo.InvariantCulture)} does not take part in scheme {schemeId.ToString(CultureInfo.InvariantCulture)}");

    private static void Duplicate(IEnumerable<string> codes, string what)
    {
        string? twice = codes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null)
        {
            throw new WorkflowException($"{what} '{twice}' twice; expected each once");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new WorkflowException(message);
        }
    }
}
