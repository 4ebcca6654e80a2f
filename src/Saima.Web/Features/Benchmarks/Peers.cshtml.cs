using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Benchmarks;

/// <summary>
/// A unit's benchmarking page (/unit/{code}/peers): its peers and every indicator's gap to their
/// median and best, in pages of <see cref="UnitPeersView.PageSize"/>, and the catch-up target of
/// one indicator (<see cref="PeerService.GapClosing"/>) with its monthly path, which the office or
/// a reviewer in scope adopts through the target door (<see cref="AnalysisService.AdoptTargetAsync"/>).
/// </summary>
public sealed class PeersModel(SaimaDb db, IMemoryCache cache, SaimaAccess access, TimeProvider clock, IStringLocalizer<BenchmarkTexts> texts) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The indicator whose catch-up target is asked for.</summary>
    [BindProperty(SupportsGet = true, Name = "indicator")]
    public string? Indicator { get; set; }

    /// <summary>median or best.</summary>
    [BindProperty(SupportsGet = true, Name = "goal")]
    public string? Goal { get; set; }

    /// <summary>The month to close the gap by, yyyy-MM.</summary>
    [BindProperty(SupportsGet = true, Name = "by")]
    public string? By { get; set; }

    [BindProperty(SupportsGet = true, Name = "adopted")]
    public bool Adopted { get; set; }

    public string UnitName { get; private set; } = "";
    public UnitPeersView? View { get; private set; }
    public IReadOnlyList<PeerGap> Rows { get; private set; } = [];
    public int Pages { get; private set; } = 1;
    public PeerGap? Chosen { get; private set; }
    public GapTarget? Target { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The months a gap may be closed by: after the period, to December of the next year.</summary>
    public IReadOnlyList<string> Months { get; private set; } = [];

    public bool CanAdopt => access.FirstOf(ActorRole.Office, ActorRole.Reviewer) is not null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        if (Chosen is not null)
        {
            try
            {
                Target = Compute();
            }
            catch (WorkflowException e)
            {
                Error = Chosen.HasGap ? WorkflowMessages.Text(HttpContext, e) : texts["Gap_NoGap"].Value;
            }
        }

        return Page();
    }

    /// <summary>Adopts the catch-up target (worked out again here, never taken from the form) through the target door.</summary>
    public async Task<IActionResult> OnPostAdoptAsync(CancellationToken cancel)
    {
        if (access.FirstOf(ActorRole.Office, ActorRole.Reviewer) is null)
        {
            return Forbid();
        }

        if (!await LoadAsync(cancel) || Chosen is null)
        {
            return NotFound();
        }

        Actor actor = access.AsFirstOf(ActorRole.Office, ActorRole.Reviewer);
        try
        {
            Target = Compute();
            string goal = texts[Target.Goal == GapGoal.Best ? "Gap_WordBest" : "Gap_WordMedian"].Value;
            string reason = texts["Gap_Reason", Target.Year, Target.Month.ToString("00", CultureInfo.InvariantCulture), goal].Value;
            await new AnalysisService(db, clock).AdoptTargetAsync(actor, SchemeId, UnitId, Chosen.Indicator, Target.Year, Target.Target, reason, cancel);
        }
        catch (AccessDeniedException)
        {
            return Forbid();
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            db.ChangeTracker.Clear();
            Error = WorkflowMessages.Text(HttpContext, e);
            return Page();
        }

        return Redirect(View!.Link() + "&indicator=" + Uri.EscapeDataString(Chosen.Indicator) + "&goal=" + GoalText + "&by=" + Uri.EscapeDataString(ByText) + "&adopted=true#gap-target");
    }

    private long SchemeId { get; set; }

    private long UnitId { get; set; }

    public string GoalText => string.Equals(Goal, "best", StringComparison.OrdinalIgnoreCase) ? "best" : "median";

    /// <summary>The chosen month, or December of the period's year (or of the next, when the period is December).</summary>
    public string ByText => By is { } b && Months.Contains(b) ? b : Months.FirstOrDefault(m => m.EndsWith("-12", StringComparison.Ordinal)) ?? Months.LastOrDefault() ?? "";

    private GapTarget Compute()
    {
        string by = ByText;
        int year = by.Length == 7 ? int.Parse(by.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        int month = by.Length == 7 ? int.Parse(by.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        return PeerService.GapClosing(Chosen!, View!.Comparison.Period, GoalText == "best" ? GapGoal.Best : GapGoal.Median, year, month);
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        Unit? unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == Code, cancel);
        if (unit is null)
        {
            return false;
        }

        var schemes = await (from s in db.Schemes.AsNoTracking()
                             join su in db.SchemeUnits.AsNoTracking() on s.Id equals su.SchemeId
                             where su.UnitId == unit.Id
                             orderby s.Code
                             select s).ToListAsync(cancel);
        AssessmentScheme? scheme = SchemeCode is null ? schemes.FirstOrDefault() : schemes.FirstOrDefault(s => s.Code == SchemeCode);
        if (scheme is null)
        {
            return false;
        }

        UnitName = Saima.Web.Features.Shared.Published.Name(unit.Name, unit.NameEn, english);
        View = await UnitPeers.LoadAsync(db, cache, clock, scheme, unit, english, cancel);
        if (View is null)
        {
            return false;
        }

        SchemeId = scheme.Id;
        UnitId = unit.Id;
        var all = View.Comparison.Indicators;
        Pages = Math.Max(1, (all.Count + UnitPeersView.PageSize - 1) / UnitPeersView.PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Rows = all.Skip((PageNumber - 1) * UnitPeersView.PageSize).Take(UnitPeersView.PageSize).ToList();
        Chosen = Indicator is null ? null : all.FirstOrDefault(g => g.Indicator == Indicator);
        if (Scoring.Period.TryParse(View.Comparison.Period, out Scoring.Period at) && at.Kind != Scoring.PeriodKind.None)
        {
            int start = (at.Year * 12) + (at.Kind switch { Scoring.PeriodKind.Month => at.Sub, Scoring.PeriodKind.Quarter => at.Sub * 3, _ => 12 });
            int end = ((at.Year + 1) * 12) + 12;
            Months = Enumerable.Range(start, end - start).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i / 12:0000}-{(i % 12) + 1:00}")).ToList();
        }

        return true;
    }
}
