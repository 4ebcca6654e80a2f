using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Saima.Web.Features.Api;

/// <summary>Errors of the API as RFC 9457 problem details (application/problem+json).</summary>
public static class ApiProblems
{
    public static Task Write(HttpContext context, int status, string title, string detail) =>
        Problem(status, title, detail).ExecuteAsync(context);

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status409Conflict, "Conflict", detail, extensions);

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>400 with the errors by field (<c>items[2].value</c>); the first one is also the detail.</summary>
    public static ValidationProblem Invalid(IReadOnlyList<(string Field, string Message)> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
            detail: errors.Count == 0 ? null : $"{errors[0].Field}: {errors[0].Message}"
                + (errors.Count > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (and {errors.Count - 1} more)") : string.Empty),
            title: "The request is not valid");

    /// <summary>
    /// A refusal of a door (<see cref="Saima.Data.Store.IStoreRefusal"/>) as the API says it, with
    /// its <c>code</c> and <c>args</c>: 403 refused by role or unit, 404 not found (or not the
    /// caller's to see), 409 for everything else (the state of what is stored stands in the way).
    /// </summary>
    public static ProblemHttpResult Refusal(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var refusal = (Saima.Data.Store.IStoreRefusal)e;
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = refusal.Code, ["args"] = refusal.Args };
        return e switch
        {
            Saima.Data.Store.AccessDeniedException => Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message, extensions),
            Saima.Data.Store.NotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message, extensions),
            _ => Problem(StatusCodes.Status409Conflict, "Conflict", e.Message, extensions),
        };
    }

    /// <summary>
    /// The endpoint filter of every write of the API: a personal API token is required (a browser
    /// session may read the API, never write through it).
    /// </summary>
    public static ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return ApiAuth.ByToken(context.HttpContext.User)
            ? next(context)
            : ValueTask.FromResult<object?>(Forbidden("writes through the API need a personal API token (Authorization: Bearer <token>, made at /account/tokens); a browser session may only read"));
    }
}
