using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Api;

/// <summary>What the API's handlers share: the user's access and the lookups of scheme and period by code.</summary>
internal static class ApiContext
{
    /// <summary>
    /// The role a read acts in: the one that sees most of the user's roles (office, reviewer,
    /// department, reporter, leader); null for a user with none (published data only).
    /// </summary>
    public static Actor? Reader(SaimaAccess access) =>
        access.FirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.DepartmentReporter, ActorRole.Reporter, ActorRole.Leader) is { } role
            ? access.As(role)
            : null;

    /// <summary>What a read may see unpublished (<see cref="SaimaAccess.ScopeOf"/>); nothing for a user without a role.</summary>
    public static UnitScope ReadScope(SaimaAccess access) => Reader(access) is { } actor ? access.ScopeOf(actor) : UnitScope.Nothing;

    /// <summary>Open periods are shown to those who work on them (entry, review, the office); published ones to everyone.</summary>
    public static bool SeesOpenPeriods(SaimaAccess access) =>
        access.FirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.DepartmentReporter, ActorRole.Reporter) is not null;

    public static Task<AssessmentScheme?> SchemeAsync(SaimaDb db, string code, CancellationToken cancel) =>
        db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == code, cancel);

    /// <summary>The period as the user may see it: null when it does not exist, or is open and the user does not work on open periods.</summary>
    public static async Task<ReportingPeriod?> PeriodAsync(SaimaDb db, SaimaAccess access, long schemeId, string code, CancellationToken cancel)
    {
        ReportingPeriod? period = await db.Periods.AsNoTracking().SingleOrDefaultAsync(p => p.SchemeId == schemeId && p.Code == code, cancel);
        return period is { Status: not PeriodStatus.Published } && !SeesOpenPeriods(access) ? null : period;
    }

    public static string Status(FigureStatus s) => s.ToString().ToLowerInvariant();

    public static string Kind(UnitKind k) => k.ToString().ToLowerInvariant();
}
