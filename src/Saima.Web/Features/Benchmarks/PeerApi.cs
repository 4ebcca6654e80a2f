using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Api;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Benchmarks;

/// <summary>A peer of a unit in the latest published result set: code, name, distance on the context indicators (nearest peers only), rank and score.</summary>
public sealed record ApiPeer(string Unit, string Name, string? NameEn, double? Distance, int? Rank, double? Score);

/// <summary>An external benchmark's figure of an indicator, with the unit's gap to it (positive: behind).</summary>
public sealed record ApiPeerBenchmark(long Id, string Name, string Period, double Value, string Source, double? Gap);

/// <summary>One indicator of the unit against its peers: value, the peers' median and best, the gaps (positive: behind) and the external benchmarks.</summary>
public sealed record ApiPeerGap(
    string Indicator, string Name, string? NameEn, int Direction, double? Value, int PeerValues, double? Median, double? Best, string? BestUnit,
    double? GapToMedian, double? GapToMedianPercent, double? GapToBest, double? GapToBestPercent, IReadOnlyList<ApiPeerBenchmark> Benchmarks);

/// <summary>
/// A unit's peers: those the office named, and the comparison in the scheme's latest published
/// result set (null before any publication): who the peers are and why (basis: named, nearest or
/// none, with the reason), and the largest gaps (at most <see cref="PeerApi.MaxGaps"/>, of <c>gapsTotal</c>).
/// </summary>
public sealed record ApiUnitPeers(
    string Scheme, string Unit, IReadOnlyList<string> Named, string? Period, string? Basis, string? Absence, IReadOnlyList<string> ContextIndicators,
    IReadOnlyList<ApiPeer> Peers, int GapsTotal, IReadOnlyList<ApiPeerGap> Gaps);

/// <summary>The named peers of a unit as the office sets them: unit codes of the same scheme (none: the nearest are found), and an optional reason for the audit trail.</summary>
public sealed record ApiNamedPeers(IReadOnlyList<string> Peers, string? Reason);

/// <summary>An external benchmark as stored: place, indicator, period (2025-06, 2025-Q2) or year (2025), value and source.</summary>
public sealed record ApiBenchmark(long Id, string Name, string Indicator, string Period, double Value, string Source, DateTimeOffset EnteredAt, string EnteredBy);

/// <summary>A new external benchmark: place, indicator code, period or year, value and source, all required.</summary>
public sealed record ApiNewBenchmark(string Name, string Indicator, string Period, double Value, string Source);

/// <summary>
/// Peers and external benchmarks through the API (对标先进): a unit's peers and gaps, the office's
/// named peers, and a scheme's external benchmarks. Each write calls the one door of
/// <see cref="PeerService"/> as the token's user (office only, audited there); this file reads the
/// JSON and turns the door's refusals into problems: 400 for what the door finds wrong with the
/// request (with its code), 403 when the user may not, 404 for an unknown scheme, unit or benchmark.
/// </summary>
public static class PeerApi
{
    /// <summary>The most gaps one answer lists (the largest first; <c>gapsTotal</c> says how many there are).</summary>
    public const int MaxGaps = 50;

    private static readonly string[] BadRequestCodes =
        [WorkflowCodes.PeerNotInScheme, WorkflowCodes.PeerSelf, WorkflowCodes.PeersTooMany, WorkflowCodes.BenchmarkInvalid];

    public static IEndpointRouteBuilder MapPeerApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup(ApiExtensions.Prefix).RequireAuthorization(ApiAuth.ReadPolicy).WithTags("Benchmarks");
        api.MapGet("/schemes/{scheme}/units/{unit}/peers", GetPeers)
            .WithName("GetUnitPeers").WithSummary("A unit's peers and gaps (对标)")
            .WithDescription("The peers the office named for the unit, and the unit against its peers in the scheme's latest published result set: who the peers are and why (basis named, nearest on the context indicators with distances, or none with the reason), and per indicator the unit's value, the peers' median and best and the gaps (positive: behind; the largest "
                + "50 gaps to the median, in percent, of gapsTotal) with the external benchmarks. Before any publication: named peers only. Published data: every signed-in user.")
            .Produces<ApiUnitPeers>().ProducesProblem(401).ProducesProblem(404);
        api.MapPut("/schemes/{scheme}/units/{unit}/peers", SetPeers)
            .WithName("SetUnitPeers").WithSummary("Name a unit's peers (the office, bearer token)")
            .WithDescription("Body: {\"peers\": [unit codes], \"reason\"}. Replaces the peers named for the unit (an empty list: none named, so the nearest on the context indicators are found). Each must be a unit of the scheme and not the unit itself, at most 20 (400 with the code). 200 with the unit's peers as GET gives them.")
            .WithMetadata(new ApiBody(typeof(ApiNamedPeers), Required: true))
            .Produces<ApiUnitPeers>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .AddEndpointFilter(ApiProblems.RequireToken);
        api.MapGet("/schemes/{scheme}/benchmarks", ListBenchmarks)
            .WithName("ListBenchmarks").WithMetadata(new ApiPaged()).WithSummary("External benchmarks of a scheme")
            .WithDescription("The advanced places' figures the office entered (compared with the units, never ranked), in the order entered: id, place, indicator, period or year, value, source, when and by whom.")
            .Produces<List<ApiBenchmark>>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        api.MapPost("/schemes/{scheme}/benchmarks", AddBenchmark)
            .WithName("AddBenchmark").WithSummary("Enter an external benchmark (the office, bearer token)")
            .WithDescription("Body: {\"name\": place, \"indicator\": code, \"period\": \"2025-06\" | \"2025-Q2\" | \"2025\", \"value\": number, \"source\"}. A place's figure of an indicator and period only once; at most 2,000 per scheme (400 with the code). 201 with the benchmark.")
            .WithMetadata(new ApiBody(typeof(ApiNewBenchmark), Required: true))
            .Produces<ApiBenchmark>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .AddEndpointFilter(ApiProblems.RequireToken);
        api.MapDelete("/schemes/{scheme}/benchmarks/{id}", RemoveBenchmark)
            .WithName("RemoveBenchmark").WithSummary("Remove an external benchmark (the office, bearer token)")
            .WithDescription("204 when removed; 404 when the scheme has no such benchmark. Audited with what it was.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .AddEndpointFilter(ApiProblems.RequireToken);
        return app;
    }

    private static async Task<IResult> GetPeers(string scheme, string unit, SaimaDb db, TimeProvider clock, IMemoryCache cache, CancellationToken cancel)
    {
        if (await SchemeAndUnitAsync(db, scheme, unit, cancel) is not ({ } s, { } u))
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist or unit '{unit}' does not take part in it");
        }

        return TypedResults.Ok(await ViewAsync(db, clock, cache, s, u, cancel));
    }

    private static async Task<IResult> SetPeers(string scheme, string unit, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, IMemoryCache cache, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        if (await SchemeAndUnitAsync(db, scheme, unit, cancel) is not ({ } s, { } u))
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist or unit '{unit}' does not take part in it");
        }

        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{\"peers\": [unit codes], \"reason\"}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<(string, string)>();
        List<string> peers = [];
        if (!body!.Value.TryGetProperty("peers", out JsonElement array) || array.ValueKind != JsonValueKind.Array
            || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            errors.Add(("peers", "expected an array of unit codes (empty: none named)"));
        }
        else
        {
            peers = [.. array.EnumerateArray().Select(e => e.GetString()!)];
        }

        string? reason = ApiJson.Str(body.Value, "reason", errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(async () =>
        {
            await new PeerService(db, clock).SetNamedPeersAsync(actor, s.Id, u.Id, peers, reason, cancel);
            return TypedResults.Ok(await ViewAsync(db, clock, cache, s, u, cancel));
        }, "peers");
    }

    private static async Task<IResult> ListBenchmarks(string scheme, int? limit, string? cursor, HttpContext http, SaimaDb db, CancellationToken cancel)
    {
        if (!ApiPaging.TrySize(limit, out int size, out IResult? refusal) || !ApiPaging.TryRead(cursor, 1, out string[]? after, out refusal))
        {
            return refusal!;
        }

        long from = 0;
        if (after is not null && !long.TryParse(after[0], NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            return ApiProblems.Invalid([("cursor", "not a cursor of this list: pass the X-Next-Cursor of the page before, unchanged")]);
        }

        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        List<ApiBenchmark> rows = await db.ExternalBenchmarks.AsNoTracking()
            .Where(b => b.SchemeId == s.Id && b.Id > from)
            .OrderBy(b => b.Id).Take(size + 1)
            .Select(b => new ApiBenchmark(b.Id, b.Name, b.Indicator, b.Period, b.Value, b.Source, b.EnteredAt, b.EnteredBy))
            .ToListAsync(cancel);
        return TypedResults.Ok(ApiPaging.Page(http, rows, size, b => ApiPaging.Cursor(b.Id.ToString(CultureInfo.InvariantCulture))));
    }

    private static async Task<IResult> AddBenchmark(string scheme, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        (JsonElement? body, IResult? bad) = await ApiJson.ObjectAsync(request, "{\"name\", \"indicator\", \"period\", \"value\", \"source\"}", cancel);
        if (bad is not null)
        {
            return bad;
        }

        JsonElement root = body!.Value;
        var errors = new List<(string, string)>();
        string? name = ApiJson.Str(root, "name", errors);
        string? indicator = ApiJson.Str(root, "indicator", errors);
        string? period = ApiJson.Str(root, "period", errors);
        string? source = ApiJson.Str(root, "source", errors);
        double value = 0;
        if (!root.TryGetProperty("value", out JsonElement v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out value))
        {
            errors.Add(("value", "expected a number"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RunAsync(async () =>
        {
            ExternalBenchmark b = await new PeerService(db, clock).AddBenchmarkAsync(actor, s.Id, name, indicator, period, value, source, cancel);
            return TypedResults.Created(
                ApiExtensions.Prefix + "/schemes/" + Uri.EscapeDataString(s.Code) + "/benchmarks/" + b.Id.ToString(CultureInfo.InvariantCulture),
                new ApiBenchmark(b.Id, b.Name, b.Indicator, b.Period, b.Value, b.Source, b.EnteredAt, b.EnteredBy));
        }, "body");
    }

    private static async Task<IResult> RemoveBenchmark(string scheme, long id, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        if (ApiContext.Reader(access) is not { } actor)
        {
            return ApiProblems.Forbidden("the user holds no role");
        }

        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        return await RunAsync(async () =>
        {
            await new PeerService(db, clock).RemoveBenchmarkAsync(actor, s.Id, id, null, cancel);
            return TypedResults.NoContent();
        }, "id");
    }

    /// <summary>The unit's named peers and its comparison in the latest published result set.</summary>
    private static async Task<ApiUnitPeers> ViewAsync(SaimaDb db, TimeProvider clock, IMemoryCache cache, AssessmentScheme s, Unit u, CancellationToken cancel)
    {
        var service = new PeerService(db, clock);
        IReadOnlyDictionary<long, IReadOnlyList<long>> named = await service.NamedPeersAsync(s.Id, cancel);
        long[] namedIds = named.TryGetValue(u.Id, out IReadOnlyList<long>? ids) ? [.. ids] : [];
        List<string> namedCodes = await db.Units.AsNoTracking().Where(x => namedIds.Contains(x.Id)).Select(x => x.Code).ToListAsync(cancel);
        namedCodes.Sort(StringComparer.Ordinal);

        IReadOnlyList<(string Period, ResultSet Set)> periods = await Published.PeriodsAsync(db, s.Id, cancel);
        PeerComparison? c = periods.Count == 0 ? null
            : await service.CompareAsync(await UnitPeers.SharedAsync(db, cache, service, periods[0].Set.Id, cancel), u.Id, cancel);
        if (c is null)
        {
            return new ApiUnitPeers(s.Code, u.Code, namedCodes, null, null, null, [], [], 0, []);
        }

        return new ApiUnitPeers(
            s.Code, u.Code, namedCodes, c.Period, Word(c.Basis), c.Absence == PeerAbsence.None ? null : Word(c.Absence), c.ContextIndicators,
            [.. c.Peers.Select(p => new ApiPeer(p.Code, p.Name, p.NameEn, p.Distance, p.Rank, p.Score))],
            c.Indicators.Count,
            [.. c.Indicators.Take(MaxGaps).Select(g => new ApiPeerGap(
                g.Indicator, g.Name, g.NameEn, g.Direction, g.Value, g.PeerValues, g.Median, g.Best, g.BestUnit,
                g.GapToMedian, g.GapToMedianPercent, g.GapToBest, g.GapToBestPercent,
                [.. g.Benchmarks.Select(b => new ApiPeerBenchmark(b.Id, b.Name, b.Period, b.Value, b.Source, b.Gap))]))]);
    }

    private static string Word<T>(T value)
        where T : struct, Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];

    private static async Task<(AssessmentScheme? Scheme, Unit? Unit)> SchemeAndUnitAsync(SaimaDb db, string scheme, string unit, CancellationToken cancel)
    {
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return (null, null);
        }

        Unit? u = await (from su in db.SchemeUnits.AsNoTracking()
                         join x in db.Units.AsNoTracking() on su.UnitId equals x.Id
                         where su.SchemeId == s.Id && x.Code == unit
                         select x).FirstOrDefaultAsync(cancel);
        return (s, u);
    }

    /// <summary>Runs a door; its refusals become problems: what is wrong with the request 400 (naming <paramref name="field"/>, with the code), else as the API says refusals.</summary>
    private static async Task<IResult> RunAsync(Func<Task<IResult>> act, string field)
    {
        try
        {
            return await act();
        }
        catch (Exception e) when (e is IStoreRefusal refusal && BadRequestCodes.Contains(refusal.Code))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [e.Message] },
                detail: field + ": " + e.Message,
                title: "The request is not valid",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = refusal.Code, ["args"] = refusal.Args });
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return ApiProblems.Refusal(e);
        }
    }
}
