using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Revisions;

/// <summary>Whether a published period was revised (null: never corrected).</summary>
public sealed record RevisionNote(string Scheme, string Period, PeriodRevision? Revision);

/// <summary>A unit's latest corrections in a scheme (at most <see cref="RevisionViews.UnitShown"/>), and how many there are.</summary>
public sealed record UnitRevisions(string Scheme, string Unit, IReadOnlyList<CorrectionEntry> Items, int Total);

/// <summary>
/// What the league table and the unit page show of corrections (修订), read through
/// <see cref="RevisionHistory"/> and kept under the store's change stamp like the pages' own
/// views: a correction stores a new result set, which moves the stamp, so it shows at the next
/// request. Times are shown in the office's zone.
/// </summary>
public static class RevisionViews
{
    /// <summary>Most corrections the unit page lists (the rest are on /revisions).</summary>
    public const int UnitShown = 10;

    private static readonly TimeZoneInfo Office = OfficeZone();

    public static async Task<RevisionNote> LeagueAsync(SaimaDb db, IMemoryCache cache, string scheme, string period, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await Published.KeptAsync(db, cache, stamp => ("revision-league", stamp, scheme, period), async () =>
        {
            long? id = await db.Schemes.AsNoTracking().Where(s => s.Code == scheme).Select(s => (long?)s.Id).SingleOrDefaultAsync(cancel);
            PeriodRevision? revision = id is { } schemeId ? await new RevisionHistory(db).PeriodAsync(schemeId, period, cancel) : null;
            return new RevisionNote(scheme, period, revision);
        }, cancel))!;
    }

    public static async Task<UnitRevisions> UnitAsync(SaimaDb db, IMemoryCache cache, string unit, string scheme, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await Published.KeptAsync(db, cache, stamp => ("revision-unit", stamp, unit, scheme), async () =>
        {
            long? schemeId = await db.Schemes.AsNoTracking().Where(s => s.Code == scheme).Select(s => (long?)s.Id).SingleOrDefaultAsync(cancel);
            long? unitId = await db.Units.AsNoTracking().Where(u => u.Code == unit).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel);
            if (schemeId is null || unitId is null)
            {
                return new UnitRevisions(scheme, unit, [], 0);
            }

            CorrectionPage page = await new RevisionHistory(db).ListAsync(schemeId.Value, null, unitId, 1, UnitShown, cancel);
            return new UnitRevisions(scheme, unit, page.Items, page.Total);
        }, cancel))!;
    }

    /// <summary>A stored time in the office's zone (Asia/Shanghai), to the minute.</summary>
    public static string When(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Office).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static TimeZoneInfo OfficeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
        }
    }
}
