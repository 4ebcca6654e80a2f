using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>
/// The hall's board (<c>/arena/s/{code}/board</c>): the round open now with its ballots in by
/// category and, when the session's board shows scores (<see cref="BoardState"/>), the ranking;
/// <c>arena-board.js</c> follows <c>?handler=Stream</c> (server-sent events) and polls
/// <c>?handler=Data</c> when the stream fails. The office sees it at any time, other signed-in
/// roles once the session is published (the store's rule).
/// </summary>
public sealed class BoardModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>How long one event stream stays open before the browser is made to reconnect.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A comment line at least this often keeps proxies and the browser from closing a quiet stream.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How often the stream looks at the store without a signal (writers in another process).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(3);

    /// <summary>How long a signal waits for the rest of a burst before the board is redrawn.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

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
        return Content(BoardState.Of(Session!, Results!).ToJson(), "application/json; charset=utf-8");
    }

    /// <summary>
    /// The board as server-sent events (<c>text/event-stream</c>): an event <c>state</c> with the
    /// board's JSON at once and whenever it changes (the store's doors signal <see cref="ArenaChanges"/>;
    /// a look every <see cref="Recheck"/> catches writers elsewhere), a comment line every
    /// <see cref="Heartbeat"/>, closed after <see cref="Lifetime"/> (the browser reconnects) or at
    /// once after a published session's final state. Same access as the page; at most
    /// <see cref="BoardStreams.MaxPerSession"/> streams per session (503 beyond: the page polls).
    /// </summary>
    public async Task<IActionResult> OnGetStreamAsync(string code, CancellationToken cancel)
    {
        IActionResult? refused = await LoadAsync(code, cancel);
        if (refused is not null)
        {
            return refused;
        }

        string session = Session!.Code;
        if (!BoardStreams.TryEnter(session))
        {
            Response.Headers.RetryAfter = "30";
            return StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        // The stream ends with the request or when the application stops (a stream holds no shutdown up).
        CancellationToken stopping = HttpContext.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping);
        cancel = ends.Token;
        try
        {
            Response.Headers.CacheControl = "no-store";
            Response.Headers["X-Accel-Buffering"] = "no";
            Response.ContentType = "text/event-stream; charset=utf-8";
            HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
            await Response.WriteAsync("retry: 2000\n\n", cancel);
            await Response.Body.FlushAsync(cancel);
            var arena = new ArenaService(db, clock);
            Actor actor = Reader();
            var started = System.Diagnostics.Stopwatch.StartNew();
            var wrote = System.Diagnostics.Stopwatch.StartNew();
            string? last = null;
            BoardState state = BoardState.Of(Session, Results!);
            while (!cancel.IsCancellationRequested)
            {
                string json = state.ToJson();
                if (json != last)
                {
                    await Response.WriteAsync("event: state\ndata: " + json + "\n\n", cancel);
                    await Response.Body.FlushAsync(cancel);
                    last = json;
                    wrote.Restart();
                }

                if (state.Published || started.Elapsed > Lifetime)
                {
                    break;
                }

                Task changed = ArenaChanges.Next(session);
                Task woke = await Task.WhenAny(changed, Task.Delay(Recheck, cancel));
                if (woke == changed)
                {
                    // A burst of ballots is one redraw: wait a moment for the rest of it.
                    await Task.Delay(Settle, cancel);
                }
                else if (wrote.Elapsed >= Heartbeat)
                {
                    await Response.WriteAsync(": heartbeat\n\n", cancel);
                    await Response.Body.FlushAsync(cancel);
                    wrote.Restart();
                }

                db.ChangeTracker.Clear();
                ArenaSessionView? view = await arena.SessionAsync(session, cancel);
                if (view is null)
                {
                    break;
                }

                state = BoardState.Of(view, await arena.ResultsAsync(actor, session, cancel));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The board went away.
        }
        finally
        {
            BoardStreams.Leave(session);
        }

        return new EmptyResult();
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

    private Actor Reader() => Api.ApiContext.Reader(access) ?? new Actor(access.Name, ActorRole.Leader);

    private async Task<IActionResult?> LoadAsync(string code, CancellationToken cancel)
    {
        var arena = new ArenaService(db, clock);
        Session = await arena.SessionAsync(code, cancel);
        if (Session is null)
        {
            return NotFound();
        }

        Actor actor = Reader();
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
