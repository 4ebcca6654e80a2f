using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Intake;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Admin;

/// <summary>A row of the units picker: every unit of a kind and/or under a parent, in a track.</summary>
public sealed class PickForm
{
    public string? Kind { get; set; }
    public string? Parent { get; set; }
    public string? Track { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Kind) && string.IsNullOrWhiteSpace(Parent) && string.IsNullOrWhiteSpace(Track);
}

/// <summary>A dimension row (text for the weight, so that a wrong one is shown, not lost).</summary>
public sealed class DimForm
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Weight { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Weight);
}

/// <summary>An indicator row of the new scheme form.</summary>
public sealed class IndForm
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? NameEn { get; set; }
    public string? Dimension { get; set; }
    public int Direction { get; set; } = 1;
    public string? Unit { get; set; }
    public string? Weight { get; set; }
    public string? Rule { get; set; }
    public string? RuleParams { get; set; }
    public string? Frequency { get; set; }
    public bool Cumulative { get; set; }
    public string? Source { get; set; }
    public string? Min { get; set; }
    public string? Max { get; set; }
    public bool Public { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Weight)
        && string.IsNullOrWhiteSpace(RuleParams) && string.IsNullOrWhiteSpace(Source) && string.IsNullOrWhiteSpace(Min) && string.IsNullOrWhiteSpace(Max);
}

/// <summary>
/// A new scheme from scratch (/admin/schemes/new): code, names, frequency, the units by kind and
/// parent (or listed), dimensions and indicators with their rules; or the indicators imported
/// from a spreadsheet. The form becomes a <see cref="SchemeDraft"/>; <see cref="SchemeDesigner"/>
/// checks it (the engine included) and stores it; its errors come back beside their fields.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed partial class SchemeNewModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<SchemeTexts> s) : PageModel
{
    /// <summary>At most this many units are offered in a picker's list; /admin/units pages through all.</summary>
    public const int PickerCap = 500;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? NameEn { get; set; }

    [BindProperty]
    public string Frequency { get; set; } = "month";

    [BindProperty]
    public string Aggregate { get; set; } = "arithmetic";

    [BindProperty]
    public List<PickForm> Picks { get; set; } = [];

    [BindProperty]
    public string? UnitList { get; set; }

    [BindProperty]
    public List<DimForm> Dims { get; set; } = [];

    [BindProperty]
    public List<IndForm> Inds { get; set; } = [];

    [BindProperty]
    public IFormFile? IndicatorFile { get; set; }

    /// <summary>Errors beside a field, by the form's key (<c>Inds[2].Rule</c>).</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    public string? Error { get; private set; }
    public IReadOnlyList<string> ErrorList { get; private set; } = [];
    public DraftCheck? Checked { get; private set; }
    public string? Imported { get; private set; }
    public IReadOnlyList<(string Code, string Name)> Parents { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Departments { get; private set; } = [];
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    /// <summary>The blank indicator list, headers in Chinese and English.</summary>
    public IActionResult OnGetTemplate()
    {
        var buffer = new MemoryStream();
        IndicatorSheet.WriteTemplate(buffer);
        buffer.Position = 0;
        return File(buffer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "indicators-template.xlsx");
    }

    /// <summary>More empty rows: the form comes back as posted.</summary>
    public async Task OnPostMoreAsync(CancellationToken cancel)
    {
        ModelState.Clear();
        await LoadAsync(cancel, extra: 5);
    }

    public async Task OnPostCheckAsync(CancellationToken cancel)
    {
        ModelState.Clear();
        if (Draft() is { } draft)
        {
            try
            {
                Checked = await Designer.CheckAsync(access.As(ActorRole.Office), draft.Draft, cancel);
            }
            catch (SchemeDraftException e)
            {
                Show(e, draft);
            }
        }

        await LoadAsync(cancel);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancel)
    {
        ModelState.Clear();
        if (Draft() is { } draft)
        {
            try
            {
                AssessmentScheme scheme = await Designer.CreateAsync(access.As(ActorRole.Office), draft.Draft, cancel);
                return Redirect($"/admin/schemes/{Uri.EscapeDataString(scheme.Code)}");
            }
            catch (SchemeDraftException e)
            {
                Show(e, draft);
            }
        }

        await LoadAsync(cancel);
        return Page();
    }

    /// <summary>Replaces the dimensions and indicators with those of a spreadsheet; nothing is taken from a file with errors.</summary>
    public async Task OnPostImportAsync(CancellationToken cancel)
    {
        ModelState.Clear();
        if (IndicatorFile is null || IndicatorFile.Length == 0)
        {
            Error = s["Import_NoFile"];
        }
        else
        {
            try
            {
                await using Stream stream = IndicatorFile.OpenReadStream();
                (IReadOnlyList<DimensionDraft> dims, IReadOnlyList<IndicatorDraft> inds) = IndicatorSheet.Read(IntakeFile.Read(stream, IndicatorFile.FileName));
                Dims = dims.Select(d => new DimForm { Code = d.Code, Name = d.Name, Weight = Text(d.Weight) }).ToList();
                Inds = inds.Select(i => new IndForm
                {
                    Code = i.Code, Name = i.Name, NameEn = i.NameEn, Dimension = i.Dimension, Direction = i.Direction, Unit = i.UnitOfMeasure,
                    Weight = Text(i.Weight), Rule = SchemeRules.Find(i.Rule)?.Method, RuleParams = i.RuleParams, Frequency = i.Frequency,
                    Cumulative = i.Cumulative, Source = i.SourceUnitCode, Min = Text(i.MinPlausible), Max = Text(i.MaxPlausible), Public = i.IsPublic,
                }).ToList();
                Imported = s["Import_Done", inds.Count.ToString(CultureInfo.InvariantCulture), IndicatorFile.FileName];
            }
            catch (IndicatorSheetException e)
            {
                Error = s["Import_Errors", e.Errors.Count.ToString(CultureInfo.InvariantCulture)];
                ErrorList = e.Errors.Select(x => SchemeTexts.Sheet(s, x)).ToList();
            }
            catch (IntakeFileException e)
            {
                Error = s["Import_Unreadable"] + " " + (CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? e.En : e.Zh);
            }
        }

        await LoadAsync(cancel);
    }

    public static string Text(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    public string? FieldError(string key) => FieldErrors.TryGetValue(key, out string? e) ? e : null;

    private SchemeDesigner Designer => new(db, clock);

    /// <summary>The draft of the form (blank rows left out), with where each draft row came from; null when a number does not read.</summary>
    private (SchemeDraft Draft, int[] PickRows, int[] DimRows, int[] IndRows)? Draft()
    {
        int[] pickRows = Enumerable.Range(0, Picks.Count).Where(k => !Picks[k].IsBlank).ToArray();
        int[] dimRows = Enumerable.Range(0, Dims.Count).Where(k => !Dims[k].IsBlank).ToArray();
        int[] indRows = Enumerable.Range(0, Inds.Count).Where(k => !Inds[k].IsBlank).ToArray();
        var picks = new List<UnitPick>();
        foreach (int k in pickRows)
        {
            PickForm p = Picks[k];
            UnitKind? kind = Enum.TryParse(p.Kind, out UnitKind parsed) && Enum.IsDefined(parsed) ? parsed : null;
            picks.Add(new UnitPick(kind, p.Parent, p.Track));
        }

        var units = new List<SchemeUnitSpec>();
        foreach (string line in (UnitList ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split([',', '，', '\t'], 2, StringSplitOptions.TrimEntries);
            units.Add(new SchemeUnitSpec(parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null));
        }

        var dims = dimRows.Select(k => new DimensionDraft(Dims[k].Code?.Trim() ?? string.Empty, Dims[k].Name?.Trim() ?? string.Empty, Number(Dims[k].Weight, $"Dims[{N(k)}].Weight") ?? 1)).ToList();
        var inds = indRows.Select(k =>
        {
            IndForm i = Inds[k];
            string at = $"Inds[{N(k)}]";
            return new IndicatorDraft(i.Code?.Trim() ?? string.Empty, i.Name?.Trim() ?? string.Empty)
            {
                NameEn = i.NameEn,
                Dimension = i.Dimension,
                Direction = i.Direction,
                UnitOfMeasure = i.Unit,
                Weight = Number(i.Weight, at + ".Weight") ?? 1,
                Rule = i.Rule,
                RuleParams = i.RuleParams,
                Frequency = string.IsNullOrWhiteSpace(i.Frequency) ? null : i.Frequency,
                Cumulative = i.Cumulative,
                SourceUnitCode = i.Source,
                MinPlausible = Number(i.Min, at + ".Min"),
                MaxPlausible = Number(i.Max, at + ".Max"),
                IsPublic = i.Public,
            };
        }).ToList();
        if (FieldErrors.Count > 0)
        {
            Error = s["Error_Fields"];
            return null;
        }

        var draft = new SchemeDraft(Code ?? string.Empty, Name ?? string.Empty, Frequency)
        {
            NameEn = NameEn,
            Aggregate = Aggregate == "sum" ? "sum" : "arithmetic",
            Picks = picks,
            Units = units,
            Dimensions = dims,
            Indicators = inds,
        };
        return (draft, pickRows, dimRows, indRows);
    }

    /// <summary>Puts the draft's errors beside the form's fields (draft rows back to form rows).</summary>
    private void Show(SchemeDraftException e, (SchemeDraft Draft, int[] PickRows, int[] DimRows, int[] IndRows) draft)
    {
        Error = s["Error_Fields"];
        var loose = new List<string>();
        foreach (DraftError x in e.Errors)
        {
            string field = RowRegex().Replace(x.Field, m =>
            {
                int k = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                int[] rows = m.Groups[1].Value switch { "Picks" => draft.PickRows, "Dims" => draft.DimRows, _ => draft.IndRows };
                return $"{m.Groups[1].Value}[{N(k < rows.Length ? rows[k] : k)}]";
            });
            string text = SchemeTexts.Draft(s, x);
            if (!FieldErrors.TryAdd(field, text))
            {
                FieldErrors[field] += " " + text;
            }

            if (!field.Contains('[', StringComparison.Ordinal) && field is not ("Code" or "Name" or "Frequency" or "UnitList"))
            {
                loose.Add(text);
            }
        }

        ErrorList = loose;
    }

    private double? Number(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (SchemeRules.TryNumber(text, out double v))
        {
            return v;
        }

        FieldErrors[key] = s["Error_NotNumber", text];
        return null;
    }

    private async Task LoadAsync(CancellationToken cancel, int extra = 0)
    {
        Parents = (await db.Units.AsNoTracking()
            .Where(u => u.Kind == UnitKind.City || u.Kind == UnitKind.County || u.Kind == UnitKind.District || u.Kind == UnitKind.Zone)
            .OrderBy(u => u.Kind).ThenBy(u => u.Code).Take(PickerCap)
            .Select(u => new { u.Code, u.Name, u.NameEn }).ToListAsync(cancel))
            .Select(u => (u.Code, English && u.NameEn != null ? u.NameEn : u.Name)).ToList();
        Departments = (await db.Units.AsNoTracking().Where(u => u.Kind == UnitKind.Department).OrderBy(u => u.Code).Take(PickerCap)
            .Select(u => new { u.Code, u.Name, u.NameEn }).ToListAsync(cancel))
            .Select(u => (u.Code, English && u.NameEn != null ? u.NameEn : u.Name)).ToList();
        Pad(Picks, p => p.IsBlank, 2 + (extra > 0 ? 1 : 0));
        Pad(Dims, d => d.IsBlank, 2 + (extra > 0 ? 2 : 0));
        Pad(Inds, i => i.IsBlank, 3 + extra);
    }

    /// <summary>Keeps <paramref name="blank"/> empty rows at the end (more when asked), however often the form is posted.</summary>
    private static void Pad<T>(List<T> rows, Func<T, bool> isBlank, int blank)
        where T : new()
    {
        int trailing = 0;
        while (trailing < rows.Count && isBlank(rows[rows.Count - 1 - trailing]))
        {
            trailing++;
        }

        for (int k = trailing; k < blank; k++)
        {
            rows.Add(new T());
        }
    }

    private static string N(int k) => k.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(Picks|Dims|Inds)\[(\d+)\]")]
    private static partial Regex RowRegex();
}
