using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Paging;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Entry;

/// <summary>One unit's progress in the period: figures expected, not yet entered, and outstanding by status.</summary>
public sealed record UnitProgress(string Code, string Name, int Expected, int Missing, int Draft, int Returned, int Submitted, int Approved)
{
    /// <summary>When the unit was last reminded in this period, and by whom.</summary>
    public (DateTimeOffset At, string By)? Reminded { get; init; }

    /// <summary>Figures not yet submitted (by the unit or a source department): what a reminder is about.</summary>
    public bool Remindable { get; init; }

    public bool Late => Missing + Draft + Returned + Submitted > 0;
}

/// <summary>
/// The office's view of an unpublished period, open or with intake closed (报送进度): who is late
/// (figures not entered, and those entered by status, late units first, counted in the database for the page's units only),
/// reminders, and the way to publication (its confirmation page, /entry/publish).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class StatusModel(SaimaDb db, SaimaAccess access, TimeProvider clock, Microsoft.Extensions.Caching.Memory.IMemoryCache cache) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    /// <summary>A unit's name or code to find (part of it, any case).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Where <see cref="Units"/> is in the whole list (late units first): at most <see cref="UnitListPage.Size"/> a page.</summary>
    public UnitListPage? Paging { get; private set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public DateTimeOffset? Deadline { get; private set; }
    public bool PastDeadline { get; private set; }
    public IReadOnlyList<UnitProgress> Units { get; private set; } = [];

    /// <summary>What the reminders sent: units and reminders, or none late.</summary>
    public (int Units, int Reminders)? Reminded { get; private set; }

    /// <summary>A reminder the store refused, in the user's language.</summary>
    public string? RemindError { get; private set; }

    [BindProperty]
    public string? RemindUnit { get; set; }

    [BindProperty]
    public string? RemindMessage { get; set; }

    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    /// <summary>
    /// Reminds one late unit (<see cref="RemindUnit"/>, a unit code) or, without one, every late
    /// unit of the period, with an optional message; the reminders show to the units' reporters.
    /// </summary>
    public async Task<IActionResult> OnPostRemindAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null)
        {
            return NotFound();
        }

        long[]? units = null;
        if (!string.IsNullOrWhiteSpace(RemindUnit))
        {
            string code = RemindUnit.Trim();
            long? id = await db.Units.AsNoTracking().InScope(access.ScopeOf(access.As(ActorRole.Office)))
                .Where(u => u.Code == code).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel);
            if (id is null)
            {
                return NotFound();
            }

            units = [id.Value];
        }

        IReadOnlyList<Reminder> sent;
        try
        {
            sent = new Reminders(db, clock).Send(access.As(ActorRole.Office), Scheme.Id, Period, units, RemindMessage);
        }
        catch (WorkflowException e)
        {
            RemindError = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }

        return Redirect("/entry/status?scheme=" + Uri.EscapeDataString(Scheme.Code) + "&period=" + Uri.EscapeDataString(Period)
            + "&reminded=" + sent.Select(r => r.UnitId).Distinct().Count().ToString(CultureInfo.InvariantCulture)
            + "&reminders=" + sent.Count.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        UnitScope scope = access.ScopeOf(access.As(ActorRole.Office));
        Schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel);
        Scheme = SchemeCode is null ? Schemes.FirstOrDefault() : Schemes.FirstOrDefault(s => s.Code == SchemeCode);
        if (Scheme is null)
        {
            return SchemeCode is null;
        }

        long schemeId = Scheme.Id;
        var open = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId && p.Status != PeriodStatus.Published)
            .OrderByDescending(p => p.Code).ToListAsync(cancel);
        Periods = open.Select(p => p.Code).ToList();
        Period ??= Periods.FirstOrDefault();
        if (Period is null)
        {
            return true;
        }

        ReportingPeriod? rp = open.FirstOrDefault(p => p.Code == Period);
        if (rp is null)
        {
            return false;
        }

        string period = Period;
        Deadline = rp.Deadline;
        PastDeadline = rp.Deadline is { } d && clock.GetUtcNow() > d;
        // The page's units and their counts are kept until the figures or the scheme's units and
        // indicators change (the store's two change stamps): many people opening the status page
        // while nothing is entered read it once. Reminders move no stamp: they are read per request.
        (long pagesStamp, long figuresStamp) = await ChangeStamp.ReadBothAsync(db, cancel);
        string scopeKey = scope.None ? "none"
            : (scope.SourceUnitId?.ToString(CultureInfo.InvariantCulture) ?? "-") + "/"
              + (scope.Units is null ? "*" : string.Join(',', scope.Units.Order()));
        StatusView view = (await Published.KeptAsync(cache,
            ("entry-status", pagesStamp, figuresStamp, schemeId, period, scopeKey, UnitListPage.Clean(Search), PageNumber, English),
            () => ReadViewAsync(scope, schemeId, period, cancel)))!;
        UnitListPage paging = view.Paging;
        int due = view.Due;
        var shown = view.Shown;
        long[] ids = [.. shown.Select(u => u.Id)];
        var counts = view.Counts;
        if (int.TryParse(Request.Query["reminded"], NumberStyles.None, CultureInfo.InvariantCulture, out int remindedUnits)
            && int.TryParse(Request.Query["reminders"], NumberStyles.None, CultureInfo.InvariantCulture, out int reminders))
        {
            Reminded = (remindedUnits, reminders);
        }

        var reminding = new Reminders(db, clock);
        var last = reminding.LastReminded(schemeId, period, ids);
        var remindable = await reminding.LateAmongAsync(schemeId, period, ids, cancel);
        var page = shown.Select(u =>
        {
            int Count(FigureStatus s) => counts[u.Id].Where(c => c.Status == s).Sum(c => c.N);
            int entered = counts[u.Id].Sum(c => c.N);
            return new UnitProgress(u.Code, English && u.NameEn is not null ? u.NameEn : u.Name, due, Math.Max(0, due - entered),
                Count(FigureStatus.Draft), Count(FigureStatus.Returned), Count(FigureStatus.Submitted), Count(FigureStatus.Approved))
            {
                Reminded = last.TryGetValue(u.Id, out var r) ? r : null,
                Remindable = remindable.Contains(u.Id),
            };
        }).ToList();
        Units = page;
        Paging = paging;
        return true;
    }

    /// <summary>The units of one page of the status list (late ones first) and their counts by status.</summary>
    private sealed record StatusView(int Due, UnitListPage Paging, IReadOnlyList<StatusUnit> Shown, ILookup<long, StatusCount> Counts);

    private sealed record StatusUnit(long Id, string Code, string Name, string? NameEn, bool Late);

    private sealed record StatusCount(long UnitId, FigureStatus Status, int N);

    private async Task<StatusView?> ReadViewAsync(UnitScope scope, long schemeId, string period, CancellationToken cancel)
    {
        int due = (await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.GrowthOfId == null).Select(i => i.Frequency).ToListAsync(cancel))
            .Count(f => EntryForm.IsDue(f, period));
        // The units found, late ones first: lateness is worked out in the database (a count and
        // an existence test per unit on ix_figures_unit), and only the page's units come back.
        var figures = db.Figures.AsNoTracking().Unpublished(db, scope).Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent);
        var units = db.Units.AsNoTracking().InScope(scope).Where(u => db.SchemeUnits.Any(su => su.SchemeId == schemeId && su.UnitId == u.Id));
        if (UnitListPage.Clean(Search) is { } search)
        {
            string s = search.ToLowerInvariant();
#pragma warning disable CA1304, CA1311 // translated to SQL lower(): no culture there
            units = English
                ? units.Where(u => u.Code.ToLower().Contains(s) || (u.NameEn ?? u.Name).ToLower().Contains(s))
                : units.Where(u => u.Code.ToLower().Contains(s) || u.Name.ToLower().Contains(s));
#pragma warning restore CA1304, CA1311
        }

        UnitListPage paging = UnitListPage.For(await units.CountAsync(cancel), Search, PageNumber, "/entry/status",
            new Dictionary<string, string?> { ["scheme"] = Scheme!.Code, ["period"] = period });
        var shown = (await units
            .Select(u => new
            {
                u.Id,
                u.Code,
                u.Name,
                u.NameEn,
                Late = figures.Count(f => f.UnitId == u.Id) < due || figures.Any(f => f.UnitId == u.Id && f.Status != FigureStatus.Approved),
            })
            .OrderByDescending(u => u.Late).ThenBy(u => u.Code).Skip(paging.Skip).Take(UnitListPage.Size)
            .ToListAsync(cancel))
            .Select(u => new StatusUnit(u.Id, u.Code, u.Name, u.NameEn, u.Late)).ToList();
        long[] ids = [.. shown.Select(u => u.Id)];
        var counts = (await figures.Where(f => ids.Contains(f.UnitId))
                .GroupBy(f => new { f.UnitId, f.Status }).Select(g => new { g.Key.UnitId, g.Key.Status, N = g.Count() })
                .ToListAsync(cancel))
            .Select(c => new StatusCount(c.UnitId, c.Status, c.N)).ToLookup(c => c.UnitId);
        return new StatusView(due, paging, shown, counts);
    }
}
