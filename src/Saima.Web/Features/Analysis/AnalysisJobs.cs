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
/// </summary>
public sealed class AnalysisJobs(IServiceProvider services, IConfiguration configuration, ILogger<AnalysisJobs> log) : BackgroundService
{
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
                worked = await RunOnceAsync(up.Elapsed >= sweepAfter, stoppingToken);
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
    public Task<bool> RunOnceAsync(CancellationToken cancel) => RunOnceAsync(sweep: true, cancel);

    private async Task<bool> RunOnceAsync(bool sweep, CancellationToken cancel)
    {
        using IServiceScope scope = services.CreateScope();
        SaimaDb db = scope.ServiceProvider.GetRequiredService<SaimaDb>();
        var door = new StoredAnalysis(db);
        bool worked = false;
        while (_asked.TryDequeue(out (long Set, long Unit) asked))
        {
            _waiting.TryRemove(asked, out _);
            ResultSet? set = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == asked.Set);
            if (set is not null)
            {
                worked |= await door.ComputeWhatItTakesAsync(set, InputsOf(db, set), [asked.Unit], cancel) > 0;
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
                var clock = System.Diagnostics.Stopwatch.StartNew();
                door.CompleteIntervals(set.Id, InputsOf(db, set));
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
            ScoringInputs inputs = InputsOf(db, set);
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

    /// <summary>A set's inputs, read once and kept while the set is worked on (the last set's only).</summary>
    private ScoringInputs InputsOf(SaimaDb db, ResultSet set)
    {
        lock (_inputsLock)
        {
            if (_inputs is { } kept && kept.SetId == set.Id)
            {
                return kept.Inputs;
            }
        }

        ScoringInputs inputs = ScoringInputs.LoadAsStored(db, set);
        lock (_inputsLock)
        {
            _inputs = (set.Id, inputs);
        }

        return inputs;
    }
}
