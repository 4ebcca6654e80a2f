using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;

namespace Saima.Web.Features.Reports;

/// <summary>The state of a background issue of feedback reports.</summary>
public enum ReportJobState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>A background issue of every unit's feedback reports: who asked, how far it is, how it ended.</summary>
public sealed class ReportJob(string id, string scheme, string period, string by, DateTimeOffset queuedAt)
{
    public string Id { get; } = id;
    public string Scheme { get; } = scheme;
    public string Period { get; } = period;
    public string By { get; } = by;
    public DateTimeOffset QueuedAt { get; } = queuedAt;

    public ReportJobState State { get; internal set; } = ReportJobState.Queued;

    /// <summary>Units whose reports are written, of <see cref="Total"/>.</summary>
    public int Done { get; internal set; }
    public int Total { get; internal set; }

    /// <summary>Documents archived once done.</summary>
    public int Issued { get; internal set; }

    /// <summary>Why it failed (the store's refusal or the printing tool's error), or null.</summary>
    public Exception? Error { get; internal set; }
    public DateTimeOffset? EndedAt { get; internal set; }
}

/// <summary>
/// Issues every unit's feedback reports in the background (<see cref="DocumentIssuer.IssueFeedbackAsync"/>),
/// one job at a time, so that the request that asks returns at once and other requests are never
/// blocked by the printing. The job's progress is held by the node that runs it (the page that
/// asked polls it there); the documents themselves are in the archive, for every node to list.
/// The latest <see cref="Kept"/> jobs are remembered.
/// </summary>
public sealed class ReportJobs(IServiceProvider services, TimeProvider clock, IConfiguration configuration, ILogger<ReportJobs> log) : BackgroundService
{
    /// <summary>How many jobs are remembered (the newest).</summary>
    public const int Kept = 20;

    private readonly Channel<(ReportJob Job, Actor Actor)> _queue = Channel.CreateUnbounded<(ReportJob, Actor)>();
    private readonly ConcurrentDictionary<string, ReportJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>Queues the feedback reports of a period; the office only (the door checks again when it runs).</summary>
    /// <exception cref="AccessDeniedException">Not the office.</exception>
    public ReportJob Enqueue(Actor actor, string scheme, string period)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role != ActorRole.Office)
        {
            throw new AccessDeniedException($"{actor} may not issue feedback reports");
        }

        var job = new ReportJob(Guid.NewGuid().ToString("N")[..12], scheme, period, actor.Name, clock.GetUtcNow());
        _jobs[job.Id] = job;
        foreach (ReportJob old in _jobs.Values.OrderByDescending(j => j.QueuedAt).Skip(Kept).ToList())
        {
            _jobs.TryRemove(old.Id, out _);
        }

        _queue.Writer.TryWrite((job, actor));
        return job;
    }

    public ReportJob? Find(string? id) => id is null ? null : _jobs.GetValueOrDefault(id);

    /// <summary>The jobs remembered, newest first.</summary>
    public IReadOnlyList<ReportJob> Recent(string scheme) =>
        _jobs.Values.Where(j => j.Scheme == scheme).OrderByDescending(j => j.QueuedAt).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach ((ReportJob job, Actor actor) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            job.State = ReportJobState.Running;
            try
            {
                using IServiceScope scope = services.CreateScope();
                SaimaDb db = scope.ServiceProvider.GetRequiredService<SaimaDb>();
                var issuer = new DocumentIssuer(db, clock, configuration["Saima:Chromium"]);
                var progress = new Progress(job);
                var issued = await issuer.IssueFeedbackAsync(actor, job.Scheme, job.Period, null, progress, stoppingToken);
                job.Issued = issued.Count;
                job.State = ReportJobState.Done;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed job is reported on the page and logged; the next job runs
            catch (Exception e)
#pragma warning restore CA1031
            {
                job.Error = e;
                job.State = ReportJobState.Failed;
                log.LogWarning(e, "issuing the feedback reports of {Scheme} {Period} failed", job.Scheme, job.Period);
            }

            job.EndedAt = clock.GetUtcNow();
        }
    }

    /// <summary>Reports progress on the job straight away (not through a synchronisation context).</summary>
    private sealed class Progress(ReportJob job) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            job.Total = value.Total;
            job.Done = value.Done;
        }
    }

    /// <summary>The job as the page's script reads it.</summary>
    public static object Json(ReportJob job, Func<Exception, string> error) => new
    {
        id = job.Id,
        state = job.State.ToString().ToLowerInvariant(),
        done = job.Done,
        total = job.Total,
        issued = job.Issued,
        percent = job.Total == 0 ? 0 : (int)Math.Round(100.0 * job.Done / job.Total),
        error = job.Error is null ? null : error(job.Error),
        ended = job.EndedAt?.ToString("O", CultureInfo.InvariantCulture),
    };
}
