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

/// <summary>One user (/admin/users/{name}): roles, unit and display name; a new one-time password; lock and unlock.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class UserModel(UserManager<SaimaUser> users, SaimaDb db, SaimaAccess access, TimeProvider clock, IStringLocalizer<AdminTexts> a, Saima.Web.Security.DbTicketStore sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [BindProperty]
    public string? UnitCode { get; set; }

    public UserRow Row { get; private set; } = null!;
    public IReadOnlyList<(string Code, string Name, UnitKind Kind)> Units { get; private set; } = [];
    public string? Error { get; private set; }
    public string? OneTimePassword { get; private set; }
    public bool IsSelf => string.Equals(Name, access.Name, StringComparison.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

    public Task<IActionResult> OnPostSaveAsync(CancellationToken cancel) =>
        ActAsync(() => Admin.UpdateAsync(Name, DisplayName, Roles.Distinct(StringComparer.Ordinal).ToList(), UnitCode), "saved", cancel);

    public Task<IActionResult> OnPostLockAsync(CancellationToken cancel) =>
        ActAsync(() => Admin.SetLockedAsync(Name, true), "locked", cancel);

    public Task<IActionResult> OnPostUnlockAsync(CancellationToken cancel) =>
        ActAsync(() => Admin.SetLockedAsync(Name, false), "unlocked", cancel);

    public async Task<IActionResult> OnPostResetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        try
        {
            OneTimePassword = await Admin.ResetPasswordAsync(Name);
        }
        catch (UserAdminException e)
        {
            Error = a[e.Key, e.Args];
        }

        await LoadAsync(cancel);
        return Page();
    }

    private UserAdmin Admin => new(users, db, access, clock, sessions);

    private async Task<IActionResult> ActAsync(Func<Task> action, string done, CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        try
        {
            await action();
        }
        catch (UserAdminException e)
        {
            Error = a[e.Key, e.Args];
            return Page();
        }

        return Redirect($"/admin/users/{Uri.EscapeDataString(Name)}?done={done}");
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        UserRow? row = (await Admin.ListAsync(cancel)).FirstOrDefault(r => string.Equals(r.UserName, Name, StringComparison.OrdinalIgnoreCase));
        if (row is null)
        {
            return false;
        }

        Row = row;
        Name = row.UserName;
        Units = (await db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => new { u.Code, u.Name, u.Kind }).ToListAsync(cancel))
            .Select(u => (u.Code, u.Name, u.Kind)).ToList();
        return true;
    }
}
