using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>
/// The hall's board (<c>/arena/s/{code}/board</c>): the round open now, ballots in, and the
/// ranking as it stands; <c>arena-board.js</c> polls <c>?handler=Data</c> every second. The office
/// sees it at any time, other signed-in roles once the session is published (the store's rule).
/// </summary>
public sealed class BoardModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public ArenaSessionView? Session { get; private set; }

    public ArenaResults? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancel)
    {
        IActionResult? refused = await LoadAsync(code, cancel);
        return refused ?? Page();
    }

    public async Task<IActionResult> OnGetDataAsync(string code, CancellationToken cancel)
    {
        IActionResult? refused = await LoadAsync(code, cancel);
        if (refused is not null)
        {
            return refused;
        }

        Response.Headers.CacheControl = "no-store";
        var names = Session!.Contestants.ToDictionary(c => c.Unit, c => c.UnitName, StringComparer.Ordinal);
        return new JsonResult(new
        {
            now = Session.Contestants.Where(c => c.State == ArenaRoundState.Open).Select(c => new { unit = c.Unit, name = c.UnitName, ballots = c.Ballots }).ToArray(),
            ranking = Results!.Contestants.Where(c => c.Rank is not null).OrderBy(c => c.Rank).Take(100)
                .Select(c => new { rank = c.Rank, unit = c.Unit, name = names[c.Unit], score = c.Score, grades = Shares(Session, c) }).ToArray(),
        });
    }

    /// <summary>A graded contestant's share of each grade as one line (<c>优秀 50% · 良好 25% …</c>), or null.</summary>
    public static string? Shares(ArenaSessionView session, ArenaContestantResult result)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Grades is null || session.Grades is null)
        {
            return null;
        }

        var names = session.Grades.ToDictionary(g => g.Code, g => g.Name, StringComparer.Ordinal);
        return string.Join(" · ", result.Grades.Select(g =>
            $"{names.GetValueOrDefault(g.Code, g.Code)} {g.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({g.Percent.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}%)"));
    }

    private async Task<IActionResult?> LoadAsync(string code, CancellationToken cancel)
    {
        var arena = new ArenaService(db, clock);
        Session = await arena.SessionAsync(code, cancel);
        if (Session is null)
        {
            return NotFound();
        }

        Actor actor = Api.ApiContext.Reader(access) ?? new Actor(access.Name, ActorRole.Leader);
        try
        {
            Results = await arena.ResultsAsync(actor, code, cancel);
            return null;
        }
        catch (AccessDeniedException)
        {
            return Forbid();
        }
    }
}
