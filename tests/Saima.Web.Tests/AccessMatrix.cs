namespace Saima.Web.Tests;

/// <summary>The roles of the matrix: one signed-in user each (the unit ones on <see cref="AccessData"/>), and nobody.</summary>
public enum AccessRole
{
    /// <summary>Not signed in.</summary>
    Anonymous,

    /// <summary>考核办, no unit.</summary>
    Office,

    /// <summary>填报员 of county CA.</summary>
    Reporter,

    /// <summary>审核员 of county CA (so also of township TA1 below it).</summary>
    Reviewer,

    /// <summary>数据来源部门: the statistics bureau DS, source of AIR and EMP.</summary>
    Department,

    /// <summary>领导, no unit.</summary>
    Leader,
}

/// <summary>What a role gets from an endpoint.</summary>
public enum Expect
{
    /// <summary>2xx; or, when the line names <see cref="AccessLine.Success"/>, a redirect to it.</summary>
    Allowed,

    /// <summary>403: signed in, but the role may not (the cookie's access-denied answer is a 403, not a redirect).</summary>
    Forbidden,

    /// <summary>302 to <c>/login?ReturnUrl=...</c>: not signed in.</summary>
    LoginRedirect,

    /// <summary>404: past authorization, but the page has nothing of that kind for this role (e.g. the office has no Excel template).</summary>
    NotFound,
}

/// <summary>
/// One endpoint of the application and what each role gets from it.
/// <see cref="Key"/> names the endpoint as <see cref="AccessMatrixTests"/> reads it from the
/// running application: <c>METHOD /route</c>, lower case, with the route's parameters as written
/// (<c>{code}</c>) and without an optional <c>{handler?}</c> segment, then <c>?handler=Name</c>
/// for a named Razor Pages handler. <see cref="Request"/> is the concrete address asked
/// (parameters filled in with <see cref="AccessData"/>'s values).
/// </summary>
public sealed record AccessLine(string Key, string Request, Expect[] Expected)
{
    /// <summary>POST body (<c>a=1&amp;b=2</c>, unescaped), sent with a valid anti-forgery token. <c>{approve}</c> and <c>{return}</c> become the figure the role reviews.</summary>
    public string? Form { get; init; }

    /// <summary>Send the form as multipart with the role's upload file (<see cref="AccessMatrixTests"/>) as <c>Upload</c>.</summary>
    public bool Upload { get; init; }

    /// <summary>Where an allowed request may be redirected to (the start of the Location); null: only 2xx is allowed.</summary>
    public string? Success { get; init; }

    /// <summary>Runs in a browser of its own, signed in afresh (the request ends the session: logout).</summary>
    public bool FreshSession { get; init; }

    public string Method => Key[..Key.IndexOf(' ', StringComparison.Ordinal)];

    public Expect For(AccessRole role) => Expected[(int)role];
}

/// <summary>
/// The access matrix: every endpoint of the application × every role, and what the role gets.
/// </summary>
/// <remarks>
/// HOW TO ADD A PAGE OR AN API: add one line below, in the order of the keys. The test
/// <c>AccessMatrixTests.Table_ListsEveryEndpoint_AndOnlyThose</c> fails for every endpoint that
/// has no line (its message prints a line to start from) and for every line whose endpoint is
/// gone, so a new page cannot escape the matrix. A Razor page gets a <c>GET</c> line, one line
/// per handler it declares (<c>OnPost</c> → <c>POST /x</c>, <c>OnPostSave</c> →
/// <c>POST /x?handler=Save</c>, <c>OnGetChart</c> → <c>GET /x?handler=Chart</c>); a minimal API
/// one line per HTTP method it maps (none mapped: <c>GET</c>). Columns: anonymous, office,
/// reporter (of CA), reviewer (of CA), department (DS), leader; <c>Ok</c> allowed, <c>No</c>
/// forbidden (403), <c>Login</c> redirected to the login page, <c>None</c> 404 past authorization.
/// The request must be one that succeeds for the roles marked <c>Ok</c> (valid form fields; a
/// redirect that is the success goes in <c>Success</c>), and must leave the store usable for
/// every other line (post to scheme T's empty period 2025-08, or to data no other line uses).
/// Each cell is one xunit case, named "Cell(endpoint: ..., role: ..., expected: ...)".
/// </remarks>
public static class AccessMatrix
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect Login = Expect.LoginRedirect;
    private const Expect None = Expect.NotFound;

    public static readonly IReadOnlyList<AccessLine> Lines =
    [
        //  key                                   request                                          anon   office rep  rev  dept leader
        L("GET /",                               "/",                                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /account/password",               "/account/password",                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("POST /account/password",              "/account/password",                              Login, Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "CurrentPassword=Not-The-Pw-2025&NewPassword=New-Pass-Word-99&ConfirmPassword=New-Pass-Word-99" },
        L("GET /culture",                        "/culture",                                       Ok,    Ok,    Ok,  Ok,  Ok,  Ok) with { Success = "/" },
        L("POST /culture",                       "/culture",                                       Ok,    Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "culture=zh-CN&returnUrl=/public", Success = "/public" },
        L("GET /entry",                          "/entry?scheme=T&period=2025-07",                 Login, Ok,    Ok,  No,  Ok,  No),
        L("GET /entry?handler=Template",         "/entry?handler=Template&scheme=T&period=2025-07", Login, None, Ok,  No,  Ok,  No),
        L("POST /entry?handler=Save",            "/entry?handler=Save",                            Login, Ok,    Ok,  No,  Ok,  No) with
            { Form = "scheme=T&period=2025-08", Success = "/entry?scheme=T&period=2025-08" },
        L("POST /entry?handler=Submit",          "/entry?handler=Submit",                          Login, Ok,    Ok,  No,  Ok,  No) with
            { Form = "scheme=T&period=2025-08", Success = "/entry?scheme=T&period=2025-08" },
        L("POST /entry?handler=Upload",          "/entry?handler=Upload",                          Login, Ok,    Ok,  No,  Ok,  No) with
            { Form = "scheme=T&period=2025-08", Upload = true, Success = "/entry?scheme=T&period=2025-08" },
        L("GET /entry/review",                   "/entry/review",                                  Login, Ok,    No,  Ok,  No,  No),
        L("POST /entry/review?handler=Approve",  "/entry/review?handler=Approve",                  Login, Ok,    No,  Ok,  No,  No) with
            { Form = "FigureId={approve}", Success = "/entry/review?done=approved" },
        L("POST /entry/review?handler=Return",   "/entry/review?handler=Return",                   Login, Ok,    No,  Ok,  No,  No) with
            { Form = "FigureId={return}&Comment=口径不一致", Success = "/entry/review?done=returned" },
        L("GET /entry/status",                   "/entry/status?scheme=T&period=2025-07",          Login, Ok,    No,  No,  No,  No),
        L("POST /entry/status?handler=Publish",  "/entry/status?handler=Publish",                  Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=P&period=2025-05", Success = "/league?scheme=P&period=2025-05" },
        L("GET /healthz",                        "/healthz",                                       Ok,    Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /league",                         "/league?scheme=T",                               Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /league?handler=Export",          "/league/export?scheme=T",                        Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /login",                          "/login",                                         Ok,    Ok,    Ok,  Ok,  Ok,  Ok),
        L("POST /login",                         "/login",                                         Ok,    Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "UserName=nobody.here&Password=Wrong-Pass-2025" },
        L("GET /logout",                         "/logout",                                        Ok,    Ok,    Ok,  Ok,  Ok,  Ok) with { Success = "/" },
        L("POST /logout",                        "/logout",                                        Ok,    Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "", Success = "/login", FreshSession = true },
        L("GET /map",                            "/map?scheme=T",                                  Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /map?handler=Data",               "/map/data?scheme=T",                             Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /matrix",                         "/matrix?scheme=T",                               Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /public",                         "/public",                                        Ok,    Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /unit/{code}",                    "/unit/CB?scheme=T",                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /unit/{code}?handler=Chart",      "/unit/CB/chart?scheme=T",                        Login, Ok,    Ok,  Ok,  Ok,  Ok),
    ];

    private static AccessLine L(string key, string request, Expect anonymous, Expect office, Expect reporter, Expect reviewer, Expect department, Expect leader) =>
        new(key, request, [anonymous, office, reporter, reviewer, department, leader]);
}
