using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>A derived figure: an indicator's year-on-year growth (同比, %) for a unit in a period, or null when it cannot be derived.</summary>
public sealed record DerivedFigure(long UnitId, long IndicatorId, string Period, double? Value, double? Level, double? LevelYearEarlier);

/// <summary>
/// Year-on-year growth (同比增速) derived from stored levels: indicators with
/// <see cref="Indicator.GrowthOfId"/> are never reported; their value for a unit and period is
/// (level(period) / level(same period a year earlier) − 1) × 100.
/// </summary>
public static class DerivedFigures
{
    /// <summary>
    /// (level / earlier − 1) × 100; null when either level is missing or the earlier one is 0
    /// (a growth from nothing has no rate).
    /// </summary>
    public static double? Growth(double? level, double? levelYearEarlier)
    {
        if (level is not { } now || levelYearEarlier is not { } before || double.IsNaN(now) || double.IsNaN(before) || before == 0)
        {
            return null;
        }

        // Written in the order of the formula so that every store and the hand computation agree to the bit.
        return ((now / before) - 1) * 100;
    }

    /// <summary>The same period a year earlier: 2025-06 → 2024-06, 2025-Q2 → 2024-Q2, 2025 → 2024.</summary>
    public static string YearEarlier(string period)
    {
        if (!Period.TryParse(period, out Period p) || p.Kind == PeriodKind.None)
        {
            throw new WorkflowException($"'{period}' is not a period; expected 2025, 2025-Q2 or 2025-06");
        }

        return (p with { Year = p.Year - 1 }).ToString();
    }

    /// <summary>
    /// The derived figures of a period from the current stored levels, whatever their status (what
    /// a reviewer sees while the period is open; scoring derives its own from published levels).
    /// One row per unit of the scheme and derived indicator.
    /// </summary>
    public static IReadOnlyList<DerivedFigure> Current(SaimaDb db, long schemeId, string period)
    {
        string earlier = YearEarlier(period);
        var derived = db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.GrowthOfId != null)
            .OrderBy(i => i.SortOrder).Select(i => new { i.Id, Level = i.GrowthOfId!.Value }).ToList();
        if (derived.Count == 0)
        {
            return [];
        }

        var levelIds = derived.Select(d => d.Level).Distinct().ToList();
        var levels = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.IsCurrent && (f.Period == period || f.Period == earlier) && levelIds.Contains(f.IndicatorId))
            .Select(f => new { f.UnitId, f.IndicatorId, f.Period, f.Value })
            .ToDictionary(f => (f.UnitId, f.IndicatorId, f.Period), f => f.Value);
        var units = db.SchemeUnits.AsNoTracking().Where(u => u.SchemeId == schemeId).Select(u => u.UnitId).OrderBy(u => u).ToList();
        var rows = new List<DerivedFigure>(units.Count * derived.Count);
        foreach (long unit in units)
        {
            foreach (var d in derived)
            {
                double? now = levels.GetValueOrDefault((unit, d.Level, period));
                double? before = levels.GetValueOrDefault((unit, d.Level, earlier));
                rows.Add(new DerivedFigure(unit, d.Id, period, Growth(now, before), now, before));
            }
        }

        return rows;
    }
}
