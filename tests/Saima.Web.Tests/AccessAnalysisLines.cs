namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of benchmarking and analysis on <see cref="AccessData"/>: adopting a
/// needed value as a target from the unit page is the office's, and a reviewer's for a unit within
/// its own (TA1 lies under the reviewer's CA); the other roles are refused.
/// </summary>
internal static class AccessAnalysisLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect Login = Expect.LoginRedirect;

    public static readonly AccessLine[] Pages =
    [
        AccessMatrix.L("POST /unit/{code}?handler=Adopt", "/unit/TA1/adopt?scheme=T", Login, Ok, No, Ok, No, No) with
            { Form = "indicator=GDP&value=123.5&year=2026", Success = "/unit/TA1?scheme=T&adopted=GDP" },
    ];
}
