using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>A figure expected in a period and missing (no current figure, or one without a value).</summary>
public sealed record MissingFigure(string UnitCode, string UnitName, string IndicatorCode, string IndicatorName);

/// <summary>One unit's share of a period's completeness.</summary>
public sealed record UnitCompleteness(string UnitCode, string UnitName, int Expected, int Missing, int Unapproved, int Approved);

/// <summary>
/// How complete a period is before it is published: figures expected (units of the scheme ×
/// indicators due in the period; derived growth indicators excluded), missing, not yet approved
/// (draft, submitted, returned), approved, flagged out of range; the first
/// <see cref="PublishCheck.Listed"/> missing and unapproved figures, and counts per unit.
/// </summary>
public sealed record PublishSummary
{
    public required string SchemeCode { get; init; }
    public required string Period { get; init; }
    public required PeriodStatus Status { get; init; }
    public required DateTimeOffset? Deadline { get; init; }
    public required int Units { get; init; }
    public required int Expected { get; init; }
    public required int Missing { get; init; }
    public required int Draft { get; init; }
    public required int Submitted { get; init; }
    public required int Returned { get; init; }

    /// <summary>Approved (or, for a published period, published) current figures.</summary>
    public required int Approved { get; init; }

    /// <summary>Current figures outside their indicator's plausible range (<see cref="FigureFlags.OutOfRange"/>).</summary>
    public required int OutOfRange { get; init; }

    /// <summary>The first missing figures, by unit and indicator order.</summary>
    public required IReadOnlyList<MissingFigure> MissingList { get; init; }

    /// <summary>The first current figures not approved yet, by unit and indicator order.</summary>
    public required IReadOnlyList<OutstandingFigure> UnapprovedList { get; init; }

    /// <summary>Every unit of the scheme, those with something missing or unapproved first.</summary>
    public required IReadOnlyList<UnitCompleteness> PerUnit { get; init; }

    public int Unapproved => Draft + Submitted + Returned;

    /// <summary>Whether publication must say how missing figures count (<see cref="MissingRules"/>).</summary>
    public bool NeedsMissingRule => Missing > 0;
}

/// <summary>The completeness summary of a period (<see cref="PublishSummary"/>): what the office sees before publishing, and what publication checks.</summary>
public static class PublishCheck
{
    /// <summary>How many missing and unapproved figures are listed; the counts cover all.</summary>
    public const int Listed = 50;

    /// <summary>The summary of <paramref name="period"/> of the scheme.</summary>
    public static PublishSummary Load(SaimaDb db, long schemeId, string period)
    {
        ArgumentNullException.ThrowIfNull(db);
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Id == schemeId)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {AuditLog.Text(schemeId)} does not exist", AuditLog.Text(schemeId));
        ReportingPeriod rp = db.Periods.AsNoTracking().SingleOrDefault(p => p.SchemeId == schemeId && p.Code == period)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {period} of scheme '{scheme.Code}' does not exist", period, scheme.Code);
        Period p = Scoring.Period.TryParse(period, out Period parsed) ? parsed : Scoring.Period.None;
        var due = db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId && i.GrowthOfId == null)
            .OrderBy(i => i.SortOrder).Select(i => new { i.Id, i.Code, i.Name, i.Frequency }).ToList()
            .Where(i => IntakePeriods.IsDue(i.Frequency, p)).ToList();
        var units = (from su in db.SchemeUnits.AsNoTracking()
                     join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                     where su.SchemeId == schemeId
                     select new { u.Id, u.Code, u.Name }).ToList();
        units.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        var figures = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent)
            .Select(f => new { f.Id, f.UnitId, f.IndicatorId, f.Status, HasValue = f.Value != null, f.Flags })
            .ToList();
        var byKey = figures.ToDictionary(f => (f.UnitId, f.IndicatorId));
        var indicatorCode = db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).ToDictionary(i => i.Id, i => (i.Code, i.SortOrder));
        var unitIds = units.ToDictionary(u => u.Id, u => u.Code);

        var missing = new List<MissingFigure>();
        int missingCount = 0;
        var perUnit = new List<UnitCompleteness>(units.Count);
        var unapprovedOf = figures.Where(f => f.Status is FigureStatus.Draft or FigureStatus.Submitted or FigureStatus.Returned)
            .ToLookup(f => f.UnitId);
        var approvedOf = figures.Where(f => f.Status is FigureStatus.Approved or FigureStatus.Published).ToLookup(f => f.UnitId);
        foreach (var u in units)
        {
            int unitMissing = 0;
            foreach (var i in due)
            {
                if (byKey.TryGetValue((u.Id, i.Id), out var f) && f.HasValue)
                {
                    continue;
                }

                unitMissing++;
                if (missing.Count < Listed)
                {
                    missing.Add(new MissingFigure(u.Code, u.Name, i.Code, i.Name));
                }
            }

            missingCount += unitMissing;
            perUnit.Add(new UnitCompleteness(u.Code, u.Name, due.Count, unitMissing, unapprovedOf[u.Id].Count(), approvedOf[u.Id].Count()));
        }

        var unapproved = figures.Where(f => f.Status is FigureStatus.Draft or FigureStatus.Submitted or FigureStatus.Returned && unitIds.ContainsKey(f.UnitId))
            .OrderBy(f => unitIds[f.UnitId], StringComparer.Ordinal).ThenBy(f => indicatorCode[f.IndicatorId].SortOrder)
            .Take(Listed)
            .Select(f => new OutstandingFigure(f.Id, unitIds[f.UnitId], indicatorCode[f.IndicatorId].Code, f.Status))
            .ToList();
        int Count(FigureStatus s) => figures.Count(f => f.Status == s);
        return new PublishSummary
        {
            SchemeCode = scheme.Code,
            Period = rp.Code,
            Status = rp.Status,
            Deadline = rp.Deadline,
            Units = units.Count,
            Expected = units.Count * due.Count,
            Missing = missingCount,
            Draft = Count(FigureStatus.Draft),
            Submitted = Count(FigureStatus.Submitted),
            Returned = Count(FigureStatus.Returned),
            Approved = Count(FigureStatus.Approved) + Count(FigureStatus.Published),
            OutOfRange = figures.Count(f => (f.Flags & FigureFlags.OutOfRange) != 0),
            MissingList = missing,
            UnapprovedList = unapproved,
            PerUnit = perUnit.OrderByDescending(u => u.Missing + u.Unapproved > 0).ThenBy(u => u.UnitCode, StringComparer.Ordinal).ToList(),
        };
    }
}
