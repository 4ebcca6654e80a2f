using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Arena;

/// <summary>
/// A judge's phone page (<c>/arena/j/{token}</c>, no login: the token in the link is the judge's
/// credential): the contestant whose round is open, a stepper of 0.5 per criterion with its
/// maximum, the running total, and the ballot sent to <c>/api/v1/arena/ballots</c> by
/// <c>arena-judge.js</c>, which keeps it on the phone while the network is down. An unknown or
/// voided token shows a notice and nothing else.
/// </summary>
[AllowAnonymous]
public sealed class JudgeModel(SaimaDb db, TimeProvider clock) : PageModel
{
    public ArenaJudgeView? View { get; private set; }

    /// <summary>The round shown: the one asked for (<c>?unit=</c>) if open, else the first open round the judge may rate.</summary>
    public ArenaJudgeRound? Current { get; private set; }

    public IReadOnlyList<ArenaJudgeRound> OtherOpen { get; private set; } = [];

    public string Token { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(string token, string? unit, CancellationToken cancel)
    {
        Token = token;
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        try
        {
            View = await new ArenaService(db, clock).JudgeViewAsync(token, cancel);
        }
        catch (ArenaTokenException)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        var open = View.Rounds.Where(r => r.State == ArenaRoundState.Open && !r.OwnUnit).ToList();
        Current = open.FirstOrDefault(r => r.Unit == unit) ?? open.FirstOrDefault();
        OtherOpen = [.. open.Where(r => r != Current)];
        return Page();
    }

    /// <summary>What the page polls: the open rounds the judge may rate, and whether the session is published.</summary>
    public async Task<IActionResult> OnGetStateAsync(string token, CancellationToken cancel)
    {
        Response.Headers.CacheControl = "no-store";
        try
        {
            ArenaJudgeView view = await new ArenaService(db, clock).JudgeViewAsync(token, cancel);
            return new JsonResult(new
            {
                published = view.Published,
                open = view.Rounds.Where(r => r.State == ArenaRoundState.Open && !r.OwnUnit).Select(r => r.Unit).ToArray(),
            });
        }
        catch (ArenaTokenException)
        {
            return NotFound();
        }
    }
}
