using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Map;

namespace Saima.Web.Features.Admin;

public sealed record MapRow(string Code, string Name, int Features);

/// <summary>
/// The maps of the map page (/admin/maps): the stored ones, and the upload of a GeoJSON
/// FeatureCollection, checked (<see cref="GeoMapAdmin"/>) before it is stored.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
[RequestSizeLimit(MapsModel.MaxBytes + 65536)]
[RequestFormLimits(MultipartBodyLengthLimit = MapsModel.MaxBytes + 65536)]
public sealed class MapsModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>The largest file taken (a province's townships fit comfortably).</summary>
    public const long MaxBytes = 20L * 1024 * 1024;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public IFormFile? GeoFile { get; set; }

    public IReadOnlyList<MapRow> Maps { get; private set; } = [];
    public string? Error { get; private set; }
    public GeoMapCheck? Saved { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        if (GeoFile is null || GeoFile.Length == 0)
        {
            Error = "no-file";
        }
        else if (GeoFile.Length > MaxBytes)
        {
            Error = "too-large";
        }
        else
        {
            string json;
            using (var reader = new StreamReader(GeoFile.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            {
                json = await reader.ReadToEndAsync(cancel);
            }

            try
            {
                Saved = new GeoMapAdmin(db, clock).Save(access.As(ActorRole.Office), Code ?? string.Empty, Name ?? string.Empty, json);
            }
            catch (GeoMapException e)
            {
                Error = e.Message;
            }
        }

        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var maps = await GeoMaps.AllAsync(db, cancel);
        Maps = maps.Select(m => new MapRow(m.Code, m.Name, Count(m.Json))).ToList();
    }

    private static int Count(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("features", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.Array ? f.GetArrayLength() : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0;
        }
    }
}
