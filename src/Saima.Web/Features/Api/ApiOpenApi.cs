using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Saima.Web.Features.Api;

/// <summary>The document's title and its two ways in: a personal API token (bearer) and, for reads, the login cookie.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Saima API",
            Version = "v1",
            Description = "Figures in, results out: the assessment's units, schemes and periods, published results, and data entry, review and "
                + "publication with the same roles, units and workflow as the web pages. Authenticate with a personal API token "
                + "(Authorization: Bearer saima_..., made at /account/tokens). Writes need a token; a signed-in browser may only read. "
                + "Errors are problem details (RFC 9457); a refused item is named as items[i].field.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "saima_ personal API token",
            Description = "A personal API token, made and revoked at /account/tokens. It acts as its user, with the user's roles and unit.",
        };
        document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "saima.auth",
            Description = "The login cookie of the web pages: reads only.",
        };
        return Task.CompletedTask;
    }
}

/// <summary>
/// The JSON body a write endpoint reads, for the document only. The handlers read the body
/// themselves (so that every error names its item and field, and a body-less submit works
/// without a Content-Type); <c>Accepts</c> metadata would also make routing refuse such requests.
/// A <c>multipart/form-data</c> body (<paramref name="ContentType"/>) is described from the type's
/// properties: an <see cref="IFormFile"/> is a file part, anything else a text part; the
/// non-nullable ones are required.
/// </summary>
public sealed record ApiBody(Type Type, bool Required, string ContentType = "application/json");

/// <summary>
/// Every operation names its security (a write the bearer token only, a read the token or the
/// login cookie) and, for a write, its request body (<see cref="ApiBody"/>).
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiBody>().FirstOrDefault() is { ContentType: "multipart/form-data" } form)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = form.Required,
                Content = new Dictionary<string, OpenApiMediaType> { [form.ContentType] = new() { Schema = FormSchema(form.Type) } },
            };
        }
        else if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiBody>().FirstOrDefault() is { } body)
        {
            OpenApiSchema schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
            string id = body.Type.Name;
            context.Document!.AddComponent(id, schema);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(id, context.Document) },
                },
            };
        }

        bool write = !string.Equals(context.Description.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase);
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.Bearer, context.Document)] = [] });
        if (!write)
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.Cookie, context.Document)] = [] });
        }
    }

    /// <summary>A multipart form's schema from a record's properties: files as binary strings, the rest as strings.</summary>
    private static OpenApiSchema FormSchema(Type type)
    {
        var nullability = new System.Reflection.NullabilityInfoContext();
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (System.Reflection.PropertyInfo p in type.GetProperties())
        {
            string name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name);
            bool file = typeof(IFormFile).IsAssignableFrom(p.PropertyType);
            properties[name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = file ? "binary" : null };
            if (nullability.Create(p).ReadState == System.Reflection.NullabilityState.NotNull)
            {
                required.Add(name);
            }
        }

        return new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties, Required = required };
    }
}
