namespace Saima.Scoring.Tests;

/// <summary>
/// Sample skewness and excess kurtosis as spreadsheets define them (SKEW, KURT), worked by hand
/// from the contract's formulas:
/// skew = √n·Σd³/(Σd²)^1.5 · √(n(n−1))/(n−2); kurtosis = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)), r = n·Σd⁴/(Σd²)².
/// </summary>
public class StatisticsTests
{
    [Theory]
    // {1,2,3,4,10}: n=5, mean 4, d = −3,−2,−1,0,6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394.
    // skew = √5·180/50^1.5·√20/3 = 10·180/(3·50·√50) = 12/√50 = 1.2·√2 = 1.697056274847714 (SKEW gives 1.697056).
    // r = 5·1394/2500 = 2.788; kurt = (6·(−0.212)+6)·4/(3·2) = 4.728·4/6 = 3.152 (KURT gives 3.152).
    [InlineData(new double[] { 1, 2, 3, 4, 10 }, 1.697056274847714, 3.152)]
    // Mirror image {−10,−4,−3,−2,−1}: skew changes sign, kurtosis stays.
    [InlineData(new double[] { -10, -4, -3, -2, -1 }, -1.697056274847714, 3.152)]
    // Order does not matter.
    [InlineData(new double[] { 10, 3, 1, 4, 2 }, 1.697056274847714, 3.152)]
    // {2,4,4,4,5,5,7,9}: n=8, mean 5, d = −3,−1,−1,−1,0,0,2,4; Σd² = 32, Σd³ = 42, Σd⁴ = 356.
    // skew = √8·42/(128√2)·√56/6 = 336√7/(768√2) = 0.4375·√3.5 = 0.8184875533567997.
    // r = 8·356/1024 = 2.78125; kurt = (9·(−0.21875)+6)·7/(6·5) = 4.03125·7/30 = 0.940625.
    [InlineData(new double[] { 2, 4, 4, 4, 5, 5, 7, 9 }, 0.8184875533567997, 0.940625)]
    // {1,2,3,4}: symmetric, skew 0; Σd² = 5, Σd⁴ = 10.25, r = 4·10.25/25 = 1.64;
    // kurt = (5·(−1.36)+6)·3/(2·1) = −0.8·3/2 = −1.2 (KURT(1,2,3,4) = −1.2).
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.0, -1.2)]
    // {1..9,100}: n=10, mean 14.5; Σd² = 16365/2 = 8182.5, Σd³ = 615600, Σd⁴ = 428370069/8.
    // skew = √10·615600/8182.5^1.5·√90/8 = 30·615600/(8·8182.5^1.5) = 2308500/8182.5^1.5 = 3.118895745239087;
    // r = 10·Σd⁴/(Σd²)² = 142790023/17854215; kurt = (11(r−3)+6)·9/(8·7) = 58319274/5951405 = 9.799244716163662.
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 100 }, 3.118895745239087, 9.799244716163662)]
    public void SkewKurtosis_SmallSets_MatchSpreadsheetSkewAndKurt(double[] x, double skew, double kurtosis)
    {
        (double s, double k) = Statistics.SkewKurtosis(x);
        Fx.Near(s, skew, "skew");
        Fx.Near(k, kurtosis, "kurtosis");
    }

    [Fact]
    public void SkewKurtosis_ThreeValues_HasSkewButNoKurtosis()
    {
        // {1,2,6}: mean 3, d = −2,−1,3; Σd² = 14, Σd³ = 18.
        // skew = √3·18/14^1.5·√6/1 = 18√18/(14√14) = 27/(7√7) = 1.4578629673213048; KURT needs 4 values.
        (double s, double k) = Statistics.SkewKurtosis([1, 2, 6]);
        Fx.Near(s, 1.4578629673213048, "skew");
        Assert.True(double.IsNaN(k));
    }

    [Theory]
    [InlineData(new double[] { 5, 5, 5, 5, 5 })]
    [InlineData(new double[] { 1, 2 })]
    [InlineData(new double[] { })]
    public void SkewKurtosis_NoSpreadOrTooFewValues_IsUndefined(double[] x)
    {
        (double s, double k) = Statistics.SkewKurtosis(x);
        Assert.True(double.IsNaN(s));
        Assert.True(double.IsNaN(k));
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4 }, 2.5)]
    [InlineData(new double[] { 4, 1, 3 }, 3)]
    [InlineData(new double[] { 7 }, 7)]
    public void Median_OddAndEvenCounts_TakesMiddleOrMeanOfMiddleTwo(double[] x, double median)
    {
        Assert.Equal(median, Statistics.Median(x));
    }

    [Fact]
    public void SampleSd_UsesNMinusOne()
    {
        // {2,4,4,4,5,5,7,9}: Σd² = 32, sample variance 32/7.
        Fx.Near(Statistics.SampleSd([2, 4, 4, 4, 5, 5, 7, 9], 5), Math.Sqrt(32.0 / 7));
    }
}
