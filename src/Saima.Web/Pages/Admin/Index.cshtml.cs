using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Web.Access;

namespace Saima.Web.Pages.Admin;

/// <summary>The office's administration: schemes, users, maps and the audit trail.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
