using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Web.Access;
using Saima.Web.Features.Adjustments;
using Saima.Web.Features.Entry;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Admin;

/// <summary>The office's administration: schemes, users, maps and the audit trail.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
