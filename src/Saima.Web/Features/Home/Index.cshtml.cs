using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Adjustments;
using Saima.Web.Features.Admin;
using Saima.Web.Features.Entry;

namespace Saima.Web.Features.Home;

/// <summary>
/// Home: each scheme at a glance: the current published period's leaders and laggards and biggest
/// movers, its warnings at the scheme's most severe level, and the open period's submissions
/// outstanding as far as the user may see them; and the user's unread reminders (催报), which
/// <see cref="OnPostReadAsync"/> marks read.
/// </summary>
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IMemoryCache cache) : PageModel
{
    public IReadOnlyList<SchemeLeaders> Schemes { get; private set; } = [];

    public IReadOnlyList<SchemeGlance> Glances { get; private set; } = [];

    /// <summary>For a leader: the lists' counts over every unit (the leaders' board at a glance); null for other users.</summary>
    public ListTotals? ListTotals { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel)
    {
        // Both stamps once for the page: what is kept of it is kept under them.
        (long Pages, long Figures) stamps = await ChangeStamp.ReadBothAsync(db, cancel);
        Schemes = await Leaders.LoadAsync(db, cache, stamps.Pages, cancel);
        Glances = await Glance.LoadAsync(db, access, cache, stamps, cancel);
        if (access.Holds(ActorRole.Leader))
        {
            ListTotals = await new ListService(db, clock).TotalsAsync(access.As(ActorRole.Leader), cancel);
        }
    }

    /// <summary>Marks one of the user's reminders read, then goes back to the page it was shown on.</summary>
    public IActionResult OnPostRead(long id, string? returnUrl)
    {
        if (ReminderBanner.Recipient(access) is not { } actor)
        {
            return Forbid();
        }

        try
        {
            new Reminders(db, clock).MarkRead(actor, id);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (AccessDeniedException)
        {
            return Forbid();
        }

        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}

/// <summary>Who receives reminders: a unit's reporter or a department's (the first of the two roles the user holds).</summary>
public static class ReminderBanner
{
    public static Actor? Recipient(SaimaAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        return access.FirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter) is { } role ? access.As(role) : null;
    }

    public static IReadOnlyList<ReminderNote> Unread(SaimaDb db, SaimaAccess access, TimeProvider clock) =>
        Recipient(access) is { } actor ? new Reminders(db, clock).Unread(actor) : [];
}
