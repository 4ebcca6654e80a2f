using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>One unit in a preview: its score and rank (total) now and under the proposed scheme.</summary>
public sealed record PreviewRow(
    string UnitCode, string UnitName, string? UnitNameEn, string? Track,
    double? CurrentScore, int? CurrentRank, double? ProposedScore, int? ProposedRank)
{
    /// <summary>Current rank minus proposed rank: positive means the unit would move up.</summary>
    public int? Move => CurrentRank is { } c && ProposedRank is { } p ? c - p : null;
}

/// <summary>
/// What a proposed scheme would have given in <see cref="Period"/> (the latest published period
/// with results, else the latest period with results) against the result set in force, per unit,
/// largest rank move first.
/// </summary>
public sealed record SchemePreview(string Period, bool Published, int CurrentVersion, int ProposedVersion, IReadOnlyList<PreviewRow> Rows);

/// <summary>An indicator or group (not the root) with its default weight and the weights of the track overrides.</summary>
public sealed record WeightNode(string Code, string? Name, bool IsGroup, string? Parent, double Weight, IReadOnlyDictionary<string, double> TrackWeights);

/// <summary>A weight to set: the node's default (<see cref="Track"/> null) or a track's override; a null weight removes it (default 1, or no override).</summary>
public sealed record WeightEdit(string Node, string? Track, double? Weight);

/// <summary>The fields of an indicator the office edits (the code, frequency and derivation stay).</summary>
public sealed record IndicatorChange(string Name, string? NameEn, string? Dimension, int Direction, string? UnitOfMeasure, bool IsPublic, double? MinPlausible, double? MaxPlausible);

/// <summary>A unit's target for an indicator in a year, by codes (a row of the targets table or file).</summary>
public sealed record TargetValue(string UnitCode, string IndicatorCode, int Year, double Value);

/// <summary>How many targets a save or an import created, changed and left as they were.</summary>
public sealed record TargetImport(int Created, int Updated, int Unchanged);

/// <summary>A targets file with errors: each names its line and what was expected. Nothing was stored.</summary>
public sealed class TargetImportException(IReadOnlyList<string> errors)
    : WorkflowException(string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// The assessment office's changes to a scheme from the administration pages: proposed rules
/// validated and previewed before they become a version, units moved between tracks, indicators
/// edited, targets saved as a table or imported from a file. Every change is validated first and
/// audited with the old and new value; published periods keep the version they were scored with.
/// </summary>
public sealed class SchemeAdmin(SaimaDb db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Validates proposed rules as <see cref="SchemeService.AddVersion"/> would: the engine's parser,
    /// then the checks against the scheme's indicators and tracks. Stores nothing.
    /// </summary>
    /// <exception cref="SchemeException">What is wrong, with its JSON path.</exception>
    public Scheme Validate(long schemeId, string json)
    {
        AssessmentScheme scheme = Scheme(schemeId);
        Scheme parsed = SchemeParser.Parse(json ?? string.Empty);
        SchemeService.CheckAgainstIndicators(parsed, Indicators(schemeId), Tracks(schemeId), scheme.Code);
        return parsed;
    }

    /// <summary>
    /// Scores the latest published period that has results (else the latest period with results)
    /// with the proposed rules, on the inputs the store scores with (<see cref="ScoringInputs"/>,
    /// <see cref="ResultService"/>), and sets the totals beside those of the result set in force.
    /// Null when no period has results. Stores nothing.
    /// </summary>
    /// <exception cref="SchemeException">The rules are not valid.</exception>
    /// <exception cref="WorkflowException">The period cannot be scored with them.</exception>
    public SchemePreview? Preview(long schemeId, string json)
    {
        Validate(schemeId, json);
        var sets = db.ResultSets.AsNoTracking().Where(r => r.SchemeId == schemeId).Select(r => new { r.Id, r.Period, r.SchemeVersionId }).ToList();
        if (sets.Count == 0)
        {
            return null;
        }

        var published = db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Published).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        string period = sets.Select(s => s.Period).Where(published.Contains).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            ?? sets.Select(s => s.Period).OrderDescending(StringComparer.Ordinal).First();
        var set = sets.Where(s => s.Period == period).OrderByDescending(s => s.Id).First();
        SchemeVersion currentVersion = db.SchemeVersions.AsNoTracking().Single(v => v.Id == set.SchemeVersionId);
        Scheme current = SchemeParser.Parse(currentVersion.Json);
        string currentRoot = current.Groups[current.RootGroup].Code;
        var now = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id && r.Node == currentRoot).ToDictionary(r => r.UnitId);

        int next = (db.SchemeVersions.Where(v => v.SchemeId == schemeId).Max(v => (int?)v.Version) ?? 0) + 1;
        var proposed = new SchemeVersion { SchemeId = schemeId, Version = next, Json = json, CreatedBy = "preview", CreatedAt = StoreTime.Now(clock) };
        ScoringInputs inputs = ScoringInputs.Load(db, proposed, period, StoreTime.Now(clock));
        ResultService.Computed computed = ResultService.Run(inputs);
        string root = inputs.Scheme.Groups[inputs.Scheme.RootGroup].Code;
        var then = computed.Rows.Where(r => r.Node == root).ToDictionary(r => r.UnitId);

        var units = (from su in db.SchemeUnits.AsNoTracking()
                     join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                     where su.SchemeId == schemeId
                     select new { u.Id, u.Code, u.Name, u.NameEn, su.Track }).ToList();
        var rows = units
            .Where(u => now.ContainsKey(u.Id) || then.ContainsKey(u.Id))
            .Select(u =>
            {
                ResultRow? c = now.GetValueOrDefault(u.Id);
                ResultRow? p = then.GetValueOrDefault(u.Id);
                return new PreviewRow(u.Code, u.Name, u.NameEn, u.Track, c?.Score, c?.Rank, p?.Score, p?.Rank);
            })
            .OrderByDescending(r => r.Move is { } m ? Math.Abs(m) : -1)
            .ThenBy(r => r.ProposedRank ?? int.MaxValue)
            .ThenBy(r => r.UnitCode, StringComparer.Ordinal)
            .ToList();
        return new SchemePreview(period, published.Contains(period), currentVersion.Version, next, rows);
    }

    /// <summary>
    /// Saves proposed rules as the scheme's next version (validated again) and audits the whole
    /// change (the previous and the new JSON). Published periods keep their version and results.
    /// </summary>
    public SchemeVersion Apply(Actor actor, long schemeId, string json, string? note)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("change scoring rules");
        AssessmentScheme scheme = Scheme(schemeId);
        string? old = db.SchemeVersions.AsNoTracking().Where(v => v.SchemeId == schemeId).OrderByDescending(v => v.Version).Select(v => v.Json).FirstOrDefault();
        DateTimeOffset now = StoreTime.Now(clock);
        using var tx = db.Database.BeginTransaction();
        SchemeVersion version = new SchemeService(db, clock).AddVersionCore(actor, scheme, json, note, now);
        db.Audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.SchemeEntity, scheme.Code, "json", old, json, note));
        db.SaveChanges();
        tx.Commit();
        return version;
    }

    /// <summary>
    /// Moves a unit to another track (null or empty: none). Either every unit of the scheme has a
    /// track or none has, and the current rules' track overrides must still name tracks with units.
    /// </summary>
    public void MoveUnit(Actor actor, long schemeId, string unitCode, string? track)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("move units between tracks");
        AssessmentScheme scheme = Scheme(schemeId);
        track = string.IsNullOrWhiteSpace(track) ? null : track.Trim();
        if (track is { Length: > 50 })
        {
            throw new WorkflowException($"track '{track}' is too long; expected at most 50 characters");
        }

        var members = (from su in db.SchemeUnits
                       join u in db.Units on su.UnitId equals u.Id
                       where su.SchemeId == schemeId
                       select new { Row = su, u.Code }).ToList();
        var member = members.SingleOrDefault(m => m.Code == unitCode)
            ?? throw new NotFoundException($"unit '{unitCode}' does not take part in scheme '{scheme.Code}'");
        string? old = member.Row.Track;
        if (old == track)
        {
            return;
        }

        var after = members.Select(m => m.Code == unitCode ? track : m.Row.Track).ToList();
        if (after.Any(t => t is not null) && after.Any(t => t is null))
        {
            throw new WorkflowException($"unit '{unitCode}' would be without a track while others have one; expected a track for every unit or for none");
        }

        var tracks = after.Where(t => t is not null).Select(t => t!).Distinct(StringComparer.Ordinal).ToList();
        Scheme parsed = SchemeParser.Parse(new SchemeService(db, clock).CurrentVersion(schemeId).Json);
        SchemeService.CheckAgainstIndicators(parsed, Indicators(schemeId), tracks, scheme.Code);
        member.Row.Track = track;
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", SchemeUnitEntity, $"{scheme.Code}/{unitCode}", "track", old, track));
        db.SaveChanges();
    }

    /// <summary>
    /// Edits an indicator. A change of direction is a change of the rules too: the current JSON
    /// gets the new direction and is saved as the next version, in the same transaction.
    /// </summary>
    public Indicator UpdateIndicator(Actor actor, long schemeId, string code, IndicatorChange change)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(change);
        actor.RequireOffice("edit indicators");
        AssessmentScheme scheme = Scheme(schemeId);
        Indicator row = db.Indicators.SingleOrDefault(i => i.SchemeId == schemeId && i.Code == code)
            ?? throw new NotFoundException($"'{code}' is not an indicator of scheme '{scheme.Code}'");
        if (string.IsNullOrWhiteSpace(change.Name))
        {
            throw new WorkflowException($"indicator '{code}' needs a name");
        }

        if (change.Direction is not (1 or -1))
        {
            throw new WorkflowException($"indicator '{code}': direction {change.Direction.ToString(CultureInfo.InvariantCulture)}; expected 1 (higher is better) or -1 (lower is better)");
        }

        if (change.MinPlausible is { } lo && change.MaxPlausible is { } hi && lo > hi)
        {
            throw new WorkflowException($"indicator '{code}': plausible range [{AuditLog.Text(lo)}, {AuditLog.Text(hi)}] is empty; expected min ≤ max");
        }

        if ((change.MinPlausible is { } a && !double.IsFinite(a)) || (change.MaxPlausible is { } b && !double.IsFinite(b)))
        {
            throw new WorkflowException($"indicator '{code}': the plausible range needs finite numbers");
        }

        DateTimeOffset now = StoreTime.Now(clock);
        string key = $"{scheme.Code}/{code}";
        using var tx = db.Database.BeginTransaction();
        void Set<T>(string field, T oldValue, T newValue, Action apply, Func<T, string?> text)
        {
            if (!EqualityComparer<T>.Default.Equals(oldValue, newValue))
            {
                db.Audit.Add(AuditLog.Entry(now, actor, "update", IndicatorEntity, key, field, text(oldValue), text(newValue)));
                apply();
            }
        }

        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        Set("name", row.Name, change.Name.Trim(), () => row.Name = change.Name.Trim(), s => s);
        Set("name_en", row.NameEn, Blank(change.NameEn), () => row.NameEn = Blank(change.NameEn), s => s);
        Set("dimension", row.Dimension, Blank(change.Dimension), () => row.Dimension = Blank(change.Dimension), s => s);
        Set("unit_of_measure", row.UnitOfMeasure, Blank(change.UnitOfMeasure), () => row.UnitOfMeasure = Blank(change.UnitOfMeasure), s => s);
        Set("is_public", row.IsPublic, change.IsPublic, () => row.IsPublic = change.IsPublic, v => v ? "true" : "false");
        Set("min_plausible", row.MinPlausible, change.MinPlausible, () => row.MinPlausible = change.MinPlausible, AuditLog.Text);
        Set("max_plausible", row.MaxPlausible, change.MaxPlausible, () => row.MaxPlausible = change.MaxPlausible, AuditLog.Text);
        bool turned = row.Direction != change.Direction;
        Set("direction", row.Direction, change.Direction, () => row.Direction = change.Direction, v => v.ToString(CultureInfo.InvariantCulture));
        db.SaveChanges();
        if (turned)
        {
            string json = new SchemeService(db, clock).CurrentVersion(schemeId).Json;
            JsonObject doc = ParseObject(json);
            bool scored = false;
            if (doc["indicators"] is JsonArray list)
            {
                foreach (JsonObject item in list.OfType<JsonObject>().Where(i => CodeOf(i) == code))
                {
                    item["direction"] = change.Direction;
                    scored = true;
                }
            }

            if (scored)
            {
                string next = doc.ToJsonString(Indented);
                new SchemeService(db, clock).AddVersionCore(actor, scheme, next, $"direction of {code}: {change.Direction.ToString(CultureInfo.InvariantCulture)}", now);
                db.Audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.SchemeEntity, scheme.Code, "json", json, next, $"direction of {code}"));
                db.SaveChanges();
            }
        }

        tx.Commit();
        return row;
    }

    /// <summary>
    /// Sets targets (a year's table, or the rows of a file) through <see cref="SchemeService.SetTarget"/>,
    /// all or none: a code that is not the scheme's, or a target of a year with published periods
    /// changed without a reason, stores nothing.
    /// </summary>
    public TargetImport SetTargets(Actor actor, long schemeId, IReadOnlyList<TargetValue> targets, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(targets);
        actor.RequireOffice("set targets");
        AssessmentScheme scheme = Scheme(schemeId);
        var units = (from su in db.SchemeUnits.AsNoTracking()
                     join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                     where su.SchemeId == schemeId
                     select new { u.Code, u.Id }).ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var indicators = Indicators(schemeId).ToDictionary(i => i.Code, i => i.Id, StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (TargetValue t in targets)
        {
            if (!units.ContainsKey(t.UnitCode))
            {
                errors.Add($"unit '{t.UnitCode}' does not take part in scheme '{scheme.Code}'");
            }

            if (!indicators.ContainsKey(t.IndicatorCode))
            {
                errors.Add($"'{t.IndicatorCode}' is not an indicator of scheme '{scheme.Code}'");
            }
        }

        if (errors.Count > 0)
        {
            throw new TargetImportException(errors);
        }

        var existing = db.Targets.AsNoTracking().Where(t => t.SchemeId == schemeId).ToList()
            .ToDictionary(t => (t.UnitId, t.IndicatorId, t.Year), t => t.Value);
        int created = 0, updated = 0, unchanged = 0;
        var service = new SchemeService(db, clock);
        using var tx = db.Database.BeginTransaction();
        foreach (TargetValue t in targets)
        {
            long unit = units[t.UnitCode], indicator = indicators[t.IndicatorCode];
            if (!existing.TryGetValue((unit, indicator, t.Year), out double old))
            {
                created++;
            }
            else if (BitConverter.DoubleToInt64Bits(old) == BitConverter.DoubleToInt64Bits(t.Value))
            {
                unchanged++;
                continue;
            }
            else
            {
                updated++;
            }

            service.SetTarget(actor, schemeId, unit, indicator, t.Year, t.Value, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
            existing[(unit, indicator, t.Year)] = t.Value;
        }

        tx.Commit();
        return new TargetImport(created, updated, unchanged);
    }

    /// <summary>
    /// Reads a targets file (CSV with the columns <c>unit,indicator,year,target</c>) and sets them
    /// all, or none when any line is wrong (each error names its line).
    /// </summary>
    public TargetImport ImportTargets(Actor actor, long schemeId, TextReader csv, string? reason)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = new List<TargetValue>();
        var errors = new List<string>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().TrimStart('\uFEFF').ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        using var reader = new CsvReader(csv, config);
        if (!reader.Read() || !reader.ReadHeader())
        {
            throw new TargetImportException(["the file is empty; expected a header line unit,indicator,year,target"]);
        }

        string[] header = reader.HeaderRecord ?? [];
        string[] wanted = ["unit", "indicator", "year", "target"];
        var missing = wanted.Where(w => !header.Any(h => h.Trim().TrimStart('\uFEFF').Equals(w, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            throw new TargetImportException([$"line 1: column(s) {string.Join(", ", missing)} missing; expected the header unit,indicator,year,target"]);
        }

        var seen = new HashSet<(string, string, int)>();
        while (reader.Read())
        {
            int line = reader.Parser.Row;
            string unit = reader.GetField("unit") ?? string.Empty;
            string indicator = reader.GetField("indicator") ?? string.Empty;
            string yearText = reader.GetField("year") ?? string.Empty;
            string valueText = reader.GetField("target") ?? string.Empty;
            if (unit.Length == 0 && indicator.Length == 0 && yearText.Length == 0 && valueText.Length == 0)
            {
                continue;
            }

            string at = line.ToString(CultureInfo.InvariantCulture);
            if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out int year) || year is < 1900 or > 9999)
            {
                errors.Add($"line {at}: year '{yearText}' is not a year; expected e.g. 2025");
                continue;
            }

            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                errors.Add($"line {at}: target '{valueText}' is not a number; expected a number with '.' as decimal point");
                continue;
            }

            if (!seen.Add((unit, indicator, year)))
            {
                errors.Add($"line {at}: unit '{unit}', indicator '{indicator}', year {yearText} appears twice");
                continue;
            }

            rows.Add(new TargetValue(unit, indicator, year, value));
        }

        if (errors.Count > 0)
        {
            throw new TargetImportException(errors);
        }

        if (rows.Count == 0)
        {
            throw new TargetImportException(["the file has no rows; expected one line per unit, indicator and year"]);
        }

        return SetTargets(actor, schemeId, rows, reason);
    }

    /// <summary>The weights of a scheme's indicators and groups (not the root): the default and each track's override.</summary>
    public static IReadOnlyList<WeightNode> Weights(Scheme parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        IReadOnlyDictionary<string, double> Of(string code) =>
            parsed.Tracks?.Overrides.Where(o => o.Value.Weights.ContainsKey(code)).ToDictionary(o => o.Key, o => o.Value.Weights[code], StringComparer.Ordinal)
            ?? new Dictionary<string, double>(StringComparer.Ordinal);
        var nodes = new List<WeightNode>();
        nodes.AddRange(parsed.Groups.Where(g => g.Parent is not null).Select(g => new WeightNode(g.Code, g.Name, true, g.Parent, g.Weight, Of(g.Code))));
        nodes.AddRange(parsed.Indicators.Select(i => new WeightNode(i.Code, i.Name, false, i.Parent, i.Weight, Of(i.Code))));
        return nodes;
    }

    /// <summary>
    /// The JSON with these weights set: a node's own <c>weight</c>, or <c>tracks.overrides.T.weights.code</c>.
    /// Stores nothing and does not validate (<see cref="Validate"/> does).
    /// </summary>
    public static string WithWeights(string json, IEnumerable<WeightEdit> edits)
    {
        ArgumentNullException.ThrowIfNull(edits);
        JsonObject doc = ParseObject(json);
        foreach (WeightEdit e in edits)
        {
            if (e.Track is null)
            {
                JsonObject node = (doc["indicators"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(i => CodeOf(i) == e.Node)
                    ?? (doc["groups"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(g => CodeOf(g) == e.Node)
                    ?? throw new WorkflowException($"'{e.Node}' is not an indicator or group of the scheme");
                if (e.Weight is { } w)
                {
                    node["weight"] = w;
                }
                else
                {
                    node.Remove("weight");
                }

                continue;
            }

            JsonObject tracks = Child(doc, "tracks");
            JsonObject overrides = Child(tracks, "overrides");
            if (e.Weight is { } tw)
            {
                Child(Child(overrides, e.Track), "weights")[e.Node] = tw;
            }
            else if (overrides[e.Track] is JsonObject o && o["weights"] is JsonObject ws)
            {
                ws.Remove(e.Node);
                if (ws.Count == 0)
                {
                    o.Remove("weights");
                }

                if (o.Count == 0)
                {
                    overrides.Remove(e.Track);
                }
            }

            if (overrides.Count == 0)
            {
                tracks.Remove("overrides");
            }

            if (tracks.Count == 0)
            {
                doc.Remove("tracks");
            }
        }

        return doc.ToJsonString(Indented);
    }

    /// <summary>The audit entity of a unit's membership of a scheme (its track); key <c>SCHEME/UNIT</c>.</summary>
    public const string SchemeUnitEntity = "scheme_unit";

    /// <summary>The audit entity of an indicator row; key <c>SCHEME/CODE</c>.</summary>
    public const string IndicatorEntity = "indicator";

    private static JsonObject ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new SchemeException("$", "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new SchemeException("$", "not valid JSON: " + e.Message);
        }
    }

    private static string? CodeOf(JsonObject o) => o["code"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static JsonObject Child(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    private List<Indicator> Indicators(long schemeId) => db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).ToList();

    private List<string> Tracks(long schemeId) =>
        db.SchemeUnits.AsNoTracking().Where(u => u.SchemeId == schemeId && u.Track != null).Select(u => u.Track!).Distinct().ToList();

    private AssessmentScheme Scheme(long schemeId) =>
        db.Schemes.AsNoTracking().SingleOrDefault(s => s.Id == schemeId)
        ?? throw new NotFoundException($"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist");
}
