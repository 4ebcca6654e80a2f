namespace Saima.Scoring.Tests;

/// <summary>Period texts (2025, 2025-Q2, 2025-06) and time progress (序时进度) at a period's end.</summary>
public class PeriodTests
{
    [Theory]
    [InlineData("2025-06", PeriodKind.Month, 50.0)]
    [InlineData("2025-Q2", PeriodKind.Quarter, 50.0)]
    [InlineData("2025", PeriodKind.Year, 100.0)]
    [InlineData("2025-03", PeriodKind.Month, 25.0)]
    [InlineData("2025-12", PeriodKind.Month, 100.0)]
    [InlineData("2025-Q1", PeriodKind.Quarter, 25.0)]
    [InlineData("2025-Q4", PeriodKind.Quarter, 100.0)]
    [InlineData("2024-09", PeriodKind.Month, 75.0)]
    public void TryParse_ValidText_GivesKindAndExpectedProgress(string text, PeriodKind kind, double expected)
    {
        Assert.True(Period.TryParse(text, out Period p));
        Assert.Equal(kind, p.Kind);
        Assert.Equal(expected, p.ExpectedProgress);
        Assert.Equal(text, p.ToString());
    }

    [Fact]
    public void ExpectedProgress_Month_IsTheShareOfTheYearElapsed()
    {
        // 2025-01: 100·1/12 = 8.333…
        Assert.True(Period.TryParse("2025-01", out Period p));
        Fx.Near(p.ExpectedProgress, 100.0 / 12);
    }

    [Fact]
    public void ExpectedProgress_NoPeriod_IsHundred() => Assert.Equal(100.0, Period.None.ExpectedProgress);

    [Theory]
    [InlineData("2025-13")]
    [InlineData("2025-00")]
    [InlineData("2025-Q5")]
    [InlineData("2025-Q0")]
    [InlineData("2025-6")]
    [InlineData("2025/06")]
    [InlineData("25")]
    [InlineData("")]
    [InlineData("abcd")]
    [InlineData("2025-H1")]
    [InlineData("2025-06-30")]
    public void TryParse_BadText_IsRejected(string text)
    {
        Assert.False(Period.TryParse(text, out _));
    }

    [Fact]
    public void Periods_OrderChronologically()
    {
        Period.TryParse("2024-12", out Period a);
        Period.TryParse("2025-01", out Period b);
        Period.TryParse("2025-02", out Period c);
        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(c) < 0);
    }
}
