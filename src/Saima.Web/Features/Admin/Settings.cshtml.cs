using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Admin;

/// <summary>
/// The office's settings (/admin/settings): its time zone, chosen from common ones or given as an
/// IANA id, and the list kinds the public page shows as counts and rates (<see cref="OfficeSettings"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class SettingsModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>The zones offered in the list; any other IANA id is typed.</summary>
    public static readonly string[] CommonZones = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC"];

    /// <summary>The select's value for "another zone, typed below".</summary>
    public const string Other = "other";

    [BindProperty]
    public string? Zone { get; set; }

    [BindProperty]
    public string? OtherZone { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>The list kinds ticked to be shown on the public page.</summary>
    [BindProperty]
    public List<ListKind> PublicKinds { get; set; } = [];

    public string Current { get; private set; } = OfficeSettings.DefaultTimeZone;
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    /// <summary>Chooses the list kinds whose counts and rates the public page shows.</summary>
    public async Task<IActionResult> OnPostListsAsync(CancellationToken cancel)
    {
        var settings = new OfficeSettings(db, clock);
        try
        {
            await settings.SetPublicListKindsAsync(access.As(ActorRole.Office), PublicKinds, Reason, cancel);
        }
        catch (WorkflowException e)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            await LoadAsync(cancel);
            return Page();
        }

        return Redirect("/admin/settings?done=lists");
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var settings = new OfficeSettings(db, clock);
        Current = await settings.TimeZoneIdAsync(cancel);
        PublicKinds = [.. await settings.PublicListKindsAsync(cancel)];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        var settings = new OfficeSettings(db, clock);
        string id = (Zone == Other || string.IsNullOrWhiteSpace(Zone) ? OtherZone : Zone) ?? string.Empty;
        try
        {
            await settings.SetTimeZoneAsync(access.As(ActorRole.Office), id, Reason, cancel);
        }
        catch (WorkflowException e)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            await LoadAsync(cancel);
            return Page();
        }

        return Redirect("/admin/settings?done=saved");
    }

    /// <summary>The resource key of a common zone's name.</summary>
    public static string ZoneKey(string id) => "Zone_" + id.Replace('/', '_');
}
