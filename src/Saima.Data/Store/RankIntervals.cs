using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>A unit's stored 90% rank interval: overall and in its track (null where the unit has none).</summary>
public sealed record UnitRankInterval(long UnitId, int? Low, int? High, int? TrackLow, int? TrackHigh);

/// <summary>
/// The rank intervals of a result set (how sure a rank is): computed once, when the set is stored
/// (or, for a set too big to score a thousand times inside its publication, right after it by the
/// background service through <see cref="StoredAnalysis"/>), with <see cref="RankUncertainty"/> — every weight times a factor from U[0.75, 1.25], and one of
/// the step alternatives the office configured for the scheme (none: weights only) — with a fixed
/// seed, and kept with the set. Pages read them; nothing recomputes them on a request, and a set
/// stored before they existed shows none.
/// </summary>
public static class RankIntervals
{
    /// <summary>
    /// Replicates per result set: enough for the 5th and 95th percentiles of a rank to settle (50
    /// replicates lie beyond each), few enough that publishing the demo county scheme takes well
    /// under a second more (see docs/analysis.md).
    /// </summary>
    public const int Replicates = 1000;

    /// <summary>
    /// Units up to which every result set gets <see cref="Replicates"/> replicates. Each replicate
    /// scores the whole period again, so the cost grows with units × replicates: above this, a set
    /// gets <see cref="ReplicateBudget"/> ÷ units replicates (at least <see cref="MinReplicates"/>),
    /// recorded with the run (1,000 units: 200; 3,000: 100), so that publishing a large scheme is
    /// not held up by a minute of intervals. The intervals of such a set are coarser, not different
    /// in kind: the 5th and 95th percentiles of 100 draws.
    /// </summary>
    public const int FullReplicateUnits = 200;

    /// <summary>Units × replicates one result set may spend above <see cref="FullReplicateUnits"/> units.</summary>
    public const int ReplicateBudget = FullReplicateUnits * Replicates;

    /// <summary>The fewest replicates of any set.</summary>
    public const int MinReplicates = 100;

    /// <summary>The replicates of a set of <paramref name="units"/> units (see <see cref="FullReplicateUnits"/>).</summary>
    public static int ReplicatesFor(int units) =>
        units <= FullReplicateUnits ? Replicates : Math.Max(MinReplicates, ReplicateBudget / units);

    /// <summary>The fixed seed of every run (recorded with it): the same inputs give the same intervals.</summary>
    public const ulong Seed = 20_250_916;

    /// <summary>The weight spread W: every weight ×U[1 − W, 1 + W].</summary>
    public const double WeightSpread = 0.25;

    /// <summary>
    /// Computes and stores the intervals of a result set just stored from <paramref name="inputs"/>,
    /// inside the caller's transaction. A scheme the analysis cannot run on (an alternative that
    /// does not fit the data) gets no intervals rather than blocking the publication.
    /// </summary>
    internal static void Write(SaimaDb db, ScoringInputs inputs, long resultSetId, int? maxDegreeOfParallelism = null)
    {
        string? alternativesJson = db.AnalysisSettings.AsNoTracking()
            .Where(s => s.SchemeId == inputs.Version.SchemeId).Select(s => s.AlternativesJson).FirstOrDefault();
        var clock = Stopwatch.StartNew();
        int replicates = ReplicatesFor(inputs.Dataset.UnitCodes.Length);
        UncertaintyResult result;
        try
        {
            StepAlternatives alternatives = alternativesJson is null ? StepAlternatives.None : SchemeParser.ParseAlternatives(alternativesJson);
            result = RankUncertainty.Run(inputs.Scheme, inputs.Dataset, inputs.Dataset.Periods.Length - 1, new UncertaintyOptions
            {
                Replicates = replicates,
                Seed = Seed,
                WeightSpread = WeightSpread,
                Alternatives = alternatives,
                Sensitivity = true,
                MaxDegreeOfParallelism = maxDegreeOfParallelism,
            });
        }
        catch (Exception e) when (e is ScoringException or SchemeException)
        {
            return;
        }

        var rows = new List<RankInterval>(result.Summary.Length);
        for (int u = 0; u < result.Summary.Length; u++)
        {
            RankSummary? all = result.Summary[u];
            RankSummary? track = result.TrackSummary?[u];
            if (all is null && track is null)
            {
                continue;
            }

            rows.Add(new RankInterval
            {
                ResultSetId = resultSetId,
                UnitId = inputs.UnitIds[result.Period.Units[u]],
                RankLow = all?.P05,
                RankHigh = all?.P95,
                TrackRankLow = track?.P05,
                TrackRankHigh = track?.P95,
            });
        }

        var run = new RankIntervalRun
        {
            ResultSetId = resultSetId,
            Replicates = replicates,
            Seed = unchecked((long)Seed),
            WeightSpread = WeightSpread,
            AlternativesJson = alternativesJson,
            ElapsedMs = (int)Math.Min(int.MaxValue, clock.ElapsedMilliseconds),
            MeanShift = result.MeanShift,
        };
        var factors = (result.Sensitivity ?? []).Select((f, i) => new RankSensitivityRow
        {
            ResultSetId = resultSetId,
            Ordinal = i + 1,
            Kind = KindName(f.Kind),
            Code = f.Code,
            FirstOrder = f.FirstOrder,
        }).ToList();
        db.RankIntervalRuns.Add(run);
        db.RankIntervals.AddRange(rows);
        db.RankSensitivity.AddRange(factors);
        try
        {
            db.SaveChanges();
        }
        finally
        {
            db.Entry(run).State = EntityState.Detached;
            foreach (RankInterval row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }

            foreach (RankSensitivityRow row in factors)
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    /// <summary>The stored name of a factor's kind (snake_case, as the schema documents).</summary>
    public static string KindName(SensitivityKind kind) => kind switch
    {
        SensitivityKind.IndicatorWeight => "indicator_weight",
        SensitivityKind.GroupWeight => "group_weight",
        SensitivityKind.TrackWeight => "track_weight",
        SensitivityKind.Impute => "impute",
        SensitivityKind.Normalise => "normalise",
        _ => "aggregate",
    };

    /// <summary>
    /// The <paramref name="take"/> factors of a result set's run that move ranks most (largest
    /// first share first), read as stored; empty for a set stored without them.
    /// </summary>
    public static Task<List<RankSensitivityRow>> SensitivityAsync(SaimaDb db, long resultSetId, int take, CancellationToken cancel = default) =>
        db.RankSensitivity.AsNoTracking().Where(r => r.ResultSetId == resultSetId)
            .OrderBy(r => r.Ordinal).Take(take).ToListAsync(cancel);

    /// <summary>The run that computed a result set's intervals, or null for a set stored without them.</summary>
    public static RankIntervalRun? RunOf(SaimaDb db, long resultSetId) =>
        db.RankIntervalRuns.AsNoTracking().SingleOrDefault(r => r.ResultSetId == resultSetId);

    /// <summary>The same, asynchronously.</summary>
    public static Task<RankIntervalRun?> RunOfAsync(SaimaDb db, long resultSetId, CancellationToken cancel = default) =>
        db.RankIntervalRuns.AsNoTracking().SingleOrDefaultAsync(r => r.ResultSetId == resultSetId, cancel);

    /// <summary>The stored intervals of a result set by unit id (empty for a set stored without them).</summary>
    public static IReadOnlyDictionary<long, UnitRankInterval> Of(SaimaDb db, long resultSetId) =>
        db.RankIntervals.AsNoTracking().Where(r => r.ResultSetId == resultSetId)
            .Select(r => new UnitRankInterval(r.UnitId, r.RankLow, r.RankHigh, r.TrackRankLow, r.TrackRankHigh))
            .ToList()
            .ToDictionary(r => r.UnitId);

    /// <summary>The same, asynchronously.</summary>
    public static async Task<IReadOnlyDictionary<long, UnitRankInterval>> OfAsync(SaimaDb db, long resultSetId, CancellationToken cancel = default) =>
        (await db.RankIntervals.AsNoTracking().Where(r => r.ResultSetId == resultSetId)
            .Select(r => new UnitRankInterval(r.UnitId, r.RankLow, r.RankHigh, r.TrackRankLow, r.TrackRankHigh))
            .ToListAsync(cancel))
            .ToDictionary(r => r.UnitId);

    /// <summary>The stored interval of one unit in a result set, or null.</summary>
    public static UnitRankInterval? Of(SaimaDb db, long resultSetId, long unitId) =>
        db.RankIntervals.AsNoTracking().Where(r => r.ResultSetId == resultSetId && r.UnitId == unitId)
            .Select(r => new UnitRankInterval(r.UnitId, r.RankLow, r.RankHigh, r.TrackRankLow, r.TrackRankHigh))
            .SingleOrDefault();

    /// <summary>The same, asynchronously.</summary>
    public static Task<UnitRankInterval?> OfAsync(SaimaDb db, long resultSetId, long unitId, CancellationToken cancel = default) =>
        db.RankIntervals.AsNoTracking().Where(r => r.ResultSetId == resultSetId && r.UnitId == unitId)
            .Select(r => new UnitRankInterval(r.UnitId, r.RankLow, r.RankHigh, r.TrackRankLow, r.TrackRankHigh))
            .SingleOrDefaultAsync(cancel);

    /// <summary>
    /// The units (in rank order) whose interval overlaps a neighbour's — the unit ranked just above
    /// or just below: not clearly ahead of (or behind) it. <paramref name="ranked"/> is each unit id
    /// with its rank, any order; units without a rank or interval are left out.
    /// </summary>
    public static IReadOnlyList<long> Overlapping(IReadOnlyList<(long UnitId, int Rank)> ranked, IReadOnlyDictionary<long, UnitRankInterval> intervals, bool track = false)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(intervals);
        var list = ranked
            .Select(r => (r.UnitId, r.Rank, I: intervals.GetValueOrDefault(r.UnitId)))
            .Select(r => (r.UnitId, r.Rank, Low: track ? r.I?.TrackLow : r.I?.Low, High: track ? r.I?.TrackHigh : r.I?.High))
            .Where(r => r.Low is not null && r.High is not null)
            .OrderBy(r => r.Rank).ThenBy(r => r.UnitId)
            .ToList();
        var result = new List<long>();
        for (int i = 0; i < list.Count; i++)
        {
            bool above = i > 0 && list[i - 1].Low <= list[i].High && list[i].Low <= list[i - 1].High;
            bool below = i + 1 < list.Count && list[i].Low <= list[i + 1].High && list[i + 1].Low <= list[i].High;
            if (above || below)
            {
                result.Add(list[i].UnitId);
            }
        }

        return result;
    }
}
