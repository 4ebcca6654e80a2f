using System.Text.Json;

namespace Saima.Web.Features.Api;

/// <summary>
/// Reads a request's JSON body by hand, so that every error names the field it is about
/// (<c>items[3].value: expected a number</c>) instead of failing the whole body at once.
/// </summary>
internal static class ApiJson
{
    /// <summary>Largest body the write endpoints read (a city's month is well below it).</summary>
    public const int MaxBody = 8 * 1024 * 1024;

    /// <summary>The body as JSON; null when it is empty; an error when it is not JSON.</summary>
    public static async Task<(JsonDocument? Json, string? Error)> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength is > MaxBody)
        {
            return (null, "the body is larger than 8 MiB; send fewer figures at a time");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancel);
        if (buffer.Length > MaxBody)
        {
            return (null, "the body is larger than 8 MiB; send fewer figures at a time");
        }

        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            return (JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 }), null);
        }
        catch (JsonException e)
        {
            return (null, "the body is not JSON: " + e.Message);
        }
    }

    /// <summary>The name of a field under a path: <c>items[2].value</c>, or <c>unit</c> at the top.</summary>
    public static string Field(string path, string name) => path.Length == 0 ? name : path + "." + name;

    /// <summary>A string property: absent or null gives null; any other kind is an error.</summary>
    public static bool TryString(JsonElement obj, string name, string path, List<(string, string)> errors, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out JsonElement p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            errors.Add((Field(path, name), "expected a string"));
            return false;
        }

        value = p.GetString();
        return true;
    }

    /// <summary>A required, non-blank string property.</summary>
    public static string? Required(JsonElement obj, string name, string path, List<(string, string)> errors)
    {
        if (!TryString(obj, name, path, errors, out string? value))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add((Field(path, name), "required"));
            return null;
        }

        return value.Trim();
    }

    /// <summary>
    /// The body as a JSON object, or the 400 answer naming the body: not JSON, too large, not an
    /// object, or empty (an empty body is no object and no error when <paramref name="optional"/>).
    /// </summary>
    public static async Task<(JsonElement? Body, IResult? Bad)> ObjectAsync(HttpRequest request, string expected, CancellationToken cancel, bool optional = false)
    {
        (JsonDocument? json, string? error) = await ReadAsync(request, cancel);
        if (error is not null)
        {
            return (null, ApiProblems.Invalid([("body", error)]));
        }

        if (json is null)
        {
            return optional ? (null, null) : (null, ApiProblems.Invalid([("body", "expected an object " + expected)]));
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiProblems.Invalid([("body", "expected an object " + expected)]));
            }

            return (json.RootElement.Clone(), null);
        }
    }

    /// <summary>A string property at the top of a body: absent or null gives null; any other kind is an error (and null).</summary>
    public static string? Str(JsonElement root, string name, List<(string, string)> errors)
    {
        TryString(root, name, string.Empty, errors, out string? value);
        return value;
    }
}
