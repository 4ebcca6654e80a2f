using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Entry;

/// <summary>
/// What is mine to enter (/entry/mine): for a unit's reporter, the indicators of each scheme its
/// unit takes part in, and which department supplies the rest; for a source department, the
/// indicators it supplies and for how many units (<see cref="SchemeDesigner.MineAsync"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.Enter)]
public sealed class MineModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>At most this many rows are shown.</summary>
    public const int Cap = 500;

    public IReadOnlyList<MineRow> Rows { get; private set; } = [];
    public bool Department { get; private set; }
    public bool Truncated { get; private set; }
    public bool English { get; } = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public async Task OnGetAsync(CancellationToken cancel)
    {
        if (access.FirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter) is not { } role || access.UnitId is null)
        {
            return;
        }

        Department = role == ActorRole.DepartmentReporter;
        IReadOnlyList<MineRow> rows = await new SchemeDesigner(db, clock).MineAsync(access.As(role), cancel);
        Truncated = rows.Count > Cap;
        Rows = rows.Take(Cap).ToList();
    }
}
