using System.IO.Compression;

namespace Saima.Data.Reports;

/// <summary>
/// Every unit's feedback report in one .zip: {stem}.pdf and {stem}.docx per unit
/// (<see cref="FeedbackContent.FileStem"/>), in unit code order. The PDFs are printed by one browser (<see cref="ChromiumBatch"/>).
/// </summary>
public static class FeedbackZip
{
    public static void Write(IReadOnlyList<FeedbackContent> reports, Stream output, string? chromium = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(output);
        var pdfs = new byte[reports.Count][];
        using (var browser = new ChromiumBatch(chromium))
        {
            for (int i = 0; i < reports.Count; i++)
            {
                using var buffer = new MemoryStream();
                browser.Print(FeedbackWriters.Html(reports[i]), buffer);
                pdfs[i] = buffer.ToArray();
            }
        }

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        for (int i = 0; i < reports.Count; i++)
        {
            FeedbackContent r = reports[i];
            using (Stream pdf = zip.CreateEntry(r.FileStem + ".pdf", CompressionLevel.Optimal).Open())
            {
                pdf.Write(pdfs[i]);
            }

            using var docx = new MemoryStream();
            FeedbackWriters.WriteDocx(r, docx);
            using Stream entry = zip.CreateEntry(r.FileStem + ".docx", CompressionLevel.Optimal).Open();
            docx.Position = 0;
            docx.CopyTo(entry);
        }
    }
}
