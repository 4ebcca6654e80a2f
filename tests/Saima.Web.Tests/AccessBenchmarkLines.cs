namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of peers and external benchmarks on <see cref="AccessData"/> (scheme
/// T is the store's first scheme, id 1): every signed-in role reads a unit's benchmarking page;
/// adopting a catch-up target is the office's and a reviewer's (the store checks the reviewer's
/// scope), asked here for an indicator the scheme lacks so that the answer does not depend on the
/// order of the lines (404 past authorization); the settings page and its writes are the office's.
/// </summary>
internal static class AccessBenchmarkLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect Login = Expect.LoginRedirect;
    private const Expect Gone = Expect.NotFound;
    private const Expect Unauth = Expect.Unauthorized;
    private const string Admin = "/admin/analysis?scheme=1";

    /// <summary>
    /// The API's peers and benchmarks: every signed-in role reads them; naming peers (of TB1, which
    /// no page line names) and entering a benchmark (a place and period no other line enters) are
    /// the office's; removing one is the office's too, asked for a benchmark that does not exist so
    /// that no cell depends on another (404 past authorization).
    /// </summary>
    public static readonly AccessLine[] Api =
    [
        AccessMatrix.A("GET /api/v1/schemes/{scheme}/benchmarks", "/api/v1/schemes/T/benchmarks?limit=10", Unauth, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.A("POST /api/v1/schemes/{scheme}/benchmarks", "/api/v1/schemes/T/benchmarks", Unauth, Ok, No, No, No, No) with
            { Json = "{\"name\": \"先进城市乙\", \"indicator\": \"REV\", \"period\": \"2025-04\", \"value\": 12.5, \"source\": \"乙市统计月报\"}" },
        AccessMatrix.A("DELETE /api/v1/schemes/{scheme}/benchmarks/{id}", "/api/v1/schemes/T/benchmarks/999999", Unauth, Gone, No, No, No, No),
        AccessMatrix.A("GET /api/v1/schemes/{scheme}/units/{unit}/peers", "/api/v1/schemes/T/units/CB/peers", Unauth, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.A("PUT /api/v1/schemes/{scheme}/units/{unit}/peers", "/api/v1/schemes/T/units/TB1/peers", Unauth, Ok, No, No, No, No) with
            { Json = "{\"peers\": [\"TA1\"]}" },
    ];

    public static readonly AccessLine[] Pages =
    [
        AccessMatrix.L("GET /unit/{code}/peers", "/unit/CB/peers?scheme=T", Login, Ok, Ok, Ok, Ok, Ok),
        AccessMatrix.L("POST /unit/{code}/peers?handler=Adopt", "/unit/TA1/peers?handler=Adopt&scheme=T&indicator=NOPE&goal=median&by=2025-12", Login, Gone, No, Gone, No, No) with
            { Form = "" },
        AccessMatrix.L("GET /admin/analysis", Admin, Login, Ok, No, No, No, No),
        AccessMatrix.L("POST /admin/analysis?handler=Context", "/admin/analysis?handler=Context&scheme=1", Login, Ok, No, No, No, No) with
            { Form = "Context=GDP&Context=REV", Success = Admin + "&done=context" },
        AccessMatrix.L("POST /admin/analysis?handler=Peers", "/admin/analysis?handler=Peers&scheme=1&unit=CA", Login, Ok, No, No, No, No) with
            { Form = "PeerCodes=CB", Success = Admin + "&unit=CA&done=peers" },
        AccessMatrix.L("POST /admin/analysis?handler=Add", "/admin/analysis?handler=Add&scheme=1", Login, Ok, No, No, No, No) with
            { Form = "Name=先进城市甲&Indicator=GDP&Period=2025-05&Value=99.5&Source=甲市统计月报", Success = Admin + "&done=added" },
        // No benchmark 999: the door's refusal is shown on the page (200) to the office.
        AccessMatrix.L("POST /admin/analysis?handler=Remove", "/admin/analysis?handler=Remove&scheme=1", Login, Ok, No, No, No, No) with
            { Form = "id=999" },
    ];
}
