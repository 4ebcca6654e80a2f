using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;

namespace Saima.Web.Features.Api;

/// <summary>An endpoint of the API as the page lists it.</summary>
public sealed record ApiEndpointLine(string Method, string Path, string? Name);

/// <summary>
/// The API page (/api): what the HTTP API is for, where its OpenAPI document is, how to get a
/// token, a curl example, and every endpoint (read from the application's own routes, so that
/// the list is never out of date).
/// </summary>
public sealed class ApiModel(EndpointDataSource endpoints) : PageModel
{
    public IReadOnlyList<ApiEndpointLine> Endpoints { get; private set; } = [];

    public string BaseUrl { get; private set; } = "";

    public void OnGet()
    {
        BaseUrl = $"{Request.Scheme}://{Request.Host}";
        Endpoints = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiExtensions.Prefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new ApiEndpointLine(
                m, e.RoutePattern.RawText!, e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)))
            .OrderBy(l => l.Path, StringComparer.Ordinal).ThenBy(l => l.Method == "GET" ? 0 : 1)
            .ToList();
    }
}
