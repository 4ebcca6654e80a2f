using System.Globalization;
using System.Text.Json;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;
using Saima.Web.Features.Lists;

namespace Saima.Web.Features.Projects;

/// <summary>A major project as the API lists it: days as yyyy-MM-dd, investment in 万元 (this year's plan and done).</summary>
public sealed record ApiProject(
    long Id, string Code, string Name, string Batch, string Owner, string? Category, double PlannedInvestment, string State, string? Stage,
    string? SignedOn, string? StartedOn, string? FinishedOn, double YearPlanned, double YearDone, bool Overdue);

/// <summary>A stage of a project: planned and reached days, overdue when planned is past and it is not reached.</summary>
public sealed record ApiProjectStage(string Stage, string? Planned, string? Reached, bool Overdue);

/// <summary>A month of a project's investment (万元): planned and done.</summary>
public sealed record ApiProjectMonth(string Month, double? Planned, double? Done);

/// <summary>A month's investment done as the owner unit reports it: the month (yyyy-MM) and 万元.</summary>
public sealed record ApiInvestmentReport(string Month, double Done);

/// <summary>One project with its stages, months and evidence file names.</summary>
public sealed record ApiProjectDetail(ApiProject Project, IReadOnlyList<ApiProjectStage> Stages, IReadOnlyList<ApiProjectMonth> Months, IReadOnlyList<string> Evidence);

/// <summary>
/// The major projects through the API (<c>/api/v1/projects</c>): the projects the caller may see
/// (<see cref="ProjectService"/>: the office and leaders all, a unit's users their unit's), filtered
/// and paged by cursor; one project in full; and the owner unit's monthly report of the investment
/// done, through the same door as the project page.
/// </summary>
public static class ProjectApi
{
    public const string Prefix = "/api/v1/projects";

    public static IEndpointRouteBuilder MapProjectApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1").RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Projects");
        api.MapGet("/projects", List)
            .WithName("ListProjects").WithMetadata(new ApiPaged()).WithSummary("Major projects the caller may see (paged)")
            .WithDescription("Filters: batch (id), unit (owner code), state (active, closed), overdue=true, q (words in code, name, category). By batch and code. Paged like every list of this API (limit, cursor, X-Next-Cursor); a page holds at most " + ProjectService.MaxPageSize + " projects whatever the limit; X-Total-Count says how many match.")
            .Produces<ApiProject[]>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403);
        api.MapGet("/projects/{id}", Get)
            .WithName("GetProject").WithSummary("One major project with its stages, months and evidence")
            .WithDescription("404 when the project does not exist or is not the caller's to see.")
            .Produces<ApiProjectDetail>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/projects/{id}/investment", Report)
            .WithName("ReportInvestment").WithSummary("Report a month's investment done (万元; the owner unit's reporters and reviewers)")
            .WithDescription("Body: {\"month\": \"yyyy-MM\", \"done\": number}. 200 with the project as it is now; 400 by field; 403; 404; 409 when the project is closed out.")
            .WithMetadata(new ApiBody(typeof(ApiInvestmentReport), Required: true))
            .Produces<ApiProjectDetail>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .AddEndpointFilter(ApiProblems.RequireToken);
        return app;
    }

    private static string? Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ApiProject ToApi(ProjectRow r) => new(
        r.Id, r.Code, r.Name, r.BatchName, r.OwnerCode, r.Category, r.PlannedInvestment, ProjectService.Text(r.State),
        r.Stage is { } s ? ProjectService.Text(s) : null, Day(r.SignedOn), Day(r.StartedOn), Day(r.FinishedOn), r.YearPlanned, r.YearDone, r.Overdue);

    private static Actor Actor(SaimaAccess access) =>
        access.AsFirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Leader);

    private static async Task<IResult> List(
        long? batch, string? unit, string? state, bool? overdue, string? q, int? limit, string? cursor,
        HttpContext http, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is null)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        ProjectState? s = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (!ListApiWrites.TryWord(state, out ProjectState parsed))
            {
                return ApiProblems.Invalid([("state", "active or closed")]);
            }

            s = parsed;
        }

        if (!ApiPaging.TrySize(limit, out int size, out IResult? badSize))
        {
            return badSize!;
        }

        if (!ApiPaging.TryOffset(cursor, out int offset, out IResult? badCursor))
        {
            return badCursor!;
        }

        ProjectPage page = await new ProjectService(db, clock).ListAsync(Actor(access), new ProjectFilter
        {
            BatchId = batch, Unit = unit, State = s, OverdueOnly = overdue == true, Search = q, Offset = offset, PageSize = size,
        }, cancel);
        ApiPaging.NextOffset(http, page.PageSize, offset, page.Rows.Count, page.Total);
        return TypedResults.Ok(page.Rows.Select(ToApi).ToArray());
    }

    private static async Task<IResult> Get(long id, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is null)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        try
        {
            return TypedResults.Ok(await DetailAsync(new ProjectService(db, clock), Actor(access), id, cancel));
        }
        catch (NotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }

    private static async Task<IResult> Report(long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is null)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Invalid([("body", bodyError ?? "expected an object {\"month\": \"yyyy-MM\", \"done\": number}")]);
        }

        JsonElement root = document.RootElement;
        var errors = new List<(string, string)>();
        string? month = root.TryGetProperty("month", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (month is null)
        {
            errors.Add(("month", "a month like 2025-06"));
        }

        double done = 0;
        if (!root.TryGetProperty("done", out JsonElement d) || d.ValueKind != JsonValueKind.Number || !d.TryGetDouble(out done))
        {
            errors.Add(("done", "a number (万元)"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var service = new ProjectService(db, clock);
        Actor actor = Actor(access);
        try
        {
            await service.ReportInvestmentAsync(actor, id, month, done, cancel);
            db.ChangeTracker.Clear();
            return TypedResults.Ok(await DetailAsync(service, actor, id, cancel));
        }
        catch (ProjectInvalidException e)
        {
            return ApiProblems.Invalid([.. e.Errors.Select(x => (x.Field, x.Message))]);
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return ApiProblems.Refusal(e);
        }
    }

    private static async Task<ApiProjectDetail> DetailAsync(ProjectService service, Actor actor, long id, CancellationToken cancel)
    {
        ProjectView v = await service.GetAsync(actor, id, cancel);
        Project p = v.Project;
        ProjectStage? stage = p.FinishedOn is not null ? ProjectStage.Finished : p.StartedOn is not null ? ProjectStage.Started : p.SignedOn is not null ? ProjectStage.Signed : null;
        DateOnly today = await service.TodayAsync(cancel);
        string year = today.Year.ToString(CultureInfo.InvariantCulture);
        var thisYear = v.Investments.Where(x => x.Month.StartsWith(year, StringComparison.Ordinal)).ToList();
        var row = new ApiProject(
            p.Id, p.Code, p.Name, v.BatchName, v.OwnerCode, p.Category, p.PlannedInvestment, ProjectService.Text(p.State),
            stage is { } s ? ProjectService.Text(s) : null, Day(p.SignedOn), Day(p.StartedOn), Day(p.FinishedOn),
            thisYear.Sum(x => x.Planned ?? 0), thisYear.Sum(x => x.Done ?? 0), v.Stages.Any(x => x.Overdue));
        return new ApiProjectDetail(
            row,
            [.. v.Stages.Select(x => new ApiProjectStage(ProjectService.Text(x.Stage), Day(x.Planned), Day(x.Reached), x.Overdue))],
            [.. v.Investments.Select(x => new ApiProjectMonth(x.Month, x.Planned, x.Done))],
            [.. v.Evidence.Select(e => e.FileName)]);
    }
}
