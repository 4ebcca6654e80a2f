using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Reports;

/// <summary>Issuing documents into the archive (<see cref="DocumentArchive"/>) and who may read them, on the league seed.</summary>
[Collection(StoresCollection.Name)]
public sealed class DocumentArchiveTests(Stores stores)
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);
    private static readonly Actor Office = Actor.Office("office.wang");

    private static async Task<byte[]> FeedbackDocx(SaimaDb db, string unit)
    {
        FeedbackContent content = await new FeedbackReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06", unit);
        using var buffer = new MemoryStream();
        FeedbackWriters.WriteDocx(content, buffer);
        return buffer.ToArray();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task IssuedDocuments_AreArchivedWithTheirSha256_AndAUnitReadsOnlyItsOwnFeedback(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var archive = new DocumentArchive(db, TestClocks.At(Noon));
        CircularContent circular = await new CircularReader(db, TestClocks.At(Noon)).ReadAsync("T", "2025-06");
        using var circularBytes = new MemoryStream();
        CircularWriters.WriteDocx(circular, circularBytes);
        byte[] c01 = await FeedbackDocx(db, "C01"), c02 = await FeedbackDocx(db, "C02");
        const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

        IssuedDocumentInfo issued = await archive.IssueAsync(Office, "T", DocumentKinds.Circular, "2025-06", null, "通报-2025-06.docx", Docx, circularBytes.ToArray(), "第6期通报");
        IssuedDocumentInfo own = await archive.IssueAsync(Office, "T", DocumentKinds.Feedback, "2025-06", "C01", "feedback-2025-06-C01.docx", Docx, c01);
        IssuedDocumentInfo other = await archive.IssueAsync(Office, "T", DocumentKinds.Feedback, "2025-06", "C02", "feedback-2025-06-C02.docx", Docx, c02);

        issued.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(circularBytes.ToArray())));
        IssuedDocument read = await archive.ReadAsync(Office, issued.Id);
        read.Content.ShouldBe(circularBytes.ToArray());
        Convert.ToHexStringLower(SHA256.HashData(read.Content)).ShouldBe(read.Sha256);
        (read.IssuedBy, read.IssuedAt).ShouldBe(("office.wang", Noon));
        string key = issued.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        db.Audit.Single(a => a.Entity == DocumentArchive.Entity && a.EntityKey == key).NewValue!.ShouldContain(issued.Sha256);

        (await archive.ListAsync(Office, "T")).Select(d => d.Id).ShouldBe([other.Id, own.Id, issued.Id]);
        (await archive.ListAsync(Actor.Leader("leader.li"), "T")).Count.ShouldBe(3);
        long unit1 = db.Units.Single(u => u.Code == "C01").Id;
        Actor reporter = Actor.Reporter("reporter.c01", unit1);
        (await archive.ListAsync(reporter, "T")).Select(d => (d.Kind, d.UnitCode)).ShouldBe([(DocumentKinds.Feedback, "C01"), (DocumentKinds.Circular, (string?)null)]);
        (await archive.ReadAsync(reporter, own.Id)).Content.ShouldBe(c01);
        (await Should.ThrowAsync<NotFoundException>(() => archive.ReadAsync(reporter, other.Id))).Code.ShouldBe(WorkflowCodes.NoDocument);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OnlyTheOffice_IssuesDocumentsOfPublishedPeriods_AndIssuedOnesNeverChange(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var archive = new DocumentArchive(db, TestClocks.At(Noon));
        byte[] bytes = [1, 2, 3];

        (await Should.ThrowAsync<AccessDeniedException>(() => archive.IssueAsync(Actor.Leader("leader.li"), "T", DocumentKinds.Circular, "2025-06", null, "a.pdf", "application/pdf", bytes)))
            .Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<WorkflowException>(() => archive.IssueAsync(Office, "T", DocumentKinds.Circular, "2025-07", null, "a.pdf", "application/pdf", bytes)))
            .Code.ShouldBe(WorkflowCodes.PeriodNotPublished);
        (await Should.ThrowAsync<WorkflowException>(() => archive.IssueAsync(Office, "T", "memo", "2025-06", null, "a.pdf", "application/pdf", bytes)))
            .Code.ShouldBe(WorkflowCodes.DocumentKind);
        db.IssuedDocuments.Count().ShouldBe(0);

        IssuedDocumentInfo annual = await archive.IssueAsync(Office, "T", DocumentKinds.Annual, "2025", null, "a.pdf", "application/pdf", bytes);
        await Should.ThrowAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE issued_documents SET sha256 = 'x' WHERE id = {0}", annual.Id));
        (await archive.ReadAsync(Office, annual.Id)).Sha256.ShouldBe(annual.Sha256);
    }
}
