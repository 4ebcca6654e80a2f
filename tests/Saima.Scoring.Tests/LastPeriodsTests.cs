namespace Saima.Scoring.Tests;

/// <summary>Scoring only the last periods gives the same numbers as scoring them all.</summary>
public class LastPeriodsTests
{
    private const string Scheme = """
        { "steps": { "impute": { "method": "previous" } },
          "indicators": [ { "code": "A", "parent": "R" }, { "code": "B", "parent": "R", "direction": -1 } ],
          "groups": [ { "code": "R" } ] }
        """;

    private static Dataset Data(Scheme scheme)
    {
        var b = new DatasetBuilder(scheme);
        string[] periods = ["2025-01", "2025-02", "2025-03", "2025-04"];
        for (int p = 0; p < periods.Length; p++)
        {
            for (int u = 0; u < 4; u++)
            {
                // Unit U2 misses A in the last period: `previous` fills it from 2025-03.
                double a = (u == 2 && p == 3) ? double.NaN : 10 + (u * 3) + (p * ((u % 2) == 0 ? 2 : -1));
                b.AddFigure($"U{u}", "A", periods[p], a, double.NaN, 0);
                b.AddFigure($"U{u}", "B", periods[p], 5 + ((u * 7 + p) % 5), double.NaN, 0);
            }
        }

        return b.Build();
    }

    [Fact]
    public void LastPeriods_Two_EqualsTheLastTwoOfAFullRun()
    {
        Scheme scheme = SchemeParser.Parse(Scheme);
        Dataset data = Data(scheme);
        ScoringResult all = ScoringEngine.Score(scheme, data);
        ScoringResult last = ScoringEngine.Score(scheme, data, new ScoringOptions { LastPeriods = 2 });

        last.Periods.Length.ShouldBe(2);
        for (int k = 0; k < 2; k++)
        {
            PeriodResult a = all.Periods[2 + k], b = last.Periods[k];
            b.Data.Period.ShouldBe(a.Data.Period);
            for (int node = 0; node < scheme.NodeCount; node++)
            {
                b.Scores[node].Select(BitConverter.DoubleToInt64Bits).ShouldBe(a.Scores[node].Select(BitConverter.DoubleToInt64Bits));
                b.Ranks[node].ShouldBe(a.Ranks[node]);
            }
        }

        // The newest period keeps its rank change; the first scored one has none to compare with.
        last.Periods[1].RankChanges![scheme.NodeCount - 1].ShouldBe(all.Periods[3].RankChanges![scheme.NodeCount - 1]);
        last.Periods[0].RankChanges![scheme.NodeCount - 1].ShouldAllBe(c => c == PeriodResult.NoRank);

        // `previous` still reached back into an unscored period: U2's A in 2025-04 is its 2025-03 value.
        last.Periods[1].Values[0][2].ShouldBe(10 + 6 + 4);
    }
}
