using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Reports;

/// <summary>The kinds of document an office issues.</summary>
public static class DocumentKinds
{
    public const string Circular = "circular";
    public const string Feedback = "feedback";
    public const string Annual = "annual";

    /// <summary>The public board of a quarter (季度公示): its period is the quarter (2025-Q3); everyone, the public too, reads it.</summary>
    public const string Board = "board";

    /// <summary>The quarterly pack (季度赛马会材料): its period is the quarter (2025-Q3).</summary>
    public const string Pack = "pack";

    public static readonly IReadOnlyList<string> All = [Circular, Feedback, Annual, Board, Pack];
}

/// <summary>An issued document as listed (without its bytes).</summary>
public sealed record IssuedDocumentInfo(
    long Id, string Kind, string Period, string? UnitCode, string FileName, string ContentType, long SizeBytes, string Sha256,
    DateTimeOffset IssuedAt, string IssuedBy);

/// <summary>
/// The archive of issued documents (发文存档): the one door to issue a document
/// (<see cref="IssueAsync"/>: office only, of a published period or year, bytes kept with their
/// SHA-256, audited) and the reads, each limited to what the actor may read: the office and
/// leaders every issued document; anyone else the circulars and annual results and the feedback
/// reports of their own unit. An issued document is never changed (the store refuses updates).
/// </summary>
public sealed class DocumentArchive(SaimaDb db, TimeProvider clock)
{
    public const string Entity = "issued_document";

    /// <summary>How many documents a list shows at most, newest first.</summary>
    public const int ListCap = 200;

    /// <exception cref="AccessDeniedException">Not the office.</exception>
    /// <exception cref="NotFoundException">No such scheme or unit.</exception>
    /// <exception cref="WorkflowException">An unknown kind, a feedback report without a unit, or a period (year) not published.</exception>
    public async Task<IssuedDocumentInfo> IssueAsync(
        Actor actor, string schemeCode, string kind, string period, string? unitCode, string fileName, string contentType, byte[] content,
        string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        actor.RequireOffice("issue a document");
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        if (!DocumentKinds.All.Contains(kind))
        {
            throw new WorkflowException(WorkflowCodes.DocumentKind, $"'{kind}' is not a kind of document that can be issued ({string.Join(", ", DocumentKinds.All)})", kind);
        }

        var published = await Publications.PublishedAsync(db, scheme.Id, cancel);
        bool isPublished = kind switch
        {
            DocumentKinds.Annual => published.Any(p => p.Period == period || p.Period.StartsWith(period + "-", StringComparison.Ordinal)),
            DocumentKinds.Board or DocumentKinds.Pack => published.Any(p => PublicBoardReader.QuarterOf(p.Period) == period),
            _ => published.Any(p => p.Period == period),
        };
        if (!isPublished)
        {
            throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
                $"period {period} of scheme '{scheme.Code}' is not published (or has no results); only a published period's documents are issued", period, scheme.Code);
        }

        long? unitId = null;
        if (kind == DocumentKinds.Feedback)
        {
            if (unitCode is null)
            {
                throw new NotFoundException(WorkflowCodes.NoUnit, "a feedback report is issued for a unit; none was named", string.Empty);
            }

            unitId = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel)
                ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unknown unit '{unitCode}'", unitCode);
        }

        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        DateTimeOffset now = StoreTime.Now(clock);
        var row = new IssuedDocument
        {
            SchemeId = scheme.Id, Kind = kind, Period = period, UnitId = unitId, FileName = fileName, ContentType = contentType,
            SizeBytes = content.LongLength, Sha256 = sha, Content = content, IssuedAt = now, IssuedBy = actor.Name,
        };
        db.IssuedDocuments.Add(row);
        await db.SaveChangesAsync(cancel);
        db.Audit.Add(AuditLog.Entry(now, actor, "issue", Entity, row.Id.ToString(CultureInfo.InvariantCulture), "sha256", null,
            $"{scheme.Code}/{kind}/{period}{(unitCode is null ? string.Empty : "/" + unitCode)} {fileName} {sha}", reason));
        await db.SaveChangesAsync(cancel);
        return new IssuedDocumentInfo(row.Id, kind, period, kind == DocumentKinds.Feedback ? unitCode : null, fileName, contentType, row.SizeBytes, sha, now, actor.Name);
    }

    /// <summary>
    /// The issued documents of the scheme the actor may read, newest first, at most
    /// <paramref name="take"/> (capped at <see cref="ListCap"/>): of one kind and period when given,
    /// and older than the document <paramref name="before"/> when given (the next page's cursor is
    /// the last id listed).
    /// </summary>
    public async Task<IReadOnlyList<IssuedDocumentInfo>> ListAsync(
        Actor actor, string schemeCode, string? kind = null, string? period = null, long? before = null, int take = ListCap, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        var query = Visible(actor, db.IssuedDocuments.AsNoTracking().Where(d => d.SchemeId == scheme.Id));
        if (kind is not null)
        {
            query = query.Where(d => d.Kind == kind);
        }

        if (period is not null)
        {
            query = query.Where(d => d.Period == period);
        }

        if (before is long b)
        {
            query = query.Where(d => d.Id < b);
        }

        var rows = await query
            .OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, ListCap))
            .Select(d => new { d.Id, d.Kind, d.Period, d.UnitId, d.FileName, d.ContentType, d.SizeBytes, d.Sha256, d.IssuedAt, d.IssuedBy })
            .ToListAsync(cancel);
        var ids = rows.Where(r => r.UnitId is not null).Select(r => r.UnitId!.Value).Distinct().ToList();
        var codes = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, cancel);
        return rows.Select(r => new IssuedDocumentInfo(r.Id, r.Kind, r.Period, r.UnitId is long u ? codes.GetValueOrDefault(u) : null, r.FileName,
            r.ContentType, r.SizeBytes, r.Sha256, r.IssuedAt, r.IssuedBy)).ToList();
    }

    /// <summary>An issued document with its bytes, if the actor may read it.</summary>
    /// <exception cref="NotFoundException"><see cref="WorkflowCodes.NoDocument"/>: none such, or not the actor's to read (the same answer, so nothing is revealed).</exception>
    public async Task<IssuedDocument> ReadAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        return await Visible(actor, db.IssuedDocuments.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoDocument, $"no issued document {id.ToString(CultureInfo.InvariantCulture)} that {actor} may read",
                id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The public boards issued (of every scheme, or of one), newest first, at most <paramref name="take"/>: what anyone, signed in or not, may read.</summary>
    public async Task<IReadOnlyList<(string SchemeCode, string SchemeName, IssuedDocumentInfo Document)>> PublicAsync(int take = 20, CancellationToken cancel = default)
    {
        var rows = await db.IssuedDocuments.AsNoTracking().Where(d => d.Kind == DocumentKinds.Board)
            .OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, ListCap))
            .Join(db.Schemes.AsNoTracking(), d => d.SchemeId, s => s.Id, (d, s) => new
            {
                s.Code, s.Name, d.Id, d.Kind, d.Period, d.FileName, d.ContentType, d.SizeBytes, d.Sha256, d.IssuedAt, d.IssuedBy,
            })
            .ToListAsync(cancel);
        return rows.OrderByDescending(r => r.Id)
            .Select(r => (r.Code, r.Name, new IssuedDocumentInfo(r.Id, r.Kind, r.Period, null, r.FileName, r.ContentType, r.SizeBytes, r.Sha256, r.IssuedAt, r.IssuedBy)))
            .ToList();
    }

    /// <summary>An issued public board with its bytes, for anyone.</summary>
    /// <exception cref="NotFoundException"><see cref="WorkflowCodes.NoDocument"/>: no such document, or not a public board.</exception>
    public async Task<IssuedDocument> ReadPublicAsync(long id, CancellationToken cancel = default) =>
        await db.IssuedDocuments.AsNoTracking().Where(d => d.Id == id && d.Kind == DocumentKinds.Board).SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoDocument, $"no public document {id.ToString(CultureInfo.InvariantCulture)}", id.ToString(CultureInfo.InvariantCulture));

    private static IQueryable<IssuedDocument> Visible(Actor actor, IQueryable<IssuedDocument> documents) =>
        actor.Role is ActorRole.Office or ActorRole.Leader
            ? documents
            : documents.Where(d => d.Kind != DocumentKinds.Feedback || (actor.UnitId != null && d.UnitId == actor.UnitId));
}
