using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>
/// The office's control page of a session (<c>/arena/s/{code}</c>): each contestant's round with
/// open and close, the ballots in per category of the open rounds, the judges yet to rate them,
/// the results as they stand and publication. Every action is <see cref="ArenaService"/>'s.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class ControlModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public ArenaSessionView? Session { get; private set; }

    public ArenaResults? Results { get; private set; }

    /// <summary>Per open round: the judges yet to rate it (at most 500 shown).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ArenaJudgeStatus>> Missing { get; private set; } = new Dictionary<string, IReadOnlyList<ArenaJudgeStatus>>();

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancel)
    {
        var arena = new ArenaService(db, clock);
        Session = await arena.SessionAsync(code, cancel);
        if (Session is null)
        {
            return NotFound();
        }

        Results = await arena.ResultsAsync(access.As(ActorRole.Office), code, cancel);
        var missing = new Dictionary<string, IReadOnlyList<ArenaJudgeStatus>>(StringComparer.Ordinal);
        foreach (ArenaRound r in Session.Contestants.Where(r => r.State == ArenaRoundState.Open))
        {
            missing[r.Unit] = await arena.MissingAsync(code, r.Unit, cancel);
        }

        Missing = missing;
        return Page();
    }

    public Task<IActionResult> OnPostOpenAsync(string code, string unit, CancellationToken cancel) =>
        ActAsync(code, "open", a => a.OpenRoundAsync(access.As(ActorRole.Office), code, unit, cancel), cancel);

    public Task<IActionResult> OnPostCloseAsync(string code, string unit, CancellationToken cancel) =>
        ActAsync(code, "closed", a => a.CloseRoundAsync(access.As(ActorRole.Office), code, unit, cancel), cancel);

    public Task<IActionResult> OnPostBoardAsync(string code, string? board, CancellationToken cancel) =>
        ActAsync(code, "board", a => a.SetBoardAsync(access.As(ActorRole.Office), code, board, cancel), cancel);

    public Task<IActionResult> OnPostPublishAsync(string code, CancellationToken cancel) =>
        ActAsync(code, "published", a => a.PublishAsync(access.As(ActorRole.Office), code, cancel), cancel);

    private async Task<IActionResult> ActAsync(string code, string done, Func<ArenaService, Task> act, CancellationToken cancel)
    {
        try
        {
            await act(new ArenaService(db, clock));
            return Redirect($"/arena/s/{Uri.EscapeDataString(code)}?done={done}");
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            db.ChangeTracker.Clear();
            IActionResult page = await OnGetAsync(code, cancel);
            Response.StatusCode = e is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
            return page;
        }
    }
}
