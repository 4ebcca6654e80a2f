namespace Saima.Web.Features.Errors;

/// <summary>
/// The error pages (/error): an unhandled exception re-executes /error (500, no details), and an
/// empty 4xx/5xx response (403 of a policy, 404 of an unknown page) re-executes /error/{code}.
/// Paths under /api are left alone: an API client gets its status code and JSON or plain text,
/// never an HTML page.
/// </summary>
public static class ErrorPages
{
    public static IApplicationBuilder UseSaimaErrorPages(this IApplicationBuilder app) =>
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
            branch =>
            {
                branch.UseExceptionHandler("/error");
                branch.UseStatusCodePagesWithReExecute("/error/{0}");
            });
}
