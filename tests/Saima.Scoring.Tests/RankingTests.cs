namespace Saima.Scoring.Tests;

/// <summary>Competition ranking and 四舍五入 rounding on the shortest round-trip text.</summary>
public class RankingTests
{
    private const int N = PeriodResult.NoRank;

    [Theory]
    [InlineData(new double[] { 90, 80, 90, 70 }, new[] { 1, 3, 1, 4 })]
    [InlineData(new double[] { 5, 5, 5 }, new[] { 1, 1, 1 })]
    [InlineData(new double[] { 1, 2, 3, 4 }, new[] { 4, 3, 2, 1 })]
    [InlineData(new double[] { 10, double.NaN, 10, 20 }, new[] { 2, N, 2, 1 })]
    [InlineData(new double[] { -1, -1, -3, 0, 0 }, new[] { 3, 3, 5, 1, 1 })]
    public void Rank_Ties_ShareTheLowestNumberAndSkipTheNext(double[] scores, int[] ranks)
    {
        int[] units = Enumerable.Range(0, scores.Length).ToArray();
        Assert.Equal(ranks, Ranking.Rank(scores, units, scores.Length, null));
    }

    [Fact]
    public void Rank_UnitsNotListed_GetNoRankAndDoNotCount()
    {
        // Unit 1 (score 100) is not among the ranked units: unit 3 is first.
        int[] r = Ranking.Rank([50, 100, 40, 60], [0, 2, 3], 4, null);
        Assert.Equal(new[] { 2, N, 3, 1 }, r);
    }

    [Theory]
    [InlineData(2.675, 2, "2.68")] // stored as 2.67499999…, read as "2.675"
    [InlineData(1.005, 2, "1.01")] // stored as 1.00499999…
    [InlineData(-2.5, 0, "-3")] // half away from zero
    [InlineData(2.5, 0, "3")]
    [InlineData(0.125, 2, "0.13")]
    [InlineData(-1.005, 2, "-1.01")]
    [InlineData(1.2345, 3, "1.235")]
    [InlineData(99.994999, 2, "99.99")]
    [InlineData(7, 2, "7")]
    public void Round_HalfAwayFromZero_OnTheShortestRoundTripText(double x, int decimals, string expected)
    {
        decimal d = Ranking.Round(x, decimals);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), d);
    }

    [Theory]
    [InlineData(2.675, 2.68, 2)]
    [InlineData(1.005, 1.01, 2)]
    [InlineData(80.0004, 80.0001, 3)]
    [InlineData(-2.5, -3, 0)]
    public void Rank_WithRoundTo_NearEqualScoresTie(double a, double b, int decimals)
    {
        Assert.Equal(new[] { 1, 1, 3 }, Ranking.Rank([a, b, -100], [0, 1, 2], 3, decimals));
    }

    [Fact]
    public void Rank_WithoutRoundTo_NearEqualScoresDoNotTie()
    {
        Assert.Equal(new[] { 2, 1, 3 }, Ranking.Rank([2.675, 2.68, -100], [0, 1, 2], 3, null));
    }

    [Theory]
    [InlineData(1e-30, 2)]
    [InlineData(5e-324, 0)]
    [InlineData(-4.9e-300, 3)]
    public void Round_TinyNumber_IsZero(double x, int decimals)
    {
        Assert.Equal(0m, Ranking.Round(x, decimals));
    }

    [Fact]
    public void Rank_WithRoundTo_TinyScoresTieWithZero()
    {
        // 1e-30 and 0 both round to 0.00: they share rank 2 behind 1.
        Assert.Equal(new[] { 2, 2, 1 }, Ranking.Rank([1e-30, 0, 1], [0, 1, 2], 3, 2));
    }

    [Theory]
    // Sums of raw figures (normalise none, sum) reach these sizes: distinct whole numbers stay distinct.
    [InlineData(1e15 + 1, 1e15 + 2, 0)]
    [InlineData(123456789012345678.0, 123456789012345700.0, 2)]
    [InlineData(1e29, 2e29, 2)]
    public void Rank_WithRoundTo_LargeDistinctScoresDoNotTie(double lower, double higher, int decimals)
    {
        Assert.Equal(new[] { 2, 1 }, Ranking.Rank([lower, higher], [0, 1], 2, decimals));
    }
}
