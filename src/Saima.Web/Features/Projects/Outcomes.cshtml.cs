using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Projects;

/// <summary>
/// List outcomes into the scores (<c>/lists/outcomes</c>, the office's): which indicators of a
/// scheme are fed by a list outcome (bind, unbind), and "fill figures from the lists" for an open
/// period, which enters the computed figures through the figure door (<see cref="ListFigures"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class OutcomesModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>Most schemes offered.</summary>
    public const int MaxSchemes = 200;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public long? SchemeId { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "n")]
    public int Count { get; set; }

    [BindProperty]
    public string? Indicator { get; set; }

    [BindProperty]
    public string? Outcome { get; set; }

    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Period { get; set; }

    /// <summary>The escalation rules, one a line: level, periods in a row, points, action (<c>yellow 2 -1 督办函</c>).</summary>
    [BindProperty]
    public string? Rules { get; set; }

    /// <summary>The scheme's escalation rules as the form writes them.</summary>
    public string RulesText { get; private set; } = string.Empty;

    public IReadOnlyList<(long Id, string Code, string Name)> Schemes { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> Indicators { get; private set; } = [];

    public IReadOnlyList<IndicatorFeed> Feeds { get; private set; } = [];

    public IReadOnlyList<string> OpenPeriods { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public async Task<IActionResult> OnPostBindAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            ListOutcome? outcome = Enum.TryParse(Outcome, out ListOutcome o) && Enum.IsDefined(o) ? o : null;
            ListKind? kind = Enum.TryParse(Kind, out ListKind k) && Enum.IsDefined(k) ? k : null;
            await new ListFigures(db, clock).SetFeedAsync(ProjectTexts.Actor(access), await SchemeAsync(cancel), Indicator, outcome, kind, cancel);
            return Link("bound");
        });
        return await AfterAsync(result, error, cancel);
    }

    public async Task<IActionResult> OnPostFillAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            int n = await new ListFigures(db, clock).FillAsync(ProjectTexts.Actor(access), await SchemeAsync(cancel), Period?.Trim() ?? string.Empty, cancel);
            return Link("filled") + "&n=" + n.ToString(CultureInfo.InvariantCulture);
        });
        return await AfterAsync(result, error, cancel);
    }

    public async Task<IActionResult> OnPostRulesAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            var rules = new List<EscalationRuleSpec>();
            foreach (string line in (Rules ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] part = line.Split([' ', '\t', '，', ','], 4, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                rules.Add(new EscalationRuleSpec(
                    part.ElementAtOrDefault(0),
                    int.TryParse(part.ElementAtOrDefault(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int times) ? times : 0,
                    ProjectTexts.ParseNumber(part.ElementAtOrDefault(2)) ?? double.NaN,
                    part.ElementAtOrDefault(3)));
            }

            await new EscalationService(db, clock).SetRulesAsync(ProjectTexts.Actor(access), await SchemeAsync(cancel), rules, cancel);
            return Link("rules");
        });
        return await AfterAsync(result, error, cancel);
    }

    /// <summary>The scheme asked for, else the first by code (as the page shows it).</summary>
    private async Task<long> SchemeAsync(CancellationToken cancel)
    {
        if (SchemeId is { } id && await db.Schemes.AnyAsync(s => s.Id == id, cancel))
        {
            return id;
        }

        SchemeId = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).Select(s => (long?)s.Id).FirstOrDefaultAsync(cancel) ?? 0;
        return SchemeId.Value;
    }

    private string Link(string done) =>
        "/lists/outcomes?scheme=" + (SchemeId ?? 0).ToString(CultureInfo.InvariantCulture) + "&done=" + done;

    private async Task<IActionResult> AfterAsync(IActionResult? result, string? error, CancellationToken cancel)
    {
        if (result is not null)
        {
            return result;
        }

        db.ChangeTracker.Clear();
        Error = error;
        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).Take(MaxSchemes).Select(s => new { s.Id, s.Code, s.Name }).ToListAsync(cancel);
        Schemes = [.. schemes.Select(s => (s.Id, s.Code, s.Name))];
        if (SchemeId is null || schemes.All(s => s.Id != SchemeId))
        {
            SchemeId = schemes.FirstOrDefault()?.Id;
        }

        if (SchemeId is not { } id)
        {
            return;
        }

        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == id).OrderBy(i => i.Code).Take(500).Select(i => new { i.Code, i.Name }).ToListAsync(cancel);
        Indicators = [.. indicators.Select(i => (i.Code, i.Name))];
        Feeds = await new ListFigures(db, clock).FeedsAsync(id, cancel);
        RulesText = string.Join("\n", (await new EscalationService(db, clock).RulesAsync(id, cancel))
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Level} {r.Times} {r.Points:0.##} {r.Action}")));
        OpenPeriods = await db.Periods.AsNoTracking().Where(p => p.SchemeId == id && p.Status == PeriodStatus.Open)
            .OrderByDescending(p => p.Code).Take(24).Select(p => p.Code).ToListAsync(cancel);
    }
}
