using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// Where evidence files are kept and how large they may be. <see cref="Folder"/> null: in the
/// database (the <c>content</c> column); otherwise in that folder, each file named by its SHA-256
/// (never by the name the user gave it), so the same content is kept once.
/// </summary>
public sealed record EvidenceOptions
{
    /// <summary>The default cap: 10 MB.</summary>
    public const long DefaultMaxBytes = 10L * 1024 * 1024;

    public string? Folder { get; init; }

    public long MaxBytes { get; init; } = DefaultMaxBytes;

    public static EvidenceOptions Database { get; } = new();
}

/// <summary>An evidence file as read back: its row (without the content) and its bytes.</summary>
public sealed record EvidenceContent(EvidenceFile File, byte[] Bytes);

/// <summary>
/// Evidence files (佐证材料) attached to a figure, a correction or an adjustment: the store's
/// primitives, used by the use cases that take files (<see cref="AdjustmentService"/>, and the
/// figures' workflow). Who may attach and who may read is the calling use case's decision; this
/// class checks the file itself: not empty, not over the cap, and of a kind taken, decided by its
/// content (magic bytes), never by its name — PDF, PNG, JPEG, GIF, WebP, Office Open XML
/// (a zip holding <c>[Content_Types].xml</c>), legacy Office (an OLE compound file), and plain
/// text (.txt/.csv) only when it is valid UTF-8 without NUL characters. Every file added is
/// written to the audit trail with its SHA-256.
/// </summary>
public sealed class EvidenceStore(SaimaDb db, TimeProvider clock, EvidenceOptions? options = null)
{
    /// <summary>The audit entity of evidence files; the key is entity/entity id/file id.</summary>
    public const string Entity = "evidence";

    public const string FigureEntity = "figure";
    public const string CorrectionEntity = "correction";
    public const string AdjustmentEntity = "adjustment";

    /// <summary>The longest file name kept (longer names are cut, keeping the extension).</summary>
    public const int MaxName = 200;

    /// <summary>What the refusals say is taken.</summary>
    public const string Expected = "PDF, PNG, JPEG, GIF, WebP, Word/Excel/PowerPoint (.docx/.xlsx/.pptx, .doc/.xls/.ppt), UTF-8 .txt/.csv";

    private static readonly string[] Entities = [FigureEntity, CorrectionEntity, AdjustmentEntity];

    public EvidenceOptions Options { get; } = options ?? EvidenceOptions.Database;

    /// <summary>
    /// Stores <paramref name="content"/> as evidence of <paramref name="entity"/> <paramref name="entityId"/>
    /// of a scheme, uploaded by <paramref name="actor"/>; saves (within the caller's transaction,
    /// if any) and returns the row (its content not kept in memory when stored in a folder).
    /// Refused with <see cref="WorkflowCodes.EvidenceEmpty"/>, <see cref="WorkflowCodes.EvidenceTooLarge"/>
    /// or <see cref="WorkflowCodes.EvidenceType"/>, naming the file.
    /// </summary>
    public async Task<EvidenceFile> AddAsync(Actor actor, long schemeId, string entity, long entityId, string fileName, Stream content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(content);
        actor.Validate();
        if (!Entities.Contains(entity, StringComparer.Ordinal))
        {
            throw new WorkflowException(WorkflowCodes.EvidenceEntity, $"evidence is attached to a figure, a correction or an adjustment, not to '{entity}'", entity);
        }

        string name = CleanName(fileName);
        byte[] bytes = await ReadCappedAsync(content, name, cancel).ConfigureAwait(false);
        string type = Sniff(bytes, name)
            ?? throw new WorkflowException(WorkflowCodes.EvidenceType, $"file '{name}' is not of a kind taken as evidence (its content was checked, not its name); expected {Expected}", name, Expected);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string? stored = null;
        if (Options.Folder is { } folder)
        {
            stored = await WriteFileAsync(folder, sha, bytes, cancel).ConfigureAwait(false);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var row = new EvidenceFile
        {
            SchemeId = schemeId,
            Entity = entity,
            EntityId = entityId,
            FileName = name,
            ContentType = type,
            SizeBytes = bytes.LongLength,
            Sha256 = sha,
            Content = stored is null ? bytes : null,
            StoredPath = stored,
            UploadedBy = actor.Name,
            UploadedAt = now,
        };
        db.Evidence.Add(row);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", Entity, $"{entity}/{AuditLog.Text(entityId)}/{AuditLog.Text(row.Id)}", "file", null,
            string.Create(CultureInfo.InvariantCulture, $"{name} ({type}, {bytes.LongLength} bytes, sha256 {sha})")));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        db.Entry(row).State = EntityState.Detached;
        row.Content = null;
        return row;
    }

    /// <summary>The row of an evidence file without its content, or null.</summary>
    public Task<EvidenceFile?> FindAsync(long id, CancellationToken cancel = default) =>
        db.Evidence.AsNoTracking().Where(e => e.Id == id).Select(Meta).SingleOrDefaultAsync(cancel);

    /// <summary>An evidence file with its bytes (from the database or the folder); refused with <see cref="WorkflowCodes.NoEvidence"/> when it does not exist.</summary>
    public async Task<EvidenceContent> ReadAsync(long id, CancellationToken cancel = default)
    {
        EvidenceFile row = await db.Evidence.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoEvidence, $"evidence file {AuditLog.Text(id)} does not exist", AuditLog.Text(id));
        byte[]? bytes = row.Content;
        if (bytes is null && row.StoredPath is { } path && Options.Folder is { } folder)
        {
            string full = Path.Combine(folder, path);
            if (File.Exists(full))
            {
                bytes = await File.ReadAllBytesAsync(full, cancel).ConfigureAwait(false);
            }
        }

        if (bytes is null || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), row.Sha256, StringComparison.Ordinal))
        {
            throw new NotFoundException(WorkflowCodes.NoEvidence, $"the content of evidence file {AuditLog.Text(id)} ('{row.FileName}') is missing or changed (SHA-256 differs)", AuditLog.Text(id));
        }

        row.Content = null;
        return new EvidenceContent(row, bytes);
    }

    /// <summary>The evidence files (rows without content) of these rows of an entity, by entity id, then in upload order.</summary>
    public async Task<IReadOnlyList<EvidenceFile>> ListAsync(string entity, IReadOnlyCollection<long> entityIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(entityIds);
        if (entityIds.Count == 0)
        {
            return [];
        }

        long[] ids = [.. entityIds.Distinct()];
        return await db.Evidence.AsNoTracking().Where(e => e.Entity == entity && ids.Contains(e.EntityId))
            .OrderBy(e => e.EntityId).ThenBy(e => e.Id).Select(Meta).ToListAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The content type of a file by its content, or null when it is of no kind taken. The name
    /// only tells the legacy Office formats apart (their compound file looks the same) and .txt from
    /// .csv; it never makes a file acceptable.
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes, string fileName)
    {
        string ext = Path.GetExtension(fileName ?? string.Empty).ToLowerInvariant();
        if (bytes.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return ext switch
            {
                ".xls" => "application/vnd.ms-excel",
                ".ppt" => "application/vnd.ms-powerpoint",
                _ => "application/msword",
            };
        }

        if (bytes.StartsWith("PK\u0003\u0004"u8))
        {
            return OfficeOpenXml(bytes.ToArray());
        }

        if ((ext is ".txt" or ".csv") && IsText(bytes))
        {
            return ext == ".csv" ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
        }

        return null;
    }

    private static readonly System.Linq.Expressions.Expression<Func<EvidenceFile, EvidenceFile>> Meta = e => new EvidenceFile
    {
        Id = e.Id,
        SchemeId = e.SchemeId,
        Entity = e.Entity,
        EntityId = e.EntityId,
        FileName = e.FileName,
        ContentType = e.ContentType,
        SizeBytes = e.SizeBytes,
        Sha256 = e.Sha256,
        StoredPath = e.StoredPath,
        UploadedBy = e.UploadedBy,
        UploadedAt = e.UploadedAt,
    };

    /// <summary>A zip is taken only as an Office Open XML document: it holds [Content_Types].xml; its main part says which.</summary>
    private static string? OfficeOpenXml(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            if (zip.GetEntry("[Content_Types].xml") is null)
            {
                return null;
            }

            bool Has(string prefix) => zip.Entries.Any(e => e.FullName.StartsWith(prefix, StringComparison.Ordinal));
            return Has("word/") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                : Has("xl/") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                : Has("ppt/") ? "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The name as kept: no folders, no control characters, at most <see cref="MaxName"/> characters.</summary>
    private static string CleanName(string? fileName)
    {
        string name = (fileName ?? string.Empty).Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0)
        {
            name = "file";
        }

        if (name.Length > MaxName)
        {
            string ext = Path.GetExtension(name);
            name = ext.Length < 16 ? name[..(MaxName - ext.Length)] + ext : name[..MaxName];
        }

        return name;
    }

    private async Task<byte[]> ReadCappedAsync(Stream content, string name, CancellationToken cancel)
    {
        if (content.CanSeek && content.Length - content.Position > Options.MaxBytes)
        {
            throw TooLarge(name, content.Length - content.Position);
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > Options.MaxBytes)
            {
                throw TooLarge(name, content.CanSeek ? content.Length : buffer.Length);
            }
        }

        if (buffer.Length == 0)
        {
            throw new WorkflowException(WorkflowCodes.EvidenceEmpty, $"file '{name}' is empty", name);
        }

        return buffer.ToArray();
    }

    private WorkflowException TooLarge(string name, long size) => new(
        WorkflowCodes.EvidenceTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"file '{name}' is {size} bytes (or more); evidence files are at most {Options.MaxBytes} bytes"),
        name, size.ToString(CultureInfo.InvariantCulture), Options.MaxBytes.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes the content as <c>ab/abcdef…</c> (its hash) in the folder, through a temporary file, unless it is there already; the path relative to the folder.</summary>
    private static async Task<string> WriteFileAsync(string folder, string sha, byte[] bytes, CancellationToken cancel)
    {
        string relative = Path.Combine(sha[..2], sha);
        string full = Path.Combine(folder, relative);
        if (File.Exists(full) && new FileInfo(full).Length == bytes.LongLength)
        {
            return relative;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancel).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
        return relative;
    }
}
