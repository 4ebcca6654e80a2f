using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Saima.Web.Features.Api;

/// <summary>
/// A list endpoint answers a page at a time: <c>limit</c> rows at most (default and maximum
/// <see cref="MaxPageSize"/>), from the opaque <c>cursor</c> of the page before. The body stays
/// the list it always was; when more rows follow, the response carries the cursor of the next page
/// in <see cref="NextCursorHeader"/> and a <c>Link: &lt;…&gt;; rel="next"</c> header.
/// </summary>
internal static class ApiPaging
{
    /// <summary>The most rows one page of any list has (and the page size when none is asked for).</summary>
    public const int MaxPageSize = 1000;

    public const string NextCursorHeader = "X-Next-Cursor";

    private const char Separator = '\u001f';

    /// <summary>What every cursor this API makes starts with: another text is refused rather than read as a key.</summary>
    private const string Mark = "saima-cursor-1";

    /// <summary>The page size asked for, or a refusal naming the parameter.</summary>
    public static bool TrySize(int? limit, out int size, out IResult? refusal)
    {
        size = limit ?? MaxPageSize;
        refusal = null;
        if (size is < 1 or > MaxPageSize)
        {
            refusal = ApiProblems.Invalid([("limit", string.Create(CultureInfo.InvariantCulture, $"limit must be between 1 and {MaxPageSize}"))]);
            return false;
        }

        return true;
    }

    /// <summary>The key parts a cursor carries (the last row's sort key), or a refusal when it is not one this API made.</summary>
    public static bool TryRead(string? cursor, int parts, out string[]? key, out IResult? refusal)
    {
        key = null;
        refusal = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        byte[] bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.TryDecodeFromChars(cursor, bytes, out int written))
        {
            string[] read = Encoding.UTF8.GetString(bytes, 0, written).Split(Separator);
            if (read.Length == parts + 1 && read[0] == Mark)
            {
                key = read[1..];
                return true;
            }
        }

        refusal = ApiProblems.Invalid([("cursor", "not a cursor of this list: pass the X-Next-Cursor of the page before, unchanged")]);
        return false;
    }

    /// <summary>The cursor of the page after the one whose last row has this sort key.</summary>
    public static string Cursor(params string[] key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Mark + Separator + string.Join(Separator, key)));

    /// <summary>
    /// Takes a page from rows read one beyond the page size: when there was one more, the next
    /// page's cursor goes into the response headers.
    /// </summary>
    public static List<T> Page<T>(HttpContext http, List<T> readOneMore, int size, Func<T, string> cursorOf)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(readOneMore);
        ArgumentNullException.ThrowIfNull(cursorOf);
        if (readOneMore.Count <= size)
        {
            return readOneMore;
        }

        List<T> page = readOneMore.GetRange(0, size);
        Next(http, size, cursorOf(page[^1]));
        return page;
    }

    /// <summary>Says where the next page starts: its cursor in <see cref="NextCursorHeader"/> and a <c>Link rel="next"</c>.</summary>
    public static void Next(HttpContext http, int size, string next)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers[NextCursorHeader] = next;
        var query = http.Request.Query.Where(q => q.Key is not ("cursor" or "limit"))
            .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString()))
            .Append("limit=" + size.ToString(CultureInfo.InvariantCulture))
            .Append("cursor=" + Uri.EscapeDataString(next));
        http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}>; rel=\"next\"";
    }

    /// <summary>
    /// For lists paged by position (a door that pages by offset): the rows to skip that a cursor
    /// carries (0 without one), or a refusal when it is not one this API made.
    /// </summary>
    public static bool TryOffset(string? cursor, out int offset, out IResult? refusal)
    {
        offset = 0;
        if (!TryRead(cursor, 1, out string[]? key, out refusal))
        {
            return false;
        }

        if (key is not null && (!int.TryParse(key[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            offset = 0;
            refusal = ApiProblems.Invalid([("cursor", "not a cursor of this list: pass the X-Next-Cursor of the page before, unchanged")]);
            return false;
        }

        return true;
    }

    /// <summary>
    /// For lists paged by position: the total in <c>X-Total-Count</c>, and the next page's cursor
    /// when rows remain after this page's <paramref name="count"/> rows from <paramref name="offset"/>.
    /// </summary>
    public static void NextOffset(HttpContext http, int size, int offset, int count, int total)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        int after = offset + count;
        if (count > 0 && after < total)
        {
            Next(http, size, Cursor(after.ToString(CultureInfo.InvariantCulture)));
        }
    }
}

/// <summary>Marks a list endpoint as paged (<see cref="ApiPaging"/>), for the OpenAPI document and the tests.</summary>
internal sealed record ApiPaged;

/// <summary>Documents a paged list's <c>limit</c> (with its maximum), <c>cursor</c> and the next page's headers.</summary>
internal sealed class ApiPagingTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiPaged>().Any())
        {
            return Task.CompletedTask;
        }

        foreach (IOpenApiParameter p in operation.Parameters ?? [])
        {
            if (p is OpenApiParameter parameter && parameter.Name == "limit")
            {
                parameter.Description = string.Create(CultureInfo.InvariantCulture, $"Rows per page: at most {ApiPaging.MaxPageSize} (the default).");
                if (parameter.Schema is OpenApiSchema schema)
                {
                    schema.Minimum = "1";
                    schema.Maximum = ApiPaging.MaxPageSize.ToString(CultureInfo.InvariantCulture);
                    schema.Default = System.Text.Json.Nodes.JsonValue.Create(ApiPaging.MaxPageSize);
                }
            }
            else if (p is OpenApiParameter cursor && cursor.Name == "cursor")
            {
                cursor.Description = "Where the page starts: the X-Next-Cursor header of the page before (none: the first page).";
            }
        }

        if (operation.Responses?.TryGetValue("200", out IOpenApiResponse? ok) == true && ok is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[ApiPaging.NextCursorHeader] = new OpenApiHeader
            {
                Description = "The cursor of the next page; absent on the last page.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
            response.Headers["Link"] = new OpenApiHeader
            {
                Description = "rel=\"next\": the URL of the next page; absent on the last page.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }

        operation.Description += string.Create(CultureInfo.InvariantCulture, $" Paged: at most {ApiPaging.MaxPageSize} rows per page (limit); the next page from the X-Next-Cursor header (cursor).");
        return Task.CompletedTask;
    }
}
