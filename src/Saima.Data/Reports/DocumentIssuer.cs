using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Reports;

/// <summary>The file formats of the documents, with their content types.</summary>
public static class DocumentFormats
{
    public const string Pdf = "pdf";
    public const string Docx = "docx";
    public const string Xlsx = "xlsx";
    public const string Png = "png";

    public static string ContentType(string format) => format switch
    {
        Pdf => "application/pdf",
        Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Png => "image/png",
        _ => "application/octet-stream",
    };
}

/// <summary>
/// What the office issues a circular with: the text it edited (null or blank: the generated draft
/// as it is), the document number (发文字号), the date of issue (null: today in the office's zone)
/// and the formats (any of pdf, docx, xlsx; each is archived as its own document).
/// </summary>
public sealed record CircularIssue(string Scheme, string Period, string? Text, string? Number, DateOnly? IssuedOn, IReadOnlyList<string> Formats);

/// <summary>
/// The one door through which the office issues documents (印发): it generates each document from
/// the stored, published results (<see cref="CircularReader"/>, <see cref="FeedbackReader"/>,
/// <see cref="AnnualReader"/>), writes the formats asked for, and archives them immutable with
/// their SHA-256 (<see cref="DocumentArchive"/>) in one transaction: every file of an issue or
/// none. The office's edit of a circular's text is recorded in the audit trail with the
/// generated text as the old value. PDFs are printed by headless Chromium.
/// </summary>
public sealed class DocumentIssuer(SaimaDb db, TimeProvider clock, string? chromium = null)
{
    /// <summary>The longest text the office may write for a circular.</summary>
    public const int MaxText = 8000;

    /// <summary>The longest document number.</summary>
    public const int MaxNumber = 60;

    public static readonly IReadOnlyList<string> CircularFormats = [DocumentFormats.Pdf, DocumentFormats.Docx, DocumentFormats.Xlsx];

    public static readonly IReadOnlyList<string> AnnualFormats = CircularFormats;

    public static readonly IReadOnlyList<string> BoardFormats = [DocumentFormats.Pdf, DocumentFormats.Png, DocumentFormats.Xlsx];

    public static readonly IReadOnlyList<string> PackFormats = [DocumentFormats.Pdf, DocumentFormats.Docx];

    /// <summary>The published periods of a scheme (those with results), newest first: what documents can be issued of.</summary>
    public static async Task<IReadOnlyList<string>> PublishedPeriodsAsync(SaimaDb db, long schemeId, CancellationToken cancel = default) =>
        (await Publications.PublishedAsync(db, schemeId, cancel)).Select(p => p.Period).Distinct().OrderDescending(StringComparer.Ordinal).ToList();

    /// <summary>The circular as generated, for the office to read and edit before issuing.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    public async Task<CircularContent> CircularDraftAsync(Actor actor, string scheme, string period, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("draft a circular");
        return await new CircularReader(db, clock).ReadAsync(scheme, period, null, cancel);
    }

    /// <summary>The circular as it will be issued: the generated content with the office's text, number and date.</summary>
    /// <exception cref="WorkflowException"><see cref="WorkflowCodes.DocumentText"/>: a text or number too long.</exception>
    public async Task<CircularContent> CircularAsync(Actor actor, CircularIssue issue, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        CircularContent generated = await CircularDraftAsync(actor, issue.Scheme, issue.Period, cancel);
        string? text = Normalise(issue.Text);
        string? number = Normalise(issue.Number);
        if (text is { Length: > MaxText })
        {
            throw new WorkflowException(WorkflowCodes.DocumentText, $"the circular's text has {text.Length} characters; at most {MaxText}", "text", Int(MaxText));
        }

        if (number is { Length: > MaxNumber } || number?.Contains('\n', StringComparison.Ordinal) == true)
        {
            throw new WorkflowException(WorkflowCodes.DocumentText, $"the document number must be one line of at most {MaxNumber} characters", "number", Int(MaxNumber));
        }

        return generated with { Draft = text ?? generated.Draft, Number = number, IssuedOn = issue.IssuedOn ?? await TodayAsync(cancel) };
    }

    /// <summary>Issues the circular of a published period in the formats asked for.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="WorkflowException">A format the circular lacks, a text too long, the period not published.</exception>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> IssueCircularAsync(Actor actor, CircularIssue issue, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var formats = Formats(issue.Formats, CircularFormats);
        CircularContent generated = await CircularDraftAsync(actor, issue.Scheme, issue.Period, cancel);
        CircularContent content = await CircularAsync(actor, issue, cancel);
        var files = new List<(string Name, string Format, byte[] Bytes)>();
        foreach (string format in formats)
        {
            using var buffer = new MemoryStream();
            switch (format)
            {
                case DocumentFormats.Pdf:
                    CircularPdf.Print(CircularWriters.Html(content), buffer, chromium);
                    break;
                case DocumentFormats.Docx:
                    CircularWriters.WriteDocx(content, buffer);
                    break;
                default:
                    CircularWriters.WriteXlsx(content, buffer);
                    break;
            }

            files.Add(($"circular-{content.SchemeCode}-{content.Period}.{format}", format, buffer.ToArray()));
        }

        bool edited = content.Draft != generated.Draft;
        return await ArchiveAsync(actor, issue.Scheme, DocumentKinds.Circular, issue.Period, files.Select(f => (f.Name, f.Format, (string?)null, f.Bytes)).ToList(),
            content.Number, edited ? (generated.Draft, content.Draft) : null, cancel);
    }

    /// <summary>
    /// Issues the feedback reports (点对点反馈) of a published period, one .pdf and one .docx per
    /// unit: of one unit, or of every unit with results when <paramref name="unit"/> is null.
    /// <paramref name="progress"/> hears how many units' reports are written (before the archive
    /// takes them all in one transaction).
    /// </summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> IssueFeedbackAsync(
        Actor actor, string scheme, string period, string? unit, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("issue feedback reports");
        var reader = new FeedbackReader(db, clock);
        IReadOnlyList<FeedbackContent> reports = unit is null
            ? await reader.ReadAllAsync(scheme, period, null, cancel)
            : [await reader.ReadAsync(scheme, period, unit, null, cancel)];
        progress?.Report((0, reports.Count));
        var files = new List<(string Name, string Format, string? Unit, byte[] Bytes)>();
        using (var browser = new ChromiumBatch(chromium))
        {
            for (int i = 0; i < reports.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                FeedbackContent r = reports[i];
                using var pdf = new MemoryStream();
                browser.Print(FeedbackWriters.Html(r), pdf);
                using var docx = new MemoryStream();
                FeedbackWriters.WriteDocx(r, docx);
                files.Add((r.FileStem + ".pdf", DocumentFormats.Pdf, r.UnitCode, pdf.ToArray()));
                files.Add((r.FileStem + ".docx", DocumentFormats.Docx, r.UnitCode, docx.ToArray()));
                progress?.Report((i + 1, reports.Count));
            }
        }

        return await ArchiveAsync(actor, scheme, DocumentKinds.Feedback, period, files, null, null, cancel);
    }

    /// <summary>Issues the annual results of a year (the year's published periods) in the formats asked for.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="WorkflowException">A format the annual results lack; a year without a published period.</exception>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> IssueAnnualAsync(Actor actor, string scheme, int year, IReadOnlyList<string> formats, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("issue the annual results");
        var chosen = Formats(formats, AnnualFormats);
        AnnualContent content = await new AnnualReader(db, clock).ReadAsync(scheme, year, null, cancel);
        var files = new List<(string Name, string Format, string? Unit, byte[] Bytes)>();
        foreach (string format in chosen)
        {
            using var buffer = new MemoryStream();
            switch (format)
            {
                case DocumentFormats.Pdf:
                    AnnualWriters.WritePdf(content, buffer, chromium);
                    break;
                case DocumentFormats.Docx:
                    AnnualWriters.WriteDocx(content, buffer);
                    break;
                default:
                    AnnualWriters.WriteXlsx(content, buffer);
                    break;
            }

            files.Add((string.Create(CultureInfo.InvariantCulture, $"annual-{content.SchemeCode}-{year}.{format}"), format, null, buffer.ToArray()));
        }

        return await ArchiveAsync(actor, scheme, DocumentKinds.Annual, Int(year), files, null, null, cancel);
    }

    /// <summary>
    /// Issues the public board of a quarter (季度公示: the public indicators as of the quarter's
    /// latest published period) in the formats asked for; the public page lists it.
    /// </summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="WorkflowException">A format the board lacks; a quarter without a published period.</exception>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> IssueBoardAsync(Actor actor, string scheme, string quarter, IReadOnlyList<string> formats, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("issue the public board");
        var chosen = Formats(formats, BoardFormats);
        BoardContent content = await new PublicBoardReader(db, clock).ReadAsync(scheme, quarter, null, cancel);
        var files = new List<(string Name, string Format, string? Unit, byte[] Bytes)>();
        foreach (string format in chosen)
        {
            using var buffer = new MemoryStream();
            switch (format)
            {
                case DocumentFormats.Pdf:
                    PublicBoardWriters.WritePdf(content, buffer, chromium);
                    break;
                case DocumentFormats.Png:
                    PublicBoardWriters.WritePng(content, buffer, chromium);
                    break;
                default:
                    PublicBoardWriters.WriteXlsx(content, buffer);
                    break;
            }

            files.Add(($"board-{content.SchemeCode}-{content.Quarter}.{format}", format, null, buffer.ToArray()));
        }

        return await ArchiveAsync(actor, scheme, DocumentKinds.Board, content.Quarter, files, null, null, cancel);
    }

    /// <summary>Issues the quarterly pack (季度赛马会材料) of a quarter in the formats asked for.</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="WorkflowException">A format the pack lacks; a quarter without a published period.</exception>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> IssuePackAsync(Actor actor, string scheme, string quarter, IReadOnlyList<string> formats, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("issue the quarterly pack");
        var chosen = Formats(formats, PackFormats);
        PackContent content = await new QuarterlyPackReader(db, clock).ReadAsync(scheme, quarter, null, cancel);
        var files = new List<(string Name, string Format, string? Unit, byte[] Bytes)>();
        foreach (string format in chosen)
        {
            using var buffer = new MemoryStream();
            if (format == DocumentFormats.Pdf)
            {
                QuarterlyPackWriters.WritePdf(content, buffer, chromium);
            }
            else
            {
                QuarterlyPackWriters.WriteDocx(content, buffer);
            }

            files.Add(($"pack-{content.SchemeCode}-{content.Quarter}.{format}", format, null, buffer.ToArray()));
        }

        return await ArchiveAsync(actor, scheme, DocumentKinds.Pack, content.Quarter, files, null, null, cancel);
    }

    private async Task<IReadOnlyList<IssuedDocumentInfo>> ArchiveAsync(
        Actor actor, string scheme, string kind, string period, IReadOnlyList<(string Name, string Format, string? Unit, byte[] Bytes)> files,
        string? number, (string Generated, string Edited)? edit, CancellationToken cancel)
    {
        var archive = new DocumentArchive(db, clock);
        var issued = new List<IssuedDocumentInfo>(files.Count);
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancel) : null;
        foreach (var (name, format, unit, bytes) in files)
        {
            issued.Add(await archive.IssueAsync(actor, scheme, kind, period, unit, name, DocumentFormats.ContentType(format), bytes, number, cancel));
        }

        if (edit is var (generated, edited) && issued.Count > 0)
        {
            db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "edit", DocumentArchive.Entity, Int(issued[0].Id), "text", generated, edited,
                "通报正文由考核办修改后印发"));
            await db.SaveChangesAsync(cancel);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(cancel);
        }

        return issued;
    }

    private async Task<DateOnly> TodayAsync(CancellationToken cancel)
    {
        TimeZoneInfo zone = OfficeSettings.Find(await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel)) ?? TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }

    private static List<string> Formats(IReadOnlyList<string>? asked, IReadOnlyList<string> has)
    {
        var chosen = (asked ?? []).Select(f => f.Trim().TrimStart('.').ToLowerInvariant()).Distinct().ToList();
        string wrong = chosen.Count == 0 ? string.Empty : chosen.FirstOrDefault(f => !has.Contains(f)) ?? string.Empty;
        if (chosen.Count == 0 || wrong.Length > 0)
        {
            throw new WorkflowException(WorkflowCodes.DocumentFormat, $"the format '{wrong}' is not one of {string.Join(", ", has)}", wrong, string.Join(", ", has));
        }

        return has.Where(chosen.Contains).ToList();
    }

    private static string? Normalise(string? text)
    {
        string? t = text?.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        return string.IsNullOrEmpty(t) ? null : t;
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
}
