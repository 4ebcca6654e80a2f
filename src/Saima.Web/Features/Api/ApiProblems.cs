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
}
