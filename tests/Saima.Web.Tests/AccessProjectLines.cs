namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of the major projects and of the list outcomes, on
/// <see cref="AccessProjectData"/>. A unit acts on its own projects only: the reporter and
/// reviewer of CA act on CA's projects; the statistics bureau DS (another unit) does not see them
/// (404) and is refused every action (403), like leaders, who read. Only the office creates
/// batches, adds and imports projects, sets plans, returns stages, closes out, binds indicators
/// to list outcomes, fills figures from the lists and sets the escalation rules.
/// </summary>
internal static class AccessProjectLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect None = Expect.NotFound;
    private const Expect Login = Expect.LoginRedirect;
    private const string P = "/projects/";

    public static readonly AccessLine[] Api =
    [
        AccessMatrix.A("GET /api/v1/projects",        "/api/v1/projects?limit=10",                Expect.Unauthorized, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.A("GET /api/v1/projects/{id}",   "/api/v1/projects/" + AccessProjectData.Read, Expect.Unauthorized, Ok, Ok, Ok, None, Ok),
        AccessMatrix.A("POST /api/v1/projects/{id}/investment", "/api/v1/projects/" + AccessProjectData.Read + "/investment", Expect.Unauthorized, Ok, Ok, Ok, No, No) with
            { Json = """{"month": "2024-02", "done": 12.5}""" },
    ];

    public static readonly AccessLine[] Pages =
    [
        //  key                                        request                                        anon   office rep  rev  dept leader
        AccessMatrix.L("GET /projects",                "/projects",                                   Login, Ok,    Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("POST /projects?handler=Batch", "/projects?handler=Batch",                     Login, Ok,    No,  No,  No,  No) with
            { Form = "Name=访问矩阵新批次&Day=2024-06-01", Success = "/projects?done=batch" },
        AccessMatrix.L("POST /projects?handler=Add",   "/projects?handler=Add",                       Login, Ok,    No,  No,  No,  No) with
            { Form = "Batch=" + AccessProjectData.Batch + "&Code=ACC-NEW&Name=访问矩阵新增&Owner=CB&Investment=100", Success = P },
        AccessMatrix.L("POST /projects?handler=Import", "/projects?handler=Import",                   Login, Ok,    No,  No,  No,  No) with
            { Form = "Batch=" + AccessProjectData.Batch, File = ("Upload", "projects.csv", "项目编号,项目名称,责任单位,总投资（万元）\nACC-IMP,访问矩阵导入,CB,100\n"), Success = "/projects?done=imported" },
        AccessMatrix.L("GET /projects/{id:long}",      P + AccessProjectData.Read,                    Login, Ok,    Ok,  Ok,  None, Ok),
        AccessMatrix.L("GET /projects/{id:long}?handler=File", P + AccessProjectData.Read + "?handler=File&file=1", Login, Ok, Ok, Ok, None, Ok),
        AccessMatrix.L("POST /projects/{id:long}?handler=Close", P + AccessProjectData.Close + "?handler=Close", Login, Ok, No, No, No, No) with
            { Form = "Text=同意销号", Success = P + AccessProjectData.Close + "?done=closed" },
        AccessMatrix.L("POST /projects/{id:long}?handler=Evidence", P + AccessProjectData.Read + "?handler=Evidence", Login, Ok, Ok, Ok, No, No) with
            { Form = "Stage=Started", File = ("Upload", "evidence.txt", "开工佐证"), Success = P + AccessProjectData.Read + "?done=evidence" },
        AccessMatrix.L("POST /projects/{id:long}?handler=Invest", P + AccessProjectData.Read + "?handler=Invest", Login, Ok, Ok, Ok, No, No) with
            { Form = "Month=2024-01&Amount=10", Success = P + AccessProjectData.Read + "?done=invest" },
        AccessMatrix.L("POST /projects/{id:long}?handler=Plan", P + AccessProjectData.Read + "?handler=Plan", Login, Ok, No, No, No, No) with
            { Form = "Month=2024-01&Amount=20", Success = P + AccessProjectData.Read + "?done=plan" },
        AccessMatrix.L("POST /projects/{id:long}?handler=Return", P + AccessProjectData.Return + "?handler=Return", Login, Ok, No, No, No, No) with
            { Form = "Stage=Signed&Text=签约日期有误", Success = P + AccessProjectData.Return + "?done=returned" },
        AccessMatrix.L("POST /projects/{id:long}?handler=Stage", P + AccessProjectData.Read + "?handler=Stage", Login, Ok, Ok, Ok, No, No) with
            { Form = "Stage=Started&Day=2024-03-01", File = ("Upload", "evidence.txt", "开工佐证"), Success = P + AccessProjectData.Read + "?done=stage" },
        AccessMatrix.L("GET /lists/outcomes",          "/lists/outcomes",                             Login, Ok,    No,  No,  No,  No),
        AccessMatrix.L("POST /lists/outcomes?handler=Bind", "/lists/outcomes?handler=Bind",           Login, Ok,    No,  No,  No,  No) with
            { Form = "Indicator=GDP&Outcome=ResolutionRate", Success = "/lists/outcomes?scheme=" },
        AccessMatrix.L("POST /lists/outcomes?handler=Fill", "/lists/outcomes?handler=Fill",           Login, Ok,    No,  No,  No,  No) with
            { Form = "Period=2025-07", Success = "/lists/outcomes?scheme=" },
        AccessMatrix.L("POST /lists/outcomes?handler=Rules", "/lists/outcomes?handler=Rules",         Login, Ok,    No,  No,  No,  No) with
            { Form = "Rules=red 1 0 约谈", Success = "/lists/outcomes?scheme=" },
    ];
}
