namespace Saima.Data.Tests.Store;

/// <summary>A clock the test sets: every audit entry and result set gets a known time.</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => UtcNow;

    /// <summary>Moves the clock on and returns the new time.</summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        UtcNow += by;
        return UtcNow;
    }
}
