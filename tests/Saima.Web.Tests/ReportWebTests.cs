using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Reports;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Saima.Web.Tests;

/// <summary>
/// The documents' pages on <see cref="LeagueData"/> (scheme T, 2025-05 and 2025-06 published):
/// the office drafts, edits and issues a circular, which is archived with its SHA-256 and read
/// back as issued; every unit's feedback reports are issued in the background with progress, and
/// each unit lists and downloads only its own; a text too long is refused beside its field and
/// archives nothing.
/// </summary>
public sealed partial class ReportWebTests
{
    [Fact]
    public async Task Circular_EditedAndIssued_IsArchivedAsIssued_WithTheEditInTheAuditTrail()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        string draftPage = await web.Client.GetStringAsync("/reports/circular?scheme=T&period=2025-06");
        draftPage.ShouldContain("关于2025年6月测试赛马考核排名情况的通报");
        string generated = WebUtility.HtmlDecode(TextareaRegex().Match(draftPage).Groups[1].Value);
        generated.ShouldNotBeEmpty();

        const string edited = "第一段：经市考核办审核，现将排名通报如下。\n第二段：请各地对照差距，抓好整改。";
        using HttpResponseMessage issued = await web.PostFormAsync("/reports/circular?scheme=T&period=2025-06", "/reports/circular?scheme=T&period=2025-06&handler=Issue",
            ("Text", edited), ("Number", "澜川考核〔2025〕6号"), ("IssuedOn", "2025-07-10"), ("Formats", "pdf"), ("Formats", "docx"));

        issued.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        issued.Headers.Location!.ToString().ShouldBe("/reports?scheme=T&kind=circular&done=circular");
        List<IssuedDocument> docs = Documents(web.Store);
        docs.Select(d => (d.Kind, d.Period, d.FileName)).ShouldBe(
            [(DocumentKinds.Circular, "2025-06", "circular-T-2025-06.pdf"), (DocumentKinds.Circular, "2025-06", "circular-T-2025-06.docx")]);

        // The archive lists them; each downloads byte for byte as archived, with its hash.
        string archive = await web.Client.GetStringAsync("/reports?scheme=T");
        archive.ShouldContain("circular-T-2025-06.docx");
        foreach (IssuedDocument d in docs)
        {
            using HttpResponseMessage file = await web.Client.GetAsync("/reports/doc/" + d.Id);
            file.StatusCode.ShouldBe(HttpStatusCode.OK);
            byte[] bytes = await file.Content.ReadAsByteArrayAsync();
            Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(d.Sha256);
            file.Headers.GetValues("X-Content-SHA256").Single().ShouldBe(d.Sha256);
        }

        // The .docx says what the office wrote: the number under the red header, its two paragraphs, the date.
        byte[] docx = docs.Single(d => d.FileName.EndsWith(".docx", StringComparison.Ordinal)).Content;
        using (var stream = new MemoryStream(docx))
        using (WordprocessingDocument word = WordprocessingDocument.Open(stream, false))
        {
            var paragraphs = word.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText).ToList();
            paragraphs.ShouldContain("澜川考核〔2025〕6号");
            paragraphs.ShouldContain("第一段：经市考核办审核，现将排名通报如下。");
            paragraphs.ShouldContain("第二段：请各地对照差距，抓好整改。");
            paragraphs.ShouldContain("2025年7月10日");
            paragraphs.ShouldNotContain(generated);
        }

        string pdfText = PdfText(docs.Single(d => d.FileName.EndsWith(".pdf", StringComparison.Ordinal)).Content);
        pdfText.ShouldContain("澜川考核〔2025〕6号");
        pdfText.ShouldContain("请各地对照差距，抓好整改。");

        // The edit is in the audit trail: the generated draft as the old value, the office's text as the new.
        using SaimaDb db = SaimaDb.Open(web.Store);
        var edit = db.Audit.AsNoTracking().Single(a => a.Entity == DocumentArchive.Entity && a.Action == "edit");
        edit.User.ShouldBe("office.li");
        edit.OldValue.ShouldBe(generated);
        edit.NewValue.ShouldBe(edited);
    }

    [Fact]
    public async Task Circular_TextTooLong_IsRefusedBesideTheField_AndArchivesNothing()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        using HttpResponseMessage refused = await web.PostFormAsync("/reports/circular?scheme=T&period=2025-06", "/reports/circular?scheme=T&period=2025-06&handler=Issue",
            ("Text", new string('字', DocumentIssuer.MaxText + 1)), ("Formats", "docx"));

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        string page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("id=\"circular-error\"");
        page.ShouldContain("所填内容过长，最多 8000 个字。");
        page.ShouldContain("is-invalid\" id=\"Text\"");
        Documents(web.Store).ShouldBeEmpty();

        using HttpResponseMessage none = await web.PostFormAsync("/reports/circular?scheme=T&period=2025-06", "/reports/circular?scheme=T&period=2025-06&handler=Issue",
            ("Text", "正文"));
        (await none.Content.ReadAsStringAsync()).ShouldContain("文件格式“”不可用");
        Documents(web.Store).ShouldBeEmpty();
    }

    [Fact]
    public async Task FeedbackReports_IssuedInTheBackground_EachUnitListsAndReadsOnlyItsOwn()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        using HttpResponseMessage queued = await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Feedback", ("Period", "2025-06"));
        queued.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        string location = queued.Headers.Location!.ToString();
        string job = Regex.Match(location, "job=([0-9a-f]+)").Groups[1].Value;
        job.ShouldNotBeEmpty(location);

        // The page that asked shows the job; its script polls the job's progress until it ends.
        (await web.Client.GetStringAsync(location)).ShouldContain("data-job=\"" + job + "\"");
        JsonElement state = default;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(5))
        {
            state = JsonDocument.Parse(await web.Client.GetStringAsync("/reports?handler=Job&scheme=T&job=" + job)).RootElement;
            if (state.GetProperty("state").GetString() is "done" or "failed")
            {
                break;
            }

            await Task.Delay(200);
        }

        state.GetProperty("state").GetString().ShouldBe("done", state.ToString());
        int units = LeagueData.Codes.Length;
        state.GetProperty("total").GetInt32().ShouldBe(units);
        state.GetProperty("done").GetInt32().ShouldBe(units);
        state.GetProperty("issued").GetInt32().ShouldBe(2 * units);
        List<IssuedDocument> docs = Documents(web.Store);
        docs.Count.ShouldBe(2 * units);
        docs.ShouldAllBe(d => d.Kind == DocumentKinds.Feedback && d.Period == "2025-06" && d.UnitId != null);

        // A unit's reporter lists only its own two files and may not read another unit's.
        await web.SwitchToAsync("rep.c01");
        string own = await web.Client.GetStringAsync("/reports?scheme=T");
        FileRegex().Matches(own).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)
            .ShouldBe(["feedback-2025-06-C01.docx", "feedback-2025-06-C01.pdf"]);
        long c02 = UnitDocument(web.Store, "C02");
        (await web.Client.GetAsync("/reports/doc/" + c02)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await web.Client.GetAsync("/reports?handler=Job&scheme=T&job=" + job)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A leader reads every unit's.
        await web.SwitchToAsync("leader.zhou");
        (await web.Client.GetAsync("/reports/doc/" + c02)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnnualResults_IssuedFromThePage_AreArchived_AndAYearWithoutPublicationsIsRefused()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        using HttpResponseMessage issued = await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Annual",
            ("Year", "2025"), ("Formats", "docx"), ("Formats", "xlsx"));
        issued.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Documents(web.Store).Select(d => (d.Kind, d.Period, d.FileName)).ShouldBe(
            [(DocumentKinds.Annual, "2025", "annual-T-2025.docx"), (DocumentKinds.Annual, "2025", "annual-T-2025.xlsx")]);

        using HttpResponseMessage refused = await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Annual", ("Year", "2019"), ("Formats", "docx"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("id=\"report-error\"");
        Documents(web.Store).Count.ShouldBe(2);
    }

    [Fact]
    public async Task QuarterlyBoard_HasThePublicIndicatorsOnly_AndThePublicSeesItWithoutSigningIn()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            // The office marks two indicators public (the rest stay out of the newspaper).
            foreach (Indicator i in db.Indicators.Where(i => i.Code == "GDP" || i.Code == "AIR"))
            {
                i.IsPublic = true;
            }

            db.SaveChanges();
        }

        await web.SwitchToAsync("office.li");
        using HttpResponseMessage issued = await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Board",
            ("Quarter", "2025-Q2"), ("Formats", "pdf"), ("Formats", "png"));
        issued.StatusCode.ShouldBe(HttpStatusCode.Redirect, await issued.Content.ReadAsStringAsync());
        List<IssuedDocument> docs = Documents(web.Store);
        docs.Select(d => (d.Kind, d.Period, d.FileName)).ShouldBe(
            [(DocumentKinds.Board, "2025-Q2", "board-T-2025-Q2.pdf"), (DocumentKinds.Board, "2025-Q2", "board-T-2025-Q2.png")]);

        // The PDF: the title, as of June (the quarter's latest published month), the public indicators and no other.
        string text = PdfText(docs[0].Content);
        text.ShouldContain("2025年第二季度测试赛马主要指标公示");
        text.ShouldContain("截至2025年6月");
        text.ShouldContain("地区生产总值（亿元）");
        text.ShouldContain("空气优良率");
        text.ShouldNotContain("财政收入");
        text.ShouldNotContain("城镇新增就业");

        // The public page shows the picture without signing in; the image is a PNG as wide as the board.
        await web.Client.GetAsync("/logout");
        string page = await web.Client.GetStringAsync("/public");
        page.ShouldContain("src=\"/public/board/" + docs[1].Id + "\"");
        using HttpResponseMessage png = await web.Client.GetAsync("/public/board/" + docs[1].Id);
        png.StatusCode.ShouldBe(HttpStatusCode.OK);
        png.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        byte[] image = await png.Content.ReadAsByteArrayAsync();
        image[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(16, 4)).ShouldBe(PublicBoardWriters.ImageWidth);

        // Nothing but boards is served there: a feedback report is not public.
        await web.SwitchToAsync("office.li");
        await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Annual", ("Year", "2025"), ("Formats", "docx"));
        long annual = Documents(web.Store).Single(d => d.Kind == DocumentKinds.Annual).Id;
        (await web.Client.GetAsync("/public/board/" + annual)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task QuarterlyPack_IssuedFromThePage_IsArchivedForEveryoneToRead()
    {
        await using WebApp web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        using HttpResponseMessage issued = await web.PostFormAsync("/reports?scheme=T", "/reports?scheme=T&handler=Pack", ("Quarter", "2025-Q2"), ("Formats", "docx"));
        issued.StatusCode.ShouldBe(HttpStatusCode.Redirect, await issued.Content.ReadAsStringAsync());
        issued.Headers.Location!.ToString().ShouldBe("/reports?scheme=T&kind=pack&done=pack");
        IssuedDocument pack = Documents(web.Store).Single();
        (pack.Kind, pack.Period, pack.FileName).ShouldBe((DocumentKinds.Pack, "2025-Q2", "pack-T-2025-Q2.docx"));

        await web.SwitchToAsync("rep.c02");
        (await web.Client.GetStringAsync("/reports?scheme=T&kind=pack")).ShouldContain("pack-T-2025-Q2.docx");
        (await web.Client.GetAsync("/reports/doc/" + pack.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static List<IssuedDocument> Documents(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.IssuedDocuments.AsNoTracking().OrderBy(d => d.Id).ToList();
    }

    private static long UnitDocument(StoreOptions store, string unit)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long id = db.Units.Single(u => u.Code == unit).Id;
        return db.IssuedDocuments.AsNoTracking().Where(d => d.UnitId == id).Select(d => d.Id).First();
    }

    /// <summary>poppler's pdftotext -layout (Debian package poppler-utils) of a PDF's bytes.</summary>
    private static string PdfText(byte[] pdf)
    {
        string path = Path.Combine(Path.GetTempPath(), "saima-report-" + Guid.NewGuid().ToString("N") + ".pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "-layout", "-enc", "UTF-8", path, "-" })
            {
                start.ArgumentList.Add(a);
            }

            using Process p = Process.Start(start) ?? throw new InvalidOperationException("pdftotext (poppler-utils) did not start");
            Task<string> err = p.StandardError.ReadToEndAsync();
            string text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            p.ExitCode.ShouldBe(0, err.Result);
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"<textarea[^>]*id=""Text""[^>]*>([^<]*)</textarea>")]
    private static partial Regex TextareaRegex();

    [GeneratedRegex(@"class=""archive-file"">([^<]+)</a>")]
    private static partial Regex FileRegex();
}
