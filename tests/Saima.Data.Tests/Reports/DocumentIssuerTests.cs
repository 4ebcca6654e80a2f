using Microsoft.EntityFrameworkCore;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Reports;

/// <summary>
/// Issuing through the one door (<see cref="DocumentIssuer"/>) on the league seed: every file of
/// an issue or none; the office's text, number and date in what is archived; only the office.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class DocumentIssuerTests(Stores stores)
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);
    private static readonly Actor Office = Actor.Office("office.wang");

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AnIssueWhosePdfCannotBePrinted_ArchivesNoneOfItsFiles(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var broken = new DocumentIssuer(db, TestClocks.At(Noon), "/nonexistent/chromium");
        int audit = db.Audit.Count();

        await Should.ThrowAsync<ReportToolException>(() => broken.IssueCircularAsync(Office,
            new CircularIssue("T", "2025-06", "正文", "考核办〔2025〕6号", null, [DocumentFormats.Docx, DocumentFormats.Pdf, DocumentFormats.Xlsx])));
        await Should.ThrowAsync<ReportToolException>(() => broken.IssueFeedbackAsync(Office, "T", "2025-06", null));

        db.IssuedDocuments.Count().ShouldBe(0);
        db.Audit.Count().ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TheOfficesText_NumberAndDate_AreWhatIsArchived_AndTheEditIsAudited(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var issuer = new DocumentIssuer(db, TestClocks.At(Noon));
        CircularContent generated = await issuer.CircularDraftAsync(Office, "T", "2025-06");

        var issued = await issuer.IssueCircularAsync(Office, new CircularIssue("T", "2025-06", "  一段。\r\n\r\n二段。 ", "考核办〔2025〕6号", null, ["XLSX", ".docx"]));

        issued.Select(d => d.FileName).ShouldBe(["circular-T-2025-06.docx", "circular-T-2025-06.xlsx"], "in the door's order of formats, whatever the order asked");
        CircularContent asIssued = await issuer.CircularAsync(Office, new CircularIssue("T", "2025-06", "一段。\n\n二段。", "考核办〔2025〕6号", null, []));
        asIssued.DraftParagraphs.ShouldBe(["一段。", "二段。"]);
        asIssued.IssuedOn.ShouldBe(new DateOnly(2026, 1, 5), "today in Asia/Shanghai at 04:00 UTC");
        var edit = db.Audit.AsNoTracking().Single(a => a.Action == "edit" && a.Entity == DocumentArchive.Entity);
        (edit.OldValue, edit.NewValue).ShouldBe((generated.Draft, "一段。\n\n二段。"));
        db.Audit.AsNoTracking().Count(a => a.Action == "issue" && a.Entity == DocumentArchive.Entity && a.Reason == "考核办〔2025〕6号").ShouldBe(2);

        // Unedited: no edit entry.
        await issuer.IssueCircularAsync(Office, new CircularIssue("T", "2025-06", generated.Draft, null, new DateOnly(2026, 1, 6), [DocumentFormats.Docx]));
        db.Audit.AsNoTracking().Count(a => a.Action == "edit" && a.Entity == DocumentArchive.Entity).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OnlyTheOffice_Issues_AndWhatIsAskedMustBeValid(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var issuer = new DocumentIssuer(db, TestClocks.At(Noon));
        long c01 = db.Units.Single(u => u.Code == "C01").Id;

        (await Should.ThrowAsync<AccessDeniedException>(() => issuer.IssueCircularAsync(Actor.Reviewer("rev.c01", c01),
            new CircularIssue("T", "2025-06", null, null, null, [DocumentFormats.Docx])))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<AccessDeniedException>(() => issuer.IssueFeedbackAsync(Actor.Leader("leader.li"), "T", "2025-06", "C01"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<AccessDeniedException>(() => issuer.IssueAnnualAsync(Actor.Reporter("rep.c01", c01), "T", 2025, [DocumentFormats.Docx]))).Code.ShouldBe(WorkflowCodes.OfficeOnly);

        WorkflowException format = await Should.ThrowAsync<WorkflowException>(() => issuer.IssueCircularAsync(Office, new CircularIssue("T", "2025-06", null, null, null, ["pdf", "odt"])));
        (format.Code, format.Args[0]).ShouldBe((WorkflowCodes.DocumentFormat, "odt"));
        (await Should.ThrowAsync<WorkflowException>(() => issuer.IssueCircularAsync(Office, new CircularIssue("T", "2025-06", null, null, null, [])))).Code.ShouldBe(WorkflowCodes.DocumentFormat);
        WorkflowException text = await Should.ThrowAsync<WorkflowException>(() => issuer.IssueCircularAsync(Office,
            new CircularIssue("T", "2025-06", new string('字', DocumentIssuer.MaxText + 1), null, null, [DocumentFormats.Docx])));
        (text.Code, text.Args[0]).ShouldBe((WorkflowCodes.DocumentText, "text"));
        (await Should.ThrowAsync<WorkflowException>(() => issuer.IssueCircularAsync(Office,
            new CircularIssue("T", "2025-06", null, "一\n二", null, [DocumentFormats.Docx])))).Args[0].ShouldBe("number");
        (await Should.ThrowAsync<WorkflowException>(() => issuer.IssueCircularAsync(Office,
            new CircularIssue("T", "2025-07", null, null, null, [DocumentFormats.Docx])))).Code.ShouldBe(WorkflowCodes.PeriodNotPublished);
        (await Should.ThrowAsync<WorkflowException>(() => issuer.IssueAnnualAsync(Office, "T", 2019, [DocumentFormats.Docx]))).Code.ShouldBe(WorkflowCodes.PeriodNotPublished);
        db.IssuedDocuments.Count().ShouldBe(0);

        var feedback = await issuer.IssueFeedbackAsync(Office, "T", "2025-06", "C02");
        feedback.Select(d => (d.FileName, d.UnitCode)).ShouldBe([("feedback-2025-06-C02.pdf", "C02"), ("feedback-2025-06-C02.docx", "C02")]);
    }
}
