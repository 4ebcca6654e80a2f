using System.Collections.Concurrent;

namespace Saima.Web.Features.Arena;

/// <summary>
/// The board's open event streams per session, bounded: a hall has a projector or two and the
/// office's screens, so more than <see cref="MaxPerSession"/> at once is refused (503; the page then
/// polls) rather than holding a reader per tab without end.
/// </summary>
public static class BoardStreams
{
    /// <summary>Most event streams open at once for one session, in this process.</summary>
    public const int MaxPerSession = 20;

    private static readonly ConcurrentDictionary<string, int> Open = new(StringComparer.Ordinal);

    /// <summary>Takes a place for a stream of <paramref name="session"/>, or false when all are taken.</summary>
    public static bool TryEnter(string session)
    {
        ArgumentNullException.ThrowIfNull(session);
        while (true)
        {
            int now = Open.GetOrAdd(session, 0);
            if (now >= MaxPerSession)
            {
                return false;
            }

            if (Open.TryUpdate(session, now + 1, now))
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryEnter"/>.</summary>
    public static void Leave(string session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Open.AddOrUpdate(session, 0, (_, n) => Math.Max(0, n - 1));
    }

    /// <summary>Streams open now for <paramref name="session"/>.</summary>
    public static int Count(string session) => Open.GetValueOrDefault(session);
}
