using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Paging;

namespace Saima.Web.Features.Benchmarks;

/// <summary>One unit of the scheme in the named-peers list: its code, name and the codes of its named peers.</summary>
public sealed record PeerRow(string Code, string Name, IReadOnlyList<string> Peers);

/// <summary>
/// The office's benchmarking settings of a scheme (/admin/analysis?scheme=ID): the context
/// indicators nearest peers are found by (<see cref="AnalysisService.SetSettingsAsync"/>), the
/// peers named per unit (a paged, searchable list of the scheme's units;
/// <see cref="PeerService.SetNamedPeersAsync"/>) and the external benchmarks (a paged list;
/// <see cref="PeerService.AddBenchmarkAsync"/>, <see cref="PeerService.RemoveBenchmarkAsync"/>).
/// Every write goes through its door; refusals are shown in the user's language.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class AdminModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>External benchmarks per page.</summary>
    public const int BenchmarkPageSize = 50;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public long SchemeId { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int UnitPageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "bp")]
    public int BenchmarkPageNumber { get; set; } = 1;

    /// <summary>The unit whose named peers are being edited.</summary>
    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? EditUnit { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public List<string> Context { get; set; } = [];

    [BindProperty]
    public string? PeerCodes { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Indicator { get; set; }

    [BindProperty]
    public string? Period { get; set; }

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? Source { get; set; }

    public AssessmentScheme Scheme { get; private set; } = null!;
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
    public IReadOnlyList<(string Code, string Name)> Indicators { get; private set; } = [];
    public IReadOnlySet<string> ContextChosen { get; private set; } = new HashSet<string>();
    public IReadOnlyList<PeerRow> Units { get; private set; } = [];
    public UnitListPage? UnitPaging { get; private set; }
    public PeerRow? Editing { get; private set; }
    public IReadOnlyList<ExternalBenchmark> Benchmarks { get; private set; } = [];
    public int BenchmarkTotal { get; private set; }
    public int BenchmarkPages => Math.Max(1, (BenchmarkTotal + BenchmarkPageSize - 1) / BenchmarkPageSize);
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel) ? Page() : NotFound();

    public Task<IActionResult> OnPostContextAsync(CancellationToken cancel) =>
        WriteAsync("context", async (actor, c) =>
        {
            string? alternatives = await db.AnalysisSettings.AsNoTracking().Where(s => s.SchemeId == SchemeId).Select(s => s.AlternativesJson).SingleOrDefaultAsync(c);
            await new AnalysisService(db, clock).SetSettingsAsync(actor, SchemeId, alternatives, Context, c);
        }, cancel);

    public Task<IActionResult> OnPostPeersAsync(CancellationToken cancel) =>
        WriteAsync("peers", async (actor, c) =>
        {
            long unitId = await db.Units.AsNoTracking().Where(u => u.Code == EditUnit).Select(u => u.Id).SingleOrDefaultAsync(c);
            var codes = (PeerCodes ?? string.Empty).Split([',', '，', '、', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await new PeerService(db, clock).SetNamedPeersAsync(actor, SchemeId, unitId, codes, null, c);
        }, cancel);

    public Task<IActionResult> OnPostAddAsync(CancellationToken cancel) =>
        WriteAsync("added", async (actor, c) =>
        {
            double value = double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
            await new PeerService(db, clock).AddBenchmarkAsync(actor, SchemeId, Name, Indicator, Period, value, Source, c);
        }, cancel);

    public Task<IActionResult> OnPostRemoveAsync(long id, CancellationToken cancel) =>
        WriteAsync("removed", (actor, c) => new PeerService(db, clock).RemoveBenchmarkAsync(actor, SchemeId, id, null, c), cancel);

    /// <summary>The link back to this page with its list positions kept.</summary>
    public string Link(string? done = null, string? unit = null, int? bp = null)
    {
        var parts = new List<string> { "scheme=" + SchemeId.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrWhiteSpace(Search))
        {
            parts.Add("q=" + Uri.EscapeDataString(Search));
        }

        if (UnitPageNumber > 1)
        {
            parts.Add("p=" + UnitPageNumber.ToString(CultureInfo.InvariantCulture));
        }

        int b = bp ?? BenchmarkPageNumber;
        if (b > 1)
        {
            parts.Add("bp=" + b.ToString(CultureInfo.InvariantCulture));
        }

        if (unit is not null)
        {
            parts.Add("unit=" + Uri.EscapeDataString(unit));
        }

        if (done is not null)
        {
            parts.Add("done=" + done);
        }

        return "/admin/analysis?" + string.Join('&', parts);
    }

    private async Task<IActionResult> WriteAsync(string done, Func<Actor, CancellationToken, Task> write, CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        try
        {
            await write(access.As(ActorRole.Office), cancel);
        }
        catch (AccessDeniedException)
        {
            return Forbid();
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            db.ChangeTracker.Clear();
            Error = WorkflowMessages.Text(HttpContext, e);
            await LoadAsync(cancel);
            return Page();
        }

        return Redirect(Link(done, done == "peers" ? EditUnit : null));
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        AssessmentScheme? scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == SchemeId, cancel);
        if (scheme is null)
        {
            return false;
        }

        Scheme = scheme;
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == SchemeId).OrderBy(i => i.SortOrder).ThenBy(i => i.Code)
            .Select(i => new { i.Code, i.Name, i.NameEn }).ToListAsync(cancel);
        Indicators = indicators.Select(i => (i.Code, Shared.Published.Name(i.Name, i.NameEn, English))).ToList();
        string? context = await db.AnalysisSettings.AsNoTracking().Where(s => s.SchemeId == SchemeId).Select(s => s.ContextIndicators).SingleOrDefaultAsync(cancel);
        ContextChosen = PeerService.ContextCodes(context, indicators.Select(i => i.Code).ToList()).ToHashSet(StringComparer.Ordinal);

        var members = await (from su in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                             where su.SchemeId == SchemeId
                             orderby u.Code
                             select new { u.Id, u.Code, u.Name, u.NameEn }).ToListAsync(cancel);
        var codeOf = members.ToDictionary(m => m.Id, m => m.Code);
        var named = await new PeerService(db, clock).NamedPeersAsync(SchemeId, cancel);
        var rows = members.Select(m => new PeerRow(m.Code, Shared.Published.Name(m.Name, m.NameEn, English),
            named.GetValueOrDefault(m.Id, []).Select(id => codeOf.GetValueOrDefault(id, "?")).Order(StringComparer.Ordinal).ToList())).ToList();
        var query = new Dictionary<string, string?> { ["scheme"] = SchemeId.ToString(CultureInfo.InvariantCulture), ["bp"] = BenchmarkPageNumber > 1 ? BenchmarkPageNumber.ToString(CultureInfo.InvariantCulture) : null };
        (var page, UnitPaging) = UnitListPage.Of(rows, r => r.Code, r => r.Name, Search, UnitPageNumber, "/admin/analysis", query);
        Units = page;
        Editing = EditUnit is null ? null : rows.FirstOrDefault(r => r.Code == EditUnit);

        var peers = new PeerService(db, clock);
        int total = (await peers.BenchmarksAsync(SchemeId, 1, 1, cancel)).Total;
        BenchmarkPageNumber = Math.Clamp(BenchmarkPageNumber, 1, Math.Max(1, (total + BenchmarkPageSize - 1) / BenchmarkPageSize));
        (Benchmarks, BenchmarkTotal) = await peers.BenchmarksAsync(SchemeId, BenchmarkPageNumber, BenchmarkPageSize, cancel);
        return true;
    }
}
