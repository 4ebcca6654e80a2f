using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;

namespace Saima.Web.Tests;

/// <summary>What the access tests need of the harness besides its one client: more browsers, and the application's endpoints.</summary>
public sealed partial class WebApp
{
    /// <summary>Another browser on the same application, with cookies of its own (a second user at the same time).</summary>
    public HttpClient NewBrowser() =>
        new(new CookieHandler(new CookieContainer()) { InnerHandler = _app.GetTestServer().CreateHandler() })
        {
            BaseAddress = new Uri("http://127.0.0.1/"),
        };

    /// <summary>Every endpoint the application routes to (Razor Pages, minimal APIs, health checks).</summary>
    public IReadOnlyList<Endpoint> Endpoints() =>
        ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).ToList();

    public IServiceProvider Services => _app.Services;
}
