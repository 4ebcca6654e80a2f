using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Analysis;

/// <summary>
/// Works out in the background the analysis a big result set is stored without
/// (<see cref="StoredAnalysis"/>): first what it takes for the units a page asked for, then the
/// rank intervals of the sets stored without them, then what it takes for every ranked unit of each
/// scheme's latest published set, one unit at a time. The set's inputs are read once and kept while
/// its units are worked through. An adapter: every rule and write is the store's door's. It looks
/// for work when woken (a page asking) and every <see cref="PollKey"/> seconds (a publication made by
/// another node or on the command line).
/// It never takes the pages' CPU: it computes on one dedicated thread at the lowest priority
/// (<see cref="BackgroundCpu"/>: one core at most, nice 19 on Linux), and before each unit, each
/// set's inputs and each set's rank intervals it waits until no request has been in flight for
/// <see cref="QuietKey"/> milliseconds (<see cref="RequestsInFlight"/>), at most
/// <see cref="MaxWaitKey"/> seconds, so that a server busy all day still gets its analysis, one
/// step at a time, on what the pages leave.
/// </summary>
public sealed class AnalysisJobs(IServiceProvider services, IConfiguration configuration, ILogger<AnalysisJobs> log, BackgroundCpu cpu, RequestsInFlight inFlight) : BackgroundService
{
    /// <summary>The configuration key of the milliseconds without a request in flight the service waits for before a step (default 500).</summary>
    public const string QuietKey = "Saima:AnalysisQuietMilliseconds";

    /// <summary>The configuration key of the most seconds the service waits for a quiet moment before a step (default 60).</summary>
    public const string MaxWaitKey = "Saima:AnalysisMaxWaitSeconds";

    /// <summary>The configuration key of the seconds between looks for work when there was none (default 30).</summary>
    public const string PollKey = "Saima:AnalysisPollSeconds";

    /// <summary>
    /// The configuration key of the seconds after start before the service works through the
    /// latest sets' missing answers by itself (default 60): a page's asking and pending intervals are
    /// done at once; the sweep, which may keep a core busy for long, leaves the start to the pages.
    /// </summary>
    public const string SweepDelayKey = "Saima:AnalysisSweepDelaySeconds";

    /// <summary>The configuration key that turns the service's own loop off (false: nothing runs but <see cref="RunOnceAsync"/> called by hand, as tests do).</summary>
    public const string EnabledKey = "Saima:AnalysisBackground";

    private readonly ConcurrentQueue<(long Set, long Unit)> _asked = new();
    private readonly ConcurrentDictionary<(long, long), byte> _waiting = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _inputsLock = new();
    private (long SetId, ScoringInputs Inputs)? _inputs;

    /// <summary>Asks for what it takes of a unit in a set before anything else (a page showed that it is being worked out).</summary>
    public void Ask(long resultSetId, long unitId)
    {
        if (_waiting.TryAdd((resultSetId, unitId), 0))
        {
            _asked.Enqueue((resultSetId, unitId));
        }

        Wake();
    }

    /// <summary>Looks for work now rather than at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!configuration.GetValue(EnabledKey, true))
        {
            return;
        }

        TimeSpan poll = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue(PollKey, 30)));
        TimeSpan sweepAfter = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue(SweepDelayKey, 60)));
        var up = System.Diagnostics.Stopwatch.StartNew();
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await RunOnceAsync(up.Elapsed >= sweepAfter, wait: true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed step is logged; the service goes on with the next
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "the background analysis failed; trying again at the next look");
                worked = false;
            }

            if (!worked)
            {
                try
                {
                    await _wake.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One step of work: the units asked for, else one set's pending rank intervals, else the
    /// latest sets' missing answers (stopping early when a page asks). False when there was nothing to do.
    /// </summary>
    public Task<bool> RunOnceAsync(CancellationToken cancel) => RunOnceAsync(sweep: true, wait: false, cancel);

    /// <summary>How many times a step waited for a quiet moment, and the milliseconds waited in all (for the log and the bench).</summary>
    public (long Waits, long WaitedMs) Waited => (Interlocked.Read(ref _waits), Interlocked.Read(ref _waitedMs));

    private long _waits;
    private long _waitedMs;

    /// <summary>Waits for a quiet moment (see the class); nothing when called by hand (<paramref name="wait"/> false).</summary>
    private async Task QuietAsync(bool wait, CancellationToken cancel)
    {
        if (!wait || inFlight.IsQuiet(Quiet))
        {
            return;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await inFlight.WaitQuietAsync(Quiet, TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue(MaxWaitKey, 60))), cancel);
        Interlocked.Increment(ref _waits);
        Interlocked.Add(ref _waitedMs, clock.ElapsedMilliseconds);
    }

    private TimeSpan Quiet => TimeSpan.FromMilliseconds(Math.Max(0, configuration.GetValue(QuietKey, 500)));

    private async Task<bool> RunOnceAsync(bool sweep, bool wait, CancellationToken cancel)
    {
        using IServiceScope scope = services.CreateScope();
        SaimaDb db = scope.ServiceProvider.GetRequiredService<SaimaDb>();
        var door = new StoredAnalysis(db) { Scheduler = cpu, BetweenUnits = c => QuietAsync(wait, c) };
        bool worked = false;
        while (_asked.TryDequeue(out (long Set, long Unit) asked))
        {
            _waiting.TryRemove(asked, out _);
            ResultSet? set = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == asked.Set);
            if (set is not null)
            {
                worked |= await door.ComputeWhatItTakesAsync(set, await InputsOfAsync(db, set, wait, cancel), [asked.Unit], cancel) > 0;
            }
        }

        if (worked)
        {
            return true;
        }

        IReadOnlyList<long> pending = await door.IntervalsPendingAsync(cancel);
        if (pending.Count > 0)
        {
            ResultSet? set = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == pending[0]);
            if (set is not null)
            {
                ScoringInputs inputs = await InputsOfAsync(db, set, wait, cancel);
                await QuietAsync(wait, cancel);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await cpu.RunAsync(() => door.CompleteIntervals(set.Id, inputs), cancel);
                log.LogInformation("rank intervals of result set {Set} stored in {Ms} ms", set.Id, clock.ElapsedMilliseconds);
                return true;
            }
        }

        if (!sweep)
        {
            return false;
        }

        foreach ((ResultSet set, IReadOnlyList<long> units) in await door.LackingWhatItTakesAsync(cancel))
        {
            ScoringInputs inputs = await InputsOfAsync(db, set, wait, cancel);
            foreach (long unit in units)
            {
                worked |= await door.ComputeWhatItTakesAsync(set, inputs, [unit], cancel) > 0;
                if (!_asked.IsEmpty)
                {
                    return true;
                }
            }
        }

        return worked;
    }

    /// <summary>A set's inputs, read once (on the background thread, in a quiet moment) and kept while the set is worked on (the last set's only).</summary>
    private async Task<ScoringInputs> InputsOfAsync(SaimaDb db, ResultSet set, bool wait, CancellationToken cancel)
    {
        lock (_inputsLock)
        {
            if (_inputs is { } kept && kept.SetId == set.Id)
            {
                return kept.Inputs;
            }
        }

        await QuietAsync(wait, cancel);
        ScoringInputs inputs = await cpu.RunAsync(() => ScoringInputs.LoadAsStored(db, set), cancel);
        lock (_inputsLock)
        {
            _inputs = (set.Id, inputs);
        }

        return inputs;
    }
}
