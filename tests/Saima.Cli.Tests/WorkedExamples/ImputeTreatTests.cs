namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>Imputation and outlier treatment (winsorisation) of score-cli.md.</summary>
public class ImputeTreatTests
{
    private static string OneIndicator(string impute, string treat = """{ "method": "none" }""") => $$"""
        { "name": "it", "steps": { "normalise": { "method": "none" }, "impute": {{impute}}, "treat": {{treat}} },
          "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }
        """;

    private static string Data(params double?[] values) =>
        "unit,indicator,value\n" + string.Concat(values.Select((v, i) =>
            $"U{i + 1:00},X,{(v is null ? "" : v.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}\n"));

    [Theory]
    // values 1, 2, 6, missing, 10: mean (1 + 2 + 6 + 10)/4 = 4.75; median of 1, 2, 6, 10 = (2 + 6)/2 = 4; zero 0
    [InlineData("mean", 4.75)]
    [InlineData("median", 4)]
    [InlineData("zero", 0)]
    public void Impute_Simple(string method, double expected)
    {
        using var c = ScoreCase.With(OneIndicator($$"""{ "method": "{{method}}" }"""), Data(1, 2, 6, null, 10)).Score().ShouldSucceed();
        c.Results.Get("U04", "X").Is("value", expected).Score(expected);
        c.Results.Get("U01", "X").Is("value", 1);
    }

    [Fact]
    public void Impute_None_LeavesMissing()
    {
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }"""), Data(1, null)).Score().ShouldSucceed();
        c.Results.Get("U02", "X").IsEmpty("value").IsEmpty("score").IsEmpty("rank");
        c.Results.Get("U02", "R").IsEmpty("score");
    }

    [Fact]
    public void Impute_GroupMeanAndGroupMedian_ByUnitsColumn()
    {
        // region: U01 n 1, U02 n 2, U03 s 6, U04 n missing, U05 s 10, U06 n 9, U07 s missing
        // groupMean: U04 = (1 + 2 + 9)/3 = 4, U07 = (6 + 10)/2 = 8
        // groupMedian: U04 = 2, U07 = 8
        const string Units = "unit,name,region\nU01,a,n\nU02,b,n\nU03,c,s\nU04,d,n\nU05,e,s\nU06,f,n\nU07,g,s\n";
        var data = Data(1, 2, 6, null, 10, 9, null);
        using var c = ScoreCase.With(OneIndicator("""{ "method": "groupMean", "group": "region" }"""), data).File("units.csv", Units).Score().ShouldSucceed();
        c.Results.Get("U04", "X").Score(4);
        c.Results.Get("U07", "X").Score(8);
        using var d = ScoreCase.With(OneIndicator("""{ "method": "groupMedian", "group": "region" }"""), data).File("units.csv", Units).Score().ShouldSucceed();
        d.Results.Get("U04", "X").Score(2);
        d.Results.Get("U07", "X").Score(8);
    }

    [Fact]
    public void Impute_Previous_LatestEarlierPeriodWithAValue()
    {
        // B: 2025-01 = 5, 2025-02 empty, 2025-03 empty → both take 5 (02 has no value of its own)
        const string Data3 = "unit,indicator,value,period\nA,X,1,2025-01\nB,X,5,2025-01\nA,X,2,2025-02\nB,X,,2025-02\nA,X,3,2025-03\nB,X,,2025-03\n";
        using var c = ScoreCase.With(OneIndicator("""{ "method": "previous" }"""), Data3).Score().ShouldSucceed();
        c.Results.Get("B", "X", "2025-02").Is("value", 5).Score(5);
        c.Results.Get("B", "X", "2025-03").Is("value", 5).Score(5);
        c.Results.Get("A", "X", "2025-03").Score(3);
    }

    [Fact]
    public void Winsorise_OnePointAtMaximum_CapsIt()
    {
        // 1..7, 100: skew 2.8089 ≥ 2 and kurtosis 7.917 ≥ 3.5 → fails; 100 → 7 (largest below);
        // 1..7, 7: skew −0.226 → passes. points 1. (skew/kurtosis values: reference)
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", """{ "method": "winsorise" }"""), Data(1, 2, 3, 4, 5, 6, 7, 100))
            .Score(explain: true).ShouldSucceed();
        c.Results.Get("U08", "X").Is("value", 7).Score(7).Rank(1);
        c.Results.Get("U07", "X").Is("value", 7).Rank(1);
        c.Results.Get("U01", "X").Is("value", 1);
        c.Explain("treatment.csv").Find(("indicator", "X"))
            .IsText("treatment", "winsorised").IsText("points", "1")
            .Is("skew_before", 2.8088744148178297).Is("kurtosis_before", 7.917138204762874)
            .Is("skew_after", -0.2262499558606612).Is("kurtosis_after", -1.411540749553837);
    }

    [Fact]
    public void Winsorise_TwoPointsTiedAtMaximum_CapsBoth()
    {
        // limits skew 1, kurtosis −1: 1..6, 100, 100 has skew 1.4348, kurtosis −0.0070 → fails;
        // both 100s → 6 together: points 2; 1..6, 6, 6: skew −0.534 → passes
        var treat = """{ "method": "winsorise", "skew": 1, "kurtosis": -1 }""";
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", treat), Data(1, 2, 3, 4, 5, 6, 100, 100))
            .Score(explain: true).ShouldSucceed();
        c.Results.Get("U07", "X").Is("value", 6);
        c.Results.Get("U08", "X").Is("value", 6);
        c.Explain("treatment.csv").Find(("indicator", "X")).IsText("treatment", "winsorised").IsText("points", "2");
    }

    [Fact]
    public void Winsorise_NegativeSkew_CapsMinimum()
    {
        // −100, 1..7: skew −2.81, kurtosis 7.93 → fails; −100 → 1
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", """{ "method": "winsorise" }"""), Data(-100, 1, 2, 3, 4, 5, 6, 7))
            .Score().ShouldSucceed();
        c.Results.Get("U01", "X").Is("value", 1);
    }

    [Fact]
    public void Winsorise_StillFailing_FallsBackToLog()
    {
        // 1..10, 1000, 2000 with kurtosis limit 2, maxPoints 1: skew 2.558, kurtosis 6.262 → fails;
        // 2000 → 1000 (1 point): skew 2.055 ≥ 2, kurtosis 2.639 ≥ 2 → still fails, 1 point = max.
        // log: ln(x − 1 + 0.01·(2000 − 1)) = ln(x − 1 + 19.99): U01 ln 19.99, U12 ln 2018.99
        var values = Enumerable.Range(1, 10).Select(i => (double?)i).Concat([1000, 2000]).ToArray();
        var treat = """{ "method": "winsorise", "kurtosis": 2, "maxPoints": 1 }""";
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", treat), Data(values)).Score(explain: true).ShouldSucceed();
        c.Results.Get("U01", "X").Is("value", Math.Log(1 - 1 + (0.01 * 1999)));
        c.Results.Get("U12", "X").Is("value", Math.Log(2000 - 1 + (0.01 * 1999))).Rank(1);
        c.Explain("treatment.csv").Find(("indicator", "X")).IsText("treatment", "log").IsText("points", "0")
            .Is("skew_before", 2.5579995805369546).Is("skew_after", 2.070342900906552);
        // fallback none keeps the capped values: 2000 → 1000
        var keep = """{ "method": "winsorise", "kurtosis": 2, "maxPoints": 1, "fallback": "none" }""";
        using var d = ScoreCase.With(OneIndicator("""{ "method": "none" }""", keep), Data(values)).Score(explain: true).ShouldSucceed();
        d.Results.Get("U12", "X").Is("value", 1000).Rank(1);
        d.Results.Get("U11", "X").Is("value", 1000).Rank(1);
        d.Explain("treatment.csv").Find(("indicator", "X")).IsText("treatment", "winsorised").IsText("points", "1");
    }

    [Fact]
    public void Winsorise_FewerThanFourValues_Passes()
    {
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", """{ "method": "winsorise" }"""), Data(1, 2, 1000))
            .Score(explain: true).ShouldSucceed();
        c.Results.Get("U03", "X").Is("value", 1000);
        c.Explain("treatment.csv").Find(("indicator", "X")).IsText("treatment", "none").IsText("points", "0");
    }

    [Fact]
    public void SkewAndKurtosis_MatchPublishedSpreadsheetExample()
    {
        // Microsoft's documented examples for Excel SKEW and KURT on 3,4,5,2,3,4,5,6,4,7:
        // SKEW = 0.359543 (shown to 6 decimals), KURT = −0.151799637. The indicator passes
        // (|0.36| < 2), so before = after.
        using var c = ScoreCase.With(OneIndicator("""{ "method": "none" }""", """{ "method": "winsorise" }"""), Data(3, 4, 5, 2, 3, 4, 5, 6, 4, 7))
            .Score(explain: true).ShouldSucceed();
        var row = c.Explain("treatment.csv").Find(("indicator", "X"));
        Math.Abs(row.Num("skew_before")!.Value - 0.359543).ShouldBeLessThan(5e-7);
        Math.Abs(row.Num("kurtosis_before")!.Value - -0.151799637).ShouldBeLessThan(5e-10);
        row.IsText("treatment", "none");
    }
}
