using Saima.Web.Features.Api;
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

    /// <summary>401 as problem details JSON, no redirect: the HTTP API asked without a token (<see cref="AccessLine.Api"/> lines only).</summary>
    Unauthorized,
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
    /// <summary>
    /// POST body (<c>a=1&amp;b=2</c>, unescaped), sent with a valid anti-forgery token. <c>{approve}</c>, <c>{return}</c> and <c>{selected}</c> become the figure the role reviews,
    /// <c>{inrange}</c> the unit whose AIR figure the role approves as "all in range", <c>{correct}</c> the published figure the office corrects,
    /// <c>{reminder}</c> a reminder addressed to the role's unit (<see cref="AccessData.ReminderId"/>), <c>{token}</c> the id of
    /// a personal API token of the role's user that no other cell uses.
    /// </summary>
    public string? Form { get; init; }

    /// <summary>Send the form as multipart with the role's upload file (<see cref="AccessMatrixTests"/>) as <c>Upload</c>.</summary>
    public bool Upload { get; init; }

    /// <summary>Send the form as multipart with this file (form field, file name, text) instead of the role's upload file.</summary>
    public (string Field, string Name, string Text)? File { get; init; }

    /// <summary>Where an allowed request may be redirected to (the start of the Location); null: only 2xx is allowed.</summary>
    public string? Success { get; init; }

    /// <summary>Runs in a browser of its own, signed in afresh (the request ends the session: logout).</summary>
    public bool FreshSession { get; init; }

    /// <summary>
    /// An endpoint of the HTTP API: asked as a program asks it, by a client without cookies that
    /// sends the role's personal API token (<c>Authorization: Bearer</c>, made by
    /// <see cref="AccessFixture"/>); anonymous sends none and expects <see cref="Expect.Unauthorized"/>.
    /// </summary>
    public bool Api { get; init; }

    /// <summary>
    /// JSON body of an <see cref="Api"/> POST (empty: no body). <c>{unit}</c> and <c>{indicator}</c>
    /// become the figure the role writes (<see cref="AccessFixture.ApiFigure"/>).
    /// </summary>
    public string? Json { get; init; }

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
/// one line per HTTP method it maps (none mapped: <c>GET</c>); an endpoint of the HTTP API
/// (under <c>/api/v1</c>, the OpenAPI document, the <c>/api/{**path}</c> fallback) an
/// <c>A(...)</c> line instead of <c>L(...)</c> (see below). Columns: anonymous, office,
/// reporter (of CA), reviewer (of CA), department (DS), leader; <c>Ok</c> allowed, <c>No</c>
/// forbidden (403), <c>Login</c> redirected to the login page, <c>None</c> 404 past authorization,
/// <c>Unauth</c> 401 (API lines only).
/// The request must be one that succeeds for the roles marked <c>Ok</c> (valid form fields; a
/// redirect that is the success goes in <c>Success</c>), and must leave the store usable for
/// every other line (post to scheme T's empty period 2025-08, or to data no other line uses:
/// the administration's scheme Z and user m.admin.target, the API's scheme W, a token of the
/// role's own (<c>{token}</c>) to revoke, the seeded bonus and penalty items of scheme Z
/// (<c>{adjust-approve}</c>, <c>{adjust-reject}</c>, <c>{adjust-withdraw}</c>) and its evidence file 1, see <see cref="AccessData"/>).
/// Each cell is one xunit case, named "Cell(endpoint: ..., role: ..., expected: ...)".
/// <para>
/// HTTP API lines (<c>A(...)</c>, <see cref="AccessLine.Api"/>): every cell is asked the way a
/// program asks, by a client without cookies with the role's personal API token
/// (<c>Authorization: Bearer</c>; the fixture makes one per role on /account/tokens); anonymous
/// sends no token and gets <c>Unauth</c> (401 problem JSON, never a redirect to the login page).
/// A POST carries <see cref="AccessLine.Json"/> (<c>{unit}</c>/<c>{indicator}</c>: the figure of
/// the role, see <see cref="AccessFixture.ApiFigure"/>) and writes into scheme W, a period per
/// kind of write (publish 2025-05, save 2025-06, submit 2025-07, review 2025-08), so the writes
/// neither meet each other nor any page line; an allowed write must change something (its
/// <c>count</c> or <c>figuresPublished</c> above 0), not merely answer 200. Data-level scope
/// of the API (which figures a role sees or may write) is <c>ApiTests</c>' and <c>ScopeTests</c>'. That a browser's cookie only reads the API (a POST
/// with the cookie: 403) is <c>AccessMatrixTests.Api_WithCookie_Reads_ButMayNotWrite</c>.
/// </para>
/// </remarks>
public static class AccessMatrix
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect Login = Expect.LoginRedirect;
    private const Expect None = Expect.NotFound;
    private const Expect Unauth = Expect.Unauthorized;

    private const string Api = "/api/v1/schemes/" + AccessData.ApiScheme + "/periods/";

    public static readonly IReadOnlyList<AccessLine> Lines =
    [
        //  key                                   request                                          anon   office rep  rev  dept leader
        L("GET /",                               "/",                                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("POST /?handler=Read",                 "/?handler=Read",                                 Login, No,    Ok,  No,  Ok,  No) with
            { Form = "id={reminder}&returnUrl=/public", Success = "/public" },
        L("GET /account/password",               "/account/password",                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("POST /account/password",              "/account/password",                              Login, Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "CurrentPassword=Not-The-Pw-2025&NewPassword=New-Pass-Word-99&ConfirmPassword=New-Pass-Word-99" },
        L("GET /account/tokens",                 "/account/tokens",                                Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("POST /account/tokens?handler=Create", "/account/tokens?handler=Create",                 Login, Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "Name=访问矩阵&Days=30" },
        L("POST /account/tokens?handler=Revoke", "/account/tokens?handler=Revoke",                 Login, Ok,    Ok,  Ok,  Ok,  Ok) with
            { Form = "TokenId={token}", Success = "/account/tokens?done=revoked" },
        L("GET /admin",                          "/admin",                                         Login, Ok,    No,  No,  No,  No),
        L("GET /admin/adjustments",              "/admin/adjustments?scheme=Z",                    Login, Ok,    No,  No,  No,  Ok),
        L("POST /admin/adjustments?handler=Approve", "/admin/adjustments?handler=Approve",         Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&ItemId={adjust-approve}&Comment=访问测试", Success = "/admin/adjustments?scheme=Z&done=approved" },
        L("POST /admin/adjustments?handler=Propose", "/admin/adjustments?handler=Propose",         Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&NewUnit=CB&NewPeriod=2025-06&Kind=penalty&Amount=1.5&Reason=访问测试", Success = "/admin/adjustments?scheme=Z&done=proposed" },
        L("POST /admin/adjustments?handler=Reject", "/admin/adjustments?handler=Reject",           Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&ItemId={adjust-reject}&Comment=依据不足", Success = "/admin/adjustments?scheme=Z&done=rejected" },
        L("POST /admin/adjustments?handler=Withdraw", "/admin/adjustments?handler=Withdraw",       Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&ItemId={adjust-withdraw}", Success = "/admin/adjustments?scheme=Z&done=withdrawn" },
        L("GET /admin/audit",                    "/admin/audit?entity=figure",                     Login, Ok,    No,  No,  No,  No),
        L("GET /admin/tokens",                   "/admin/tokens",                                  Login, Ok,    No,  No,  No,  No),
        L("POST /admin/tokens?handler=Revoke",   "/admin/tokens?handler=Revoke",                   Login, Ok,    No,  No,  No,  No) with
            { Form = "TokenId={office-token}&Reason=访问矩阵", Success = "/admin/tokens?done=revoked" },

        L("GET /admin/proofs",                   "/admin/proofs",                                  Login, Ok,    No,  No,  No,  No),
        L("POST /admin/proofs?handler=Recompute", "/admin/proofs?handler=Recompute",               Login, Ok,    No,  No,  No,  No) with
            { Form = "x=1" },
        L("POST /admin/proofs?handler=VerifyWhole", "/admin/proofs?handler=VerifyWhole",           Login, Ok,    No,  No,  No,  No) with
            { Form = "x=1" },
        L("GET /admin/maps",                     "/admin/maps",                                    Login, Ok,    No,  No,  No,  No),
        L("POST /admin/maps",                    "/admin/maps",                                    Login, Ok,    No,  No,  No,  No) with
            { Form = "Code=access-admin&Name=管理测试地图", File = ("GeoFile", "map.geojson", AdminMap) },
        L("GET /admin/periods",                  "/admin/periods?scheme=Z",                        Login, Ok,    No,  No,  No,  No),
        L("POST /admin/periods?handler=Close",   "/admin/periods?handler=Close",                   Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&Period=2025-04", Success = "/admin/periods?scheme=Z&p=1&done=closed&code=2025-04" },
        L("POST /admin/periods?handler=Extend",  "/admin/periods?handler=Extend",                  Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&Period=2025-06&Deadline=2026-01-10T18:00", Success = "/admin/periods?scheme=Z&p=1&done=extended&code=2025-06" },
        L("POST /admin/periods?handler=Open",    "/admin/periods?handler=Open",                    Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&Period=2025-09&Deadline=2025-10-10T18:00", Success = "/admin/periods?scheme=Z&p=1&done=opened&code=2025-09" },
        L("POST /admin/periods?handler=Reopen",  "/admin/periods?handler=Reopen",                  Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&Period=2025-03", Success = "/admin/periods?scheme=Z&p=1&done=reopened&code=2025-03" },
        L("GET /admin/schemes",                  "/admin/schemes",                                 Login, Ok,    No,  No,  No,  No),
        L("GET /admin/schemes/{code}",           "/admin/schemes/Z",                               Login, Ok,    No,  No,  No,  No),
        L("POST /admin/schemes/{code}?handler=Apply", "/admin/schemes/Z?handler=Apply", Login, Ok,    No,  No,  No,  No) with
            { Form = "Json=" + AccessData.AdminRules + "&Note=访问测试", Success = "/admin/schemes/Z?done=applied-" },
        L("POST /admin/schemes/{code}?handler=ImportTargets", "/admin/schemes/Z?handler=ImportTargets", Login, Ok,    No,  No,  No,  No) with
            { Form = "Reason=访问测试", File = ("TargetFile", "targets.csv", "unit,indicator,year,target\nCB,X,2025,7\n"), Success = "/admin/schemes/Z?done=targets-" },
        L("POST /admin/schemes/{code}?handler=Indicator", "/admin/schemes/Z?handler=Indicator", Login, Ok,    No,  No,  No,  No) with
            { Form = "IndicatorCode=X&Ind.Name=管理指标甲&Ind.NameEn=Admin indicator X&Ind.Direction=1", Success = "/admin/schemes/Z?done=indicator" },
        L("POST /admin/schemes/{code}?handler=Move", "/admin/schemes/Z?handler=Move", Login, Ok,    No,  No,  No,  No) with
            { Form = "UnitCode=CA&Track=t2", Success = "/admin/schemes/Z?done=moved" },
        L("POST /admin/schemes/{code}?handler=PreviewJson", "/admin/schemes/Z?handler=PreviewJson", Login, Ok,    No,  No,  No,  No) with
            { Form = "Json=" + AccessData.AdminRules },
        L("POST /admin/schemes/{code}?handler=PreviewWeights", "/admin/schemes/Z?handler=PreviewWeights", Login, Ok,    No,  No,  No,  No) with
            { Form = "Weights[X]=2&Weights[Y]=1" },
        L("POST /admin/schemes/{code}?handler=Targets", "/admin/schemes/Z?handler=Targets", Login, Ok,    No,  No,  No,  No) with
            { Form = "Year=2025&Targets[CA|X]=5&Reason=访问测试", Success = "/admin/schemes/Z?done=targets-" },
        L("GET /admin/settings",                 "/admin/settings",                                Login, Ok,    No,  No,  No,  No),
        L("POST /admin/settings",                "/admin/settings",                                Login, Ok,    No,  No,  No,  No) with
            { Form = "Zone=Asia/Shanghai&Reason=访问测试", Success = "/admin/settings?done=saved" },
        L("POST /admin/settings?handler=Lists",  "/admin/settings?handler=Lists",                  Login, Ok,    No,  No,  No,  No) with
            { Form = "PublicKinds=Enterprise&Reason=访问测试", Success = "/admin/settings?done=lists" },

        L("GET /admin/schemes/new",              "/admin/schemes/new",                             Login, Ok,    No,  No,  No,  No),
        L("GET /admin/schemes/new?handler=Template", "/admin/schemes/new?handler=Template",        Login, Ok,    No,  No,  No,  No),
        L("POST /admin/schemes/new?handler=Check", "/admin/schemes/new?handler=Check",             Login, Ok,    No,  No,  No,  No) with
            { Form = "Code=ACC-CHK&Name=访问校验方案&Frequency=month&UnitList=CB&Inds[0].Code=X1&Inds[0].Name=校验指标&Inds[0].Rule=minmax&Inds[0].Direction=1" },
        L("POST /admin/schemes/new?handler=Create", "/admin/schemes/new?handler=Create",           Login, Ok,    No,  No,  No,  No) with
            { Form = "Code=ACC-NEW&Name=访问新建方案&Frequency=month&UnitList=CB&Inds[0].Code=X1&Inds[0].Name=新建指标&Inds[0].Rule=minmax&Inds[0].Direction=1", Success = "/admin/schemes/ACC-NEW" },
        L("POST /admin/schemes/new?handler=Import", "/admin/schemes/new?handler=Import",           Login, Ok,    No,  No,  No,  No) with
            { Form = "Code=ACC-IMP", File = ("IndicatorFile", "indicators.csv", "指标代码 code,指标名称 name\nX1,导入指标\n") },
        L("POST /admin/schemes/new?handler=More", "/admin/schemes/new?handler=More",               Login, Ok,    No,  No,  No,  No) with
            { Form = "Code=ACC-MORE" },
        L("GET /admin/schemes/{code}/copy",      "/admin/schemes/Z/copy",                          Login, Ok,    No,  No,  No,  No),
        L("POST /admin/schemes/{code}/copy",     "/admin/schemes/Z/copy",                          Login, Ok,    No,  No,  No,  No) with
            { Form = "NewCode=Z-COPY&Name=管理测试方案副本", Success = "/admin/schemes/Z-COPY" },
        L("GET /admin/schemes/{code}/sources",   "/admin/schemes/Z/sources",                       Login, Ok,    No,  No,  No,  No),
        L("POST /admin/schemes/{code}/sources?handler=Set", "/admin/schemes/Z/sources?handler=Set", Login, Ok,   No,  No,  No,  No) with
            { Form = "IndicatorCode=X&Department=", Success = "/admin/schemes/Z/sources?done=X" },
        L("GET /admin/units",                    "/admin/units?kind=County&p=1",                   Login, Ok,    No,  No,  No,  No),
        L("POST /admin/units?handler=Add",       "/admin/units?handler=Add",                       Login, Ok,    No,  No,  No,  No) with
            { Form = "NewCode=ACC-U1&NewName=访问测试单位&NewKind=Township&NewParent=CB", Success = "/admin/units?done=ACC-U1" },
        L("GET /admin/users",                    "/admin/users",                                   Login, Ok,    No,  No,  No,  No),
        L("POST /admin/users?handler=Create",    "/admin/users?handler=Create",                    Login, Ok,    No,  No,  No,  No) with
            { Form = "NewUserName=m.admin.created&DisplayName=新建用户&Roles=leader" },
        L("GET /admin/users/{name}",             "/admin/users/m.admin.target",                    Login, Ok,    No,  No,  No,  No),
        L("POST /admin/users/{name}?handler=Lock", "/admin/users/m.admin.target?handler=Lock", Login, Ok,    No,  No,  No,  No) with
            { Form = "", Success = "/admin/users/m.admin.target?done=locked" },
        L("POST /admin/users/{name}?handler=Reset", "/admin/users/m.admin.target?handler=Reset", Login, Ok,    No,  No,  No,  No) with
            { Form = "" },
        L("POST /admin/users/{name}?handler=Save", "/admin/users/m.admin.target?handler=Save", Login, Ok,    No,  No,  No,  No) with
            { Form = "DisplayName=管理对象&Roles=leader", Success = "/admin/users/m.admin.target?done=saved" },
        L("POST /admin/users/{name}?handler=Unlock", "/admin/users/m.admin.target?handler=Unlock", Login, Ok,    No,  No,  No,  No) with
            { Form = "", Success = "/admin/users/m.admin.target?done=unlocked" },
        L("GET /api",                            "/api",                                           Login, Ok,    Ok,  Ok,  Ok,  Ok),
        .. AccessArenaLines.Api,
        .. AccessBenchmarkLines.Api,
        .. AccessListLines.Api,
        .. AccessProjectLines.Api,
        A("GET /api/v1/schemes",                 "/api/v1/schemes",                                Unauth, Ok,   Ok,  Ok,  Ok,  Ok),
        A("GET /api/v1/schemes/{scheme}/periods", "/api/v1/schemes/T/periods",                     Unauth, Ok,   Ok,  Ok,  Ok,  Ok),
        A("GET /api/v1/schemes/{scheme}/periods/{period}/figures", "/api/v1/schemes/T/periods/2025-05/figures", Unauth, Ok, Ok, Ok, Ok, Ok),
        A("POST /api/v1/schemes/{scheme}/periods/{period}/figures", Api + "2025-06/figures",       Unauth, Ok,   Ok,  No,  Ok,  No) with
            { Json = """{"items": [{"unit": "{unit}", "indicator": "{indicator}", "value": 3, "note": "访问测试"}]}""" },
        A("POST /api/v1/schemes/{scheme}/periods/{period}/figures/submit", Api + "2025-07/figures/submit", Unauth, Ok, Ok, No, Ok, No) with
            { Json = """{"units": ["{unit}"]}""" },
        A("POST /api/v1/schemes/{scheme}/periods/{period}/publish", Api + "2025-05/publish",       Unauth, Ok,   No,  No,  No,  No) with
            { Json = "" },
        A("GET /api/v1/schemes/{scheme}/periods/{period}/results", "/api/v1/schemes/T/periods/2025-05/results", Unauth, Ok, Ok, Ok, Ok, Ok),
        A("POST /api/v1/schemes/{scheme}/periods/{period}/review", Api + "2025-08/review",         Unauth, Ok,   No,  Ok,  No,  No) with
            { Json = """{"unit": "{unit}", "action": "approve"}""" },
        A("GET /api/v1/units",                   "/api/v1/units",                                  Unauth, Ok,   Ok,  Ok,  Ok,  Ok),
        A("GET /api/{**path}",                   "/api/v1/nothing-here",                           Unauth, None, None, None, None, None),
        .. AccessArenaLines.Pages,
        .. AccessAnalysisLines.Pages,
        .. AccessBenchmarkLines.Pages,
        .. AccessListLines.Pages,
        .. AccessReportLines.Pages,
        .. AccessProjectLines.Pages,
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
        L("GET /entry/publish",                  "/entry/publish?scheme=T&period=2025-07",         Login, Ok,    No,  No,  No,  No),
        L("POST /entry/publish",                 "/entry/publish",                                 Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=P&period=2025-05", Success = "/league?scheme=P&period=2025-05" },

        L("GET /entry/correct",                  "/entry/correct?scheme=T&period=2025-05",         Login, Ok,    No,  No,  No,  No),
        L("POST /entry/correct",                 "/entry/correct?scheme=T&period=2025-05",         Login, Ok,    No,  No,  No,  No) with
            { Form = "figure={correct}&NewValue=99.5&Reason=访问测试更正" },

        L("GET /entry/mine",                     "/entry/mine",                                    Login, Ok,    Ok,  No,  Ok,  No),
        L("GET /entry/review",                   "/entry/review",                                  Login, Ok,    No,  Ok,  No,  No),
        L("POST /entry/review?handler=Approve",  "/entry/review?handler=Approve",                  Login, Ok,    No,  Ok,  No,  No) with
            { Form = "FigureId={approve}", Success = "/entry/review?done=approved" },
        L("POST /entry/review?handler=ApproveInRange", "/entry/review?handler=ApproveInRange", Login, Ok,   No,  Ok,  No,  No) with
            { Form = "at=T/2025-07&unit={inrange}&indicator=AIR", Success = "/entry/review?done=bulk" },
        L("POST /entry/review?handler=ApproveSelected", "/entry/review?handler=ApproveSelected", Login, Ok, No,  Ok,  No,  No) with
            { Form = "Selected={selected}", Success = "/entry/review?done=bulk" },
        L("POST /entry/review?handler=Return",   "/entry/review?handler=Return",                   Login, Ok,    No,  Ok,  No,  No) with
            { Form = "FigureId={return}&Comment=口径不一致", Success = "/entry/review?done=returned" },
        L("GET /entry/status",                   "/entry/status?scheme=T&period=2025-07",          Login, Ok,    No,  No,  No,  No),
        L("POST /entry/status?handler=Remind",   "/entry/status?handler=Remind",                   Login, Ok,    No,  No,  No,  No) with
            { Form = "scheme=Z&period=2025-06&RemindUnit=CB&RemindMessage=请尽快报送",
              Success = "/entry/status?scheme=Z&period=2025-06&reminded=1" },
        L("GET /error/{code:int?}",              "/error/404",                                     None,  None,  None, None, None, None),
        L("POST /error/{code:int?}",             "/error/404",                                     None,  None,  None, None, None, None) with
            { Form = "" },
        L("GET /evidence/{id:long}",             "/evidence/1",                                    Login, Ok,    No,  No,  No,  Ok),
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
        L("GET /matrix?handler=Export",          "/matrix/export?scheme=T",                        Login, Ok,    Ok,  Ok,  Ok,  Ok),
        A("GET /openapi/{documentname}.json",    "/openapi/v1.json",                               Unauth, Ok,   Ok,  Ok,  Ok,  Ok),
        L("GET /public",                         "/public",                                        Ok,    Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /revisions",                      "/revisions?scheme=T",                            Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /unit/{code}",                    "/unit/CB?scheme=T",                              Login, Ok,    Ok,  Ok,  Ok,  Ok),
        L("GET /unit/{code}?handler=Chart",      "/unit/CB/chart?scheme=T",                        Login, Ok,    Ok,  Ok,  Ok,  Ok),
    ];

    /// <summary>The map the office uploads in the maps cell: one feature, of DS, so that it fits no scheme's map page.</summary>
    private const string AdminMap = """{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "DS", "name": "DS"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}}]}""";

    internal static AccessLine L(string key, string request, Expect anonymous, Expect office, Expect reporter, Expect reviewer, Expect department, Expect leader) =>
        new(key, request, [anonymous, office, reporter, reviewer, department, leader]);

    /// <summary>A line of the HTTP API: asked with the role's bearer token (see <see cref="AccessLine.Api"/>).</summary>
    internal static AccessLine A(string key, string request, Expect anonymous, Expect office, Expect reporter, Expect reviewer, Expect department, Expect leader) =>
        L(key, request, anonymous, office, reporter, reviewer, department, leader) with { Api = true };
}
