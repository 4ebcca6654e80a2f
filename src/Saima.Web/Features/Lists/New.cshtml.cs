using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Lists;

/// <summary>The office creates a list item (<c>/lists/new</c>); the door checks it (<see cref="ListService.CreateAsync"/>).</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class NewModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    [BindProperty]
    public ListKind Kind { get; set; } = ListKind.Shortcoming;

    [BindProperty]
    public ListSource Source { get; set; } = ListSource.Manual;

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public string? CoOwners { get; set; }

    [BindProperty]
    public string? Responsible { get; set; }

    [BindProperty]
    public string? Deadline { get; set; }

    [BindProperty]
    public string? SourceRef { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        string[] co = (CoOwners ?? string.Empty).Split([',', '，', '、', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        (IActionResult? result, string? error) = await ListPages.RunAsync(this, async () =>
        {
            ListItem item = await new ListService(db, clock).CreateAsync(ListPages.Actor(access),
                new ListItemSpec(Kind, Title, Description, Owner, co, Responsible, ListTexts.ParseDay(Deadline), Source, SourceRef), cancel);
            return "/lists/" + item.Id.ToString(CultureInfo.InvariantCulture) + "?done=created";
        });
        Error = error;
        return result ?? Page();
    }
}
