using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The access matrix's lines of the documents (/reports): everyone signed in lists the archive;
/// only the office drafts, previews and issues. Two documents are seeded
/// (<see cref="AccessReportData"/>); the download cell reads CA's feedback report, which the
/// office, leaders and CA's users read while the statistics bureau DS (another unit) gets 404. The office's background and annual cells ask for a period and a
/// year that are not published, so they answer with the page's refusal and start no job.
/// </summary>
internal static class AccessReportLines
{
    private const Expect Ok = Expect.Allowed;
    private const Expect No = Expect.Forbidden;
    private const Expect None = Expect.NotFound;
    private const Expect Login = Expect.LoginRedirect;
    private const string C = "/reports/circular?scheme=T&period=2025-05";

    public static readonly AccessLine[] Pages =
    [
        //  key                                           request                                        anon   office rep  rev  dept leader
        AccessMatrix.L("GET /reports",                    "/reports?scheme=T",                            Login, Ok,    Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("GET /reports?handler=Job",        "/reports?scheme=T&handler=Job&job=none",       Login, None,  No,  No,  No,  No),
        AccessMatrix.L("POST /reports?handler=Feedback",  "/reports?scheme=T&handler=Feedback",           Login, Ok,    No,  No,  No,  No) with
            { Form = "Period=1999-01" },
        AccessMatrix.L("POST /reports?handler=Annual",    "/reports?scheme=T&handler=Annual",             Login, Ok,    No,  No,  No,  No) with
            { Form = "Year=1999&Formats=docx" },
        AccessMatrix.L("POST /reports?handler=Board",     "/reports?scheme=T&handler=Board",              Login, Ok,    No,  No,  No,  No) with
            { Form = "Quarter=1999-Q1&Formats=png" },
        AccessMatrix.L("POST /reports?handler=Pack",      "/reports?scheme=T&handler=Pack",               Login, Ok,    No,  No,  No,  No) with
            { Form = "Quarter=1999-Q1&Formats=docx" },
        AccessMatrix.L("GET /public/board/{id:long}",     "/public/board/" + AccessReportData.Board,      Ok,    Ok,    Ok,  Ok,  Ok,  Ok),
        AccessMatrix.L("GET /reports/circular",           C,                                              Login, Ok,    No,  No,  No,  No),
        AccessMatrix.L("POST /reports/circular?handler=Preview", C + "&handler=Preview",                  Login, Ok,    No,  No,  No,  No) with
            { Form = "Text=访问矩阵预览" },
        AccessMatrix.L("POST /reports/circular?handler=Issue", C + "&handler=Issue",                      Login, Ok,    No,  No,  No,  No) with
            { Form = "Text=访问矩阵印发&Formats=docx", Success = "/reports?scheme=T&kind=circular&done=circular" },
        AccessMatrix.L("GET /reports/doc/{id:long}",      "/reports/doc/" + AccessReportData.Feedback,    Login, Ok,    Ok,  Ok,  None, Ok),
    ];
}

/// <summary>The issued documents of the access matrix: <see cref="Circular"/> (T 2025-05), <see cref="Feedback"/> (CA's, T 2025-05) and <see cref="Board"/> (T 2025-Q2, public).</summary>
internal static class AccessReportData
{
    public const string Circular = "1";
    public const string Feedback = "2";
    public const string Board = "3";

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var archive = new DocumentArchive(db, TimeProvider.System);
        Actor office = Actor.Office("seed.office");
        long circular = archive.IssueAsync(office, "T", DocumentKinds.Circular, "2025-05", null, "circular-T-2025-05.docx",
            DocumentFormats.ContentType(DocumentFormats.Docx), [1, 2, 3]).GetAwaiter().GetResult().Id;
        long feedback = archive.IssueAsync(office, "T", DocumentKinds.Feedback, "2025-05", "CA", "feedback-2025-05-CA.pdf",
            DocumentFormats.ContentType(DocumentFormats.Pdf), [4, 5, 6]).GetAwaiter().GetResult().Id;
        long board = archive.IssueAsync(office, "T", DocumentKinds.Board, "2025-Q2", null, "board-T-2025-Q2.png",
            DocumentFormats.ContentType(DocumentFormats.Png), [7, 8, 9]).GetAwaiter().GetResult().Id;
        new[] { circular, feedback, board }.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe([Circular, Feedback, Board], "the access matrix's documents have the ids its lines name");
    }
}
