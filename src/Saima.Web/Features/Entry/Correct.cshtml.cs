using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Entry;

/// <summary>A current published figure the office may correct.</summary>
public sealed record CorrectableFigure(long FigureId, string UnitCode, string UnitName, string IndicatorCode, string IndicatorName, string? UnitOfMeasure, double? Value, int Revision, string? Reason);

/// <summary>One unit's total before and after a correction.</summary>
public sealed record CorrectionTotal(string UnitCode, string UnitName, double? OldScore, double? NewScore, int? OldRank, int? NewRank, bool Changed);

/// <summary>
/// Corrections after publication (数据更正), the office's page: pick a published figure (search by
/// unit and indicator, paged), enter the new value and the reason; <see cref="FigureWorkflow.Correct"/>
/// makes the new revision and recomputes the period into a new result set, and the page shows
/// each unit's old and new total and rank. The published pages show the revision at the next
/// request (the new result set moves the change stamp).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class CorrectModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<ReviewTexts> texts) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Most unit totals the result lists (changed ones first).</summary>
    public const int MaxTotals = 200;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? UnitFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "indicator")]
    public string? IndicatorFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "figure")]
    public long? FigureId { get; set; }

    [BindProperty]
    public string? NewValue { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<CorrectableFigure> Figures { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Total == 0 ? 1 : ((Total - 1) / PageSize) + 1;
    public CorrectableFigure? Selected { get; private set; }
    public string? Error { get; private set; }

    /// <summary>After a correction: the figure before and after, and every unit's total.</summary>
    public Correction? Done { get; private set; }
    public IReadOnlyList<CorrectionTotal> Totals { get; private set; } = [];
    public int ChangedTotals { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Selected is null)
        {
            return NotFound();
        }

        if (!double.TryParse(NewValue?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            Error = texts["Correct_NotANumber"];
            return Page();
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            Error = texts["Correct_ReasonNeeded"];
            return Page();
        }

        try
        {
            Done = new FigureWorkflow(db, clock).Correct(access.As(ActorRole.Office), Selected.FigureId, value, Reason.Trim());
        }
        catch (AccessDeniedException e)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            Error = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }

        db.ChangeTracker.Clear();
        await TotalsAsync(Done, cancel);
        NewValue = null;
        Reason = null;
        return Page();
    }

    /// <summary>This page's address with some parameters changed.</summary>
    public string Link(int? page = null, long? figure = null)
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
        Add("unit", UnitFilter);
        Add("indicator", IndicatorFilter);
        Add("p", (page ?? PageNumber) is > 1 and var p ? p.ToString(CultureInfo.InvariantCulture) : null);
        Add("figure", figure?.ToString(CultureInfo.InvariantCulture));
        return "/entry/correct" + (q.Count == 0 ? string.Empty : "?" + string.Join('&', q));
    }

    private async Task TotalsAsync(Correction done, CancellationToken cancel)
    {
        long versionId = done.NewResults.SchemeVersionId;
        Saima.Scoring.Scheme parsed = await Published.SchemeOfAsync(db, versionId, cancel);
        string root = parsed.Groups[parsed.RootGroup].Code;
        var changes = done.Changes.Where(c => c.Node == root).ToList();
        long[] ids = [.. changes.Select(c => c.UnitId)];
        var names = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => Published.Name(u.Name, u.NameEn, English), cancel);
        ChangedTotals = changes.Count(c => c.Changed);
        Totals = changes
            .OrderByDescending(c => c.Changed)
            .ThenBy(c => c.NewRank ?? int.MaxValue)
            .ThenBy(c => c.UnitCode, StringComparer.Ordinal)
            .Take(MaxTotals)
            .Select(c => new CorrectionTotal(c.UnitCode, names.GetValueOrDefault(c.UnitId, c.UnitCode), c.OldScore, c.NewScore, c.OldRank, c.NewRank, c.Changed))
            .ToList();
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        Schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel);
        Scheme = SchemeCode is null ? Schemes.FirstOrDefault() : Schemes.FirstOrDefault(s => s.Code == SchemeCode);
        if (Scheme is null)
        {
            return SchemeCode is null;
        }

        long schemeId = Scheme.Id;
        Periods = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status == PeriodStatus.Published)
            .OrderByDescending(p => p.Code).Select(p => p.Code).ToListAsync(cancel);
        if (Periods.Count == 0)
        {
            return Period is null;
        }

        Period ??= Periods[0];
        if (!Periods.Contains(Period, StringComparer.Ordinal))
        {
            return false;
        }

        string period = Period;
        IQueryable<Figure> figures = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent && f.Status == FigureStatus.Published);
        string? unit = string.IsNullOrWhiteSpace(UnitFilter) ? null : UnitFilter.Trim();
        string? indicator = string.IsNullOrWhiteSpace(IndicatorFilter) ? null : IndicatorFilter.Trim();
        var rows = from f in figures
                   join u in db.Units on f.UnitId equals u.Id
                   join i in db.Indicators on f.IndicatorId equals i.Id
                   where (unit == null || u.Code == unit || u.Name.Contains(unit))
                         && (indicator == null || i.Code == indicator || i.Name.Contains(indicator))
                   select new { f.Id, UnitCode = u.Code, u.Name, u.NameEn, ICode = i.Code, IName = i.Name, INameEn = i.NameEn, i.UnitOfMeasure, i.SortOrder, f.Value, f.Revision, f.Reason };
        Total = await rows.CountAsync(cancel);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        var list = await rows.OrderBy(r => r.UnitCode).ThenBy(r => r.SortOrder).ThenBy(r => r.ICode)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancel);
        Figures = list.Select(r => new CorrectableFigure(r.Id, r.UnitCode, Published.Name(r.Name, r.NameEn, English), r.ICode, Published.Name(r.IName, r.INameEn, English),
            r.UnitOfMeasure, r.Value, r.Revision, r.Reason)).ToList();

        if (FigureId is { } id)
        {
            var one = await (from f in figures
                             join u in db.Units on f.UnitId equals u.Id
                             join i in db.Indicators on f.IndicatorId equals i.Id
                             where f.Id == id
                             select new { f.Id, UnitCode = u.Code, u.Name, u.NameEn, ICode = i.Code, IName = i.Name, INameEn = i.NameEn, i.UnitOfMeasure, f.Value, f.Revision, f.Reason })
                .SingleOrDefaultAsync(cancel);
            if (one is null)
            {
                // Not a current published figure of this period (corrected since, or another period's).
                return false;
            }

            Selected = new CorrectableFigure(one.Id, one.UnitCode, Published.Name(one.Name, one.NameEn, English), one.ICode, Published.Name(one.IName, one.INameEn, English),
                one.UnitOfMeasure, one.Value, one.Revision, one.Reason);
        }

        return true;
    }
}
