using Saima.Data;
using Saima.Web.Features.Shared;

namespace Saima.Web.Access;

/// <summary>
/// Which unpublished figures a user may see: the figures of <see cref="Units"/> (null: every
/// unit), limited to the indicators a source department supplies when <see cref="SourceUnitId"/>
/// is set. <see cref="None"/> sees no unpublished figure at all (leaders). Published figures are
/// visible to every signed-in user.
/// </summary>
public sealed record UnitScope(IReadOnlySet<long>? Units, long? SourceUnitId, bool None)
{
    public static UnitScope All { get; } = new(null, null, false);

    public static UnitScope Nothing { get; } = new(new HashSet<long>(), null, true);

    public static UnitScope Of(IEnumerable<long> units) => new(units.ToHashSet(), null, false);

    public static UnitScope Department(long department) => new(null, department, false);

    /// <summary>Whether the scope covers this unit's figure of this indicator (its source department).</summary>
    public bool Covers(long unitId, long? indicatorSourceUnitId) =>
        !None
        && (Units is null || Units.Contains(unitId))
        && (SourceUnitId is null || indicatorSourceUnitId == SourceUnitId);
}

/// <summary>
/// The one place where queries are limited to what the user may see. Pages read figures and
/// units through these, never with checks of their own.
/// </summary>
public static class ScopeQueries
{
    /// <summary>Figures the user may see: every published figure, and the unpublished ones inside the scope.</summary>
    public static IQueryable<Figure> Visible(this IQueryable<Figure> figures, SaimaDb db, UnitScope scope) =>
        figures.Where(Within(db, scope, published: true));

    /// <summary>Unpublished figures inside the scope only (what entry and review work on).</summary>
    public static IQueryable<Figure> Unpublished(this IQueryable<Figure> figures, SaimaDb db, UnitScope scope) =>
        figures.Where(f => f.Status != FigureStatus.Published).Where(Within(db, scope, published: false));

    /// <summary>The units whose unpublished figures the scope covers (a department: every unit).</summary>
    public static IQueryable<Unit> InScope(this IQueryable<Unit> units, UnitScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.None)
        {
            return units.Where(_ => false);
        }

        if (scope.Units is null)
        {
            return units;
        }

        long[] ids = [.. scope.Units];
        return units.Where(u => ids.Contains(u.Id));
    }

    /// <summary>The indicators whose figures the scope covers (a department: those it supplies; others: those no department supplies, unless all).</summary>
    public static IQueryable<Indicator> InScope(this IQueryable<Indicator> indicators, UnitScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.None)
        {
            return indicators.Where(_ => false);
        }

        return scope.SourceUnitId is long source ? indicators.Where(i => i.SourceUnitId == source) : indicators;
    }

    private static System.Linq.Expressions.Expression<Func<Figure, bool>> Within(SaimaDb db, UnitScope scope, bool published)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.None)
        {
            return published ? f => f.Status == FigureStatus.Published : f => false;
        }

        // One expression per shape, so that the SQL holds only the conditions that apply.
        IQueryable<Indicator> indicators = db.Indicators;
        long[]? units = scope.Units?.ToArray();
        if (scope.SourceUnitId is long source)
        {
            return units is null
                ? f => (published && f.Status == FigureStatus.Published) || indicators.Any(i => i.Id == f.IndicatorId && i.SourceUnitId == source)
                : f => (published && f.Status == FigureStatus.Published)
                    || (units.Contains(f.UnitId) && indicators.Any(i => i.Id == f.IndicatorId && i.SourceUnitId == source));
        }

        return units is null
            ? f => true
            : f => (published && f.Status == FigureStatus.Published) || units.Contains(f.UnitId);
    }
}
