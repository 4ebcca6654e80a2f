namespace Saima.Data.Store;

internal static class StoreTime
{
    /// <summary>
    /// Now in UTC, cut to whole microseconds: PostgreSQL keeps microseconds, SQLite's text keeps
    /// ticks; cutting here makes a time read back equal to the time written on both, so that
    /// "entered at or before the results were computed" means the same on both stores.
    /// </summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        DateTimeOffset now = clock.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }
}
