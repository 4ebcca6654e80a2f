using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class EvidenceStoreTests(Stores stores)
{
    /// <summary>The start of a PDF file (enough for the check, which reads the content, not the name).</summary>
    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

    /// <summary>A Windows program: "MZ" and a DOS stub.</summary>
    public static readonly byte[] Exe = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PdfNamedPng_IsStoredAsPdf_WithItsHash_AndReadsBack(StoreProvider provider)
    {
        using var w = NewWorld(provider);
        var store = new EvidenceStore(w.Db, w.Clock);
        EvidenceFile row = await store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.AdjustmentEntity, 7, "scan.png", new MemoryStream(Pdf));
        (row.ContentType, row.FileName, row.SizeBytes, row.Sha256).ShouldBe(("application/pdf", "scan.png", Pdf.LongLength, Convert.ToHexStringLower(SHA256.HashData(Pdf))));

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        EvidenceContent read = await new EvidenceStore(fresh, w.Clock).ReadAsync(row.Id);
        read.Bytes.ShouldBe(Pdf);
        read.File.ContentType.ShouldBe("application/pdf");
        fresh.Audit.Single(a => a.Entity == "evidence").NewValue!.ShouldContain(row.Sha256);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ExeNamedPdf_IsRefused_NamingTheFileAndWhatIsTaken(StoreProvider provider)
    {
        using var w = NewWorld(provider);
        var store = new EvidenceStore(w.Db, w.Clock);
        var refusal = await Should.ThrowAsync<WorkflowException>(() => store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.FigureEntity, 1, "报告.pdf", new MemoryStream(Exe)));
        refusal.Code.ShouldBe(WorkflowCodes.EvidenceType);
        refusal.Args[0].ShouldBe("报告.pdf");
        refusal.Args[1].ShouldContain("PDF");
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Evidence.Count().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OverTheCap_OrEmpty_IsRefused(StoreProvider provider)
    {
        using var w = NewWorld(provider);
        var store = new EvidenceStore(w.Db, w.Clock, new EvidenceOptions { MaxBytes = 1024 });
        byte[] big = [.. Pdf, .. new byte[1024]];
        var refusal = await Should.ThrowAsync<WorkflowException>(() => store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.FigureEntity, 1, "big.pdf", new MemoryStream(big)));
        (refusal.Code, refusal.Args[0], refusal.Args[2]).ShouldBe((WorkflowCodes.EvidenceTooLarge, "big.pdf", "1024"));

        // A stream that cannot say its length is cut off at the cap as it is read.
        var unseekable = await Should.ThrowAsync<WorkflowException>(() => store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.FigureEntity, 1, "big.pdf", new OneWay(big)));
        unseekable.Code.ShouldBe(WorkflowCodes.EvidenceTooLarge);
        (await Should.ThrowAsync<WorkflowException>(() => store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.FigureEntity, 1, "empty.pdf", new MemoryStream()))).Code.ShouldBe(WorkflowCodes.EvidenceEmpty);
        (await Should.ThrowAsync<WorkflowException>(() => store.AddAsync(w.Office, w.Scheme.Id, "unit", 1, "a.pdf", new MemoryStream(Pdf)))).Code.ShouldBe(WorkflowCodes.EvidenceEntity);
        (await store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.FigureEntity, 1, "small.pdf", new MemoryStream(Pdf))).SizeBytes.ShouldBe(Pdf.LongLength);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FolderStorage_KeepsTheFileByHash_NotByName_AndReadsItBack(StoreProvider provider)
    {
        using var w = NewWorld(provider);
        string folder = Path.Combine(Path.GetTempPath(), "saima-evidence-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new EvidenceOptions { Folder = folder };
            var store = new EvidenceStore(w.Db, w.Clock, options);
            EvidenceFile row = await store.AddAsync(w.Office, w.Scheme.Id, EvidenceStore.CorrectionEntity, 3, "../../etc/passwd.pdf", new MemoryStream(Pdf));
            row.FileName.ShouldBe("passwd.pdf", "no folders in a name");
            string[] files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
            files.Length.ShouldBe(1);
            Path.GetFileName(files[0]).ShouldBe(row.Sha256);

            using SaimaDb fresh = SaimaDb.Open(w.Store);
            EvidenceFile stored = fresh.Evidence.Single();
            stored.Content.ShouldBeNull("kept in the folder, not the database");
            stored.StoredPath.ShouldNotBeNull();
            (await new EvidenceStore(fresh, w.Clock, options).ReadAsync(row.Id)).Bytes.ShouldBe(Pdf);

            // A file changed behind the store's back is not served as the evidence.
            await File.WriteAllBytesAsync(files[0], Exe);
            (await Should.ThrowAsync<NotFoundException>(() => new EvidenceStore(fresh, w.Clock, options).ReadAsync(row.Id))).Code.ShouldBe(WorkflowCodes.NoEvidence);
            (await new EvidenceStore(fresh, w.Clock, options).ListAsync(EvidenceStore.CorrectionEntity, [3, 4])).Select(f => f.Id).ShouldBe([row.Id]);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    public static TheoryData<string, byte[], string?> Kinds() => new()
    {
        { "a.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png" },
        { "a.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "image/jpeg" },
        { "a.gif", Encoding.ASCII.GetBytes("GIF89a\u0001\u0000"), "image/gif" },
        { "a.webp", Encoding.ASCII.GetBytes("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "), "image/webp" },
        { "a.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "application/vnd.ms-excel" },
        { "a.doc", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "application/msword" },
        { "a.docx", Zip("[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        { "a.pdf", Zip("[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
        { "a.pptx", Zip("[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
        { "a.docx", Zip("word/document.xml"), null },
        { "a.csv", Encoding.UTF8.GetBytes("单位,得分\nC01,3\n"), "text/csv; charset=utf-8" },
        { "a.txt", Encoding.UTF8.GetBytes("说明"), "text/plain; charset=utf-8" },
        { "a.txt", [0x61, 0x00, 0x62], null },
        { "a.csv", [0xB5, 0xA5, 0xCE, 0xBB], null },
        { "a.pdf", Encoding.UTF8.GetBytes("plain words"), null },
        { "a.html", Encoding.UTF8.GetBytes("<script>alert(1)</script>"), null },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sniff_DecidesByContent(string name, byte[] content, string? expected) =>
        EvidenceStore.Sniff(content, name).ShouldBe(expected, name);

    private static byte[] Zip(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (string e in entries)
            {
                using var s = zip.CreateEntry(e).Open();
                s.Write("<x/>"u8);
            }
        }

        return buffer.ToArray();
    }

    private World NewWorld(StoreProvider provider)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        return w;
    }

    /// <summary>A stream read front to back that does not know its length (an upload as it arrives).</summary>
    private sealed class OneWay(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
