namespace Saima.Scoring.Tests;

/// <summary>
/// Outlier treatment: while |skew| ≥ 2 and kurtosis ≥ 3.5 (defaults), the values at the extreme on the
/// side of the skew are set to the next value in; after maxPoints, fall back to ln(x − min + 0.01(max − min)).
/// Skew and kurtosis of the sets below are worked in <see cref="StatisticsTests"/> or noted beside them.
/// </summary>
public class WinsorisationTests
{
    private static readonly TreatStep Default = new(TreatMethod.Winsorise);

    private static double[] Range(int from, int to, params double[] more) =>
        Enumerable.Range(from, to - from + 1).Select(i => (double)i).Concat(more).ToArray();

    [Fact]
    public void Winsorise_OneOutlier_CapsItToTheNextValue()
    {
        // {1..9,100}: skew 3.1189 ≥ 2 and kurtosis 9.799 ≥ 3.5: fails. Cap 100 → 9:
        // {1..9,9} has skew −0.151 (|skew| < 2): passes after one point.
        double[] x = Range(1, 9, 100);
        Winsorisation.Result r = Winsorisation.Apply(x, Default, computeStats: true);
        Assert.Equal(TreatmentKind.Winsorised, r.Treatment);
        Assert.Equal(1, r.Points);
        Assert.Equal(Range(1, 9, 9), r.Values);
        Fx.Near(r.SkewBefore, 3.118895745239087);
        Fx.Near(r.KurtosisBefore, 9.799244716163662);
        Assert.True(Math.Abs(r.SkewAfter) < 2);
        Assert.Equal(Range(1, 9, 100), x); // the input is not changed
    }

    [Fact]
    public void Winsorise_OutlierAtMinimum_CapsUpward()
    {
        // Mirror image of {1..9,100}: skew −3.1189, so the minimum is capped to the next value up.
        double[] x = Range(1, 9, -100);
        Winsorisation.Result r = Winsorisation.Apply(x, Default, computeStats: false);
        Assert.Equal(1, r.Points);
        Assert.Equal(Range(1, 9, 1), r.Values);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1)]
    public void Winsorise_TwoPointsAtMaximum_CapsBothAndCountsTwo(int maxPoints)
    {
        // {1..18,100,100}: skew 2.717, kurtosis 6.404: fails. Both 100s are set to 18 in one step
        // (points 2, even past maxPoints 1); {1..18,18,18} has skew −0.112: passes.
        double[] x = Range(1, 18, 100, 100);
        Winsorisation.Result r = Winsorisation.Apply(x, Default with { MaxPoints = maxPoints }, computeStats: true);
        Assert.Equal(TreatmentKind.Winsorised, r.Treatment);
        Assert.Equal(2, r.Points);
        Assert.Equal(Range(1, 18, 18, 18), r.Values);
    }

    [Fact]
    public void Winsorise_SecondCapOfTheSamePoint_CountsValuesChangedNotSteps()
    {
        // {1..20,500,1000}: skew 3.63, kurtosis 13.37. Step 1: 1000 → 500, {…,500,500} still fails
        // (skew 3.05, kurtosis 8.05). Step 2: both 500s → 20. Two values differ from the input: points 2.
        double[] x = Range(1, 20, 500, 1000);
        Winsorisation.Result r = Winsorisation.Apply(x, Default, computeStats: false);
        Assert.Equal(TreatmentKind.Winsorised, r.Treatment);
        Assert.Equal(2, r.Points);
        Assert.Equal(Range(1, 20, 20, 20), r.Values);
    }

    [Fact]
    public void Winsorise_StillFailingAtMaxPoints_FallsBackToLogOfOriginal()
    {
        // maxPoints 1: after capping 1000 → 500 one point is capped and the set still fails, so the
        // original values become ln(x − min + 0.01·(max − min)) = ln(x − 1 + 0.01·999), with 0 points.
        double[] x = Range(1, 20, 500, 1000);
        Winsorisation.Result r = Winsorisation.Apply(x, Default with { MaxPoints = 1 }, computeStats: true);
        Assert.Equal(TreatmentKind.Log, r.Treatment);
        Assert.Equal(0, r.Points);
        Assert.Equal(x.Length, r.Values.Length);
        for (int k = 0; k < x.Length; k++)
        {
            Fx.Near(r.Values[k], Math.Log(x[k] - 1 + (0.01 * 999)), $"value {k}");
        }

        // The smallest becomes ln(9.99), the largest ln(1008.99).
        Fx.Near(r.Values[0], Math.Log(9.99));
        Fx.Near(r.Values[^1], Math.Log(1008.99));
    }

    [Fact]
    public void Winsorise_FallbackNone_KeepsTheCappedValues()
    {
        double[] x = Range(1, 20, 500, 1000);
        TreatStep rule = Default with { MaxPoints = 1, Fallback = TreatFallback.None };
        Winsorisation.Result r = Winsorisation.Apply(x, rule, computeStats: false);
        Assert.Equal(TreatmentKind.Winsorised, r.Treatment);
        Assert.Equal(1, r.Points);
        Assert.Equal(Range(1, 20, 500, 500), r.Values);
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 1000 })]
    [InlineData(new double[] { 7, 7, 7, 7, 7 })]
    [InlineData(new double[] { 1, 2, 3, 4, 10 })] // skew 1.697 < 2: passes
    public void Winsorise_FewerThanFourValuesNoSpreadOrMildSkew_Passes(double[] x)
    {
        Winsorisation.Result r = Winsorisation.Apply(x, Default, computeStats: false);
        Assert.Equal(TreatmentKind.None, r.Treatment);
        Assert.Equal(0, r.Points);
        Assert.Equal(x, r.Values);
    }

    [Fact]
    public void Winsorise_SkewOverLimitButKurtosisUnder_Passes()
    {
        // {1..9,100} has kurtosis 9.799: with a kurtosis limit of 10 it passes (|skew| ≥ 2 alone is not enough).
        double[] x = Range(1, 9, 100);
        Winsorisation.Result r = Winsorisation.Apply(x, Default with { KurtosisLimit = 10 }, computeStats: false);
        Assert.Equal(TreatmentKind.None, r.Treatment);
        Assert.Equal(x, r.Values);
    }
}
