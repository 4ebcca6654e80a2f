using System.Globalization;
using System.Text.Json;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;

namespace Saima.Web.Features.Lists;

/// <summary>A new list item as the API takes it: kind and source as lower-case words, days as yyyy-MM-dd, units by code.</summary>
public sealed record ApiNewItem(
    string Kind, string Title, string? Description, string Owner, IReadOnlyList<string>? CoOwners, string? Responsible, string? Deadline,
    string? Source, string? SourceRef);

/// <summary>A step of an item's life: the text (account, reason, note or comment), a day (follow-up or deadline), the responsible person.</summary>
public sealed record ApiItemStep(string? Text, string? Day, string? Responsible);

/// <summary>A new measure: text, owner, deadline (yyyy-MM-dd).</summary>
public sealed record ApiNewMeasure(string Text, string? Owner, string? Deadline);

/// <summary>A measure's new state: planned, inprogress or done.</summary>
public sealed record ApiMeasureState(string State);

/// <summary>
/// The lists' writes through the API (<c>POST /api/v1/items…</c>): create an item, act on it
/// (start, submit, close out, return, set the follow-up day, confirm the follow-up, reopen,
/// comment, confirm or dismiss a draft), add a measure and move a measure. Each calls the one
/// door of <see cref="ListService"/> as the token's user; this file reads the JSON body and
/// turns the door's refusals into problems (400 by field, 403, 404, 409 with the code). Writes
/// need a personal API token, as every write of the API does.
/// </summary>
public static class ListApiWrites
{
    /// <summary>An action on an item: its route word, what the body's <c>text</c> means, and the door it calls.</summary>
    private sealed record ItemAction(string Word, string Summary, string Body, Func<ListService, Actor, long, ActionBody, CancellationToken, Task<ListItem>> Run);

    /// <summary>The body of an action: <c>text</c> (reason, note, account or comment), <c>day</c> (yyyy-MM-dd), <c>responsible</c>.</summary>
    private sealed record ActionBody(string? Text, DateOnly? Day, string? Responsible);

    private static readonly ItemAction[] Actions =
    [
        new("start", "Start work on an open item (an owner unit or the office)", "{}",
            (s, a, id, b, c) => s.StartAsync(a, id, c)),
        new("submit", "Submit an item for close-out with the account of what was done (an owner unit)", "{\"text\": account}",
            (s, a, id, b, c) => s.SubmitAsync(a, id, b.Text, c)),
        new("closeout", "Close an item out (销号; the office)", "{\"text\": note}",
            (s, a, id, b, c) => s.CloseOutAsync(a, id, b.Text, c)),
        new("return", "Return a submitted item (the office; a reason is required)", "{\"text\": reason}",
            (s, a, id, b, c) => s.ReturnAsync(a, id, b.Text, c)),
        new("followup", "Set the follow-up review day of a closed-out item (回头看; the office)", "{\"day\": \"yyyy-MM-dd\"}",
            (s, a, id, b, c) => b.Day is { } d ? s.SetFollowUpAsync(a, id, d, c) : throw new ListInvalidException([new("day", "a day like 2025-10-01")])),
        new("review", "Confirm at the follow-up review that the item stays fixed (the office)", "{\"text\": note}",
            (s, a, id, b, c) => s.ConfirmFollowUpAsync(a, id, b.Text, c)),
        new("reopen", "Reopen a closed-out item (the office; a reason is required)", "{\"text\": reason}",
            (s, a, id, b, c) => s.ReopenAsync(a, id, b.Text, c)),
        new("confirm", "Confirm a draft supervision item (the office), with its deadline and responsible person", "{\"day\": deadline, \"responsible\": name}",
            (s, a, id, b, c) => s.ConfirmDraftAsync(a, id, b.Day, b.Responsible, c)),
        new("dismiss", "Dismiss a draft item (the office; a reason is required)", "{\"text\": reason}",
            (s, a, id, b, c) => s.DismissAsync(a, id, b.Text, c)),
    ];

    public static IEndpointRouteBuilder MapListApiWrites(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1").RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Lists");
        api.MapPost("/items", Create)
            .WithName("CreateItem").WithSummary("Create a list item (the office)")
            .WithDescription("Body: {\"kind\": \"shortcoming|commitment|supervision|enterprise\", \"title\", \"description\", \"owner\": unit code, \"coOwners\": [unit codes], \"responsible\", \"deadline\": \"yyyy-MM-dd\", \"source\": \"redwarning|arena|visit|instruction|enterprise|manual\", \"sourceRef\"}. 201 with the item and its Location. 400 names every malformed field.")
            .WithMetadata(new ApiBody(typeof(ApiNewItem), Required: true))
            .Produces<ApiListItemDetail>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403)
            .AddEndpointFilter(ApiProblems.RequireToken);
        foreach (ItemAction action in Actions)
        {
            api.MapPost("/items/{id}/" + action.Word, (long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel) =>
                    ActAsync(action, id, request, db, access, clock, cancel))
                .WithName("Item_" + action.Word).WithSummary(action.Summary)
                .WithDescription("Body: " + action.Body + ". 200 with the item as it is now; 400 by field; 403 when the user may not; 404 when the item does not exist or is not the user's to see; 409 when the item's state does not allow it (the code says why).")
                .WithMetadata(new ApiBody(typeof(ApiItemStep), Required: false))
                .Produces<ApiListItemDetail>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
                .AddEndpointFilter(ApiProblems.RequireToken);
        }

        api.MapPost("/items/{id}/comments", Comment)
            .WithName("CommentItem").WithSummary("Comment on an item (the office or an owner unit)")
            .WithDescription("Body: {\"text\"}. 201 with the comment.")
            .WithMetadata(new ApiBody(typeof(ApiItemStep), Required: false))
            .Produces<ApiListComment>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .AddEndpointFilter(ApiProblems.RequireToken);
        api.MapPost("/items/{id}/measures", AddMeasure)
            .WithName("AddMeasure").WithSummary("Add a rectification measure to an item (the office or an owner unit)")
            .WithDescription("Body: {\"text\", \"owner\", \"deadline\": \"yyyy-MM-dd\"}. 201 with the measure.")
            .WithMetadata(new ApiBody(typeof(ApiNewMeasure), Required: true))
            .Produces<ApiListMeasure>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .AddEndpointFilter(ApiProblems.RequireToken);
        api.MapPost("/measures/{id}/state", MeasureStateAsync)
            .WithName("SetMeasureState").WithSummary("Move a measure to planned, inprogress or done (the office or an owner unit)")
            .WithDescription("Body: {\"state\": \"planned|inprogress|done\"}. 200 with the measure.")
            .WithMetadata(new ApiBody(typeof(ApiMeasureState), Required: true))
            .Produces<ApiListMeasure>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .AddEndpointFilter(ApiProblems.RequireToken);
        return app;
    }

    private static async Task<IResult> Create(HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{kind, title, description, owner, coOwners, responsible, deadline}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        JsonElement root = body!.Value;
        var errors = new List<(string, string)>();
        ListKind kind = ListKind.Shortcoming;
        if (ApiJson.Str(root, "kind", errors) is not { } k || !TryWord(k, out kind))
        {
            errors.Add(("kind", "shortcoming, commitment, supervision or enterprise"));
        }

        ListSource source = ListSource.Manual;
        if (ApiJson.Str(root, "source", errors) is { } src && !TryWord(src, out source))
        {
            errors.Add(("source", "redwarning, arena, visit, instruction, enterprise or manual"));
        }

        string? title = ApiJson.Str(root, "title", errors);
        string? description = ApiJson.Str(root, "description", errors);
        string? owner = ApiJson.Str(root, "owner", errors);
        string? responsible = ApiJson.Str(root, "responsible", errors);
        string? sourceRef = ApiJson.Str(root, "sourceRef", errors);
        DateOnly? deadline = Day(root, "deadline", errors);
        List<string>? coOwners = null;
        if (root.TryGetProperty("coOwners", out JsonElement co) && co.ValueKind != JsonValueKind.Null)
        {
            if (co.ValueKind != JsonValueKind.Array || co.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                errors.Add(("coOwners", "an array of unit codes"));
            }
            else
            {
                coOwners = [.. co.EnumerateArray().Select(e => e.GetString()!)];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(db, clock, access, async (service, actor) =>
        {
            ListItem item = await service.CreateAsync(actor, new ListItemSpec(kind, title, description, owner, coOwners, responsible, deadline, source, sourceRef), cancel);
            ApiListItemDetail detail = await DetailAsync(service, actor, item.Id, cancel);
            return TypedResults.Created(ListApi.Prefix + "/" + item.Id.ToString(CultureInfo.InvariantCulture), detail);
        });
    }

    private static async Task<IResult> ActAsync(ItemAction action, long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, action.Body, cancel, optional: true);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<(string, string)>();
        ActionBody parsed = body is { } root
            ? new ActionBody(ApiJson.Str(root, "text", errors), Day(root, "day", errors), ApiJson.Str(root, "responsible", errors))
            : new ActionBody(null, null, null);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(db, clock, access, async (service, actor) =>
        {
            await action.Run(service, actor, id, parsed, cancel);
            db.ChangeTracker.Clear();
            return TypedResults.Ok(await DetailAsync(service, actor, id, cancel));
        });
    }

    private static async Task<IResult> Comment(long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{text}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<(string, string)>();
        string? text = ApiJson.Str(body!.Value, "text", errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(db, clock, access, async (service, actor) =>
        {
            ListComment c = await service.CommentAsync(actor, id, text, cancel);
            return TypedResults.Created(ListApi.Prefix + "/" + id.ToString(CultureInfo.InvariantCulture), new ApiListComment(c.At, c.Author, c.Text));
        });
    }

    private static async Task<IResult> AddMeasure(long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{text, owner, deadline}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<(string, string)>();
        string? text = ApiJson.Str(body!.Value, "text", errors);
        string? owner = ApiJson.Str(body.Value, "owner", errors);
        DateOnly? deadline = Day(body.Value, "deadline", errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(db, clock, access, async (service, actor) =>
        {
            ListMeasure m = await service.AddMeasureAsync(actor, id, text, owner, deadline, cancel);
            return TypedResults.Created(ListApi.Prefix + "/" + id.ToString(CultureInfo.InvariantCulture), Measure(m));
        });
    }

    private static async Task<IResult> MeasureStateAsync(long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{state}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<(string, string)>();
        MeasureState state = MeasureState.Planned;
        if (ApiJson.Str(body!.Value, "state", errors) is not { } s || !TryWord(s, out state))
        {
            errors.Add(("state", "planned, inprogress or done"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(db, clock, access, async (service, actor) => TypedResults.Ok(Measure(await service.SetMeasureStateAsync(actor, id, state, cancel))));
    }

    private static ApiListMeasure Measure(ListMeasure m) =>
        new(m.Id, m.Text, m.Owner, m.Deadline is null ? null : ListService.DateText(m.Deadline), m.State.ToString().ToLowerInvariant());

    private static async Task<ApiListItemDetail> DetailAsync(ListService service, Actor actor, long id, CancellationToken cancel) =>
        ListApi.Detail(await service.GetAsync(actor, id, cancel));

    /// <summary>Runs a door as the API's user; its refusals become problems with the code and its arguments.</summary>
    private static async Task<IResult> RunAsync(SaimaDb db, TimeProvider clock, SaimaAccess access, Func<ListService, Actor, Task<IResult>> act)
    {
        if (ApiContext.Reader(access) is null)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        try
        {
            return await act(new ListService(db, clock), ListPages.Actor(access));
        }
        catch (ListInvalidException e)
        {
            return ApiProblems.Invalid([.. e.Errors.Select(x => (x.Field, x.Message))]);
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return ApiProblems.Refusal(e);
        }
    }

    private static DateOnly? Day(JsonElement root, string name, List<(string, string)> errors)
    {
        if (ApiJson.Str(root, name, errors) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
        {
            return day;
        }

        errors.Add((name, "a day like 2025-10-01"));
        return null;
    }

    /// <summary>An enum by its lower-case word (never by number).</summary>
    internal static bool TryWord<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
