using System.IO.Compression;

namespace Saima.Data.Reports;

/// <summary>
/// Every unit's feedback report in one .zip: {stem}.pdf and {stem}.docx per unit
/// (<see cref="FeedbackContent.FileStem"/>), in unit code order. The PDFs are printed two at a time.
/// </summary>
public static class FeedbackZip
{
    public static void Write(IReadOnlyList<FeedbackContent> reports, Stream output, string? chromium = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(output);
        var pdfs = new byte[reports.Count][];
        try
        {
            Parallel.For(0, reports.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                using var buffer = new MemoryStream();
                FeedbackWriters.WritePdf(reports[i], buffer, chromium);
                pdfs[i] = buffer.ToArray();
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is ReportToolException) is { } tool)
        {
            throw new ReportToolException(tool.Message);
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
