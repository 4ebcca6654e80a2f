using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;

namespace Saima.Web.Features.Lists;

/// <summary>An evidence upload as the API takes it (multipart/form-data): one file and an optional note (for the document).</summary>
public sealed record ApiEvidenceUpload(IFormFile File, string? Note);

/// <summary>An evidence file of an item: name, type (as its content was found), size, SHA-256, who uploaded it and when, where to download it.</summary>
public sealed record ApiListEvidence(long Id, string FileName, string ContentType, long Size, string Sha256, string UploadedBy, DateTimeOffset UploadedAt, string Download);

/// <summary>An item's evidence files: how many it has, and the first of them (at most <see cref="ListService.MaxEvidenceListed"/>).</summary>
public sealed record ApiEvidenceFiles(int Total, IReadOnlyList<ApiListEvidence> Files);

/// <summary>
/// An item's evidence files through the API: <c>POST /api/v1/items/{id}/evidence</c> uploads one
/// (multipart/form-data: the part <c>file</c>, and <c>note</c>) through the same door as the item
/// page (<see cref="ListService.AddEvidenceAsync"/>: the office or an owner unit, the content
/// checked, at most <see cref="ListService.MaxEvidenceBytes"/>), as the token's user; a file the
/// door refuses (empty, too large, not of a kind taken) is a 400 naming the field <c>file</c> with
/// the refusal's code. <c>GET …/evidence</c> lists them (at most <see cref="ListService.MaxEvidenceListed"/>,
/// the count in <c>X-Total-Count</c>) and <c>GET …/evidence/{file}</c> downloads one, for whoever
/// may see the item.
/// </summary>
public static class ListEvidenceApi
{
    /// <summary>Largest request of an upload: the file's limit and room for the form around it.</summary>
    public const long MaxRequest = ListService.MaxEvidenceBytes + (1024 * 1024);

    private static readonly string[] FileCodes = [WorkflowCodes.EvidenceEmpty, WorkflowCodes.EvidenceTooLarge, WorkflowCodes.EvidenceType];

    public static IEndpointRouteBuilder MapListEvidenceApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1").RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Lists");
        api.MapPost("/items/{id}/evidence", UploadAsync)
            .WithName("AddItemEvidence").WithSummary("Upload an evidence file to an item (the office or an owner unit)")
            .WithDescription("multipart/form-data: file (one file, at most " + ListService.MaxEvidenceBytes.ToString(CultureInfo.InvariantCulture)
                + " bytes, checked by its content: " + EvidenceStore.Expected + ") and note (optional: what it proves, kept in the item's history). "
                + "201 with the file's metadata and its Location. 400 names the field (file, note) with the refusal's code; 403 when the user may not; "
                + "404 when the item does not exist or is not the user's to see; 409 when the item is closed out.")
            .WithMetadata(new ApiBody(typeof(ApiEvidenceUpload), Required: true, ContentType: "multipart/form-data"))
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequest))
            .WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxRequest })
            .Produces<ApiListEvidence>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .AddEndpointFilter(ApiProblems.RequireToken);
        api.MapGet("/items/{id}/evidence", ListAsync)
            .WithName("ListItemEvidence").WithSummary("The evidence files of an item (metadata and download links)")
            .WithDescription("At most " + ListService.MaxEvidenceListed.ToString(CultureInfo.InvariantCulture)
                + " files, oldest first, as one object {total, files}; total (and X-Total-Count) says how many the item has. 404 when the item does not exist or is not the caller's to see.")
            .Produces<ApiEvidenceFiles>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/items/{id}/evidence/{file}", DownloadAsync)
            .WithName("GetItemEvidence").WithSummary("Download an evidence file of an item")
            .WithDescription("The file's content with its type. 404 when the item or the file does not exist or is not the caller's to see.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream").ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    /// <summary>Where a file of an item is downloaded.</summary>
    public static string Download(long item, long file) =>
        string.Create(CultureInfo.InvariantCulture, $"{ListApi.Prefix}/{item}/evidence/{file}");

    private static async Task<IResult> UploadAsync(long id, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is null)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return ApiProblems.Invalid([("body", "multipart/form-data with one file in the part 'file' and an optional 'note'")]);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancel);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? FileRefused(WorkflowCodes.EvidenceTooLarge, string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxEvidenceBytes} bytes"),
                    [string.Empty, string.Empty, ListService.MaxEvidenceBytes.ToString(CultureInfo.InvariantCulture)])
                : ApiProblems.Invalid([("body", "a readable multipart/form-data body: " + e.Message)]);
        }

        IReadOnlyList<IFormFile> files = form.Files.GetFiles("file");
        var errors = new List<(string, string)>();
        if (files.Count == 0)
        {
            errors.Add(("file", "required: one file in the part 'file'"));
        }
        else if (files.Count > 1 || form.Files.Count > 1)
        {
            errors.Add(("file", "one file at a time"));
        }

        if (form["note"].Count > 1)
        {
            errors.Add(("note", "at most one note"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        IFormFile upload = files[0];
        string? note = form["note"].FirstOrDefault();
        try
        {
            await using Stream content = upload.OpenReadStream();
            ListEvidence row = await new ListService(db, clock).AddEvidenceAsync(ListPages.Actor(access), id, upload.FileName, content, note, cancel);
            ApiListEvidence shown = new(row.Id, row.FileName, row.ContentType, row.SizeBytes, row.Sha256, row.UploadedBy, row.UploadedAt, Download(id, row.Id));
            return TypedResults.Created(shown.Download, shown);
        }
        catch (ListInvalidException e)
        {
            return ApiProblems.Invalid([.. e.Errors.Select(x => (x.Field, x.Message))]);
        }
        catch (WorkflowException e) when (FileCodes.Contains(e.Code))
        {
            return FileRefused(e.Code, e.Message, e.Args);
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return ApiProblems.Refusal(e);
        }
    }

    private static async Task<IResult> ListAsync(long id, HttpContext http, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        try
        {
            ListEvidenceList list = await new ListService(db, clock).EvidenceAsync(actor, id, cancel);
            http.Response.Headers["X-Total-Count"] = list.Total.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Ok(new ApiEvidenceFiles(list.Total,
                [.. list.Files.Select(f => new ApiListEvidence(f.Id, f.FileName, f.ContentType, f.SizeBytes, f.Sha256, f.UploadedBy, f.UploadedAt, Download(id, f.Id)))]));
        }
        catch (NotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }

    private static async Task<IResult> DownloadAsync(long id, long file, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        try
        {
            ListEvidence e = await new ListService(db, clock).ReadEvidenceAsync(actor, file, cancel);
            return e.ItemId == id
                ? TypedResults.File(e.Content, e.ContentType, e.FileName)
                : ApiProblems.NotFound(string.Create(CultureInfo.InvariantCulture, $"item {id} has no evidence file {file}"));
        }
        catch (NotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
    }

    /// <summary>A file the door refused: 400 naming the field <c>file</c>, with the refusal's code and arguments.</summary>
    private static ValidationProblem FileRefused(string code, string message, IReadOnlyList<string> args) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["file"] = [message] },
            detail: "file: " + message,
            title: "The request is not valid",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code, ["args"] = args });
}
