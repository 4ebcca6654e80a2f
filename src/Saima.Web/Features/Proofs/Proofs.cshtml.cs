using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Proofs;

/// <summary>
/// Proofs on demand for the office (/admin/proofs): the state of the audit trail's and the result
/// sets' hash chains (verified from their latest checkpoints; whole on the button, which leaves a
/// new checkpoint), the audit trail's head hash at the end of each day (paged), and a button that
/// recomputes every stored result set from its stored inputs.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class ProofsModel(SaimaDb db, SaimaAccess access, TimeProvider clock, OfficeTime time) : PageModel
{
    public const int DaysPerPage = 31;

    /// <summary>How many differing result sets the page lists at most.</summary>
    public const int MaxListed = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Each chain as verified from its latest checkpoint (or whole, after the office's button).</summary>
    public (ChainCheck Audit, ChainCheck Results) Chains { get; private set; }

    /// <summary>True when the chains were just verified whole (POST) rather than from their checkpoints.</summary>
    public bool VerifiedWhole { get; private set; }
    public IReadOnlyList<DayHead> Days { get; private set; } = [];
    public bool HasOlder { get; private set; }

    /// <summary>The recomputation just run (POST), or null.</summary>
    public IReadOnlyList<RecomputeReport>? Recomputed { get; private set; }
    public IReadOnlyDictionary<long, string> Periods { get; private set; } = new Dictionary<long, string>();

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public async Task<IActionResult> OnPostRecomputeAsync(CancellationToken cancel)
    {
        Recomputed = new ResultService(db, clock).RecomputeAll(access.As(ActorRole.Office), cancel);
        var ids = Recomputed.Where(r => !r.Identical).Take(MaxListed).Select(r => r.ResultSetId).ToList();
        Periods = await db.ResultSets.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Period, cancel);
        await LoadAsync(cancel);
        return Page();
    }

    /// <summary>Verifies both chains whole now and, where intact, records a checkpoint at the head.</summary>
    public async Task<IActionResult> OnPostVerifyWholeAsync(CancellationToken cancel)
    {
        StoreChains whole = ChainCheckpoints.VerifyAndRecord(db, clock);
        await LoadAsync(cancel);
        Chains = (new ChainCheck(whole.Audit, null, whole.Audit.Entries), new ChainCheck(whole.Results, null, whole.Results.Entries));
        VerifiedWhole = true;
        return Page();
    }

    /// <summary>The break's text in the page's language (the store's detail is for the command line and logs).</summary>
    public static (string Key, string Id, string Seq) Break(ChainBreak b) => (
        "Break_" + b.Kind.ToString(),
        b.Id?.ToString(CultureInfo.InvariantCulture) ?? "?",
        b.Seq?.ToString(CultureInfo.InvariantCulture) ?? "?");

    private Task LoadAsync(CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        Chains = ChainCheckpoints.Verify(db);
        TimeSpan offset = time.Zone.GetUtcOffset(clock.GetUtcNow());
        var days = AuditChain.DayHeads(db, offset, (PageNumber - 1) * DaysPerPage, DaysPerPage + 1);
        HasOlder = days.Count > DaysPerPage;
        Days = days.Take(DaysPerPage).ToList();
        return Task.CompletedTask;
    }
}
