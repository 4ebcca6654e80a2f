using Microsoft.Extensions.Time.Testing;

namespace Saima.Testing;

/// <summary>
/// Clocks for tests: <see cref="FakeTimeProvider"/> (Microsoft.Extensions.TimeProvider.Testing),
/// which the test sets and moves on (<c>Advance</c>, <c>SetUtcNow</c>); every audit entry,
/// deadline and result set then gets a known time.
/// </summary>
public static class TestClocks
{
    /// <summary>China Standard Time (UTC+8, no daylight saving), the office's default zone, without relying on the machine's tz database.</summary>
    public static TimeZoneInfo ChinaStandardTime { get; } =
        TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");

    /// <summary>A clock standing at <paramref name="start"/> until the test moves it (local zone UTC).</summary>
    public static FakeTimeProvider At(DateTimeOffset start) => new(start);

    /// <summary>A clock standing at <paramref name="start"/> whose local zone is China Standard Time.</summary>
    public static FakeTimeProvider InChina(DateTimeOffset start)
    {
        var clock = new FakeTimeProvider(start);
        clock.SetLocalTimeZone(ChinaStandardTime);
        return clock;
    }
}
