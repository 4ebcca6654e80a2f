using System.Collections.Concurrent;

namespace Saima.Data.Store;

/// <summary>
/// In-process notice that an on-site evaluation changed (a ballot stored, a round opened or
/// closed, a judge voided, the board's choice set, the session published), keyed by session code.
/// The doors of <see cref="ArenaService"/> signal after they commit; the board's event stream
/// waits on it. A notice says only "look again": readers read the store, so a missed or extra
/// notice costs at most a read (and writers in another process are caught by the readers' own
/// periodic look).
/// </summary>
public static class ArenaChanges
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Waiting = new(StringComparer.Ordinal);

    /// <summary>Wakes whoever waits on <paramref name="sessionCode"/>.</summary>
    public static void Signal(string sessionCode)
    {
        ArgumentNullException.ThrowIfNull(sessionCode);
        if (Waiting.TryRemove(sessionCode, out TaskCompletionSource? waiting))
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>
    /// A task that completes at the next <see cref="Signal"/> of <paramref name="sessionCode"/>.
    /// Take it before reading the store, then wait on it: a change between the two is not missed.
    /// </summary>
    public static Task Next(string sessionCode)
    {
        ArgumentNullException.ThrowIfNull(sessionCode);
        return Waiting.GetOrAdd(sessionCode, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }
}
