using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Scoring;
using Saima.Web.Access;
using Saima.Web.Features.Paging;

namespace Saima.Web.Features.Admin;

public sealed record MemberRow(string Code, string Name, UnitKind Kind, string? Track);

/// <summary>
/// One scheme's administration (/admin/schemes/{code}): units in tracks, indicators, targets,
/// weights per track and the whole rules JSON. Proposed rules are validated by the engine and
/// previewed on the latest published period (<see cref="SchemeAdmin.Preview"/>) before they are
/// applied as a new version; errors are shown beside the field and with their JSON path.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed partial class SchemeModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<AdminTexts> a) : PageModel
{
    /// <summary>Above this many cells the targets table is not drawn; the file upload does it.</summary>
    public const int MaxTargetCells = 5000;

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>A member unit's name or code to find (the units and targets sections show one page of members).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? UnitSearch { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int UnitPage { get; set; } = 1;

    /// <summary>Where <see cref="Members"/> are among the scheme's units found: at most <see cref="UnitListPage.Size"/> a page.</summary>
    public UnitListPage? MemberPaging { get; private set; }

    [BindProperty]
    public Dictionary<string, string?> Weights { get; set; } = new(StringComparer.Ordinal);

    [BindProperty]
    public Dictionary<string, string?> Targets { get; set; } = new(StringComparer.Ordinal);

    [BindProperty]
    public string? Json { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? UnitCode { get; set; }

    [BindProperty]
    public string? Track { get; set; }

    [BindProperty]
    public string? IndicatorCode { get; set; }

    [BindProperty]
    public IndicatorForm Ind { get; set; } = new();

    [BindProperty]
    public IFormFile? TargetFile { get; set; }

    public AssessmentScheme Scheme { get; private set; } = null!;
    public SchemeVersion Version { get; private set; } = null!;
    public Scheme Parsed { get; private set; } = null!;
    public IReadOnlyList<MemberRow> Members { get; private set; } = [];
    public IReadOnlyList<string> TrackNames { get; private set; } = [];
    public IReadOnlyList<Indicator> Indicators { get; private set; } = [];
    public IReadOnlyList<WeightNode> WeightNodes { get; private set; } = [];
    public IReadOnlyDictionary<(string Unit, string Indicator), double> TargetValues { get; private set; } = new Dictionary<(string, string), double>();
    public bool TargetsTooMany { get; private set; }
    public IReadOnlyList<int> Years { get; private set; } = [];
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>Errors beside a field, by the field's key (a weight "NODE" or "TRACK|NODE", a target "UNIT|INDICATOR", an indicator form field).</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>The error of the last action and, for rules, its JSON path; <see cref="Section"/> says which part of the page it belongs to.</summary>
    public string? Error { get; private set; }
    public string? ErrorPath { get; private set; }
    public string? Section { get; private set; }
    public IReadOnlyList<string> ErrorList { get; private set; } = [];

    public SchemePreview? Preview { get; private set; }
    public bool Previewed { get; private set; }

    /// <summary>Which weights and method choices moved ranks most when the latest published period was published (null: none published with intervals).</summary>
    public SensitivityView? Sensitivity { get; private set; }

    /// <summary>Factors the page shows at most.</summary>
    public const int SensitivityShown = 10;
    public string? ProposedJson { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public async Task<IActionResult> OnPostMoveAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        if (Try("units", () => Admin.MoveUnit(access.As(ActorRole.Office), Scheme.Id, UnitCode ?? string.Empty, Track)))
        {
            return Back("moved", "units");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostIndicatorAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        double? min = Number(Ind.Min, "ind-min"), max = Number(Ind.Max, "ind-max");
        if (FieldErrors.Count > 0)
        {
            Section = "indicators";
            Error = a["Error_Fields"];
            return Page();
        }

        var change = new IndicatorChange(Ind.Name ?? string.Empty, Ind.NameEn, Ind.Dimension, Ind.Direction, Ind.UnitOfMeasure, Ind.IsPublic, min, max);
        if (Try("indicators", () => Admin.UpdateIndicator(access.As(ActorRole.Office), Scheme.Id, IndicatorCode ?? string.Empty, change)))
        {
            return Back("indicator", "indicators");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostTargetsAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        int year = Year ?? DefaultYear();
        var values = new List<TargetValue>();
        foreach ((string key, string? text) in Targets)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            string[] parts = key.Split('|');
            if (parts.Length != 2)
            {
                continue;
            }

            if (Number(text, key) is { } v)
            {
                values.Add(new TargetValue(parts[0], parts[1], year, v));
            }
        }

        if (FieldErrors.Count > 0)
        {
            Section = "targets";
            Error = a["Error_Fields"];
            return Page();
        }

        TargetImport? done = null;
        if (Try("targets", () => done = Admin.SetTargets(access.As(ActorRole.Office), Scheme.Id, values, Reason)))
        {
            return Back(Counts(done!), "targets");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostImportTargetsAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        if (TargetFile is null || TargetFile.Length == 0)
        {
            Section = "targets";
            Error = a["Error_NoFile"];
            return Page();
        }

        using var reader = new StreamReader(TargetFile.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        TargetImport? done = null;
        if (Try("targets", () => done = Admin.ImportTargets(access.As(ActorRole.Office), Scheme.Id, reader, Reason)))
        {
            return Back(Counts(done!), "targets");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostPreviewWeightsAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        var edits = new List<WeightEdit>();
        foreach (WeightNode node in WeightNodes)
        {
            Edit(node.Code, null, node.Weight);
            foreach (string track in TrackNames)
            {
                Edit(node.Code, track, node.TrackWeights.TryGetValue(track, out double w) ? w : null);
            }
        }

        if (FieldErrors.Count > 0)
        {
            Section = "weights";
            Error = a["Error_Fields"];
            return Page();
        }

        RunPreview("weights", SchemeAdmin.WithWeights(Version.Json, edits));
        return Page();

        void Edit(string node, string? track, double? current)
        {
            string key = track is null ? node : track + "|" + node;
            if (!Weights.TryGetValue(key, out string? text))
            {
                return;
            }

            double? wanted = string.IsNullOrWhiteSpace(text) ? null : Number(text, key);
            if (FieldErrors.ContainsKey(key))
            {
                return;
            }

            // An empty default is weight 1; only what differs becomes an edit, so the JSON keeps its shape.
            bool same = track is null ? (wanted ?? 1) == current : wanted == current;
            if (!same)
            {
                edits.Add(new WeightEdit(node, track, wanted));
            }
        }
    }

    public async Task<IActionResult> OnPostPreviewJsonAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        RunPreview("json", Json ?? string.Empty);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        SchemeVersion? added = null;
        if (Try("json", () => added = Admin.Apply(access.As(ActorRole.Office), Scheme.Id, Json ?? string.Empty, string.IsNullOrWhiteSpace(Note) ? null : Note.Trim())))
        {
            return Back("applied-" + added!.Version.ToString(CultureInfo.InvariantCulture), "rules");
        }

        ProposedJson = Json;
        return Page();
    }

    /// <summary>The value a weight field shows: what was posted when the page comes back with errors, else the stored weight.</summary>
    public string WeightText(string key, double? stored) =>
        Weights.TryGetValue(key, out string? posted) ? posted ?? string.Empty : Text(stored);

    public string TargetText(string unit, string indicator) =>
        Targets.TryGetValue(unit + "|" + indicator, out string? posted) && Section == "targets"
            ? posted ?? string.Empty
            : TargetValues.TryGetValue((unit, indicator), out double v) ? Text(v) : string.Empty;

    public static string Text(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    public string NameOf(Indicator i) => English && i.NameEn is not null ? i.NameEn : i.Name;

    /// <summary>The message of a done=... redirect.</summary>
    public string? DoneText()
    {
        if (Done is null)
        {
            return null;
        }

        Match m = CountsRegex().Match(Done);
        if (m.Success)
        {
            return a["Done_Targets", m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value];
        }

        if (Done.StartsWith("applied-", StringComparison.Ordinal))
        {
            return a["Done_Applied", Done["applied-".Length..]];
        }

        return Done switch
        {
            "moved" => a["Done_Moved"].Value,
            "indicator" => a["Done_Indicator"].Value,
            _ => null,
        };
    }

    private SchemeAdmin Admin => new(db, clock);

    private void RunPreview(string section, string json)
    {
        ProposedJson = json;
        Section = section;
        try
        {
            Preview = Admin.Preview(Scheme.Id, json);
            Previewed = true;
        }
        catch (SchemeException e)
        {
            Error = e.Reason;
            ErrorPath = e.Path;
            if (FieldOfPath(e.Path) is { } field)
            {
                FieldErrors[field] = e.Path + ": " + e.Reason;
            }
        }
        catch (WorkflowException e)
        {
            Error = e.Message;
        }
    }

    /// <summary>The weight field a JSON path points at, if it is one the weights form shows.</summary>
    private string? FieldOfPath(string path)
    {
        Match m = IndicatorWeightRegex().Match(path);
        if (m.Success)
        {
            int k = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            return m.Groups[1].Value == "indicators"
                ? (k < Parsed.Indicators.Count ? Parsed.Indicators[k].Code : null)
                : (k < Parsed.Groups.Count ? Parsed.Groups[k].Code : null);
        }

        m = TrackWeightRegex().Match(path);
        return m.Success ? m.Groups[1].Value + "|" + m.Groups[2].Value : null;
    }

    private bool Try(string section, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (TargetImportException e)
        {
            ErrorList = e.Errors;
            Error = a["Error_Targets"];
        }
        catch (SchemeException e)
        {
            Error = e.Reason;
            ErrorPath = e.Path;
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            Error = e.Message;
        }

        Section = section;
        return false;
    }

    private double? Number(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            return v;
        }

        FieldErrors[key] = a["Error_NotNumber", text];
        return null;
    }

    private static string Counts(TargetImport t) =>
        string.Create(CultureInfo.InvariantCulture, $"targets-{t.Created}-{t.Updated}-{t.Unchanged}");

    private RedirectResult Back(string done, string anchor) =>
        Redirect($"/admin/schemes/{Uri.EscapeDataString(Scheme.Code)}?done={Uri.EscapeDataString(done)}"
            + (Year is { } y ? "&year=" + y.ToString(CultureInfo.InvariantCulture) : string.Empty) + "#" + anchor);

    private int DefaultYear()
    {
        string? latest = db.Periods.AsNoTracking().Where(p => p.SchemeId == Scheme.Id).Select(p => p.Code).AsEnumerable().OrderDescending(StringComparer.Ordinal).FirstOrDefault();
        return latest is not null && int.TryParse(latest.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int y) ? y : clock.GetUtcNow().Year;
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        AssessmentScheme? scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == Code, cancel);
        if (scheme is null)
        {
            return false;
        }

        Scheme = scheme;
        Version = new SchemeService(db, clock).CurrentVersion(scheme.Id);
        Parsed = SchemeParser.Parse(Version.Json);
        Members = await (from su in db.SchemeUnits.AsNoTracking()
                         join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                         where su.SchemeId == scheme.Id
                         orderby u.Code
                         select new MemberRow(u.Code, English && u.NameEn != null ? u.NameEn : u.Name, u.Kind, su.Track)).ToListAsync(cancel);
        TrackNames = Members.Where(m => m.Track is not null).Select(m => m.Track!).Distinct().Order(StringComparer.Ordinal).ToList();
        (List<MemberRow> shown, UnitListPage paging) = UnitListPage.Of(Members, m => m.Code, m => m.Name, UnitSearch, UnitPage,
            "/admin/schemes/" + Uri.EscapeDataString(scheme.Code), new Dictionary<string, string?> { ["year"] = Year?.ToString(CultureInfo.InvariantCulture) });
        (Members, MemberPaging) = (shown, paging);
        Indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).OrderBy(i => i.SortOrder).ToListAsync(cancel);
        WeightNodes = SchemeAdmin.Weights(Parsed);
        Year ??= DefaultYear();
        int year = Year.Value;
        var years = await db.Targets.AsNoTracking().Where(t => t.SchemeId == scheme.Id).Select(t => t.Year).Distinct().ToListAsync(cancel);
        years.Add(year);
        Years = years.Distinct().Order().ToList();
        TargetsTooMany = Members.Count * Indicators.Count > MaxTargetCells;
        if (!TargetsTooMany)
        {
            TargetValues = await (from t in db.Targets.AsNoTracking()
                                  join u in db.Units.AsNoTracking() on t.UnitId equals u.Id
                                  join i in db.Indicators.AsNoTracking() on t.IndicatorId equals i.Id
                                  where t.SchemeId == scheme.Id && t.Year == year
                                  select new { Unit = u.Code, Indicator = i.Code, t.Value })
                .ToDictionaryAsync(t => (t.Unit, t.Indicator), t => t.Value, cancel);
        }

        Sensitivity = await SensitivityAsync(scheme.Id, cancel);
        return true;
    }

    /// <summary>The stored sensitivity of the latest published period's result set (read, never recomputed).</summary>
    private async Task<SensitivityView?> SensitivityAsync(long schemeId, CancellationToken cancel)
    {
        string? period = await db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Published)
            .OrderByDescending(p => p.Code).Select(p => p.Code).FirstOrDefaultAsync(cancel);
        ResultSet? set = period is null ? null : new ResultService(db, clock).Latest(schemeId, period);
        RankIntervalRun? run = set is null ? null : RankIntervals.RunOf(db, set.Id);
        if (set is null || run is null)
        {
            return null;
        }

        var names = WeightNodes.ToDictionary(w => w.Code, w => w.Name ?? w.Code, StringComparer.Ordinal);
        var rows = await RankIntervals.SensitivityAsync(db, set.Id, SensitivityShown, cancel);
        var factors = rows.Select(r =>
        {
            string name = r.Code;
            int slash = r.Code.IndexOf('/', StringComparison.Ordinal);
            if (r.Kind == "track_weight" && slash > 0)
            {
                string node = r.Code[(slash + 1)..];
                name = r.Code[..slash] + "：" + names.GetValueOrDefault(node, node);
            }
            else if (r.Code.Length > 0)
            {
                name = names.GetValueOrDefault(r.Code, r.Code);
            }

            return new SensitivityFactorView(r.Kind, r.Code, name, r.FirstOrder);
        }).ToList();
        return new SensitivityView(set.Period, run.Replicates, run.MeanShift, run.AlternativesJson is not null, factors);
    }

    [GeneratedRegex(@"^targets-(\d+)-(\d+)-(\d+)$")]
    private static partial Regex CountsRegex();

    [GeneratedRegex(@"^\$\.(indicators|groups)\[(\d+)\]\.weight$")]
    private static partial Regex IndicatorWeightRegex();

    [GeneratedRegex(@"^\$\.tracks\.overrides\.([^.]+)\.weights\.([^.]+)$")]
    private static partial Regex TrackWeightRegex();
}

/// <summary>The stored rank sensitivity of one result set, as the scheme page shows it.</summary>
public sealed record SensitivityView(string Period, int Replicates, double? MeanShift, bool Alternatives, IReadOnlyList<SensitivityFactorView> Factors);

/// <summary>One factor: its stored kind and code, the name shown (the node's name; "track：name" for a track's weight; empty for a step list), its share.</summary>
public sealed record SensitivityFactorView(string Kind, string Code, string Name, double Share);

/// <summary>The indicator form's fields (text for the numbers, so that a wrong one is shown, not lost).</summary>
public sealed class IndicatorForm
{
    public string? Name { get; set; }
    public string? NameEn { get; set; }
    public string? Dimension { get; set; }
    public int Direction { get; set; } = 1;
    public string? UnitOfMeasure { get; set; }
    public bool IsPublic { get; set; }
    public string? Min { get; set; }
    public string? Max { get; set; }
}
