using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Saima.Web.Tests;

/// <summary>
/// One application on <see cref="AccessData"/> for every cell of the matrix, with a signed-in
/// browser per role. The posts that succeed touch only what no other line reads (scheme T's
/// empty period 2025-08, a figure of their own to review, scheme P to publish, scheme Z and
/// the user m.admin.target for the administration), so the cells do
/// not depend on their order.
/// </summary>
public sealed class AccessFixture : IAsyncLifetime
{
    private readonly Dictionary<AccessRole, AccessSession> _sessions = [];
    private readonly Dictionary<(AccessRole, string), string> _figures = [];

    public WebApp Web { get; private set; } = null!;

    public AccessSession Session(AccessRole role) => _sessions[role];

    public async Task InitializeAsync()
    {
        Web = await WebApp.StartAsync(seed: AccessData.Seed);
        await AccessSessions.CreateUsersAsync(Web);
        foreach (AccessRole role in Enum.GetValues<AccessRole>())
        {
            _sessions[role] = await AccessSessions.OpenAsync(Web, role);
        }

        // The reviewer of CA reviews figures of TA1 (below CA), the office those of TB1: each its own.
        _figures[(AccessRole.Reviewer, "{approve}")] = FigureId("TA1", "GDP");
        _figures[(AccessRole.Reviewer, "{return}")] = FigureId("TA1", "REV");
        _figures[(AccessRole.Office, "{approve}")] = FigureId("TB1", "GDP");
        _figures[(AccessRole.Office, "{return}")] = FigureId("TB1", "REV");

        // The reporter of CA and the department DS each read a reminder addressed to them (scheme Z).
        _figures[(AccessRole.Reporter, "{reminder}")] = AccessData.ReminderId(Web.Store, "CA").ToString(CultureInfo.InvariantCulture);
        _figures[(AccessRole.Department, "{reminder}")] = AccessData.ReminderId(Web.Store, "DS").ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The figure a role reviews in the cell ({approve}, {return}), or the reminder it reads ({reminder});
    /// roles that may not review ask for the reviewer's figure, roles that receive no reminders for the reporter's reminder.
    /// </summary>
    public string Figure(AccessRole role, string placeholder) =>
        _figures.TryGetValue((role, placeholder), out string? id) ? id
        : _figures[(placeholder == "{reminder}" ? AccessRole.Reporter : AccessRole.Reviewer, placeholder)];

    /// <summary>The file a role uploads in the upload cell: a figure of 2025-08 that it may enter and no other cell touches.</summary>
    public static string UploadFile(AccessRole role) => "unit,indicator,period,value\n" + role switch
    {
        AccessRole.Department => "TB1,AIR,2025-08,2\n",
        AccessRole.Office => "CB,REV,2025-08,3\n",
        _ => "CA,GDP,2025-08,1\n",
    };

    public async Task DisposeAsync()
    {
        foreach (AccessSession s in _sessions.Values)
        {
            s.Dispose();
        }

        await Web.DisposeAsync();
    }

    private string FigureId(string unit, string indicator) =>
        AccessData.Figure(Web.Store, unit, indicator)!.Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The full access matrix (<see cref="AccessMatrix"/>): every endpoint the application routes to
/// × every role, one test case per cell, and a check that the table and the application list the
/// same endpoints.
/// </summary>
public sealed class AccessMatrixTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    public static TheoryData<string, AccessRole, Expect> Cells()
    {
        var data = new TheoryData<string, AccessRole, Expect>();
        foreach (AccessLine line in AccessMatrix.Lines)
        {
            foreach (AccessRole role in Enum.GetValues<AccessRole>())
            {
                data.Add(line.Key, role, line.For(role));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell(string endpoint, AccessRole role, Expect expected)
    {
        AccessLine line = AccessMatrix.Lines.Single(l => l.Key == endpoint);
        AccessSession? fresh = line.FreshSession ? await AccessSessions.OpenAsync(fixture.Web, role) : null;
        try
        {
            AccessSession session = fresh ?? fixture.Session(role);
            using HttpResponseMessage response = await SendAsync(line, session);
            string location = Location(response);
            string seen = $"{endpoint} as {role}: {(int)response.StatusCode} {location}".TrimEnd();
            switch (expected)
            {
                case Expect.Allowed when IsRedirect(response):
                    line.Success.ShouldNotBeNull($"{seen}; the line names no success redirect, so only 2xx is allowed");
                    location.ShouldStartWith(line.Success, Case.Sensitive, seen);
                    location.ShouldNotContain("ReturnUrl=", Case.Insensitive, seen);
                    break;
                case Expect.Allowed:
                    ((int)response.StatusCode).ShouldBeInRange(200, 299, seen);
                    break;
                case Expect.Forbidden:
                    response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, seen);
                    break;
                case Expect.LoginRedirect:
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, seen);
                    location.ShouldStartWith("/login?ReturnUrl=", Case.Sensitive, seen);
                    break;
                case Expect.NotFound:
                    response.StatusCode.ShouldBe(HttpStatusCode.NotFound, seen);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(expected), expected, null);
            }
        }
        finally
        {
            fresh?.Dispose();
        }
    }

    [Fact]
    public async Task Table_ListsEveryEndpoint_AndOnlyThose()
    {
        IReadOnlyList<string> app = await AccessEndpoints.KeysAsync(fixture.Web);
        var table = AccessMatrix.Lines.Select(l => l.Key).ToList();
        table.Count.ShouldBe(table.Distinct(StringComparer.Ordinal).Count(), "a key is listed twice in AccessMatrix.Lines");

        var missing = app.Except(table, StringComparer.Ordinal).ToList();
        var stale = table.Except(app, StringComparer.Ordinal).ToList();
        var message = new StringBuilder();
        foreach (string key in missing)
        {
            message.Append(CultureInfo.InvariantCulture,
                $"endpoint without a line in AccessMatrix.Lines: {key}\n    L(\"{key}\", \"<request>\", Login, Ok, No, No, No, No),\n");
        }

        foreach (string key in stale)
        {
            message.Append(CultureInfo.InvariantCulture, $"line of an endpoint the application no longer has: {key}\n");
        }

        (missing.Count + stale.Count).ShouldBe(0, message.ToString());
    }

    [Fact]
    public void Table_Lines_AreComplete()
    {
        foreach (AccessLine line in AccessMatrix.Lines)
        {
            line.Expected.Length.ShouldBe(Enum.GetValues<AccessRole>().Length, line.Key);
            line.Request.ShouldStartWith("/", Case.Sensitive, line.Key);
            (line.Method == "POST").ShouldBe(line.Form is not null, $"{line.Key}: a POST line has a form, a GET line none");
            if (line.Expected.Contains(Expect.Allowed) || line.Expected.Contains(Expect.NotFound))
            {
                // Anonymous must reach an endpoint for anybody to be refused by role past it.
                line.Expected.Skip(1).ShouldNotContain(Expect.LoginRedirect, line.Key);
            }
        }
    }

    /// <summary>The endpoint keys are what the table is checked against, so they must see the handlers and aliases as the table describes them.</summary>
    [Fact]
    public async Task EndpointKeys_SeeNamedHandlers_AndOneRoutePerPage()
    {
        IReadOnlyList<string> keys = await AccessEndpoints.KeysAsync(fixture.Web);
        keys.ShouldContain("POST /entry?handler=Save");
        keys.ShouldContain("GET /unit/{code}?handler=Chart");
        keys.ShouldContain("GET /healthz");
        keys.ShouldNotContain(k => k.Contains("/entry/index", StringComparison.Ordinal), "Entry/Index is listed once, as /entry");
        keys.ShouldNotContain(k => k.Contains("{handler", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> SendAsync(AccessLine line, AccessSession session)
    {
        if (line.Method == "GET")
        {
            return await session.Browser.GetAsync(line.Request);
        }

        var fields = new List<KeyValuePair<string, string>>();
        foreach (string pair in (line.Form ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = pair[..eq];
            string value = pair[(eq + 1)..];
            fields.Add(new(name, value is "{approve}" or "{return}" or "{reminder}" ? fixture.Figure(session.Role, value) : value));
        }

        fields.Add(new("__RequestVerificationToken", session.Token));
        if (!line.Upload && line.File is null)
        {
            return await session.Browser.PostAsync(line.Request, new FormUrlEncodedContent(fields));
        }

        using var content = new MultipartFormDataContent();
        foreach ((string name, string value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        (string field, string file, string text) = line.File ?? ("Upload", "figures.csv", AccessFixture.UploadFile(session.Role));
        content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(text)), field, file);
        return await session.Browser.PostAsync(line.Request, content);
    }

    private static bool IsRedirect(HttpResponseMessage r) => (int)r.StatusCode is >= 300 and < 400;

    /// <summary>The Location as path and query (the cookie handler writes absolute ones).</summary>
    private static string Location(HttpResponseMessage r) => r.Headers.Location is not { } l ? string.Empty
        : l.IsAbsoluteUri ? l.PathAndQuery : l.OriginalString;
}

/// <summary>The endpoints of the running application as the matrix names them (see <see cref="AccessLine.Key"/>).</summary>
public static class AccessEndpoints
{
    public static async Task<IReadOnlyList<string>> KeysAsync(WebApp web)
    {
        ArgumentNullException.ThrowIfNull(web);
        var loader = web.Services.GetRequiredService<PageLoader>();
        var keys = new SortedSet<string>(StringComparer.Ordinal);

        // Static files (wwwroot) are served to anybody before authentication and are not pages:
        // should the application map them as endpoints (MapStaticAssets), they stay out of the matrix.
        var endpoints = web.Endpoints().OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is null)
            .ToList();

        // A page can answer on several routes (Entry/Index.cshtml: /entry and /entry/index): it
        // is one page with one policy, listed once under its shortest route.
        foreach (var page in endpoints.Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
                     .GroupBy(e => e.Metadata.GetMetadata<PageActionDescriptor>()!.RelativePath, StringComparer.Ordinal))
        {
            RouteEndpoint endpoint = page.OrderBy(e => Route(e).Length).ThenBy(e => Route(e), StringComparer.Ordinal).First();
            string route = Route(endpoint);
            PageActionDescriptor descriptor = endpoint.Metadata.GetMetadata<PageActionDescriptor>()!;
            CompiledPageActionDescriptor compiled = descriptor as CompiledPageActionDescriptor
                ?? await loader.LoadAsync(descriptor, endpoint.Metadata);

            // Every page answers a plain GET (it renders, with or without an OnGet).
            keys.Add("GET " + route);
            foreach (var handler in compiled.HandlerMethods)
            {
                keys.Add($"{handler.HttpMethod.ToUpperInvariant()} {route}{(handler.Name is null ? string.Empty : "?handler=" + handler.Name)}");
            }
        }

        foreach (RouteEndpoint endpoint in endpoints.Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is null))
        {
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (string method in methods.Count == 0 ? ["GET"] : methods)
            {
                keys.Add($"{method.ToUpperInvariant()} {Route(endpoint)}");
            }
        }

        return [.. keys];
    }

    /// <summary>The route in lower case with a leading slash, without an optional handler segment.</summary>
    private static string Route(RouteEndpoint e)
    {
        string raw = e.RoutePattern.RawText ?? string.Join('/', e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p.ToString()))));
        raw = raw.Replace("/{handler?}", string.Empty, StringComparison.OrdinalIgnoreCase).Replace("{handler?}", string.Empty, StringComparison.OrdinalIgnoreCase);
        raw = raw.Trim('/');
        return "/" + raw.ToLowerInvariant();
    }
}
