using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;

namespace Saima.Web.Features.Api;

/// <summary>Where a page of figures starts: after this unit's figure of this indicator (its sort order and code).</summary>
internal sealed record ApiFigureKey(string Unit, int Order, string Indicator);

/// <summary>One current figure as the API lists it, with what the handler needs to decide on the comment.</summary>
internal sealed record ApiFigureRow(
    long UnitId, long? SourceUnitId, string Unit, string Indicator, int SortOrder, double? Value, FigureStatus Status, int Revision,
    string? Comment, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>
/// A page of a period's current figures in the order the API has always listed them (unit code,
/// indicator sort order, indicator code), read for what the page needs and not for the whole
/// period: first the next units of the scheme by code (those with a figure the user may see,
/// <see cref="ScopeQueries.Visible"/>), a few at a time, then those units' figures by the index
/// on (scheme, unit, period), sorted here by the units' order and the scheme's indicators' order
/// (as the database orders their codes). A unit without a visible figure is skipped
/// by the walk, so every unit read after the cursor's adds at least one row: a page reads at most
/// about twice its size in units, whatever the period's size.
/// </summary>
internal static class ApiFigurePages
{
    /// <summary>
    /// Up to <paramref name="take"/> figures after <paramref name="after"/> (from the first
    /// without), of one unit or indicator when given (an unknown code: none).
    /// </summary>
    public static async Task<List<ApiFigureRow>> ReadAsync(SaimaDb db, long schemeId, string period, UnitScope scope, string? unit, string? indicator,
        ApiFigureKey? after, int take, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        IQueryable<Figure> visible = db.Figures.AsNoTracking().Visible(db, scope).Where(f => f.SchemeId == schemeId && f.Period == period && f.IsCurrent);

        // The scheme's indicators in the list's order (sort order, then code as the database orders
        // text): a page's figures are sorted by their place here, so no query joins the units or
        // indicators to the figures.
        IQueryable<Indicator> shown = db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId);
        if (indicator is not null)
        {
            shown = shown.Where(i => i.Code == indicator);
        }

        var indicators = (await shown.OrderBy(i => i.SortOrder).ThenBy(i => i.Code).Select(i => new { i.Id, i.Code, i.SortOrder, i.SourceUnitId })
            .ToListAsync(cancel)).Select((i, place) => (i.Id, i.Code, i.SortOrder, i.SourceUnitId, Place: place)).ToDictionary(i => i.Id);
        if (indicators.Count == 0)
        {
            return [];
        }

        if (indicator is not null)
        {
            long only = indicators.Keys.Single();
            visible = visible.Where(f => f.IndicatorId == only);
        }

        var rows = new List<ApiFigureRow>(Math.Min(take, 1024));

        // The first walk starts at the cursor's unit itself: its figures after the cursor's indicator come first.
        string? from = after?.Unit;
        bool inclusive = after is not null;
        int units = Math.Min(take + 1, (take / indicators.Count) + 2);
        while (true)
        {
            IQueryable<Unit> walk = from su in db.SchemeUnits.AsNoTracking()
                                    join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                                    where su.SchemeId == schemeId
                                    select u;
            if (unit is not null)
            {
                walk = walk.Where(u => u.Code == unit);
            }

            if (from is not null)
            {
                walk = inclusive ? walk.Where(u => string.Compare(u.Code, from) >= 0) : walk.Where(u => string.Compare(u.Code, from) > 0);
            }

            var next = await walk.Where(u => visible.Any(f => f.UnitId == u.Id)).OrderBy(u => u.Code)
                .Select(u => new { u.Id, u.Code }).Take(units).ToListAsync(cancel);
            if (next.Count == 0)
            {
                break;
            }

            var places = next.Select((u, place) => (u.Id, u.Code, Place: place)).ToDictionary(u => u.Id);
            long[] ids = [.. places.Keys];
            IQueryable<Figure> figures = visible.Where(f => ids.Contains(f.UnitId));
            if (inclusive && after is not null && next[0].Code == after.Unit)
            {
                // The cursor's unit: only its figures after the cursor's indicator, compared as the database compares.
                long afterUnit = next[0].Id;
                string afterCode = after.Indicator;
                int afterOrder = after.Order;
                figures = figures.Where(f => f.UnitId != afterUnit || db.Indicators.Any(i => i.Id == f.IndicatorId
                    && (i.SortOrder > afterOrder || (i.SortOrder == afterOrder && string.Compare(i.Code, afterCode) > 0))));
            }

            var read = await figures.Select(f => new { f.UnitId, f.IndicatorId, f.Value, f.Status, f.Revision, f.Comment, f.EnteredBy, f.EnteredAt })
                .ToListAsync(cancel);
            rows.AddRange(read.Where(f => indicators.ContainsKey(f.IndicatorId))
                .OrderBy(f => places[f.UnitId].Place).ThenBy(f => indicators[f.IndicatorId].Place)
                .Take(take - rows.Count)
                .Select(f =>
                {
                    var i = indicators[f.IndicatorId];
                    return new ApiFigureRow(f.UnitId, i.SourceUnitId, places[f.UnitId].Code, i.Code, i.SortOrder, f.Value, f.Status, f.Revision,
                        f.Comment, f.EnteredBy, f.EnteredAt);
                }));
            if (rows.Count >= take || next.Count < units)
            {
                break;
            }

            // Fewer figures than the units promised (indicators not due this period, or figures the
            // user may not see): the next units, twice as many, never more than the page needs.
            from = next[^1].Code;
            inclusive = false;
            units = Math.Min(take + 1, units * 2);
        }

        return rows;
    }
}
