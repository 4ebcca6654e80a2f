using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;

namespace Saima.Web.Features.Arena;

/// <summary>A session as the API shows it (contestants as unit codes in presentation order, rounds with their states).</summary>
public sealed record ApiArenaSession(
    string Code, string Name, string Stage, IReadOnlyList<string> Contestants, IReadOnlyList<ApiArenaRound> Rounds,
    IReadOnlyList<ApiArenaCriterion> Criteria, IReadOnlyList<ApiArenaCategory> Categories, ArenaPointsSpec? Points,
    bool Published, DateTimeOffset? PublishedAt, int Judges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Date = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Place = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ApiArenaGrade>? Grades = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ArenaRankPointsSpec? RankPoints = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Board = null);

/// <summary>A grade of a graded session (民主测评): code, name, the points it counts.</summary>
public sealed record ApiArenaGrade(string Code, string Name, double Points);

/// <summary>A criterion: code, name, most points.</summary>
public sealed record ApiArenaCriterion(string Code, string Name, double Max);

/// <summary>A category of examiners: code, name, weight, how many top and bottom totals it drops.</summary>
public sealed record ApiArenaCategory(string Code, string Name, double Weight, int Trim);

/// <summary>A contestant's round: unit code, state (pending, open, closed), ballots in (latest per judge).</summary>
public sealed record ApiArenaRound(string Unit, string State, int Ballots);

/// <summary>Judges just issued, with their tokens (shown once) and the pages they open.</summary>
public sealed record ApiArenaJudges(IReadOnlyList<ApiArenaJudge> Judges);

/// <summary>A judge just issued: id, category, unit (never rated by it), name, token and its page.</summary>
public sealed record ApiArenaJudge(string Id, string Category, string? Unit, string? Name, string Token, string Url);

/// <summary>A judge voided, with the reason.</summary>
public sealed record ApiArenaVoided(string Judge, bool Voided, string Reason);

/// <summary>A ballot accepted: its total.</summary>
public sealed record ApiArenaBallotAccepted(bool Accepted, double Total);

/// <summary>
/// The on-site evaluation API (<c>/api/v1/arena</c>): the office creates sessions, issues judges,
/// opens and closes rounds, reads results and publishes, with its personal API token; judges send
/// ballots with their own token (<c>Authorization: Bearer</c>, no account: a separate path of
/// authentication, limited per token, never per address, since a hall shares one). Every rule is
/// <see cref="ArenaService"/>'s; refusals are problem details naming the field.
/// </summary>
public static class ArenaApi
{
    public const string Prefix = "/api/v1/arena";

    /// <summary>Per judge token: a burst of 20 ballots, then one every half second.</summary>
    private static readonly PartitionedRateLimiter<string> JudgeLimiter = PartitionedRateLimiter.Create<string, string>(token =>
        RateLimitPartition.GetTokenBucketLimiter(token, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 20,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(500),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static IEndpointRouteBuilder MapArenaApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder office = app.MapGroup(Prefix).RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Arena");
        const string Session = "/sessions/{code}";
        office.MapPost("/sessions", CreateSession)
            .WithName("CreateArenaSession").WithSummary("Create an on-site evaluation (office, bearer token)")
            .WithDescription("A session: code, name, stage, optional date (yyyy-MM-dd) and place, contestants (unit codes in presentation order), criteria {code, name, max} or, for a graded session, grades {code, name, points}, categories {code, name, weight, trim}, optional points {scheme, period, indicator}, optional rankPoints {scheme, period, indicator, first, last}, optional board (live: the board shows each round's score as it closes, the default; end: only at the end). 201 with the session; 400 naming the field; 409 for a code that exists.")
            .Produces<ApiArenaSession>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);
        office.MapGet(Session, GetSession)
            .WithName("GetArenaSession").WithSummary("An on-site evaluation (office)")
            .WithDescription("The session as stored: contestants in presentation order with each round's state, criteria, categories, points, whether published.")
            .Produces<ApiArenaSession>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .RequireAuthorization(AccessPolicies.Office);
        office.MapPost(Session + "/judges", IssueJudges)
            .WithName("IssueArenaJudges").WithSummary("Issue judges (office, bearer token)")
            .WithDescription("{category, count} or {category, names, unit}: 201 with each judge's id, token (shown once) and url (the page a QR code carries).")
            .Produces<ApiArenaJudges>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);
        office.MapPost(Session + "/judges/{judge}/void", VoidJudge)
            .WithName("VoidArenaJudge").WithSummary("Void a judge (office, bearer token)")
            .WithDescription("{reason}: the judge's token stops working and its ballots stop counting; recorded and shown on the results.")
            .Produces<ApiArenaVoided>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);
        office.MapPost(Session + "/contestants/{unit}/open", (string code, string unit, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel) =>
                Round(code, unit, open: true, db, access, clock, cancel))
            .WithName("OpenArenaRound").WithSummary("Open a contestant's round (office, bearer token)")
            .WithDescription("No body. Ballots for the contestant are accepted while its round is open. 200 {unit, state, ballots}; 409 when the round is closed or the session published.")
            .Produces<ApiArenaRound>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);
        office.MapPost(Session + "/contestants/{unit}/close", (string code, string unit, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel) =>
                Round(code, unit, open: false, db, access, clock, cancel))
            .WithName("CloseArenaRound").WithSummary("Close a contestant's round, for good (office, bearer token)")
            .WithDescription("No body. Closing is final: no more ballots for the contestant. 200 {unit, state, ballots}.")
            .Produces<ApiArenaRound>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);
        office.MapGet(Session + "/results", Results)
            .WithName("GetArenaResults").WithSummary("Results (office at any time; others once published)")
            .WithDescription("Each contestant's score, rank and ballots, per category the ballots used after trimming and the mean; each judge's ballots and flags (straight, …).")
            .Produces<ArenaResults>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        office.MapPost(Session + "/publish", Publish)
            .WithName("PublishArena").WithSummary("Publish an on-site evaluation (office, bearer token)")
            .WithDescription("Every round must be closed (409 naming the others in 'rounds'); the results freeze; with points each score becomes its figure, entered and approved (the period must be open: 409).")
            .Produces<ArenaResults>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(RequireToken);

        // Judges have no account: their token is checked by the door itself, not by the API's login.
        app.MapPost(Prefix + "/ballots", Ballot).AllowAnonymous().WithTags("Arena")
            .WithName("SendArenaBallot").WithSummary("A judge's ballot (judge's bearer token)")
            .WithDescription("{session, contestant, scores: {criterion: points}} or, on a graded session, {session, contestant, grade}: every criterion, each a multiple of 0.5 in [0, max]. 200 {accepted, total}; 400 malformed; 401 unknown or voided token; 409 round not open, session published, not the judge's session or contestant, the judge's own unit; 429 too many at once. The same body twice is harmless; a newer ballot replaces the older while the round is open.")
            .Produces<ApiArenaBallotAccepted>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(409).ProducesProblem(429);
        return app;
    }

    /// <summary>The page a judge opens (its token inside), absolute, as a QR code carries it.</summary>
    public static string JudgeUrl(HttpRequest request, string token)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}/arena/j/{Uri.EscapeDataString(token)}";
    }

    private static ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        ApiAuth.ByToken(context.HttpContext.User)
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.Forbidden("writes through the API need a personal API token (Authorization: Bearer <token>, made at /account/tokens); a browser session may only read"));

    private static async Task<IResult> CreateSession(HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Invalid([("body", bodyError ?? "expected an object {code, name, stage, contestants, criteria, categories, points}")]);
        }

        JsonElement root = document.RootElement;
        var errors = new List<(string, string)>();
        ApiJson.TryString(root, "code", string.Empty, errors, out string? code);
        ApiJson.TryString(root, "name", string.Empty, errors, out string? name);
        ApiJson.TryString(root, "stage", string.Empty, errors, out string? stage);
        List<string?>? contestants = Array(root, "contestants", errors, (e, at) => e.ValueKind == JsonValueKind.String ? e.GetString() : Bad<string>(errors, at, "expected a unit code"));
        List<ArenaCriterionSpec?>? criteria = Array(root, "criteria", errors, (e, at) => e.ValueKind != JsonValueKind.Object ? Bad<ArenaCriterionSpec>(errors, at, "expected {code, name, max}")
            : new ArenaCriterionSpec(Text(e, "code", at, errors), Text(e, "name", at, errors), Number(e, "max", at, errors)));
        List<ArenaCategorySpec?>? categories = Array(root, "categories", errors, (e, at) => e.ValueKind != JsonValueKind.Object ? Bad<ArenaCategorySpec>(errors, at, "expected {code, name, weight, trim}")
            : new ArenaCategorySpec(Text(e, "code", at, errors), Text(e, "name", at, errors), Number(e, "weight", at, errors), Number(e, "trim", at, errors)));
        ArenaPointsSpec? points = null;
        if (root.TryGetProperty("points", out JsonElement p) && p.ValueKind != JsonValueKind.Null)
        {
            points = p.ValueKind == JsonValueKind.Object
                ? new ArenaPointsSpec(Text(p, "scheme", "points", errors), Text(p, "period", "points", errors), Text(p, "indicator", "points", errors))
                : Bad<ArenaPointsSpec>(errors, "points", "expected {scheme, period, indicator}");
        }

        ApiJson.TryString(root, "date", string.Empty, errors, out string? date);
        ApiJson.TryString(root, "place", string.Empty, errors, out string? place);
        List<ArenaGradeSpec?>? grades = Array(root, "grades", errors, (e, at) => e.ValueKind != JsonValueKind.Object ? Bad<ArenaGradeSpec>(errors, at, "expected {code, name, points}")
            : new ArenaGradeSpec(Text(e, "code", at, errors), Text(e, "name", at, errors), Number(e, "points", at, errors)));
        ArenaRankPointsSpec? rankPoints = null;
        if (root.TryGetProperty("rankPoints", out JsonElement rp) && rp.ValueKind != JsonValueKind.Null)
        {
            rankPoints = rp.ValueKind == JsonValueKind.Object
                ? new ArenaRankPointsSpec(
                    Text(rp, "scheme", "rankPoints", errors), Text(rp, "period", "rankPoints", errors), Text(rp, "indicator", "rankPoints", errors),
                    Array(rp, "first", errors, (e, at) => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) ? d : Bad<double?>(errors, "rankPoints." + at, "expected a number")),
                    Number(rp, "last", "rankPoints", errors))
                : Bad<ArenaRankPointsSpec>(errors, "rankPoints", "expected {scheme, period, indicator, first, last}");
        }

        ApiJson.TryString(root, "board", string.Empty, errors, out string? board);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            Actor actor = access.As(ActorRole.Office);
            var arena = new ArenaService(db, clock);
            ArenaSessionView view = await arena.CreateAsync(actor, new ArenaSessionSpec(
                code, name, stage, contestants, criteria?.Select(x => x!).ToList(), categories?.Select(x => x!).ToList(), points,
                date, place, grades?.Select(x => x!).ToList(), rankPoints, board), cancel);
            return TypedResults.Created($"{Prefix}/sessions/{Uri.EscapeDataString(view.Code)}", ToApi(view));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> GetSession(string code, SaimaDb db, TimeProvider clock, CancellationToken cancel) =>
        await new ArenaService(db, clock).SessionAsync(code, cancel) is { } view
            ? TypedResults.Ok(ToApi(view))
            : ApiProblems.NotFound($"no on-site evaluation '{code}'");

    private static async Task<IResult> IssueJudges(string code, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Invalid([("body", bodyError ?? "expected {\"category\", \"count\"} or {\"category\", \"names\", \"unit\"}")]);
        }

        JsonElement root = document.RootElement;
        var errors = new List<(string, string)>();
        ApiJson.TryString(root, "category", string.Empty, errors, out string? category);
        ApiJson.TryString(root, "unit", string.Empty, errors, out string? unit);
        int? count = null;
        if (root.TryGetProperty("count", out JsonElement c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out int n))
            {
                count = n;
            }
            else
            {
                errors.Add(("count", "expected a whole number"));
            }
        }

        List<string?>? names = root.TryGetProperty("names", out JsonElement ns) && ns.ValueKind != JsonValueKind.Null
            ? Array(root, "names", errors, (e, at) => e.ValueKind == JsonValueKind.String ? e.GetString() : Bad<string>(errors, at, "expected a name"))
            : null;
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            var issued = await new ArenaService(db, clock).IssueJudgesAsync(access.As(ActorRole.Office), code, new ArenaJudgeSpec(category, count, names, unit), cancel);
            return TypedResults.Created((string?)null, new ApiArenaJudges([.. issued.Select(j => new ApiArenaJudge(j.Id, j.Category, j.Unit, j.Name, j.Token, JudgeUrl(request, j.Token)))]));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> VoidJudge(string code, string judge, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        var errors = new List<(string, string)>();
        string? reason = null;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add(("body", bodyError ?? "expected {\"reason\"}"));
        }
        else
        {
            ApiJson.TryString(document.RootElement, "reason", string.Empty, errors, out reason);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            await new ArenaService(db, clock).VoidJudgeAsync(access.As(ActorRole.Office), code, judge, reason, cancel);
            return TypedResults.Ok(new ApiArenaVoided(judge, true, reason!.Trim()));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> Round(string code, string unit, bool open, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        try
        {
            var arena = new ArenaService(db, clock);
            Actor actor = access.As(ActorRole.Office);
            ArenaRound round = open ? await arena.OpenRoundAsync(actor, code, unit, cancel) : await arena.CloseRoundAsync(actor, code, unit, cancel);
            return TypedResults.Ok(new ApiArenaRound(round.Unit, State(round.State), round.Ballots));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> Results(string code, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = ApiContext.Reader(access) ?? new Actor(access.Name, ActorRole.Leader);
        try
        {
            return TypedResults.Ok(await new ArenaService(db, clock).ResultsAsync(actor, code, cancel));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> Publish(string code, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        try
        {
            return TypedResults.Ok(await new ArenaService(db, clock).PublishAsync(access.As(ActorRole.Office), code, cancel));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> Ballot(HttpRequest request, SaimaDb db, TimeProvider clock, CancellationToken cancel)
    {
        string? header = request.Headers.Authorization.FirstOrDefault();
        string token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : string.Empty;
        if (token.Length == 0)
        {
            return Unauthorized("send the judge's token: Authorization: Bearer <token>");
        }

        using RateLimitLease lease = JudgeLimiter.AttemptAcquire(ArenaService.Hash(token));
        if (!lease.IsAcquired)
        {
            return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "Too many requests", "too many ballots from this judge at once; wait a moment and send again");
        }

        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Invalid([("body", bodyError ?? "expected {\"session\", \"contestant\", \"scores\": {criterion: points}}")]);
        }

        JsonElement root = document.RootElement;
        var errors = new List<(string, string)>();
        ApiJson.TryString(root, "session", string.Empty, errors, out string? session);
        ApiJson.TryString(root, "contestant", string.Empty, errors, out string? contestant);
        Dictionary<string, double?>? scores = null;
        if (root.TryGetProperty("scores", out JsonElement s) && s.ValueKind == JsonValueKind.Object)
        {
            scores = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (JsonProperty property in s.EnumerateObject())
            {
                scores[property.Name] = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out double v) ? v : null;
            }
        }
        else if (s.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors.Add(("scores", "expected an object {criterion: points}"));
        }

        ApiJson.TryString(root, "grade", string.Empty, errors, out string? grade);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            ArenaBallotReceipt receipt = await new ArenaService(db, clock).SubmitBallotAsync(token, new ArenaBallotInput(session, contestant, scores, grade), cancel);
            return TypedResults.Ok(new ApiArenaBallotAccepted(true, receipt.Total));
        }
        catch (ArenaTokenException e)
        {
            return Unauthorized(e.Message);
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return Refused(e);
        }
    }

    private static IResult Unauthorized(string detail) =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>A refusal of the door as the API says it: 400 by field, 401, 403, 404 or 409 with the code and its arguments.</summary>
    internal static IResult Refused(Exception e)
    {
        if (e is ArenaInvalidException invalid)
        {
            return ApiProblems.Invalid([.. invalid.Errors.Select(x => (x.Field, x.Message))]);
        }

        var refusal = (IStoreRefusal)e;
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = refusal.Code, ["args"] = refusal.Args };
        if (refusal.Code == WorkflowCodes.ArenaRoundsNotClosed && refusal.Args.Count > 1)
        {
            extensions["rounds"] = refusal.Args[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        }

        return e switch
        {
            ArenaTokenException => ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", e.Message, extensions),
            AccessDeniedException => ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message, extensions),
            NotFoundException => ApiProblems.Problem(StatusCodes.Status404NotFound, "Not found", e.Message, extensions),
            _ when refusal.Code == WorkflowCodes.ArenaVoidReason => ApiProblems.Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message, extensions),
            _ => ApiProblems.Problem(StatusCodes.Status409Conflict, "Conflict", e.Message, extensions),
        };
    }

    private static ApiArenaSession ToApi(ArenaSessionView v) => new(
        v.Code, v.Name, v.Stage, [.. v.Contestants.Select(c => c.Unit)],
        [.. v.Contestants.Select(c => new ApiArenaRound(c.Unit, State(c.State), c.Ballots))],
        [.. v.Criteria.Select(c => new ApiArenaCriterion(c.Code, c.Name, c.MaxPoints))],
        [.. v.Categories.Select(c => new ApiArenaCategory(c.Code, c.Name, c.Weight, c.TrimCount))],
        v.Points, v.Published, v.PublishedAt, v.Judges,
        v.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), v.Place,
        v.Grades is null ? null : [.. v.Grades.Select(g => new ApiArenaGrade(g.Code, g.Name, g.Points))], v.RankPoints,
        v.Board == ArenaBoardScores.Live ? null : v.Board);

    internal static string State(ArenaRoundState s) => s.ToString().ToLowerInvariant();

    private static List<T?>? Array<T>(JsonElement root, string name, List<(string, string)> errors, Func<JsonElement, string, T?> item)
    {
        if (!root.TryGetProperty(name, out JsonElement a) || a.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (a.ValueKind != JsonValueKind.Array)
        {
            errors.Add((name, "expected an array"));
            return null;
        }

        var list = new List<T?>();
        int i = 0;
        foreach (JsonElement e in a.EnumerateArray())
        {
            list.Add(item(e, string.Create(CultureInfo.InvariantCulture, $"{name}[{i++}]")));
        }

        return list;
    }

    private static T? Bad<T>(List<(string, string)> errors, string at, string message)
    {
        errors.Add((at, message));
        return default;
    }

    private static string? Text(JsonElement e, string name, string at, List<(string, string)> errors)
    {
        ApiJson.TryString(e, name, at, errors, out string? value);
        return value;
    }

    private static double? Number(JsonElement e, string name, string at, List<(string, string)> errors)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d))
        {
            return d;
        }

        errors.Add((ApiJson.Field(at, name), "expected a number"));
        return double.NaN;
    }
}
