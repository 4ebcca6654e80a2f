using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Proofs;

/// <summary>
/// Verifies the audit trail's and the result sets' hash chains whole on a schedule
/// (<c>Saima:ChainCheckHours</c>, default 6; 0 turns it off) and leaves a checkpoint from which
/// the pages verify (<see cref="ChainCheckpoints"/>). With several web nodes on one database, the
/// node that takes the job's lease runs it; the others skip that turn. The first run comes one
/// interval after start, not at start: nodes restarting together do not all read the whole trail.
/// A broken chain is logged as an error (and shown on the office's pages).
/// </summary>
internal sealed class ChainCheckJob(IServiceProvider services, TimeProvider clock, IConfiguration configuration, ILogger<ChainCheckJob> log) : BackgroundService
{
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        double hours = configuration.GetValue("Saima:ChainCheckHours", 6.0);
        if (hours <= 0)
        {
            return;
        }

        TimeSpan every = TimeSpan.FromHours(hours);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                using IServiceScope scope = services.CreateScope();
                SaimaDb db = scope.ServiceProvider.GetRequiredService<SaimaDb>();

                // The lease runs a little shorter than the interval, so that the next turn finds it free.
                StoreChains? chains = ChainCheckpoints.RunScheduled(db, clock, _holder, every * 0.9);
                if (chains is { Intact: false })
                {
                    log.LogError("the audit or result chain is broken: {Audit}; {Results}",
                        string.Join("; ", chains.Audit.Breaks.Select(b => b.Detail)), string.Join("; ", chains.Results.Breaks.Select(b => b.Detail)));
                }
            }
#pragma warning disable CA1031 // a failed turn is logged; the next turn tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "the scheduled verification of the hash chains failed");
            }
        }
    }
}
