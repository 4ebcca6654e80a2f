using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Reports;

/// <summary>A published period of a scheme with its latest result set (the one the league page shows).</summary>
public sealed record PublishedSet(string Period, long ResultSetId, long SchemeVersionId, DateTimeOffset ComputedAt);

/// <summary>What every publication reads alike: the scheme, its published periods, the office's name and zone.</summary>
internal static class Publications
{
    public static async Task<AssessmentScheme> SchemeAsync(SaimaDb db, string schemeCode, CancellationToken cancel) =>
        await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == schemeCode, cancel)
        ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"unknown scheme '{schemeCode}'", schemeCode);

    /// <summary>The scheme's published periods with their latest result set, oldest first.</summary>
    public static async Task<List<PublishedSet>> PublishedAsync(SaimaDb db, long schemeId, CancellationToken cancel)
    {
        var sets = await (from r in db.ResultSets.AsNoTracking()
                          join p in db.Periods.AsNoTracking() on new { r.SchemeId, Code = r.Period } equals new { p.SchemeId, p.Code }
                          where r.SchemeId == schemeId && p.Status == PeriodStatus.Published
                          select new { r.Id, r.Period, r.SchemeVersionId, r.ComputedAt }).ToListAsync(cancel);
        return sets.GroupBy(s => s.Period, StringComparer.Ordinal)
            .Select(g => g.MaxBy(s => s.Id)!)
            .Select(s => new PublishedSet(s.Period, s.Id, s.SchemeVersionId, s.ComputedAt))
            .OrderBy(s => s.Period, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The published period's latest result set, or the refusal <see cref="WorkflowCodes.PeriodNotPublished"/> naming it.</summary>
    public static async Task<PublishedSet> PublishedAsync(SaimaDb db, AssessmentScheme scheme, string period, CancellationToken cancel) =>
        (await PublishedAsync(db, scheme.Id, cancel)).FirstOrDefault(p => p.Period == period)
        ?? throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
            $"period {period} of scheme '{scheme.Code}' is not published (or has no results); only a published period is reported", period, scheme.Code);

    public static async Task<string> OfficeAsync(SaimaDb db, string? office, CancellationToken cancel) =>
        office is { Length: > 0 } ? office
        : await db.Settings.AsNoTracking().Where(s => s.Key == CircularReader.OfficeNameKey).Select(s => s.Value).SingleOrDefaultAsync(cancel)
          ?? CircularReader.DefaultOffice;

    /// <summary>The generated-at line in the office's zone (the one line that differs between two runs).</summary>
    public static string GeneratedLine(DateTimeOffset at, string zone)
    {
        DateTimeOffset local = OfficeSettings.Find(zone) is { } z ? TimeZoneInfo.ConvertTime(at, z) : at;
        return string.Create(CultureInfo.InvariantCulture, $"生成时间：{local:yyyy-MM-dd HH:mm}（{zone}）");
    }

    /// <summary>A number as shown (<see cref="ShownNumbers.Decimals"/>), or "–".</summary>
    public static string Shown(double? v) => v is double d && double.IsFinite(d) ? d.ToString(ShownNumbers.Decimals, CultureInfo.InvariantCulture) : "–";

    /// <summary>A number rounded as shown, as a number (what an .xlsx holds).</summary>
    public static double? ShownNumber(double? v) => v is double d && double.IsFinite(d) ? double.Parse(Shown(d), CultureInfo.InvariantCulture) : null;

    public static string Int(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "–";
}
