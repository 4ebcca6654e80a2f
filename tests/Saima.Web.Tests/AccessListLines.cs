namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of the lists (问题清单, 督办): pages and the read API, on
/// <see cref="AccessListData"/>. A unit acts on its own items only: the reporter and reviewer of
/// CA act on CA's items; the statistics bureau DS (another unit) and leaders are refused every
/// action (403) and DS does not see CA's items at all (404). Only the office creates, imports,
/// assigns, confirms and dismisses drafts, closes out, returns and reviews.
/// </summary>
internal static class AccessListLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect None = Expect.NotFound;
    private const Expect Unauth = Expect.Unauthorized;
    private const Expect Login = Expect.LoginRedirect;
    private const string I = "/lists/";
    private const string ItemApi = "/api/v1/items/";

    public static readonly AccessLine[] Api =
    [
        AccessMatrix.A("GET /api/v1/items",           "/api/v1/items?limit=10",                   Unauth, Ok,   Ok,  Ok,  Ok,  Ok),
        AccessMatrix.A("GET /api/v1/items/{id}", "/api/v1/items/" + AccessListData.Read,        Unauth, Ok,   Ok,  Ok,  None, Ok),
        AccessMatrix.A("POST /api/v1/items",          "/api/v1/items",                            Unauth, Ok,   No,  No,  No,  No) with
            { Json = """{"kind": "shortcoming", "title": "接口新建", "owner": "CB", "deadline": "2030-06-30"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/start", "/api/v1/items/{start}/start",           Unauth, Ok,   Ok,  Ok,  No,  No) with { Json = "" },
        AccessMatrix.A("POST /api/v1/items/{id}/submit", "/api/v1/items/{submit}/submit",        Unauth, Ok,   Ok,  Ok,  No,  No) with
            { Json = """{"text": "整改完成"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/closeout", ItemApi + AccessListData.ApiClose + "/closeout", Unauth, Ok, No, No, No, No) with
            { Json = """{"text": "同意销号"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/return", ItemApi + AccessListData.ApiReturn + "/return", Unauth, Ok, No, No, No, No) with
            { Json = """{"text": "材料不全"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/followup", ItemApi + AccessListData.ApiFollowUp + "/followup", Unauth, Ok, No, No, No, No) with
            { Json = """{"day": "2031-03-01"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/review", ItemApi + AccessListData.ApiReview + "/review", Unauth, Ok, No, No, No, No) with
            { Json = """{"text": "未反弹"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/reopen", ItemApi + AccessListData.ApiReopen + "/reopen", Unauth, Ok, No, No, No, No) with
            { Json = """{"text": "回头看反弹"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/confirm", ItemApi + AccessListData.ApiConfirm + "/confirm", Unauth, Ok, No, No, No, No) with
            { Json = """{"day": "2030-06-30"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/dismiss", ItemApi + AccessListData.ApiDismiss + "/dismiss", Unauth, Ok, No, No, No, No) with
            { Json = """{"text": "重复事项"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/comments", ItemApi + AccessListData.Read + "/comments", Unauth, Ok, Ok, Ok, No, No) with
            { Json = """{"text": "接口意见"}""" },
        AccessMatrix.A("POST /api/v1/items/{id}/measures", ItemApi + AccessListData.Read + "/measures", Unauth, Ok, Ok, Ok, No, No) with
            { Json = """{"text": "接口措施", "deadline": "2030-06-30"}""" },
        // Evidence through the API: multipart (one file, a note), the item page's door; read by whoever sees the item.
        AccessMatrix.A("POST /api/v1/items/{id}/evidence", ItemApi + AccessListData.Read + "/evidence", Unauth, Ok, Ok, Ok, No, No) with
            { Json = "", File = ("file", "evidence.txt", "接口佐证材料") },
        AccessMatrix.A("GET /api/v1/items/{id}/evidence", ItemApi + AccessListData.Read + "/evidence", Unauth, Ok, Ok, Ok, None, Ok),
        AccessMatrix.A("GET /api/v1/items/{id}/evidence/{file}", ItemApi + AccessListData.Read + "/evidence/1", Unauth, Ok, Ok, Ok, None, Ok),
        AccessMatrix.A("POST /api/v1/measures/{id}/state", "/api/v1/measures/1/state",           Unauth, Ok,   Ok,  Ok,  No,  No) with
            { Json = """{"state": "inprogress"}""" },
    ];

    public static readonly AccessLine[] Pages =
    [
        //  key                                        request                                        anon   office rep  rev  dept leader
        AccessMatrix.L("GET /lists",                   "/lists",                                      Login, Ok,    Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("GET /lists?handler=Export",    "/lists?handler=Export",                       Login, Ok,    Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("POST /lists?handler=Assign",   "/lists?handler=Assign",                       Login, Ok,    No,  No,  No,  No) with
            { Form = "Ids=" + AccessListData.Assign + "&AssignUnit=CB", Success = "/lists?done=assigned" },
        AccessMatrix.L("POST /lists?handler=Import",   "/lists?handler=Import",                       Login, Ok,    No,  No,  No,  No) with
            { Form = "", File = ("Upload", "items.csv", "类型,标题,责任单位\n问题,访问矩阵导入,CB\n"), Success = "/lists?done=imported" },
        // The leaders' board: leaders and the office; a unit's users are refused.
        AccessMatrix.L("GET /lists/leaders",           "/lists/leaders",                              Login, Ok,    No,  No,  No,  Ok),
        AccessMatrix.L("GET /lists/new",               "/lists/new",                                  Login, Ok,    No,  No,  No,  No),
        AccessMatrix.L("POST /lists/new",              "/lists/new",                                  Login, Ok,    No,  No,  No,  No) with
            { Form = "Kind=Shortcoming&Title=访问矩阵新建&Owner=CB", Success = "/lists/" },
        AccessMatrix.L("GET /lists/{id:long}",         I + AccessListData.Read,                       Login, Ok,    Ok,  Ok,  None, Ok),
        AccessMatrix.L("GET /lists/{id:long}?handler=File", I + AccessListData.Read + "?handler=File&file=1", Login, Ok, Ok, Ok, None, Ok),
        AccessMatrix.L("POST /lists/{id:long}?handler=Close", I + AccessListData.Close + "?handler=Close", Login, Ok, No, No, No, No) with
            { Form = "Text=同意销号", Success = I + AccessListData.Close + "?done=closed" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Comment", I + AccessListData.Read + "?handler=Comment", Login, Ok, Ok, Ok, No, No) with
            { Form = "Text=访问矩阵意见", Success = I + AccessListData.Read + "?done=comment" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Confirm", I + AccessListData.Confirm + "?handler=Confirm", Login, Ok, No, No, No, No) with
            { Form = "Day=2030-06-30", Success = I + AccessListData.Confirm + "?done=confirmed" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Dismiss", I + AccessListData.Dismiss + "?handler=Dismiss", Login, Ok, No, No, No, No) with
            { Form = "Text=重复事项", Success = I + AccessListData.Dismiss + "?done=dismissed" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Evidence", I + AccessListData.Evidence + "?handler=Evidence", Login, Ok, Ok, Ok, No, No) with
            { Form = "", File = ("Upload", "evidence.txt", "整改佐证"), Success = I + AccessListData.Evidence + "?done=evidence" },
        AccessMatrix.L("POST /lists/{id:long}?handler=FollowUp", I + AccessListData.FollowUp + "?handler=FollowUp", Login, Ok, No, No, No, No) with
            { Form = "Day=2031-03-01", Success = I + AccessListData.FollowUp + "?done=followup" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Measure", I + AccessListData.Read + "?handler=Measure", Login, Ok, Ok, Ok, No, No) with
            { Form = "Text=访问矩阵措施&Day=2030-06-30", Success = I + AccessListData.Read + "?done=measure" },
        AccessMatrix.L("POST /lists/{id:long}?handler=MeasureState", I + AccessListData.Read + "?handler=MeasureState", Login, Ok, Ok, Ok, No, No) with
            { Form = "MeasureId=1&MeasureState=InProgress", Success = I + AccessListData.Read + "?done=measure" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Reopen", I + AccessListData.Reopen + "?handler=Reopen", Login, Ok, No, No, No, No) with
            { Form = "Text=回头看反弹", Success = I + AccessListData.Reopen + "?done=reopened" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Return", I + AccessListData.Return + "?handler=Return", Login, Ok, No, No, No, No) with
            { Form = "Text=材料不全", Success = I + AccessListData.Return + "?done=returned" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Review", I + AccessListData.Review + "?handler=Review", Login, Ok, No, No, No, No) with
            { Form = "Text=未反弹", Success = I + AccessListData.Review + "?done=reviewed" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Start", I + AccessListData.Start + "?handler=Start", Login, Ok, Ok, Ok, No, No) with
            { Form = "", Success = I + AccessListData.Start + "?done=started" },
        AccessMatrix.L("POST /lists/{id:long}?handler=Submit", I + AccessListData.Submit + "?handler=Submit", Login, Ok, Ok, Ok, No, No) with
            { Form = "Text=整改完成", Success = I + AccessListData.Submit + "?done=submitted" },
    ];
}
