using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Intake;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Adjustments;
using Saima.Web.Features.Admin;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Entry;

/// <summary>
/// The entry form (填报) of an open period: the units and indicators the user enters (a reporter:
/// its unit's own indicators; a source department: its indicators for every unit; the office:
/// everything, one unit at a time by `unit`), save as draft, submit, and the Excel template's
/// download and upload. Rows come from the user's scope; every change goes through
/// <see cref="FigureWorkflow"/> (or <see cref="FigureImporter"/> for an upload) as the user's actor.
/// </summary>
[Authorize(Policy = AccessPolicies.Enter)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUpload)]
[RequestSizeLimit(MaxUpload)]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<EntryTexts> texts, EvidenceOptions evidence) : PageModel
{
    public const int MaxUpload = 10 * 1024 * 1024;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? UnitCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    /// <summary>Which page of units a department's form shows (a country has thousands of units).</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Units per page of a department's form.</summary>
    public const int UnitsPerPage = 50;

    public int PageCount { get; private set; } = 1;

    [BindProperty]
    public List<EntryInput> Entries { get; set; } = [];

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public Actor Actor { get; private set; } = null!;
    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public string? LastPeriod { get; private set; }
    public IReadOnlyList<EntryRow> Rows { get; private set; } = [];
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>Values as posted, shown again when the form is refused.</summary>
    public Dictionary<string, string?> Posted { get; } = [];

    /// <summary>Evidence files attached to the form's figures, by figure id.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<EvidenceFile>> Evidence { get; private set; } = new Dictionary<long, IReadOnlyList<EvidenceFile>>();

    /// <summary>Explanations as posted, shown again when the form is refused.</summary>
    public Dictionary<string, string?> PostedExplanations { get; } = [];

    /// <summary>Errors of single rows (the door's refusals), by row key.</summary>
    public Dictionary<string, string> RowErrors { get; } = [];

    /// <summary>Rows refused for want of an explanation: their explanation box is shown open.</summary>
    public HashSet<string> NeedsExplanation { get; } = [];

    /// <summary>An error of the whole action (the workflow refused it).</summary>
    public string? Error { get; private set; }

    public ImportResult? Imported { get; private set; }

    public bool CanUseTemplate => Actor.Role is ActorRole.Reporter or ActorRole.DepartmentReporter;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public Task<IActionResult> OnPostSaveAsync(CancellationToken cancel) => ChangeAsync(submit: false, cancel);

    public Task<IActionResult> OnPostSubmitAsync(CancellationToken cancel) => ChangeAsync(submit: true, cancel);

    /// <summary>The Excel template of the form (a reporter's unit, or a department's indicators for every unit).</summary>
    public async Task<IActionResult> OnGetTemplateAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null || !CanUseTemplate || Actor.UnitId is not long unitId)
        {
            return NotFound();
        }

        string code = await db.Units.Where(u => u.Id == unitId).Select(u => u.Code).SingleAsync(cancel);
        var output = new MemoryStream();
        var writer = new TemplateWriter(db, clock);
        TemplateSummary summary = Actor.Role == ActorRole.Reporter
            ? writer.WriteUnitTemplate(Scheme.Code, Period, code, output, Actor.Name)
            : writer.WriteSourceTemplate(Scheme.Code, Period, code, output, Actor.Name);
        return File(output.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", summary.FileName);
    }

    /// <summary>An upload of the filled template: all figures stored as drafts, or none and every error listed.</summary>
    public async Task<IActionResult> OnPostUploadAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null)
        {
            return NotFound();
        }

        if (Upload is null || Upload.Length == 0)
        {
            Error = texts["Upload_NoFile"];
            return Page();
        }

        // What the uploader may report is decided by the door, as for the form: the user's own units and indicators.
        var options = new ImportOptions
        {
            Period = Period,
            UnitCode = Actor.Role == ActorRole.Reporter ? Units.Single().Code : null,
        };
        try
        {
            await using Stream stream = Upload.OpenReadStream();
            // A damaged file, or one beyond the intake limits, comes back refused with the reason, like any file with errors.
            Imported = await new FigureImporter(db, clock).ImportAsync(Scheme.Code, stream, Path.GetFileName(Upload.FileName), Actor, options, cancel);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException or IOException
                                      or ExcelDataReader.Exceptions.ExcelReaderException)
        {
            Error = texts["Upload_Unreadable", e.Message];
            return Page();
        }

        if (Imported.Accepted)
        {
            return Redirect(Link("uploaded"));
        }

        return Page();
    }

    /// <summary>
    /// Saves the posted values and, when asked, submits the form's figures that have a value: one
    /// batch through <see cref="FigureEntry"/> (the door every figure passes), all or nothing; the
    /// door's refusals are shown beside their rows.
    /// </summary>
    private async Task<IActionResult> ChangeAsync(bool submit, CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null)
        {
            return NotFound();
        }

        // Only the rows of the user's own form: anything else is another unit's or indicator's figure.
        var rows = Rows.ToDictionary(r => r.Key);
        var drafts = new List<(EntryRow Row, FigureInput Input)>();
        var submits = new List<(EntryRow Row, FigureInput Input)>();
        var posted = new HashSet<string>(StringComparer.Ordinal);
        foreach (EntryInput input in Entries)
        {
            string key = EntryForm.Key(input.Unit, input.Indicator);
            if (!rows.TryGetValue(key, out EntryRow? row))
            {
                return Forbid();
            }

            Posted[key] = input.Value;
            PostedExplanations[key] = input.Explanation;
            if (!row.Editable || !posted.Add(key))
            {
                continue;
            }

            string text = (input.Value ?? string.Empty).Trim();
            string? explanation = string.IsNullOrWhiteSpace(input.Explanation) ? null : input.Explanation.Trim();
            var item = new FigureInput(row.UnitCode, row.Code, Period, text, explanation)
            {
                Evidence = input.File is { Length: > 0 } file ? [new EvidenceUpload(Path.GetFileName(file.FileName), file.OpenReadStream())] : [],
            };
            if (submit && text.Length > 0)
            {
                submits.Add((row, item));
            }
            else if (row.FigureId is not null || text.Length > 0 || explanation is not null || item.Evidence.Count > 0)
            {
                drafts.Add((row, item));
            }
        }

        // Submitting sends the form's other drafts with a value as they stand.
        if (submit)
        {
            foreach (EntryRow row in Rows.Where(r => r.Editable && r.Value is not null && !posted.Contains(r.Key)))
            {
                submits.Add((row, new FigureInput(row.UnitCode, row.Code, Period, row.Value)));
            }
        }

        var entry = new FigureEntry(db, clock, evidence);
        await using (var tx = await db.Database.BeginTransactionAsync(cancel))
        {
            foreach ((List<(EntryRow Row, FigureInput Input)> batch, EntryMode mode) in new[] { (drafts, EntryMode.Draft), (submits, EntryMode.Submit) })
            {
                if (batch.Count == 0)
                {
                    continue;
                }

                EntryResult result = await entry.SaveAsync(Actor, new EntryRequest(Scheme.Code, [.. batch.Select(b => b.Input)], mode), cancel);
                foreach (EntryError e in result.Errors)
                {
                    string key = batch[e.Index].Row.Key;
                    RowErrors[key] = RowErrors.TryGetValue(key, out string? before) ? before + " " + e.Text(English) : e.Text(English);
                    if (e.Field == EntryField.Explanation)
                    {
                        NeedsExplanation.Add(key);
                    }
                }
            }

            if (RowErrors.Count > 0)
            {
                await tx.RollbackAsync(cancel);
                db.ChangeTracker.Clear();
                Error = texts["Entry_FixErrors"];
                await LoadAsync(cancel);
                return Page();
            }

            await tx.CommitAsync(cancel);
        }

        return Redirect(Link(submit ? "submitted" : "saved"));
    }

    /// <summary>This form's address, with a note of what was done.</summary>
    public string Link(string? done = null)
    {
        var q = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("scheme", Scheme?.Code ?? SchemeCode);
        Add("period", Period);
        Add("unit", UnitCode);
        Add("page", PageNumber > 1 ? PageNumber.ToString(CultureInfo.InvariantCulture) : null);
        Add("done", done);
        return q.Count == 0 ? "/entry" : "/entry?" + string.Join('&', q);
    }

    /// <summary>Reads the form: schemes, open periods, units and indicators in the user's scope, and their figures. False: asked for something that is not there.</summary>
    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        Actor = access.AsFirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Office);
        UnitScope scope = access.ScopeOf(Actor);
        IQueryable<Unit> units = db.Units.AsNoTracking().InScope(scope);
        Schemes = await db.Schemes.AsNoTracking()
            .Where(s => db.SchemeUnits.Any(su => su.SchemeId == s.Id && units.Any(u => u.Id == su.UnitId)))
            .OrderBy(s => s.Code).ToListAsync(cancel);
        Scheme = SchemeCode is null ? Schemes.FirstOrDefault() : Schemes.FirstOrDefault(s => s.Code == SchemeCode);
        if (Scheme is null)
        {
            return SchemeCode is null;
        }

        long schemeId = Scheme.Id;
        Periods = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Open)
            .OrderByDescending(p => p.Code).Select(p => p.Code).ToListAsync(cancel);
        Period ??= Periods.FirstOrDefault();
        if (Period is null)
        {
            return true;
        }

        if (!Periods.Contains(Period))
        {
            return false;
        }

        string period = Period;
        Units = await units.Where(u => db.SchemeUnits.Any(su => su.SchemeId == schemeId && su.UnitId == u.Id)).OrderBy(u => u.Code).ToListAsync(cancel);
        if (UnitCode is not null)
        {
            Units = Units.Where(u => string.Equals(u.Code, UnitCode, StringComparison.OrdinalIgnoreCase)).ToList();
            if (Units.Count == 0)
            {
                return false;
            }
        }
        else if (Actor.Role == ActorRole.Office && Units.Count > 0)
        {
            // The office enters one unit at a time: its form would otherwise be the whole city.
            Units = [Units[0]];
        }
        else if (Units.Count > UnitsPerPage)
        {
            // A department supplies its indicators for every unit: a page of units at a time.
            PageCount = (Units.Count + UnitsPerPage - 1) / UnitsPerPage;
            PageNumber = Math.Clamp(PageNumber, 1, PageCount);
            Units = Units.Skip((PageNumber - 1) * UnitsPerPage).Take(UnitsPerPage).ToList();
        }

        IQueryable<Indicator> indicatorQuery = db.Indicators.AsNoTracking().InScope(scope).Where(i => i.SchemeId == schemeId && i.GrowthOfId == null);
        if (Actor.Role == ActorRole.Reporter)
        {
            // A unit's reporter enters its own indicators; a source department supplies the others.
            indicatorQuery = indicatorQuery.Where(i => i.SourceUnitId == null);
        }

        List<Indicator> indicators = (await indicatorQuery.OrderBy(i => i.SortOrder).ThenBy(i => i.Code).ToListAsync(cancel))
            .Where(i => EntryForm.IsDue(i.Frequency, period)).ToList();
        long[] unitIds = [.. Units.Select(u => u.Id)];
        var current = (await db.Figures.AsNoTracking().Unpublished(db, scope)
                .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && unitIds.Contains(f.UnitId))
                .ToListAsync(cancel))
            .ToDictionary(f => EntryForm.Key(f.UnitId, f.IndicatorId));
        LastPeriod = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && string.Compare(p.Code, period) < 0)
            .OrderByDescending(p => p.Code).Select(p => p.Code).FirstOrDefaultAsync(cancel);
        string? last = LastPeriod;
        var lastValues = last is null
            ? []
            : (await db.Figures.AsNoTracking().Visible(db, scope)
                .Where(f => f.SchemeId == schemeId && f.Period == last && f.IsCurrent && unitIds.Contains(f.UnitId))
                .Select(f => new { f.UnitId, f.IndicatorId, f.Value }).ToListAsync(cancel))
            .ToDictionary(f => EntryForm.Key(f.UnitId, f.IndicatorId), f => f.Value);
        int year = int.TryParse(period.AsSpan(0, Math.Min(4, period.Length)), NumberStyles.None, CultureInfo.InvariantCulture, out int y) ? y : 0;
        var targets = (await db.Targets.AsNoTracking().Where(t => t.SchemeId == schemeId && t.Year == year && unitIds.Contains(t.UnitId))
                .Select(t => new { t.UnitId, t.IndicatorId, t.Value }).ToListAsync(cancel))
            .ToDictionary(t => EntryForm.Key(t.UnitId, t.IndicatorId), t => t.Value);
        var rows = new List<EntryRow>();
        foreach (Unit u in Units)
        {
            foreach (Indicator i in indicators)
            {
                string key = EntryForm.Key(u.Id, i.Id);
                current.TryGetValue(key, out Figure? f);
                rows.Add(new EntryRow(
                    u.Id, u.Code, English && u.NameEn is not null ? u.NameEn : u.Name,
                    i.Id, i.Code, English && i.NameEn is not null ? i.NameEn : i.Name, i.UnitOfMeasure,
                    lastValues.GetValueOrDefault(key), targets.TryGetValue(key, out double t) ? t : null,
                    f?.Value, f?.Status, f?.Comment, f?.Id)
                {
                    Explanation = f?.Explanation,
                    Flags = f?.Flags ?? FigureFlags.None,
                });
            }
        }

        Rows = rows;
        long[] figureIds = [.. rows.Where(r => r.FigureId is not null).Select(r => r.FigureId!.Value)];
        Evidence = figureIds.Length == 0 ? [] : (await new EvidenceStore(db, clock, evidence).ListAsync(EvidenceStore.FigureEntity, figureIds, cancel))
            .GroupBy(e => e.EntityId).ToDictionary(g => g.Key, g => (IReadOnlyList<EvidenceFile>)[.. g]);
        return true;
    }
}
