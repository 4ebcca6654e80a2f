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
    private const string Admin = "/admin/analysis?scheme=1";

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
