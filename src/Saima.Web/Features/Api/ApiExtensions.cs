using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Saima.Web.Access;
using Saima.Web.Features.Arena;
using Saima.Web.Features.Benchmarks;
using Saima.Web.Features.Lists;
using Saima.Web.Features.Projects;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Api;

/// <summary>
/// The HTTP API (<c>/api/v1</c>, JSON) and its OpenAPI document (<c>/openapi/v1.json</c>): figures
/// in, results out, with the same roles, units and workflow as the pages. Programs authenticate
/// with a personal API token (<c>Authorization: Bearer</c>, made at <c>/account/tokens</c>); a
/// signed-in browser may read too, but every write needs a token, so that no cross-site request
/// can change anything. Errors are problem details (JSON), never a redirect to the login page.
/// </summary>
public static class ApiExtensions
{
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddSaimaApi(this IServiceCollection services)
    {
        services.AddScoped<Saima.Data.Store.ApiTokenService>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiAuth.TokenScheme, null)
            .AddPolicyScheme(ApiAuth.ApiScheme, null, o =>
            {
                o.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.Count > 0 ? ApiAuth.TokenScheme : IdentityConstants.ApplicationScheme;

                // Whoever asks, the API answers 401 and 403 as JSON (the token handler's), not with the login page.
                o.ForwardChallenge = ApiAuth.TokenScheme;
                o.ForwardForbid = ApiAuth.TokenScheme;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiAuth.ReadPolicy, p => p.AddAuthenticationSchemes(ApiAuth.ApiScheme).RequireAuthenticatedUser());
        // Numbers are JSON numbers (not "12.5" strings), in the API and in its document.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<ApiOperationTransformer>();
            o.AddOperationTransformer<ApiPagingTransformer>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapSaimaApi(this IEndpointRouteBuilder app)
    {
        // The document needs a login (cookie or token) like everything else, but refuses as JSON.
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(ApiAuth.ReadPolicy);

        RouteGroupBuilder api = app.MapGroup(Prefix).RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Saima");
        const string Figures = "/schemes/{scheme}/periods/{period}/figures";

        api.MapGet("/units", ApiReads.Units)
            .WithName("ListUnits").WithMetadata(new ApiPaged()).WithSummary("Units (考核对象)")
            .WithDescription("Every unit: code, name, English name, kind and the parent's code.")
            .Produces<List<ApiUnit>>().ProducesValidationProblem().Problems(401);
        api.MapGet("/schemes", ApiReads.Schemes)
            .WithName("ListSchemes").WithMetadata(new ApiPaged()).WithSummary("Assessment schemes (考核方案)")
            .WithDescription("Every scheme: code, name and reporting frequency.")
            .Produces<List<ApiScheme>>().ProducesValidationProblem().Problems(401);
        api.MapGet("/schemes/{scheme}/periods", ApiReads.Periods)
            .WithName("ListPeriods").WithMetadata(new ApiPaged()).WithSummary("Periods of a scheme")
            .WithDescription("Published periods for everyone; open periods too for reporters, source departments, reviewers and the office. Newest first.")
            .Produces<List<ApiPeriod>>().ProducesValidationProblem().Problems(401, 404);
        api.MapGet("/schemes/{scheme}/periods/{period}/results", ApiReads.Results)
            .WithName("GetResults").WithMetadata(new ApiPaged()).WithSummary("Published results (league table)")
            .WithDescription("The league table of a published period at a node (default: the total score; or a dimension or indicator code), for all units or one track: score, rank, change of rank, rank in the track, and for an indicator its value and warning level. 404 unless the period is published.")
            .Produces<ApiResults>().ProducesValidationProblem().Problems(401, 404);
        api.MapGet(Figures, ApiReads.Figures)
            .WithName("ListFigures").WithMetadata(new ApiPaged()).WithSummary("Figures the user may see")
            .WithDescription("The current figures of a period: every published one, and the unpublished ones within the user's scope (a reporter: its unit; a reviewer: its units; a source department: its indicators; the office: all; a leader: none). Filters: unit, indicator.")
            .Produces<List<ApiFigure>>().ProducesValidationProblem().Problems(401, 404);

        api.MapPost(Figures, ApiWrites.SaveFigures)
            .WithName("SaveFigures").WithSummary("Save figures as drafts (bearer token)")
            .WithDescription("Saves each item as the draft of its unit and indicator in an open period, as the user: all or nothing. Items are checked first (unknown unit or indicator, not a number, outside the plausible range, twice the same figure: 400 naming items[i].field), then the user's scope (403 naming the item), then the workflow (a submitted or approved figure cannot be changed: 409). A published period: 409. A note goes into the audit trail.")
            .WithMetadata(new ApiBody(typeof(ApiFigureBatch), Required: true))
            .Produces<ApiFiguresChanged>().ProducesValidationProblem().Problems(401, 403, 404, 409)
            .RequireAuthorization(AccessPolicies.Enter).AddEndpointFilter(ApiProblems.RequireToken);
        api.MapPost(Figures + "/submit", ApiWrites.Submit)
            .WithName("SubmitFigures").WithSummary("Submit drafts for review (bearer token)")
            .WithDescription("Submits the user's drafts and returned figures that have a value (a reporter: its own indicators; a department: those it supplies), of the listed units or all in scope; all or nothing. The body may be empty.")
            .WithMetadata(new ApiBody(typeof(ApiSubmitRequest), Required: false))
            .Produces<ApiFiguresChanged>().ProducesValidationProblem().Problems(401, 403, 404, 409)
            .RequireAuthorization(AccessPolicies.Enter).AddEndpointFilter(ApiProblems.RequireToken);
        api.MapPost("/schemes/{scheme}/periods/{period}/review", ApiWrites.Review)
            .WithName("ReviewFigures").WithSummary("Approve or return a unit's figures (bearer token)")
            .WithDescription("A reviewer (within its units) or the office approves the unit's submitted figures, or returns submitted and approved ones with a comment; one indicator or all of them. Nobody reviews a figure they entered (403). Nothing waiting: 409. "
                + "Action approveInRange approves every submitted figure that is not flagged (outside the plausible range, year to date falling) of an optional filter: unit (below: true for the units under it too), indicator, source department; all or nothing, refusals listed in refused.")
            .WithMetadata(new ApiBody(typeof(ApiReviewRequest), Required: true))
            .Produces<ApiFiguresChanged>().ProducesValidationProblem().Problems(401, 403, 404, 409)
            .RequireAuthorization(AccessPolicies.Review).AddEndpointFilter(ApiProblems.RequireToken);
        api.MapPost("/schemes/{scheme}/periods/{period}/publish", ApiWrites.Publish)
            .WithName("PublishPeriod").WithSummary("Publish a period (office, bearer token)")
            .WithDescription("Publishes the period: every current figure must be approved (else 409 listing them in 'outstanding'); the results are computed with the scheme's current version and frozen. When figures due in the period are missing, 'missing' says how they count: 'scheme' (the scheme's imputation rule) or 'zero' (else 409); it is recorded with the period.")
            .WithMetadata(new ApiBody(typeof(ApiPublishRequest), Required: false))
            .Produces<ApiPublication>().Problems(401, 403, 404, 409)
            .RequireAuthorization(AccessPolicies.Office).AddEndpointFilter(ApiProblems.RequireToken);

        app.MapArenaApi();
        app.MapListApi();
        app.MapListApiWrites();
        app.MapListEvidenceApi();
        app.MapProjectApi();
        app.MapPeerApi();

        // Anything else under /api answers as the API does (JSON 404, or 401 before login), not with a page.
        app.MapFallback("/api/{**path}", () => ApiProblems.NotFound("no such API endpoint; see " + DocumentPath))
            .RequireAuthorization(ApiAuth.ReadPolicy).ExcludeFromDescription();
        return app;
    }

    /// <summary>Writes need a personal API token: a browser's cookie only reads (no cross-site request forgery).</summary>
    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (int status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
