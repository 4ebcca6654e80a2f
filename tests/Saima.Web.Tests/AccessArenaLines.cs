using System.Text.Json;

namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of the on-site evaluation (its API and pages), on
/// <see cref="AccessArenaData"/>. Judges have no account: the ballot endpoint takes a judge's token
/// only, so every role's personal API token is refused there (401) like no token at all.
/// </summary>
internal static class AccessArenaLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect Unauth = Expect.Unauthorized;
    private const Expect Login = Expect.LoginRedirect;
    private const string S = "/api/v1/arena/sessions/";

    public static readonly AccessLine[] Api =
    [
        AccessMatrix.A("POST /api/v1/arena/ballots",    "/api/v1/arena/ballots",                        Unauth, Unauth, Unauth, Unauth, Unauth, Unauth) with
            { Json = """{"session": "ACC-ARENA", "contestant": "CB", "scores": {"Q": 10}}""" },
        AccessMatrix.A("POST /api/v1/arena/sessions",   "/api/v1/arena/sessions",                       Unauth, Ok,   No,  No,  No,  No) with
            { Json = """{"code": "ACC-ARENA-NEW", "name": "访问新建擂台", "stage": "county", "contestants": ["CA", "CB"], "criteria": [{"code": "Q", "name": "质量", "max": 10}], "categories": [{"code": "A", "name": "考官", "weight": 1}]}""" },
        AccessMatrix.A("GET /api/v1/arena/sessions/{code}", S + AccessArenaData.Work,                   Unauth, Ok,   No,  No,  No,  No),
        AccessMatrix.A("POST /api/v1/arena/sessions/{code}/contestants/{unit}/close", S + AccessArenaData.Work + "/contestants/TB1/close", Unauth, Ok, No, No, No, No) with { Json = "" },
        AccessMatrix.A("POST /api/v1/arena/sessions/{code}/contestants/{unit}/open", S + AccessArenaData.Work + "/contestants/CA/open", Unauth, Ok, No, No, No, No) with { Json = "" },
        AccessMatrix.A("POST /api/v1/arena/sessions/{code}/judges", S + AccessArenaData.Work + "/judges", Unauth, Ok,   No,  No,  No,  No) with
            { Json = """{"category": "A", "count": 1}""" },
        AccessMatrix.A("POST /api/v1/arena/sessions/{code}/judges/{judge}/void", S + AccessArenaData.Work + "/judges/" + AccessArenaData.VoidJudge + "/void", Unauth, Ok, No, No, No, No) with
            { Json = """{"reason": "访问测试"}""" },
        AccessMatrix.A("POST /api/v1/arena/sessions/{code}/publish", S + AccessArenaData.ToPublish + "/publish", Unauth, Ok, No, No, No, No) with { Json = "" },
        AccessMatrix.A("GET /api/v1/arena/sessions/{code}/results", S + AccessArenaData.Done + "/results", Unauth, Ok,  Ok,  Ok,  Ok,  Ok),
    ];

    public static readonly AccessLine[] Pages =
    [
        AccessMatrix.L("GET /arena",                     "/arena",                                       Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("GET /arena/j/{token}",           "/arena/j/" + AccessArenaData.JudgeToken,       Ok,    Ok,   Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("GET /arena/j/{token}?handler=State", "/arena/j/" + AccessArenaData.JudgeToken + "?handler=State", Ok, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.L("GET /arena/s/{code}",            "/arena/s/" + AccessArenaData.Work,             Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("GET /arena/s/{code}?handler=Live", "/arena/s/" + AccessArenaData.Work + "?handler=Live", Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("POST /arena/s/{code}?handler=Close", "/arena/s/" + AccessArenaData.Work + "?handler=Close", Login, Ok, No, No, No, No) with
            { Form = "unit=TA1", Success = "/arena/s/" + AccessArenaData.Work + "?done=closed" },
        AccessMatrix.L("POST /arena/s/{code}?handler=Open", "/arena/s/" + AccessArenaData.Work + "?handler=Open", Login, Ok, No, No, No, No) with
            { Form = "unit=CA", Success = "/arena/s/" + AccessArenaData.Work + "?done=open" },
        AccessMatrix.L("POST /arena/s/{code}?handler=Publish", "/arena/s/" + AccessArenaData.ToPublishOnPage + "?handler=Publish", Login, Ok, No, No, No, No) with
            { Form = "", Success = "/arena/s/" + AccessArenaData.ToPublishOnPage + "?done=published" },
        AccessMatrix.L("GET /arena/new",                 "/arena/new",                                   Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("GET /arena/new?handler=Units",   "/arena/new?handler=Units&q=C",                 Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("POST /arena/new",                "/arena/new",                                   Login, Ok,   No,  No,  No,  No) with
            { Form = "Code=ACC-ARENA-FORM&Name=访问表单擂台&Stage=county&Kind=points&Contestants=CA\nCB&Criteria[0].Code=Q&Criteria[0].Name=质量&Criteria[0].Number=10&Categories[0].Code=A&Categories[0].Name=考官&Categories[0].Number=1",
              Success = "/arena/s/ACC-ARENA-FORM/judges?created=1" },
        AccessMatrix.L("GET /arena/s/{code}/judges",     "/arena/s/" + AccessArenaData.Work + "/judges", Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("POST /arena/s/{code}/judges?handler=Issue", "/arena/s/" + AccessArenaData.Work + "/judges?handler=Issue", Login, Ok, No, No, No, No) with
            { Form = "Category=A&Mode=count&Count=1" },
        AccessMatrix.L("POST /arena/s/{code}/judges?handler=Void", "/arena/s/" + AccessArenaData.Work + "/judges?handler=Void", Login, Ok, No, No, No, No) with
            { Form = "judge=" + AccessArenaData.VoidJudgeOnPage + "&reason=访问测试", Success = "/arena/s/" + AccessArenaData.Work + "/judges?p=1&done=voided" },
        AccessMatrix.L("GET /arena/s/{code}/board",      "/arena/s/" + AccessArenaData.Work + "/board",  Login, Ok,   No,  No,  No,  No),
        AccessMatrix.L("GET /arena/s/{code}/board?handler=Data", "/arena/s/" + AccessArenaData.Work + "/board?handler=Data", Login, Ok, No, No, No, No),
        // The event stream of a published session sends its final state and ends (so the matrix can read it whole).
        AccessMatrix.L("GET /arena/s/{code}/board?handler=Stream", "/arena/s/" + AccessArenaData.Done + "/board?handler=Stream", Login, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.L("POST /arena/s/{code}?handler=Board", "/arena/s/" + AccessArenaData.Work + "?handler=Board", Login, Ok, No, No, No, No) with
            { Form = "board=end", Success = "/arena/s/" + AccessArenaData.Work + "?done=board" },
    ];

    /// <summary>An allowed arena write did its work: a session made, judges issued or voided, a round in the state asked, results published.</summary>
    public static int Changed(JsonElement root) =>
        root.TryGetProperty("published", out JsonElement published) && published.GetBoolean() ? 1
        : root.TryGetProperty("judges", out JsonElement judges) && judges.ValueKind == JsonValueKind.Array ? judges.GetArrayLength()
        : root.TryGetProperty("voided", out JsonElement voided) && voided.GetBoolean() ? 1
        : root.TryGetProperty("state", out JsonElement state) && state.GetString() is "open" or "closed" ? 1
        : root.TryGetProperty("rounds", out JsonElement rounds) ? rounds.GetArrayLength()
        : 0;
}
