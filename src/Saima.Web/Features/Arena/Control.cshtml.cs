using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Microsoft.Extensions.Localization;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>A round as the control page follows it live: its state (and the word for it), ballots in (and per category), score and rank as they stand, the judges yet to rate it.</summary>
public sealed record ControlRound(
    string Unit, string State, string StateText, int Ballots, string BallotsText, IReadOnlyList<BoardCategory> Categories,
    string Score, string Rank, int Missing, string? MissingTitle, string? MissingJudges);

/// <summary>The control page's live counts (<c>?handler=Live</c>): the session, whether it is published, and every round.</summary>
public sealed record ControlState(string Session, bool Published, IReadOnlyList<ControlRound> Rounds);

/// <summary>
/// The office's control page of a session (<c>/arena/s/{code}</c>): each contestant's round with
/// open and close, the ballots in per category of the open rounds, the judges yet to rate them,
/// the results as they stand and publication. Every action is <see cref="ArenaService"/>'s.
/// <c>arena-control.js</c> keeps the counts, scores and missing judges current without a reload:
/// it follows the board's event stream (<c>/arena/s/{code}/board?handler=Stream</c>) as the signal
/// to read <c>?handler=Live</c> again, and polls that when the stream fails.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class ControlModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public ArenaSessionView? Session { get; private set; }

    public ArenaResults? Results { get; private set; }

    /// <summary>Per open round: the judges yet to rate it (at most 500 shown).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ArenaJudgeStatus>> Missing { get; private set; } = new Dictionary<string, IReadOnlyList<ArenaJudgeStatus>>();

    public string? Error { get; private set; }

    /// <summary>Most judges named per open round in the live counts (the count is always whole).</summary>
    public const int MissingNamed = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The rounds' counts as they stand, as JSON (<see cref="ControlState"/>): what the page shows, for the page's script.</summary>
    public async Task<IActionResult> OnGetLiveAsync(string code, CancellationToken cancel)
    {
        IActionResult loaded = await OnGetAsync(code, cancel);
        if (Session is null || Results is null)
        {
            return loaded;
        }

        Response.Headers.CacheControl = "no-store";
        return Content(JsonSerializer.Serialize(Live(HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ArenaTexts>>()), Json), "application/json; charset=utf-8");
    }

    /// <summary>The page's counts in the user's language (the same words and numbers the page shows).</summary>
    public ControlState Live(IStringLocalizer<ArenaTexts> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArenaSessionView s = Session!;
        var results = Results!.Contestants.ToDictionary(c => c.Unit, StringComparer.Ordinal);
        IReadOnlyDictionary<string, string> names = CategoryNames(s);
        return new ControlState(s.Code, s.Published, [.. s.Contestants.Select(r =>
        {
            ArenaContestantResult res = results[r.Unit];
            string state = r.State.ToString().ToLowerInvariant();
            IReadOnlyList<ArenaJudgeStatus>? missing = Missing.GetValueOrDefault(r.Unit);
            return new ControlRound(
                r.Unit, state, texts["Arena_State_" + state].Value, r.Ballots, BallotsText(r.Ballots, res, names),
                [.. res.Categories.Select(c => new BoardCategory(c.Code, names.GetValueOrDefault(c.Code, c.Code), c.Ballots))],
                ScoreText(res.Score), res.Rank?.ToString(CultureInfo.InvariantCulture) ?? "—",
                missing?.Count ?? 0,
                missing is null ? null : r.UnitName + " · " + texts["Arena_Missing", missing.Count].Value,
                missing is null ? null : MissingText(missing, names));
        })]);
    }

    /// <summary>The session's examiner categories' names by code (what the office named them).</summary>
    public static IReadOnlyDictionary<string, string> CategoryNames(ArenaSessionView session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Categories.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>A round's ballots in and per category, by the categories' names: <c>7 (群众代表 4 · 市领导 3)</c>.</summary>
    public static string BallotsText(int ballots, ArenaContestantResult result, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(names);
        string all = ballots.ToString(CultureInfo.InvariantCulture);
        return result.Categories.Count == 0
            ? all
            : all + " (" + string.Join(" · ", result.Categories.Select(c => names.GetValueOrDefault(c.Code, c.Code) + " " + c.Ballots.ToString(CultureInfo.InvariantCulture))) + ")";
    }

    /// <summary>A score as the page shows it, or a dash.</summary>
    public static string ScoreText(double? score) => score is { } d ? d.ToString(ShownNumbers.Decimals, CultureInfo.InvariantCulture) : "—";

    /// <summary>The judges yet to rate a round, by name (or id) and their category's name.</summary>
    public static string MissingText(IReadOnlyList<ArenaJudgeStatus> judges, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(judges);
        ArgumentNullException.ThrowIfNull(names);
        return string.Join("、", judges.Take(MissingNamed).Select(j => (j.Name ?? j.Id) + "（" + names.GetValueOrDefault(j.Category, j.Category) + "）"));
    }

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
