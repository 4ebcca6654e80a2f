using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Web.Features.Units;

/// <summary>An evidence file of a bonus or penalty item, as a link.</summary>
public sealed record EvidenceLink(long Id, string FileName);

/// <summary>A bonus or penalty item counted in a unit's result: on <see cref="NodeCode"/> (the total's code when it is on the total).</summary>
public sealed record CountedAdjustment(long Id, string? Period, string NodeCode, string NodeName, double Points, string Reason, IReadOnlyList<EvidenceLink> Evidence);

/// <summary>
/// The bonus and penalty items a stored result set counted for a unit: exactly those the engine
/// was given (<see cref="AdjustmentService.CountsAsOf"/> at the set's computation, of its period
/// or every period), with their evidence files.
/// </summary>
public static class UnitAdjustments
{
    public static async Task<IReadOnlyList<CountedAdjustment>> LoadAsync(
        SaimaDb db, ResultSet set, long unitId, Scheme scheme, IReadOnlyDictionary<string, string> indicatorNames, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(indicatorNames);
        string period = set.Period;
        var items = (await db.Adjustments.AsNoTracking()
                .Where(a => a.SchemeId == set.SchemeId && a.UnitId == unitId && a.Status == AdjustmentStatus.Approved && (a.Period == null || a.Period == period))
                .ToListAsync(cancel))
            .Where(a => AdjustmentService.CountsAsOf(a, set.ComputedAt))
            .OrderBy(a => a.Id)
            .ToList();
        if (items.Count == 0)
        {
            return [];
        }

        long[] ids = [.. items.Select(a => a.Id)];
        var files = (await db.Evidence.AsNoTracking().Where(e => e.Entity == EvidenceStore.AdjustmentEntity && ids.Contains(e.EntityId))
                .OrderBy(e => e.Id).Select(e => new { e.Id, e.EntityId, e.FileName }).ToListAsync(cancel))
            .ToLookup(e => e.EntityId, e => new EvidenceLink(e.Id, e.FileName));
        int nInd = scheme.Indicators.Count;
        string root = scheme.NodeCode(nInd + scheme.RootGroup);
        return items.Select(a =>
        {
            string code = a.Node ?? root;
            int node = scheme.NodeIndex(code);
            string name = indicatorNames.TryGetValue(code, out string? n) ? n
                : node >= nInd ? scheme.Groups[node - nInd].Name ?? code
                : node >= 0 ? scheme.Indicators[node].Name ?? code
                : code;
            return new CountedAdjustment(a.Id, a.Period, code, name, a.Points, a.Reason, files[a.Id].ToList());
        }).ToList();
    }
}
