using System.Globalization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;

namespace Saima.Web.Features.Lists;

/// <summary>A list item as the API shows it: kind, state and source as lower-case words, days as yyyy-MM-dd.</summary>
public sealed record ApiListItem(
    long Id, string Kind, string State, string Title, string Owner, string? Responsible, string? Deadline, string? FollowUpOn,
    string Source, string? SourceRef, bool Overdue, bool FollowUpDue, DateTimeOffset UpdatedAt);

/// <summary>One list item with its co-owners, measures, comments, evidence files (names only) and history.</summary>
public sealed record ApiListItemDetail(
    ApiListItem Item, string? Description, IReadOnlyList<string> CoOwners, string? Account, int Reopened,
    IReadOnlyList<ApiListMeasure> Measures, IReadOnlyList<ApiListComment> Comments, IReadOnlyList<string> Evidence, IReadOnlyList<ApiListEvent> History);

/// <summary>A rectification measure: text, owner, deadline, state (planned, inprogress, done).</summary>
public sealed record ApiListMeasure(long Id, string Text, string? Owner, string? Deadline, string State);

/// <summary>A comment: when, who, what.</summary>
public sealed record ApiListComment(DateTimeOffset At, string Author, string Text);

/// <summary>An entry of the item's history: when, who, action, field, old and new value, reason.</summary>
public sealed record ApiListEvent(DateTimeOffset At, string User, string Action, string? Field, string? Old, string? New, string? Reason);

/// <summary>
/// The lists' read API (<c>/api/v1/items</c>): items the caller may see (<see cref="ListService.Visible"/>:
/// the office and leaders every item, a unit's users their own and co-owned ones), filtered and
/// paged, and one item in full. The writes are <see cref="ListApiWrites"/>.
/// </summary>
public static class ListApi
{
    public const string Prefix = "/api/v1/items";

    public static IEndpointRouteBuilder MapListApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1").RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Lists");
        api.MapGet("/items", List)
            .WithName("ListItems").WithMetadata(new ApiPaged()).WithSummary("List items the caller may see (paged)")
            .WithDescription("Filters: kind (shortcoming, commitment, supervision, enterprise), state (draft, open, inprogress, submitted, returned, closed, confirmed, dismissed), unit (owner or co-owner code), overdue=true, q (words in title, description, responsible, source). Overdue first, then by deadline. Paged like every list of this API (limit, cursor, X-Next-Cursor); a page holds at most " + ListService.MaxPageSize + " items whatever the limit; X-Total-Count says how many match. The office and leaders see every item; a unit's users their own and co-owned ones (no drafts).")
            .Produces<ApiListItem[]>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403);
        api.MapGet("/items/{id}", Get)
            .WithName("GetItem").WithSummary("One list item with measures, comments, evidence and history")
            .WithDescription("404 when the item does not exist or is not the caller's to see.")
            .Produces<ApiListItemDetail>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    public static ApiListItem ToApi(ListRow r) => new(
        r.Id, r.Kind.ToString().ToLowerInvariant(), r.State.ToString().ToLowerInvariant(), r.Title, r.OwnerCode, r.Responsible,
        r.Deadline is null ? null : ListService.DateText(r.Deadline), r.FollowUpOn is null ? null : ListService.DateText(r.FollowUpOn),
        r.Source.ToString().ToLowerInvariant(), r.SourceRef, r.Overdue, r.FollowUpDue, r.UpdatedAt);

    /// <summary>An item in full as the API shows it.</summary>
    public static ApiListItemDetail Detail(ListItemView v) => new(
        ToApi(v.Row), v.Item.Description, [.. v.CoOwners.Select(c => c.Code)], v.Item.Account, v.Item.Reopened,
        [.. v.Measures.Select(m => new ApiListMeasure(m.Id, m.Text, m.Owner, m.Deadline is null ? null : ListService.DateText(m.Deadline), m.State.ToString().ToLowerInvariant()))],
        [.. v.Comments.Select(c => new ApiListComment(c.At, c.Author, c.Text))],
        [.. v.Evidence.Select(e => e.FileName)],
        [.. v.History.Select(h => new ApiListEvent(h.At, h.User, h.Action, h.Field, h.OldValue, h.NewValue, h.Reason))]);

    private static async Task<IResult> List(
        string? kind, string? state, string? unit, bool? overdue, string? q, int? limit, string? cursor,
        HttpContext http, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        var errors = new List<(string, string)>();
        ListKind? k = null;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            if (Enum.TryParse(kind, ignoreCase: true, out ListKind parsed) && Enum.IsDefined(parsed) && !int.TryParse(kind, out _))
            {
                k = parsed;
            }
            else
            {
                errors.Add(("kind", "shortcoming, commitment, supervision or enterprise"));
            }
        }

        ListState? s = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (Enum.TryParse(state, ignoreCase: true, out ListState parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _))
            {
                s = parsed;
            }
            else
            {
                errors.Add(("state", "draft, open, inprogress, submitted, returned, closed, confirmed or dismissed"));
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!ApiPaging.TrySize(limit, out int size, out IResult? badSize))
        {
            return badSize!;
        }

        // The cursor carries where the next page starts in the list's order.
        if (!ApiPaging.TryOffset(cursor, out int offset, out IResult? badCursor))
        {
            return badCursor!;
        }

        ListPage result = await new ListService(db, clock).ListAsync(actor, new ListFilter
        {
            Kind = k, State = s, Unit = unit, OverdueOnly = overdue == true, Search = q, Offset = offset, PageSize = size,
        }, cancel);
        ApiPaging.NextOffset(http, result.PageSize, offset, result.Rows.Count, result.Total);
        return TypedResults.Ok(result.Rows.Select(ToApi).ToArray());
    }

    private static async Task<IResult> Get(long id, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        try
        {
            return TypedResults.Ok(Detail(await new ListService(db, clock).GetAsync(actor, id, cancel)));
        }
        catch (NotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }
}
