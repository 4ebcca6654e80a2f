using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.League;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Api;

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

    /// <summary>
    /// A published period's league table at a node (default: the total), all units or one track:
    /// the league page's own query (<see cref="LeagueQuery"/>), so the API and the page agree row
    /// for row. 404 unless published; 400 for a node or track the scheme lacks.
    /// </summary>
    public static async Task<IResult> Results(string scheme, string period, string? track, string? node, LeagueQuery league, CancellationToken cancel)
    {
        LeagueView view = await league.ReadAsync(new LeagueRequest(scheme, period, track, string.IsNullOrEmpty(node) ? null : node, Sort: null, English: false), cancel);
        switch (view.Outcome)
        {
            case LeagueOutcome.NoSuchScheme:
                return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
            case LeagueOutcome.NotPublished:
                return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' is not published (only published results are served)");
            case LeagueOutcome.NoSuchNode:
                return ApiProblems.Invalid([("node", $"'{node}' is not a node of scheme '{scheme}' (the total, a dimension or an indicator code)")]);
            case LeagueOutcome.NoSuchTrack:
                return ApiProblems.Invalid([("track", $"'{track}' is not a track of scheme '{scheme}'")]);
        }

        if (view.Set is not { } set || view.Current is not { } current)
        {
            return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' is not published (only published results are served)");
        }

        var rows = view.Rows
            .Select(r => new ApiResultRow(r.Code, r.Name, r.NameEn, r.Track, r.Value, r.Score, r.Rank, r.RankChange, r.TrackRank, r.Warning))
            .ToList();
        return TypedResults.Ok(new ApiResults(view.Scheme!.Code, view.Period!, current.Code, current.Kind.ToString().ToLowerInvariant(),
            view.Track, set.ComputedAt, rows));
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
