using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Identity;

namespace Saima.Web.Features.Admin;

/// <summary>The users (/admin/users) and the creation of one, with a one-time password shown once.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class UsersModel(UserManager<SaimaUser> users, SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<AdminTexts> a) : PageModel
{
    [BindProperty]
    public string? NewUserName { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [BindProperty]
    public string? UnitCode { get; set; }

    public IReadOnlyList<UserRow> Rows { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name, UnitKind Kind)> Units { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>The one-time password of the user just created: in this response only.</summary>
    public string? OneTimePassword { get; private set; }
    public string? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel) => await LoadAsync(cancel);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancel)
    {
        try
        {
            OneTimePassword = await Admin.CreateAsync(NewUserName ?? string.Empty, DisplayName, Roles.Distinct(StringComparer.Ordinal).ToList(), UnitCode);
            Created = NewUserName?.Trim();
            NewUserName = DisplayName = UnitCode = null;
            Roles = [];
        }
        catch (UserAdminException e)
        {
            Error = a[e.Key, e.Args];
        }

        await LoadAsync(cancel);
        return Page();
    }

    private UserAdmin Admin => new(users, db, access, clock);

    private async Task LoadAsync(CancellationToken cancel)
    {
        Rows = await Admin.ListAsync(cancel);
        Units = (await db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => new { u.Code, u.Name, u.Kind }).ToListAsync(cancel))
            .Select(u => (u.Code, u.Name, u.Kind)).ToList();
    }
}
