using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Evidence;

/// <summary>
/// Evidence files in the web application: where they are kept (configuration
/// <c>Saima:Evidence:Folder</c>, none: in the database; <c>Saima:Evidence:MaxBytes</c>, default
/// 10 MB) and <c>GET /evidence/{id}</c>, which sends a file to whoever may read it.
/// </summary>
public static class EvidenceEndpoints
{
    public static IServiceCollection AddSaimaEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? folder = configuration["Saima:Evidence:Folder"];
        long max = long.TryParse(configuration["Saima:Evidence:MaxBytes"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long m) && m > 0
            ? m
            : EvidenceOptions.DefaultMaxBytes;
        services.AddSingleton(new EvidenceOptions { Folder = string.IsNullOrWhiteSpace(folder) ? null : Path.GetFullPath(folder), MaxBytes = max });
        return services;
    }

    public static IEndpointRouteBuilder MapSaimaEvidence(this IEndpointRouteBuilder app)
    {
        app.MapGet("/evidence/{id:long}", DownloadAsync);
        return app;
    }

    /// <summary>
    /// Whether the signed-in user may read evidence of this entity row: an adjustment's, the office
    /// and leaders; a figure's or a correction's (of a figure, by its id), whoever may see that
    /// figure in one of their roles (published: every signed-in user; unpublished: the roles whose
    /// <see cref="UnitScope"/> covers it).
    /// </summary>
    public static async Task<bool> MayReadAsync(SaimaAccess access, SaimaDb db, string entity, long entityId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(db);
        if (entity == EvidenceStore.AdjustmentEntity)
        {
            return access.Holds(ActorRole.Office) || access.Holds(ActorRole.Leader);
        }

        if (entity is not (EvidenceStore.FigureEntity or EvidenceStore.CorrectionEntity))
        {
            return access.Holds(ActorRole.Office);
        }

        foreach (ActorRole role in Enum.GetValues<ActorRole>().Where(access.Holds))
        {
            UnitScope scope = access.ScopeOf(access.As(role));
            if (await db.Figures.AsNoTracking().Where(f => f.Id == entityId).Visible(db, scope).AnyAsync(cancel))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ForbidHttpResult>> DownloadAsync(
        long id, HttpContext http, SaimaDb db, SaimaAccess access, EvidenceOptions options, TimeProvider clock, CancellationToken cancel)
    {
        var store = new EvidenceStore(db, clock, options);
        EvidenceFile? meta = await store.FindAsync(id, cancel);
        if (meta is null)
        {
            return TypedResults.NotFound();
        }

        if (!await MayReadAsync(access, db, meta.Entity, meta.EntityId, cancel))
        {
            return TypedResults.Forbid();
        }

        EvidenceContent file;
        try
        {
            file = await store.ReadAsync(id, cancel);
        }
        catch (NotFoundException)
        {
            return TypedResults.NotFound();
        }

        // Sent as a download with the type its content was checked to be, never rendered or sniffed by the browser.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(file.Bytes, file.File.ContentType, file.File.FileName);
    }
}
