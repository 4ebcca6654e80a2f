using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Scoring;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Home;

/// <summary>One unit's place in a period's total.</summary>
public sealed record LeaderRow(int Rank, string Name, string? NameEn, string Code, double? Score);

/// <summary>The top and bottom units by total score in the current published period of a scheme.</summary>
public sealed record SchemeLeaders(string Code, string Name, string? NameEn, string Period, int Units, IReadOnlyList<LeaderRow> Top, IReadOnlyList<LeaderRow> Bottom);

/// <summary>Home and the public page both show, per scheme, its leaders and laggards of the latest published period.</summary>
public static class Leaders
{
    public const int Shown = 3;

    /// <summary>
    /// Every scheme's leaders and laggards, kept under the store's change stamp
    /// (<paramref name="stamp"/>, <see cref="Saima.Data.Store.ChangeStamp"/>, read by the page): they
    /// are the same for every user and language.
    /// </summary>
    public static async Task<IReadOnlyList<SchemeLeaders>> LoadAsync(SaimaDb db, IMemoryCache cache, long stamp, CancellationToken cancel) =>
        (await Published.KeptAsync(cache, (Published.CacheKey.Leaders, stamp), () => ReadAsync(db, cache, cancel)))!;

    private static async Task<IReadOnlyList<SchemeLeaders>?> ReadAsync(SaimaDb db, IMemoryCache cache, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancel);
        var list = new List<SchemeLeaders>();
        foreach (AssessmentScheme scheme in await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel))
        {
            // The current published period is the latest one published; its latest result set is
            // the one in force (a correction adds a newer set, it does not replace the old).
            string? period = await db.Periods.AsNoTracking()
                .Where(p => p.SchemeId == scheme.Id && p.Status == PeriodStatus.Published)
                .OrderByDescending(p => p.Code).Select(p => p.Code).FirstOrDefaultAsync(cancel);
            if (period is null)
            {
                continue;
            }

            ResultSet? set = await db.ResultSets.AsNoTracking()
                .Where(r => r.SchemeId == scheme.Id && r.Period == period)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancel);
            if (set is null)
            {
                continue;
            }

            Scheme parsed = await Published.SchemeOfAsync(db, set.SchemeVersionId, cache, cancel);
            string total = parsed.NodeCode(parsed.Indicators.Count + parsed.RootGroup);
            // The count, the first and the last few, each picked in the database: a country's
            // total holds 40,000 rows, of which six are shown.
            var ranked = from r in db.ResultRows.AsNoTracking()
                         join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                         where r.ResultSetId == set.Id && r.Node == total && r.Rank != null
                         select new { Rank = r.Rank!.Value, u.Name, u.NameEn, u.Code, r.Score };
            int count = await ranked.CountAsync(cancel);
            if (count == 0)
            {
                continue;
            }

            int top = Math.Min(Shown, count);
            int bottom = Math.Min(Shown, count - top);
            var first = await ranked.OrderBy(r => r.Rank).ThenBy(r => r.Code).Take(top).ToListAsync(cancel);
            var last = await ranked.OrderByDescending(r => r.Rank).ThenByDescending(r => r.Code).Take(bottom).ToListAsync(cancel);
            list.Add(new SchemeLeaders(scheme.Code, scheme.Name, scheme.NameEn, period, count,
                [.. first.Select(r => new LeaderRow(r.Rank, r.Name, r.NameEn, r.Code, r.Score))],
                [.. last.AsEnumerable().Reverse().Select(r => new LeaderRow(r.Rank, r.Name, r.NameEn, r.Code, r.Score))]));
        }

        return list;
    }
}
