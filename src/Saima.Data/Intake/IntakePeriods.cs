using Saima.Scoring;

namespace Saima.Data.Intake;

/// <summary>Period arithmetic intake needs: the period before, and which indicators fall due.</summary>
internal static class IntakePeriods
{
    /// <summary>The period just before (crossing into the previous year): 2025-01 → 2024-12, 2025-Q1 → 2024-Q4, 2025 → 2024.</summary>
    public static Period Previous(Period p) => p.Kind switch
    {
        PeriodKind.Month => p.Sub == 1 ? new Period(PeriodKind.Month, p.Year - 1, 12) : p with { Sub = p.Sub - 1 },
        PeriodKind.Quarter => p.Sub == 1 ? new Period(PeriodKind.Quarter, p.Year - 1, 4) : p with { Sub = p.Sub - 1 },
        PeriodKind.Year => p with { Year = p.Year - 1 },
        _ => p,
    };

    /// <summary>
    /// The period before within the same year, which a year-to-date (累计) figure may not fall below;
    /// null for January, Q1 and a year.
    /// </summary>
    public static Period? PreviousInYear(Period p) =>
        (p.Kind == PeriodKind.Month || p.Kind == PeriodKind.Quarter) && p.Sub > 1 ? p with { Sub = p.Sub - 1 } : null;

    /// <summary>
    /// Whether an indicator reported at <paramref name="frequency"/> is due in the period: monthly ones
    /// every month, quarterly ones in March, June, September and December (or any quarter), yearly ones at
    /// the year's end.
    /// </summary>
    public static bool IsDue(string frequency, Period p) => (frequency.ToLowerInvariant(), p.Kind) switch
    {
        ("month", PeriodKind.Month) => true,
        ("quarter", PeriodKind.Month) => p.Sub % 3 == 0,
        ("quarter", PeriodKind.Quarter) => true,
        ("year", PeriodKind.Month) => p.Sub == 12,
        ("year", PeriodKind.Quarter) => p.Sub == 4,
        ("year", PeriodKind.Year) => true,
        _ => false,
    };
}
