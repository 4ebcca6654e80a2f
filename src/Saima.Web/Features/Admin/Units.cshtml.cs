using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Admin;

/// <summary>
/// The units (/admin/units): a paged list filtered by kind, parent and text, and a form to add a
/// unit (code, names, kind, parent) through <see cref="UnitAdmin.AddAsync"/>.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class UnitsModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<HomeTexts> home) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Parent { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    [BindProperty]
    public string? NewCode { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty]
    public string? NewNameEn { get; set; }

    [BindProperty]
    public string? NewKind { get; set; }

    [BindProperty]
    public string? NewParent { get; set; }

    public UnitPage Units { get; private set; } = new([], 0, 1, UnitAdmin.PageSize);
    public string? Error { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancel)
    {
        UnitKind kind = Enum.TryParse(NewKind, out UnitKind k) && Enum.IsDefined(k) ? k : (UnitKind)(-1);
        try
        {
            await new UnitAdmin(db, clock).AddAsync(access.As(ActorRole.Office), NewCode, NewName, NewNameEn, kind, NewParent, cancel);
            return Redirect("/admin/units?done=" + Uri.EscapeDataString(NewCode?.Trim() ?? string.Empty) + "&q=" + Uri.EscapeDataString(NewCode?.Trim() ?? string.Empty));
        }
        catch (Exception e) when (e is WorkflowException or NotFoundException)
        {
            Error = WorkflowMessages.Text(home, e);
        }

        await LoadAsync(cancel);
        return Page();
    }

    /// <summary>The list's address with another page.</summary>
    public string PageLink(int page) =>
        "/admin/units?" + string.Join("&", new[] { ("kind", Kind), ("parent", Parent), ("q", Q), ("p", page.ToString(CultureInfo.InvariantCulture)) }
            .Where(x => !string.IsNullOrWhiteSpace(x.Item2)).Select(x => x.Item1 + "=" + Uri.EscapeDataString(x.Item2!)));

    private async Task LoadAsync(CancellationToken cancel)
    {
        UnitKind? kind = Enum.TryParse(Kind, out UnitKind k) && Enum.IsDefined(k) ? k : null;
        Units = await new UnitAdmin(db, clock).ListAsync(kind, Parent, Q, PageNumber, cancel);
    }
}
