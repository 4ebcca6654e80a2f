using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Benchmarks;

/// <summary>
/// A unit against its peers in the scheme's latest published result set, as the unit page and the
/// benchmarking page show it: the store's comparison (<see cref="PeerService.CompareAsync"/>), with
/// the names in the user's language.
/// </summary>
public sealed record UnitPeersView(string UnitCode, string SchemeCode, PeerComparison Comparison, bool English)
{
    /// <summary>How many of the largest gaps the unit page shows (the rest on the benchmarking page).</summary>
    public const int OnUnitPage = 20;

    /// <summary>Indicators per page of the benchmarking page.</summary>
    public const int PageSize = 50;

    public string IndicatorName(PeerGap gap) => Published.Name(gap.Name, gap.NameEn, English);

    public string PeerName(PeerUnit peer) => Published.Name(peer.Name, peer.NameEn, English);

    /// <summary>The context indicators' names, joined for a sentence.</summary>
    public string ContextNames => string.Join(English ? ", " : "、", Comparison.ContextIndicators.Select(c =>
        Comparison.Indicators.FirstOrDefault(g => g.Indicator == c) is { } g ? IndicatorName(g) : c));

    /// <summary>The link to the benchmarking page (optionally one indicator's catch-up target).</summary>
    public string Link(string? indicator = null, int page = 1)
    {
        string link = "/unit/" + Uri.EscapeDataString(UnitCode) + "/peers?scheme=" + Uri.EscapeDataString(SchemeCode);
        if (page > 1)
        {
            link += "&p=" + page.ToString(CultureInfo.InvariantCulture);
        }

        return indicator is null ? link : link + "&indicator=" + Uri.EscapeDataString(indicator) + "#gap-target";
    }
}

/// <summary>What the peers table shows: the view and the rows of this page (the unit page: the largest gaps).</summary>
public sealed record UnitPeersRows(UnitPeersView View, IReadOnlyList<PeerGap> Rows);

/// <summary>
/// Reads <see cref="UnitPeersView"/>, kept under the store's change stamp (named peers, benchmarks
/// and settings change it too). What every unit's comparison in a set shares (<see cref="PeerSet"/>:
/// the units, their context values, the indicators, the benchmarks) is read once per set and stamp
/// and shared by all units' pages, one read at a time; a unit's page then reads only its own rows.
/// </summary>
internal static class UnitPeers
{
    public static async Task<UnitPeersView?> LoadAsync(SaimaDb db, IMemoryCache cache, TimeProvider clock, AssessmentScheme scheme, Unit unit, bool english, CancellationToken cancel)
    {
        long stamp = await ChangeStamp.ReadAsync(db, cancel);
        return await Published.KeptAsync(cache, ("unit-peers", stamp, unit.Id, scheme.Id, english), async () =>
        {
            var periods = await Published.PeriodsAsync(db, scheme.Id, cancel);
            if (periods.Count == 0)
            {
                return null;
            }

            var service = new PeerService(db, clock);
            PeerSet shared = await SharedAsync(db, cache, service, periods[0].Set.Id, stamp, cancel);
            PeerComparison? comparison = await service.CompareAsync(shared, unit.Id, cancel);
            return comparison is null ? null : new UnitPeersView(unit.Code, scheme.Code, comparison, english);
        });
    }

    /// <summary>The shared part of a result set's comparisons (<see cref="PeerService.SetAsync"/>), kept under the store's change stamp.</summary>
    public static async Task<PeerSet> SharedAsync(SaimaDb db, IMemoryCache cache, PeerService service, long setId, CancellationToken cancel) =>
        await SharedAsync(db, cache, service, setId, await ChangeStamp.ReadAsync(db, cancel), cancel);

    private static async Task<PeerSet> SharedAsync(SaimaDb db, IMemoryCache cache, PeerService service, long setId, long stamp, CancellationToken cancel) =>
        (await Published.KeptAsync(cache, SharedKey(stamp, setId), async () => await service.SetAsync(setId, cancel)))!;

    /// <summary>The cache key of a set's shared peer data read under a change stamp.</summary>
    internal static object SharedKey(long stamp, long setId) => ("peer-set", stamp, setId);
}
