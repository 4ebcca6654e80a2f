using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Web.Features.Api;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// One application on <see cref="AccessData"/> for every cell of the matrix, with a signed-in
/// browser per role. The posts that succeed touch only what no other line reads (scheme T's
/// empty period 2025-08, a figure of their own to review, scheme P to publish, scheme Z and
/// the user m.admin.target for the administration, scheme W for the API's writes, a token of
/// their own to revoke), so the cells do not depend on their order. For the HTTP API each role
/// has a program client: no cookie, the role's personal API token as bearer.
/// </summary>
public sealed partial class AccessFixture : IAsyncLifetime
{
    private readonly Dictionary<AccessRole, AccessSession> _sessions = [];
    private readonly Dictionary<AccessRole, HttpClient> _programs = [];
    private readonly Dictionary<(AccessRole, string), string> _figures = [];

    public WebApp Web { get; private set; } = null!;

    public AccessSession Session(AccessRole role) => _sessions[role];

    /// <summary>A client without cookies sending the role's personal API token (anonymous: none), as a program uses the API.</summary>
    public HttpClient Program(AccessRole role) => _programs[role];

    /// <summary>
    /// The figure (unit, indicator) of scheme W a role writes through the API, <c>{unit}</c> and
    /// <c>{indicator}</c> of <see cref="AccessLine.Json"/>: each its own, inside its scope (the
    /// reporter of CA: CA/X; the department DS: CB/Y, which it supplies; the office: TB1/X; the
    /// reviewer of CA reviews TA1 below CA). The leader may write nothing: it names the reporter's.
    /// </summary>
    public static (string Unit, string Indicator) ApiFigure(AccessRole role) => role switch
    {
        AccessRole.Department => ("CB", "Y"),
        AccessRole.Office => ("TB1", "X"),
        AccessRole.Reviewer => ("TA1", "X"),
        _ => ("CA", "X"),
    };

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
        _figures[(AccessRole.Reviewer, "{selected}")] = FigureId("TA1", "AIR");
        _figures[(AccessRole.Office, "{selected}")] = FigureId("TB1", "AIR");

        // "All in range" of AIR in one unit each (CA below the reviewer's CA, CB for the office); the office corrects a published figure of 2025-05.
        _figures[(AccessRole.Reviewer, "{inrange}")] = "CA";
        _figures[(AccessRole.Office, "{inrange}")] = "CB";
        _figures[(AccessRole.Office, "{correct}")] = FigureId("CB", "EMP", "2025-05");
        _figures[(AccessRole.Reviewer, "{correct}")] = _figures[(AccessRole.Office, "{correct}")];

        // The reporter of CA and the department DS each read a reminder addressed to them (scheme Z).
        _figures[(AccessRole.Reporter, "{reminder}")] = AccessData.ReminderId(Web.Store, "CA").ToString(CultureInfo.InvariantCulture);
        _figures[(AccessRole.Department, "{reminder}")] = AccessData.ReminderId(Web.Store, "DS").ToString(CultureInfo.InvariantCulture);

        // The office user approves, rejects and withdraws seeded bonus and penalty items of scheme Z.
        _figures[(AccessRole.Office, "{adjust-approve}")] = AccessData.AdjustmentId(Web.Store, AccessData.AdjustApprove).ToString(CultureInfo.InvariantCulture);
        _figures[(AccessRole.Office, "{adjust-reject}")] = AccessData.AdjustmentId(Web.Store, AccessData.AdjustReject).ToString(CultureInfo.InvariantCulture);
        _figures[(AccessRole.Office, "{adjust-withdraw}")] = AccessData.AdjustmentId(Web.Store, AccessData.AdjustWithdraw).ToString(CultureInfo.InvariantCulture);

        // Each signed-in role makes its API token on /account/tokens, as a user would, and holds a
        // second one (made by the token service) for the revoke cell, so that revoking never stops the first.
        _programs[AccessRole.Anonymous] = Web.ProgramClient();
        foreach (AccessRole role in Enum.GetValues<AccessRole>().Where(r => r != AccessRole.Anonymous))
        {
            _programs[role] = Web.ProgramClient(await MakeTokenAsync(_sessions[role]));
            _figures[(role, "{token}")] = (await RevocableTokenAsync(role)).ToString(CultureInfo.InvariantCulture);
        }

        // A third token of the office's user, for the office's revoke cell on /admin/tokens ({office-token}).
        _figures[(AccessRole.Office, "{office-token}")] = (await RevocableTokenAsync(AccessRole.Office)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The figure a role reviews in the cell ({approve}, {return}), or the reminder it reads ({reminder});
    /// roles that may not review ask for the reviewer's figure, roles that receive no reminders for the reporter's reminder,
    /// roles other than the office for the office's bonus or penalty item ({adjust-approve}, {adjust-reject}, {adjust-withdraw});
    /// or a token of the role's user to revoke ({token}; anonymous asks for the reporter's).
    /// </summary>
    public string Figure(AccessRole role, string placeholder) =>
        _figures.TryGetValue((role, placeholder), out string? id) ? id
        : _figures[(placeholder is "{reminder}" or "{token}" ? AccessRole.Reporter
            : placeholder.StartsWith("{adjust-", StringComparison.Ordinal) || placeholder == "{office-token}" ? AccessRole.Office
            : AccessRole.Reviewer, placeholder)];

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

        foreach (HttpClient c in _programs.Values)
        {
            c.Dispose();
        }

        await Web.DisposeAsync();
    }

    private string FigureId(string unit, string indicator, string period = "2025-07") =>
        AccessData.Figure(Web.Store, unit, indicator, period)!.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Makes a personal API token on /account/tokens in the role's browser; the secret the page shows once.</summary>
    private static async Task<string> MakeTokenAsync(AccessSession session)
    {
        using HttpResponseMessage r = await session.PostAsync("/account/tokens?handler=Create", ("Name", "访问矩阵程序"), ("Days", "30"));
        r.StatusCode.ShouldBe(HttpStatusCode.OK, $"token of {session.Role}");
        Match m = SecretRegex().Match(await r.Content.ReadAsStringAsync());
        m.Success.ShouldBeTrue($"no token on the page for {session.Role}");
        return m.Groups[1].Value;
    }

    /// <summary>A live token of the role's user that no cell sends, for the revoke cell; its id.</summary>
    private async Task<long> RevocableTokenAsync(AccessRole role)
    {
        using IServiceScope scope = Web.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
        SaimaUser user = (await users.FindByNameAsync(AccessSessions.UserName(role)))!;
        Saima.Data.Store.NewApiToken made = await scope.ServiceProvider.GetRequiredService<Saima.Data.Store.ApiTokenService>()
            .CreateAsync(Saima.Data.Store.Actor.Leader(user.UserName!), user.Id, user.UserName!, "访问矩阵撤销", 30);
        return made.Row.Id;
    }

    [GeneratedRegex(@"id=""token-secret"">(saima_[A-Za-z0-9_-]+)</code>")]
    private static partial Regex SecretRegex();
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
                    if (line.Api && line.Method is "POST" or "PUT")
                    {
                        await ShouldHaveChangedAsync(response, seen);
                    }

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
                case Expect.Unauthorized:
                    response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, seen);
                    response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", seen);
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
            (line.Method is "POST" or "PUT").ShouldBe((line.Api ? line.Json : line.Form) is not null, $"{line.Key}: a POST line has a form (an API line: a POST or PUT line a JSON body), a GET or DELETE line none");
            (line.Api || line.Method is "GET" or "POST").ShouldBeTrue($"{line.Key}: pages answer GET and POST only");
            (line.Api ? line.Form : line.Json).ShouldBeNull($"{line.Key}: a page line posts a form, an API line JSON");

            // The API answers as JSON: 401 for nobody, never the login page; the pages the other way round.
            if (line.Api)
            {
                line.Expected.ShouldNotContain(Expect.LoginRedirect, line.Key);
                (line.Upload || line.FreshSession || line.Success is not null).ShouldBeFalse($"{line.Key}: an API line sends JSON (or a multipart file, File) with a token");
            }
            else
            {
                line.Expected.ShouldNotContain(Expect.Unauthorized, line.Key);
            }

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

    /// <summary>
    /// A browser's login cookie may read the API but never write through it (writes need a token,
    /// so no cross-site request can change anything): the office's cookie, which could write any
    /// figure with a token, is refused with 403 JSON on every write, and nothing is stored.
    /// </summary>
    [Fact]
    public async Task Api_WithCookie_Reads_ButMayNotWrite()
    {
        HttpClient browser = fixture.Session(AccessRole.Office).Browser;
        using (HttpResponseMessage read = await browser.GetAsync("/api/v1/units"))
        {
            read.StatusCode.ShouldBe(HttpStatusCode.OK, "a cookie reads the API");
        }

        string period = "/api/v1/schemes/" + AccessData.ApiScheme + "/periods/";
        (string Path, string Json)[] writes =
        [
            (period + "2025-06/figures", "{\"items\": [{\"unit\": \"CA\", \"indicator\": \"Y\", \"value\": 4}]}"),
            (period + "2025-07/figures/submit", "{\"units\": [\"CA\"]}"),
            (period + "2025-08/review", "{\"unit\": \"TA1\", \"action\": \"approve\"}"),
            (period + "2025-05/publish", ""),
        ];
        foreach ((string path, string json) in writes)
        {
            using var body = new StringContent(json, Encoding.UTF8, "application/json");
            using HttpResponseMessage write = await browser.PostAsync(path, body);
            write.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            write.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", path);
            (await write.Content.ReadAsStringAsync()).ShouldContain("personal API token", Case.Sensitive, path);
        }

        // The other methods of writing (naming peers, removing a benchmark) likewise.
        foreach (HttpMethod method in new[] { HttpMethod.Put, HttpMethod.Delete })
        {
            string path = method == HttpMethod.Put ? "/api/v1/schemes/T/units/CA/peers" : "/api/v1/schemes/T/benchmarks/1";
            using var message = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Put ? new StringContent("{\"peers\": []}", Encoding.UTF8, "application/json") : null };
            using HttpResponseMessage write = await browser.SendAsync(message);
            write.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            (await write.Content.ReadAsStringAsync()).ShouldContain("personal API token", Case.Sensitive, path);
        }

        // No other cell writes CA/Y of 2025-06.
        AccessData.Figure(fixture.Web.Store, "CA", "Y", "2025-06", AccessData.ApiScheme).ShouldBeNull();
    }

    private async Task<HttpResponseMessage> SendAsync(AccessLine line, AccessSession session)
    {
        if (line.Api)
        {
            return await SendApiAsync(line, session.Role);
        }

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
            fields.Add(new(name, value is "{approve}" or "{return}" or "{reminder}" or "{token}" or "{office-token}" or "{adjust-approve}" or "{adjust-reject}" or "{adjust-withdraw}" or "{selected}" or "{inrange}" or "{correct}" ? fixture.Figure(session.Role, value) : value));
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

    /// <summary>An allowed API write did its work: it changed figures (<c>count</c>) or published them (<c>figuresPublished</c>), not nothing.</summary>
    private static async Task ShouldHaveChangedAsync(HttpResponseMessage response, string seen)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        System.Text.Json.JsonElement root = json.RootElement;
        int changed = root.TryGetProperty("count", out System.Text.Json.JsonElement count) ? count.GetInt32()
            : root.TryGetProperty("figuresPublished", out System.Text.Json.JsonElement published) ? published.GetInt32()
            : root.TryGetProperty("item", out _) || root.TryGetProperty("project", out _) ? 1 // a list item or project as it is after the write
            : root.TryGetProperty("at", out _) && root.TryGetProperty("text", out _) ? 1 // a comment made
            : root.TryGetProperty("id", out _) && root.TryGetProperty("state", out _) && root.TryGetProperty("text", out _) ? 1 // a measure made or moved
            : root.TryGetProperty("sha256", out _) && root.TryGetProperty("fileName", out _) ? 1 // an evidence file stored
            : root.TryGetProperty("named", out System.Text.Json.JsonElement named) ? named.GetArrayLength() // a unit's named peers as set
            : root.TryGetProperty("indicator", out _) && root.TryGetProperty("source", out _) ? 1 // an external benchmark entered
            : AccessArenaLines.Changed(root);
        changed.ShouldBeGreaterThan(0, seen + ": the write changed nothing");
    }

    /// <summary>An API request as a program sends it: the role's bearer token (none for anonymous), no cookie, JSON.</summary>
    private async Task<HttpResponseMessage> SendApiAsync(AccessLine line, AccessRole role)
    {
        HttpClient program = fixture.Program(role);
        if (line.Method == "GET")
        {
            return await program.GetAsync(line.Request);
        }

        (string unit, string indicator) = AccessFixture.ApiFigure(role);

        // The list items each role starts and submits through the API: its own, so that the cells do not meet.
        int mine = role switch { AccessRole.Office => 0, AccessRole.Reviewer => 2, _ => 1 };
        string request = line.Request.Replace("{start}", AccessListData.ApiStart[mine], StringComparison.Ordinal)
            .Replace("{submit}", AccessListData.ApiSubmit[mine], StringComparison.Ordinal);
        string json = (line.Json ?? string.Empty).Replace("{unit}", unit, StringComparison.Ordinal).Replace("{indicator}", indicator, StringComparison.Ordinal);
        if (line.File is { } file)
        {
            // A multipart upload of the API (an evidence file): the file in its field.
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(file.Text)), file.Field, file.Name);
            return await program.PostAsync(request, form);
        }

        using HttpContent? content = json.Length == 0 ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var message = new HttpRequestMessage(new HttpMethod(line.Method), request) { Content = content };
        return await program.SendAsync(message);
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
