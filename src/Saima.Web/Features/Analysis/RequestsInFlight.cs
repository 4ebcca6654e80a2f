using Microsoft.AspNetCore.Builder;

namespace Saima.Web.Features.Analysis;

/// <summary>
/// Counts the requests the server is answering (a middleware), so that the background analysis
/// (<see cref="AnalysisJobs"/>) waits for a quiet moment between its steps. An event stream (the
/// arena board: <c>Accept: text/event-stream</c>) stays open for minutes and is not counted.
/// </summary>
public sealed class RequestsInFlight(TimeProvider clock)
{
    private int _count;
    private long _lastEnd;

    /// <summary>Requests being answered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether no request is being answered and none ended within <paramref name="quiet"/>.</summary>
    public bool IsQuiet(TimeSpan quiet) =>
        Count == 0 && clock.GetElapsedTime(Volatile.Read(ref _lastEnd)) >= quiet;

    /// <summary>
    /// Waits until the server is quiet (<see cref="IsQuiet"/>), looking every 50 ms, at most
    /// <paramref name="atMost"/>: a server that is never quiet still gets its analysis done, one
    /// step at a time, on the low-priority thread. True when it was quiet.
    /// </summary>
    public async Task<bool> WaitQuietAsync(TimeSpan quiet, TimeSpan atMost, CancellationToken cancel)
    {
        long start = clock.GetTimestamp();
        while (!IsQuiet(quiet))
        {
            if (clock.GetElapsedTime(start) >= atMost)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancel);
        }

        return true;
    }

    internal void Enter() => Interlocked.Increment(ref _count);

    internal void Leave()
    {
        Volatile.Write(ref _lastEnd, clock.GetTimestamp());
        Interlocked.Decrement(ref _count);
    }

    /// <summary>The middleware: counts every request but event streams.</summary>
    public static void Use(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RequestsInFlight inFlight = app.ApplicationServices.GetRequiredService<RequestsInFlight>();
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase)
                || string.Equals(context.Request.Query["handler"], "Stream", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            inFlight.Enter();
            try
            {
                await next(context);
            }
            finally
            {
                inFlight.Leave();
            }
        });
    }
}
