using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.League;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Api;

/// <summary>The API's reads: units, schemes, periods, published results and the figures the user may see.</summary>
internal static class ApiReads
{
    public static async Task<IResult> Units(int? limit, string? cursor, HttpContext http, SaimaDb db, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 1, out string[]? after, out refusal))
        {
            return refusal!;
        }

        string? from = after?[0];
        var units = await db.Units.AsNoTracking().Where(u => from == null || string.Compare(u.Code, from) > 0).OrderBy(u => u.Code)
            .Select(u => new { u.Code, u.Name, u.NameEn, u.Kind, Parent = u.Parent == null ? null : u.Parent.Code })
            .Take(size + 1).ToListAsync(cancel);
        return TypedResults.Ok(ApiPaging.Page(http, units, size, u => ApiPaging.Cursor(u.Code))
            .Select(u => new ApiUnit(u.Code, u.Name, u.NameEn, ApiContext.Kind(u.Kind), u.Parent)).ToList());
    }

    public static async Task<IResult> Schemes(int? limit, string? cursor, HttpContext http, SaimaDb db, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 1, out string[]? after, out refusal))
        {
            return refusal!;
        }

        string? from = after?[0];
        var schemes = await db.Schemes.AsNoTracking().Where(s => from == null || string.Compare(s.Code, from) > 0).OrderBy(s => s.Code)
            .Take(size + 1).ToListAsync(cancel);
        return TypedResults.Ok(ApiPaging.Page(http, schemes, size, s => ApiPaging.Cursor(s.Code))
            .Select(s => new ApiScheme(s.Code, s.Name, s.NameEn, s.Frequency)).ToList());
    }

    public static async Task<IResult> Periods(string scheme, int? limit, string? cursor, HttpContext http, SaimaDb db, SaimaAccess access, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 1, out string[]? after, out refusal))
        {
            return refusal!;
        }

        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        bool open = ApiContext.SeesOpenPeriods(access);
        string? before = after?[0];
        var periods = await db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == s.Id && (open || p.Status == PeriodStatus.Published) && (before == null || string.Compare(p.Code, before) < 0))
            .OrderByDescending(p => p.Code).Take(size + 1).ToListAsync(cancel);
        return TypedResults.Ok(ApiPaging.Page(http, periods, size, p => ApiPaging.Cursor(p.Code))
            .Select(p => new ApiPeriod(p.Code, p.Status.ToString().ToLowerInvariant(), p.Deadline, p.PublishedAt)).ToList());
    }

    /// <summary>
    /// A published period's league table at a node (default: the total), all units or one track:
    /// the league page's own query (<see cref="LeagueQuery"/>), so the API and the page agree row
    /// for row. 404 unless published; 400 for a node or track the scheme lacks.
    /// </summary>
    public static async Task<IResult> Results(string scheme, string period, string? track, string? node, int? limit, string? cursor, HttpContext http, LeagueQuery league, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 1, out string[]? after, out refusal))
        {
            return refusal!;
        }

        // The league table's rows are read (and kept) whole by its query; a page is a slice of its order.
        int skip = 0;
        if (after is not null && (!int.TryParse(after[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip) || skip < 1))
        {
            return ApiProblems.Invalid([("cursor", "not a cursor of this list: pass the X-Next-Cursor of the page before, unchanged")]);
        }

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

        var slice = view.Rows.Skip(skip).Take(size + 1).Select((r, i) => (Row: r, At: skip + i + 1)).ToList();
        var rows = ApiPaging.Page(http, slice, size, r => ApiPaging.Cursor(r.At.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(x => x.Row)
            .Select(r => new ApiResultRow(r.Code, r.Name, r.NameEn, r.Track, r.Value, r.Score, r.Rank, r.RankChange, r.TrackRank, r.Warning))
            .ToList();
        return TypedResults.Ok(new ApiResults(view.Scheme!.Code, view.Period!, current.Code, current.Kind.ToString().ToLowerInvariant(),
            view.Track, set.ComputedAt, rows));
    }

    /// <summary>
    /// The current figures of a period that the user may see (<see cref="ScopeQueries.Visible"/>):
    /// every published figure, and the unpublished ones inside the user's <see cref="UnitScope"/>.
    /// A page reads what it lists (<see cref="ApiFigurePages"/>), not the whole period.
    /// </summary>
    public static async Task<IResult> Figures(string scheme, string period, string? unit, string? indicator, int? limit, string? cursor, HttpContext http, SaimaDb db, SaimaAccess access, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 3, out string[]? after, out refusal))
        {
            return refusal!;
        }

        // The sort key of the last row of the page before: unit code, indicator order, indicator code.
        int afterOrder = 0;
        if (after is not null && !int.TryParse(after[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out afterOrder))
        {
            return ApiProblems.Invalid([("cursor", "not a cursor of this list: pass the X-Next-Cursor of the page before, unchanged")]);
        }

        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        if (await ApiContext.PeriodAsync(db, access, s.Id, period, cancel) is null)
        {
            return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' does not exist or is not open to this user");
        }

        UnitScope scope = ApiContext.ReadScope(access);
        ApiFigureKey? key = after is null ? null : new ApiFigureKey(after[0], afterOrder, after[2]);
        List<ApiFigureRow> rows = await ApiFigurePages.ReadAsync(db, s.Id, period, scope, unit, indicator, key, size + 1, cancel);
        rows = ApiPaging.Page(http, rows, size, r => ApiPaging.Cursor(r.Unit, r.SortOrder.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Indicator));

        // A reviewer's comment belongs to the review: the unit, its reviewers and the office read it
        // (the scope that covers the figure), never a leader or another unit, published or not.
        return TypedResults.Ok(rows.Select(r => new ApiFigure(r.Unit, r.Indicator, r.Value, ApiContext.Status(r.Status), r.Revision,
            scope.Covers(r.UnitId, r.SourceUnitId) ? r.Comment : null,
            r.Status == FigureStatus.Published ? null : r.EnteredBy, r.EnteredAt)).ToList());
    }
}
