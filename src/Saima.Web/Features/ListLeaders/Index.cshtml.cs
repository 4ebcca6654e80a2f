using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Identity;
using Saima.Web.Features.Lists;

namespace Saima.Web.Features.ListLeaders;

/// <summary>
/// The leaders' board of the lists (<c>/lists/leaders</c>, 领导督办看板): the overdue items and
/// the escalated ones (督办函、约谈 made by an escalation rule, not closed out), each a page at a
/// time; the resolution rate (resolved on time ÷ due) per unit, worst first, 50 units a page; and
/// the rate by month of the deadline over the last 12 months. For leaders and the office (who see
/// every item); a unit's users are refused (403). Everything is counted by the door's reads
/// (<see cref="ListService.RatesByUnitAsync"/>, <see cref="ListService.RatesByMonthAsync"/>, <see cref="ListService.ListAsync"/>).
/// </summary>
[Authorize(Roles = SaimaRoles.Leader + "," + SaimaRoles.Office)]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    /// <summary>Items per page of the overdue and the escalated lists.</summary>
    public const int ItemsPerPage = 20;

    /// <summary>Units per page of the rates.</summary>
    public const int UnitsPerPage = ListService.MaxRatePageSize;

    /// <summary>Months of the rate over time.</summary>
    public const int Months = 12;

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    /// <summary>The page of the overdue items.</summary>
    [BindProperty(SupportsGet = true, Name = "op")]
    public int OverduePage { get; set; } = 1;

    /// <summary>The page of the escalated items.</summary>
    [BindProperty(SupportsGet = true, Name = "ep")]
    public int EscalatedPage { get; set; } = 1;

    /// <summary>The page of the units' rates.</summary>
    [BindProperty(SupportsGet = true, Name = "up")]
    public int UnitPage { get; set; } = 1;

    public ListPage Overdue { get; private set; } = new([], 0, 1, ItemsPerPage);

    public ListPage Escalated { get; private set; } = new([], 0, 1, ItemsPerPage);

    public ListUnitRatePage Units { get; private set; } = new([], 0, 1, UnitsPerPage);

    public IReadOnlyList<ListMonthRate> ByMonth { get; private set; } = [];

    public ListKind? KindShown { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel)
    {
        Actor actor = access.AsFirstOf(ActorRole.Leader, ActorRole.Office);
        KindShown = Enum.TryParse(Kind, out ListKind k) && Enum.IsDefined(k) ? k : null;
        var service = new ListService(db, clock);
        Overdue = await service.ListAsync(actor, new ListFilter { Kind = KindShown, OverdueOnly = true, Page = Math.Max(1, OverduePage), PageSize = ItemsPerPage }, cancel);
        Escalated = await service.ListAsync(actor, new ListFilter { Kind = KindShown, EscalatedOnly = true, Page = Math.Max(1, EscalatedPage), PageSize = ItemsPerPage }, cancel);
        Units = await service.RatesByUnitAsync(actor, Math.Max(1, UnitPage), UnitsPerPage, KindShown, cancel);
        ByMonth = await service.RatesByMonthAsync(actor, Months, KindShown, cancel);
    }

    /// <summary>This view's link with one of its pages changed.</summary>
    public string Link(int? overdue = null, int? escalated = null, int? units = null)
    {
        var parts = new List<string>();
        if (KindShown is { } k)
        {
            parts.Add("kind=" + k);
        }

        void Add(string name, int value)
        {
            if (value > 1)
            {
                parts.Add(name + "=" + value.ToString(CultureInfo.InvariantCulture));
            }
        }

        Add("op", overdue ?? Overdue.Page);
        Add("ep", escalated ?? Escalated.Page);
        Add("up", units ?? Units.Page);
        return "/lists/leaders" + (parts.Count > 0 ? "?" + string.Join("&", parts) : string.Empty);
    }

    /// <summary>A rate as a whole percentage for a progress bar (0 when none).</summary>
    public static int Percent(double? rate) => rate is double r ? (int)Math.Round(100 * r, MidpointRounding.AwayFromZero) : 0;
}
