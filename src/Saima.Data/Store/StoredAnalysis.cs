using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// The analysis kept with a result set instead of computed on a request: what it takes per ranked
/// unit (<see cref="AnalysisService.WhatItTakes"/>, one place up and first place) and the rank
/// intervals (<see cref="RankIntervals"/>). A small set gets both in the publication's transaction;
/// a big one is stored without them and the web application's background service works them out
/// right after, through the doors below (it repeats none of their rules). Pages and reports read
/// what is stored. What is written here is derived from the stored set alone (no one's choice), so
/// it has no role to check and no audit line, as the set's explanation traces.
/// </summary>
public sealed class StoredAnalysis(SaimaDb db)
{
    /// <summary>
    /// Where the background computes (the web application's one low-priority thread): when set,
    /// each unit's search runs there on one core, and <see cref="BetweenUnits"/> is awaited before
    /// each unit. Null (the publication, the command line): on the caller's thread, on every core.
    /// </summary>
    public TaskScheduler? Scheduler { get; init; }

    /// <summary>Awaited before each unit's search when computing in the background (the server waits for a quiet moment).</summary>
    public Func<CancellationToken, Task>? BetweenUnits { get; init; }

    /// <summary>
    /// The setting (office settings) of the largest set, in units × indicators, whose rank intervals
    /// are computed in the publication's transaction; a bigger set's are computed in the
    /// background right after. Default <see cref="DefaultIntervalsInlineCells"/>.
    /// </summary>
    public const string IntervalsInlineCellsKey = "analysis_intervals_inline_cells";

    /// <summary>
    /// 5,000 cells (e.g. 50 units × 100 indicators): the demo city's schemes (12 × 50, 150 × 12,
    /// 42 × 8) keep computing them in the publication (0.1–0.9 s each, measured); the `province`
    /// store (100 × 100, 1.3–2.5 s) and anything bigger get them in the background, so that at 1,000 × 200,
    /// where they took 70–80 % of a publication (docs/scale.md), the publication does not wait.
    /// </summary>
    public const long DefaultIntervalsInlineCells = 5_000;

    /// <summary>
    /// The setting of the most units ranked at the root for which what it takes is computed, for
    /// every ranked unit, in the publication's transaction; above it the background service computes
    /// it unit by unit (the units asked for on a page first). Default <see cref="DefaultWhatItTakesInlineUnits"/>.
    /// </summary>
    public const string WhatItTakesInlineUnitsKey = "analysis_what_it_takes_inline_units";

    /// <summary>
    /// 10 units. Each unit's answer scores the whole period again tens of times per indicator, so all
    /// units' answers cost about units² × indicators: for the demo city's county scheme (12 units ×
    /// 50 indicators) 8.7 s a publication on the shared machine (0.7 s a unit), which would have
    /// tripled the demo's build; such a set's answers come from the background within seconds of
    /// a page asking. docs/analysis.md gives the figures.
    /// </summary>
    public const int DefaultWhatItTakesInlineUnits = 10;

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A step as stored: indicator code, value, needed value (null: unreachable), change %, cumulative, annual target.</summary>
    private sealed record StoredStep(string I, double? V, double? N, double? P, bool C, double? A);

    /// <summary>An answer as stored: period, next year, the steps to one place up and (when not the same) to first place.</summary>
    private sealed record StoredAnswer(string P, int Y, StoredStep[] Up, StoredStep[]? First);

    /// <summary>A numeric setting of the office (see the keys above), or <paramref name="fallback"/>.</summary>
    internal static long Setting(SaimaDb db, string key, long fallback)
    {
        string? text = db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefault();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : fallback;
    }

    /// <summary>Whether a set scored from <paramref name="inputs"/> gets its rank intervals in the publication (see <see cref="IntervalsInlineCellsKey"/>).</summary>
    internal static bool IntervalsInline(SaimaDb db, ScoringInputs inputs) =>
        (long)inputs.Dataset.UnitCodes.Length * inputs.Scheme.Indicators.Count <= Setting(db, IntervalsInlineCellsKey, DefaultIntervalsInlineCells);

    /// <summary>
    /// In the publication's transaction, after the set's rows: the rank intervals, or the set
    /// marked for the background when it is too big (<see cref="IntervalsInlineCellsKey"/>); and
    /// what it takes for every ranked unit when few are ranked (<see cref="WhatItTakesInlineUnitsKey"/>).
    /// </summary>
    /// <param name="ranked">The units ranked at the root of the set: unit → rank.</param>
    internal static void AtPublication(SaimaDb db, ScoringInputs inputs, long resultSetId, Dictionary<long, int> ranked, DateTimeOffset now)
    {
        if (IntervalsInline(db, inputs))
        {
            RankIntervals.Write(db, inputs, resultSetId);
        }
        else
        {
            var pending = new AnalysisPending { ResultSetId = resultSetId, QueuedAt = now };
            db.AnalysisPending.Add(pending);
            db.SaveChanges();
            db.Entry(pending).State = EntityState.Detached;
        }

        if (ranked.Count == 0 || ranked.Count > Setting(db, WhatItTakesInlineUnitsKey, DefaultWhatItTakesInlineUnits))
        {
            return;
        }

        var written = new List<WhatItTakesRow>(ranked.Count);
        foreach ((long unit, int rank) in ranked.OrderBy(u => u.Key))
        {
            if (AnalysisService.WhatItTakes(inputs, unit, rank, ranked.Count) is { } answer)
            {
                written.Add(Row(resultSetId, unit, answer));
            }
        }

        db.WhatItTakes.AddRange(written);
        try
        {
            db.SaveChanges();
        }
        finally
        {
            foreach (WhatItTakesRow row in written)
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    private static WhatItTakesRow Row(long resultSetId, long unitId, WhatItTakesAnswer answer)
    {
        static StoredStep[] Steps(IReadOnlyList<WhatItTakesStep> steps) =>
            [.. steps.Select(s => new StoredStep(s.Indicator, s.Value, s.Needed, s.ChangePercent, s.Cumulative, s.AnnualTarget))];
        var stored = new StoredAnswer(answer.Period, answer.NextYear, Steps(answer.OneUp), ReferenceEquals(answer.First, answer.OneUp) ? null : Steps(answer.First));
        return new WhatItTakesRow
        {
            ResultSetId = resultSetId,
            UnitId = unitId,
            Rank = answer.Rank,
            Ranked = answer.Ranked,
            AnswerJson = JsonSerializer.Serialize(stored, Json),
            ElapsedMs = (int)Math.Min(int.MaxValue, answer.ElapsedMs),
        };
    }

    /// <summary>
    /// A stored answer as <see cref="AnalysisService.WhatItTakes"/> gives it, the indicators named by
    /// <paramref name="names"/> (code → name; a code not in it by <paramref name="scheme"/>'s name, else the code).
    /// </summary>
    public static WhatItTakesAnswer Answer(WhatItTakesRow row, IReadOnlyDictionary<string, string>? names, Scheme? scheme = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        StoredAnswer stored = JsonSerializer.Deserialize<StoredAnswer>(row.AnswerJson, Json)
            ?? throw new InvalidOperationException($"what it takes of unit {row.UnitId} in result set {row.ResultSetId} is empty");
        string Name(string code) => names?.GetValueOrDefault(code)
            ?? (scheme is not null && scheme.Indicators.FirstOrDefault(i => i.Code == code) is { } def ? def.Name ?? code : code);
        List<WhatItTakesStep> Steps(StoredStep[] steps) =>
            [.. steps.Select(s => new WhatItTakesStep(s.I, Name(s.I), s.V, s.N, s.N is not null, s.P, s.C, s.A))];
        List<WhatItTakesStep> up = Steps(stored.Up);
        return new WhatItTakesAnswer(stored.P, stored.Y, row.Rank, row.Ranked, up, stored.First is null ? up : Steps(stored.First), row.ElapsedMs);
    }

    /// <summary>The stored answer of a unit in a set, or null when none is stored (yet, or the unit has no rank).</summary>
    public async Task<WhatItTakesAnswer?> WhatItTakesOfAsync(long resultSetId, long unitId, IReadOnlyDictionary<string, string>? names, CancellationToken cancel = default)
    {
        WhatItTakesRow? row = await db.WhatItTakes.AsNoTracking().SingleOrDefaultAsync(w => w.ResultSetId == resultSetId && w.UnitId == unitId, cancel);
        return row is null ? null : Answer(row, names);
    }

    /// <summary>Every stored answer of a set (unit → answer), the indicators named by the scheme.</summary>
    public async Task<Dictionary<long, WhatItTakesAnswer>> WhatItTakesOfSetAsync(long resultSetId, Scheme scheme, CancellationToken cancel = default)
    {
        var rows = await db.WhatItTakes.AsNoTracking().Where(w => w.ResultSetId == resultSetId).ToListAsync(cancel);
        return rows.ToDictionary(r => r.UnitId, r => Answer(r, null, scheme));
    }

    /// <summary>
    /// Computes and stores what it takes for the given units of a set (all its ranked units when
    /// null) that have no stored answer, one unit at a time (each stored as soon as it is known, so a
    /// page asking sees it at once), from <paramref name="inputs"/> read once by the caller
    /// (<see cref="AnalysisService.InputsOf"/>). Returns how many were stored. A unit without a rank
    /// at the root gets nothing (nothing to move up).
    /// </summary>
    public async Task<int> ComputeWhatItTakesAsync(ResultSet set, ScoringInputs inputs, IReadOnlyCollection<long>? units = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(inputs);
        string root = inputs.Scheme.Groups[inputs.Scheme.RootGroup].Code;
        var ranked = await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id && r.Node == root && r.Rank != null)
            .Select(r => new { r.UnitId, Rank = r.Rank!.Value }).ToDictionaryAsync(r => r.UnitId, r => r.Rank, cancel);
        var known = (await db.WhatItTakes.AsNoTracking().Where(w => w.ResultSetId == set.Id).Select(w => w.UnitId).ToListAsync(cancel)).ToHashSet();
        IEnumerable<long> wanted = units ?? (IEnumerable<long>)ranked.Keys.Order();
        int written = 0;
        foreach (long unit in wanted.Where(u => ranked.ContainsKey(u) && !known.Contains(u)).Distinct().ToList())
        {
            cancel.ThrowIfCancellationRequested();
            if (BetweenUnits is not null)
            {
                await BetweenUnits(cancel);
            }

            int rank = ranked[unit];
            WhatItTakesAnswer? computed = Scheduler is null
                ? AnalysisService.WhatItTakes(inputs, unit, rank, ranked.Count)
                : await Task.Factory.StartNew(() => AnalysisService.WhatItTakes(inputs, unit, rank, ranked.Count, maxDegreeOfParallelism: 1),
                    cancel, TaskCreationOptions.DenyChildAttach, Scheduler);
            if (computed is not { } answer)
            {
                continue;
            }

            // Another node (or the publication) may have stored it meanwhile: the first one stays.
            if (await db.WhatItTakes.AsNoTracking().AnyAsync(w => w.ResultSetId == set.Id && w.UnitId == unit, cancel))
            {
                continue;
            }

            WhatItTakesRow row = Row(set.Id, unit, answer);
            db.WhatItTakes.Add(row);
            try
            {
                await db.SaveChangesAsync(cancel);
                written++;
            }
            catch (DbUpdateException)
            {
                // Stored by another node between the check and the insert: the same answer.
            }
            finally
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }

        return written;
    }

    /// <summary>
    /// The result sets stored without their rank intervals, newest first: the latest period is the
    /// one the league table and the unit pages show, so a store published month after month (or
    /// built with its history) gets it first, not after every older month.
    /// </summary>
    public async Task<IReadOnlyList<long>> IntervalsPendingAsync(CancellationToken cancel = default) =>
        await db.AnalysisPending.AsNoTracking().OrderByDescending(p => p.ResultSetId).Select(p => p.ResultSetId).ToListAsync(cancel);

    /// <summary>
    /// Computes and stores the rank intervals (and the sensitivity) of a set stored without them,
    /// from the inputs it was scored from, exactly as the publication would have
    /// (<see cref="RankIntervals"/>: same replicates, seed and spread), and takes it off the pending
    /// list, in one transaction. False when the set was not pending (done meanwhile, or never).
    /// </summary>
    public bool CompleteIntervals(long resultSetId, ScoringInputs? inputs = null)
    {
        ResultSet? set = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == resultSetId);
        if (set is null || !db.AnalysisPending.AsNoTracking().Any(p => p.ResultSetId == resultSetId))
        {
            return false;
        }

        inputs ??= ScoringInputs.LoadAsStored(db, set);
        using var tx = db.Database.BeginTransaction();
        // Taking the row first: a second node doing the same set finds nothing to delete and stops.
        if (db.AnalysisPending.Where(p => p.ResultSetId == resultSetId).ExecuteDelete() == 0)
        {
            return false;
        }

        if (!db.RankIntervalRuns.AsNoTracking().Any(r => r.ResultSetId == resultSetId))
        {
            // In the background (a Scheduler given: the caller runs this on it), on one core.
            RankIntervals.Write(db, inputs, resultSetId, Scheduler is null ? null : 1);
        }

        tx.Commit();
        return true;
    }

    /// <summary>
    /// The latest published set of each scheme (what the unit pages show) that has ranked units
    /// without a stored answer, with the units lacking one; the background service works through
    /// them. Older sets get theirs when a page asks.
    /// </summary>
    public async Task<IReadOnlyList<(ResultSet Set, IReadOnlyList<long> Units)>> LackingWhatItTakesAsync(CancellationToken cancel = default)
    {
        var latest = await (from r in db.ResultSets.AsNoTracking()
                            join p in db.Periods.AsNoTracking() on new { r.SchemeId, Code = r.Period } equals new { p.SchemeId, p.Code }
                            where p.Status == PeriodStatus.Published
                            select new { r.Id, r.SchemeId, r.Period }).ToListAsync(cancel);
        var ids = latest.GroupBy(s => s.SchemeId).Select(g => g.OrderByDescending(s => s.Period, StringComparer.Ordinal).ThenByDescending(s => s.Id).First().Id).ToList();
        var found = new List<(ResultSet, IReadOnlyList<long>)>();
        foreach (long id in ids)
        {
            ResultSet set = await db.ResultSets.AsNoTracking().Where(r => r.Id == id)
                .Select(r => new ResultSet
                {
                    Id = r.Id, SchemeId = r.SchemeId, SchemeVersionId = r.SchemeVersionId, Period = r.Period,
                    ComputedAt = r.ComputedAt, ComputedBy = r.ComputedBy, InputHash = r.InputHash,
                }).SingleAsync(cancel);
            string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == set.SchemeVersionId).Select(v => v.Json).SingleAsync(cancel);
            Scheme scheme = SchemeParser.Parse(json);
            string root = scheme.Groups[scheme.RootGroup].Code;
            var lacking = await db.ResultRows.AsNoTracking()
                .Where(r => r.ResultSetId == id && r.Node == root && r.Rank != null && !db.WhatItTakes.Any(w => w.ResultSetId == id && w.UnitId == r.UnitId))
                .OrderBy(r => r.UnitId).Select(r => r.UnitId).ToListAsync(cancel);
            if (lacking.Count > 0)
            {
                found.Add((set, lacking));
            }
        }

        return found;
    }
}
