using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Pages;

namespace Saima.Web.Api;

/// <summary>The API's reads: units, schemes, periods, published results and the figures the user may see.</summary>
internal static class ApiReads
{
    public static async Task<IResult> Units(SaimaDb db, CancellationToken cancel)
    {
        var units = await db.Units.AsNoTracking().OrderBy(u => u.Code)
            .Select(u => new { u.Code, u.Name, u.NameEn, u.Kind, Parent = u.Parent == null ? null : u.Parent.Code })
            .ToListAsync(cancel);
        return TypedResults.Ok(units.Select(u => new ApiUnit(u.Code, u.Name, u.NameEn, ApiContext.Kind(u.Kind), u.Parent)).ToList());
    }

    public static async Task<IResult> Schemes(SaimaDb db, CancellationToken cancel)
    {
        var schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).ToListAsync(cancel);
        return TypedResults.Ok(schemes.Select(s => new ApiScheme(s.Code, s.Name, s.NameEn, s.Frequency)).ToList());
    }

    public static async Task<IResult> Periods(string scheme, SaimaDb db, SaimaAccess access, CancellationToken cancel)
    {
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        bool open = ApiContext.SeesOpenPeriods(access);
        var periods = await db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == s.Id && (open || p.Status == PeriodStatus.Published))
            .OrderByDescending(p => p.Code).ToListAsync(cancel);
        return TypedResults.Ok(periods.Select(p => new ApiPeriod(p.Code, p.Status.ToString().ToLowerInvariant(), p.Deadline, p.PublishedAt)).ToList());
    }

    /// <summary>A published period's league table at a node (default: the total), all units or one track; 404 unless published.</summary>
    public static async Task<IResult> Results(string scheme, string period, string? track, string? node, SaimaDb db, CancellationToken cancel)
    {
        Published.Selection selection = await Published.SelectAsync(db, scheme, period, cancel);
        if (selection.Scheme is null)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        if (!selection.Found || selection.Set is not { } set || selection.Parsed is not { } parsed)
        {
            return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' is not published (only published results are served)");
        }

        IReadOnlyList<NodeOption> nodes = Published.Nodes(parsed, selection.EnglishNames, english: false);
        NodeOption? current = string.IsNullOrEmpty(node) ? nodes[0] : nodes.FirstOrDefault(n => n.Code == node);
        if (current is null)
        {
            return ApiProblems.Invalid([("node", $"'{node}' is not a node of scheme '{scheme}' (the total, a dimension or an indicator code)")]);
        }

        long schemeId = selection.Scheme.Id;
        var tracks = await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == schemeId).ToListAsync(cancel);
        var trackOf = tracks.ToDictionary(t => t.UnitId, t => t.Track);
        if (!string.IsNullOrEmpty(track) && !tracks.Any(t => t.Track == track))
        {
            return ApiProblems.Invalid([("track", $"'{track}' is not a track of scheme '{scheme}'")]);
        }

        string code = current.Code;
        var rows = await (from r in db.ResultRows.AsNoTracking()
                          join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                          where r.ResultSetId == set.Id && r.Node == code
                          select new { u.Id, u.Code, u.Name, u.NameEn, r.Value, r.Score, r.Rank, r.TrackRank, r.RankChange }).ToListAsync(cancel);
        bool indicator = current.Kind == NodeKind.Indicator;
        var warnings = indicator
            ? (await db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id && w.Indicator == code)
                .Select(w => new { w.UnitId, w.Level }).ToListAsync(cancel)).ToDictionary(w => w.UnitId, w => w.Level)
            : [];
        var list = rows
            .Select(r => new ApiResultRow(r.Code, r.Name, r.NameEn, trackOf.GetValueOrDefault(r.Id),
                indicator ? r.Value : null, r.Score, r.Rank, r.RankChange, r.TrackRank, warnings.GetValueOrDefault(r.Id)))
            .Where(r => string.IsNullOrEmpty(track) || r.Track == track)
            .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Unit, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new ApiResults(selection.Scheme.Code, selection.Period!, code, current.Kind.ToString().ToLowerInvariant(),
            string.IsNullOrEmpty(track) ? null : track, set.ComputedAt, list));
    }

    /// <summary>
    /// The current figures of a period that the user may see (<see cref="ScopeQueries.Visible"/>):
    /// every published figure, and the unpublished ones inside the user's <see cref="UnitScope"/>.
    /// </summary>
    public static async Task<IResult> Figures(string scheme, string period, string? unit, string? indicator, SaimaDb db, SaimaAccess access, CancellationToken cancel)
    {
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        if (await ApiContext.PeriodAsync(db, access, s.Id, period, cancel) is null)
        {
            return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' does not exist or is not open to this user");
        }

        UnitScope scope = ApiContext.ReadScope(access);
        var rows = await (from f in db.Figures.AsNoTracking().Visible(db, scope)
                          join u in db.Units on f.UnitId equals u.Id
                          join i in db.Indicators on f.IndicatorId equals i.Id
                          where f.SchemeId == s.Id && f.Period == period && f.IsCurrent
                                && (unit == null || u.Code == unit) && (indicator == null || i.Code == indicator)
                          orderby u.Code, i.SortOrder, i.Code
                          select new { UnitId = u.Id, i.SourceUnitId, Unit = u.Code, Indicator = i.Code, f.Value, f.Status, f.Revision, f.Comment, f.EnteredBy, f.EnteredAt })
            .ToListAsync(cancel);

        // A reviewer's comment belongs to the review: the unit, its reviewers and the office read it
        // (the scope that covers the figure), never a leader or another unit, published or not.
        return TypedResults.Ok(rows.Select(r => new ApiFigure(r.Unit, r.Indicator, r.Value, ApiContext.Status(r.Status), r.Revision,
            scope.Covers(r.UnitId, r.SourceUnitId) ? r.Comment : null,
            r.Status == FigureStatus.Published ? null : r.EnteredBy, r.EnteredAt)).ToList());
    }
}
