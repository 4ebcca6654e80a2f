namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// The steps around normalising: screening, denominators, transforms, cumulative proration,
/// tracks, adjustments, ranking, rank_change and warnings. Hand arithmetic in comments.
/// </summary>
public class PipelineTests
{
    [Fact]
    public void Screen_UnitBelowDataShare_KeepsEmptyRowsAndLeavesStatistics()
    {
        // minDataShare 0.6 with X, Y: D has 1 of 2 (0.5 < 0.6) → screened; its X = 100 must not
        // enter X's min-max: X over A 0, B 5, C 10 → 0, 50, 100.
        var scheme = """
            { "name": "s", "steps": { "screen": { "minDataShare": 0.6 } },
              "indicators": [ { "code": "X", "parent": "R" }, { "code": "Y", "parent": "R" } ], "groups": [ { "code": "R" } ] }
            """;
        var data = "unit,indicator,value\nA,X,0\nA,Y,1\nB,X,5\nB,Y,2\nC,X,10\nC,Y,3\nD,X,100\nD,Y,\n";
        using var c = ScoreCase.With(scheme, data).Score().ShouldSucceed();
        c.Results.Get("B", "X").Score(50);
        c.Results.Get("C", "X").Score(100).Rank(1);
        c.Results.Get("D", "X").IsEmpty("value").IsEmpty("score").IsEmpty("rank");
        c.Results.Get("D", "R").IsEmpty("score").IsEmpty("rank");
        c.Results.Rows.Count.ShouldBe(12);
    }

    [Fact]
    public void Denominator_DividesZeroOrMissingGivesMissing()
    {
        // X / Pop: A 10/4 = 2.5; B 9/0 → missing; C Pop missing → missing; D 3/2 = 1.5
        var scheme = """
            { "name": "d", "steps": { "normalise": { "method": "none" } },
              "indicators": [ { "code": "X", "parent": "R", "denominator": "Pop" } ], "groups": [ { "code": "R" } ] }
            """;
        var data = "unit,indicator,value\nA,X,10\nA,Pop,4\nB,X,9\nB,Pop,0\nC,X,7\nD,X,3\nD,Pop,2\n";
        using var c = ScoreCase.With(scheme, data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Is("value", 2.5).Score(2.5).Rank(1);
        c.Results.Get("B", "X").IsEmpty("value").IsEmpty("score");
        c.Results.Get("C", "X").IsEmpty("value");
        c.Results.Get("D", "X").Is("value", 1.5).Rank(2);
        c.Results.Rows.Count.ShouldBe(8);   // Pop is a denominator, not a node
    }

    [Fact]
    public void Transform_AppliedToValuesAndGoalposts()
    {
        // log10, goalposts 1..100 → 0..2: x 10 → 1 → 0.5·100 = 50; x 1000 → 3 → clamp 100; ln: value = ln x
        var scheme = """
            { "name": "t",
              "indicators": [ { "code": "X", "parent": "R", "transform": "log10", "normalise": { "method": "goalposts", "min": 1, "max": 100, "scale": 100 } },
                              { "code": "Y", "parent": "R", "transform": "ln", "normalise": { "method": "none" } },
                              { "code": "Z", "parent": "R", "transform": "sqrt", "normalise": { "method": "tiers", "bounds": [4, 16], "points": [1, 2, 3] } } ],
              "groups": [ { "code": "R" } ] }
            """;
        // Z: sqrt with bounds √4 = 2, √16 = 4: A 9 → 3 → band 2 (2 ≤ 3 < 4); B 16 → 4 → band 3
        var data = "unit,indicator,value\nA,X,10\nA,Y,1\nA,Z,9\nB,X,1000\nB,Y,20.085536923187668\nB,Z,16\n";
        using var c = ScoreCase.With(scheme, data).Score().ShouldSucceed();
        c.Results.Get("A", "X").Is("value", 1).Score(50);
        c.Results.Get("B", "X").Is("value", 3).Score(100);
        c.Results.Get("A", "Y").Is("value", 0);
        c.Results.Get("B", "Y").Is("value", Math.Log(20.085536923187668));
        c.Results.Get("A", "Z").Is("value", 3).Score(2);
        c.Results.Get("B", "Z").Is("value", 4).Score(3);
    }

    [Fact]
    public void Transform_OutsideDomain_Exit2()
    {
        var scheme = """{ "name": "t", "indicators": [ { "code": "X", "parent": "R", "transform": "ln" } ], "groups": [ { "code": "R" } ] }""";
        using var c = ScoreCase.With(scheme, "unit,indicator,value\nA,X,0\nB,X,1\n").Score();
        c.ExitCode.ShouldBe(2);
        File.Exists(c.PathOf("results.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Cumulative_TargetProratedByTimeProgress()
    {
        // full-year target 1200; 2025-06 → expected 50 → prorated 600; x = 660 → pct 110;
        // completion: 8 + 0.1·10 = 9; target method: min(1.5, 660/600 = 1.1)·100 = 110.
        // 2025-03 → expected 25 → 300; x = 270 → pct 90 → 8 − 1 = 7; 270/300 = 0.9 → 90
        var scheme = """
            { "name": "cum", "indicators": [
                { "code": "X", "parent": "R", "cumulative": true, "normalise": { "method": "completion", "full": 10, "atTarget": 0.8, "perPoint": 0.1, "cap": 1.2 } },
                { "code": "Y", "parent": "R", "cumulative": true, "normalise": { "method": "target", "cap": 1.5 } } ],
              "groups": [ { "code": "R", "aggregate": { "method": "sum" } } ],
              "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "red" } ] } }
            """;
        var data = "unit,indicator,value,target,period\nA,X,270,1200,2025-03\nA,Y,270,1200,2025-03\nA,X,660,1200,2025-06\nA,Y,660,1200,2025-06\n";
        using var c = ScoreCase.With(scheme, data).Score(warnings: true).ShouldSucceed();
        c.Results.Get("A", "X", "2025-06").Score(9);
        c.Results.Get("A", "Y", "2025-06").Score(110);
        c.Results.Get("A", "R", "2025-06").Score(119);
        c.Results.Get("A", "X", "2025-03").Score(7);
        c.Results.Get("A", "Y", "2025-03").Score(90);
        // warnings: completion against the full-year target: 660/1200 = 55 %, expected 50, gap 5 → green;
        // 270/1200 = 22.5 %, expected 25, gap −2.5 → red
        var w = c.Warnings;
        w.Find(("period", "2025-06"), ("unit", "A"), ("indicator", "X"))
            .Is("value", 660).Is("target", 1200).Is("completion", 55).Is("expected", 50).Is("gap", 5).IsText("level", "green");
        w.Find(("period", "2025-03"), ("unit", "A"), ("indicator", "X"))
            .Is("completion", 22.5).Is("expected", 25).Is("gap", -2.5).IsText("level", "red");
    }

    private const string TrackUnits = "unit,name,track\nA,a,U\nB,b,U\nC,c,V\nD,d,V\n";
    private const string TrackData = "unit,indicator,value\nA,X,1\nB,X,3\nC,X,5\nD,X,9\nA,Y,1\nB,Y,1\nC,Y,1\nD,Y,1\n";

    private static string TrackScheme(string compare, string overrides = "{}") => $$"""
        { "name": "tr", "steps": { "normalise": { "method": "minmax", "range": [0, 100] } },
          "indicators": [ { "code": "X", "parent": "R" }, { "code": "Y", "parent": "R", "normalise": { "method": "none" } } ],
          "groups": [ { "code": "R" } ],
          "tracks": { "compare": "{{compare}}", "overrides": {{overrides}} } }
        """;

    [Fact]
    public void Tracks_CompareAll_OneMinMaxOverAllUnits()
    {
        // X 1, 3, 5, 9: (x − 1)/8·100 = 0, 25, 50, 100; R = (X + 1)/2
        using var c = ScoreCase.With(TrackScheme("all"), TrackData).File("units.csv", TrackUnits).Score().ShouldSucceed();
        var r = c.Results;
        r.Header.ShouldBe(["unit", "track", "node", "value", "score", "rank", "track_rank"]);
        r.Get("B", "X").IsText("track", "U").Score(25).Rank(3).IsText("track_rank", "1");
        r.Get("C", "X").IsText("track", "V").Score(50).Rank(2).IsText("track_rank", "2");
        r.Get("D", "R").Score(50.5).Rank(1).IsText("track_rank", "1");
    }

    [Fact]
    public void Tracks_CompareTrack_MinMaxWithinEachTrack()
    {
        // U: 1, 3 → 0, 100; V: 5, 9 → 0, 100; overall ranks: B, D tie at 1; A, C tie at 3
        using var c = ScoreCase.With(TrackScheme("track"), TrackData).File("units.csv", TrackUnits).Score().ShouldSucceed();
        var r = c.Results;
        r.Get("A", "X").Score(0).Rank(3).IsText("track_rank", "2");
        r.Get("B", "X").Score(100).Rank(1).IsText("track_rank", "1");
        r.Get("C", "X").Score(0).Rank(3);
        r.Get("D", "X").Score(100).Rank(1);
    }

    [Fact]
    public void Tracks_Overrides_WeightsNormaliseAndAggregate()
    {
        // track V: X by rankPoints (first 10, step 4) over all units (compare all): places of
        // C (5) and D (9) among 1, 3, 5, 9 are 2 and 1 → C 6, D 10; weight of Y = 3 and sum:
        // C: 6 + 3·1 = 9, D: 10 + 3 = 13. Track U keeps min-max and the arithmetic mean:
        // A (0 + 1)/2 = 0.5, B (25 + 1)/2 = 13.
        var overrides = """
            { "V": { "weights": { "Y": 3 },
                     "indicators": { "X": { "normalise": { "method": "rankPoints", "first": 10, "step": 4 } } },
                     "groups": { "R": { "aggregate": { "method": "sum" } } } } }
            """;
        using var c = ScoreCase.With(TrackScheme("all", overrides), TrackData).File("units.csv", TrackUnits).Score(explain: true).ShouldSucceed();
        var r = c.Results;
        r.Get("A", "R").Score(0.5);
        r.Get("B", "R").Score(13).IsText("track_rank", "1");
        r.Get("C", "X").Score(6);
        r.Get("D", "X").Score(10);
        r.Get("C", "R").Score(9).Rank(3);
        r.Get("D", "R").Score(13).Rank(1);   // ties B (13) → both rank 1
        r.Get("B", "R").Rank(1);
        var w = c.Explain("weights.csv");
        w.Find(("track", "V"), ("node", "Y")).Is("weight", 3).Is("effective_weight", 0.75);
        w.Find(("track", "U"), ("node", "Y")).Is("weight", 1).Is("effective_weight", 0.5);
    }

    [Fact]
    public void Adjustments_AddedAsEachNodeIsComputed()
    {
        // none-normalised X, Y under R (arithmetic). A: X 10 + 4 (node X) → 14, R = (14 + 20)/2 + 5 = 22;
        // B: −3 on R in 2025-02 only; C is screened (share 0 < 0.5) → its points are ignored.
        var scheme = """
            { "name": "adj", "steps": { "normalise": { "method": "none" }, "screen": { "minDataShare": 0.5 } },
              "indicators": [ { "code": "X", "parent": "R" }, { "code": "Y", "parent": "R" } ], "groups": [ { "code": "R" } ] }
            """;
        var data = "unit,indicator,value,period\n" +
                   "A,X,10,2025-01\nA,Y,20,2025-01\nB,X,30,2025-01\nB,Y,30,2025-01\nC,X,,2025-01\n" +
                   "A,X,10,2025-02\nA,Y,20,2025-02\nB,X,30,2025-02\nB,Y,30,2025-02\nC,X,,2025-02\n";
        var adj = "unit,points,reason,period,node\nA,4,加分,,X\nA,5,表彰,,\nB,-3,扣分,2025-02,\nC,7,ignored,,\n";
        using var c = ScoreCase.With(scheme, data).File("adjustments.csv", adj).Score().ShouldSucceed();
        var r = c.Results;
        r.Get("A", "X", "2025-01").Is("value", 10).Score(14);
        r.Get("A", "R", "2025-01").Score(22).Rank(2);
        r.Get("B", "R", "2025-01").Score(30).Rank(1);
        r.Get("B", "R", "2025-02").Score(27).Rank(1);
        r.Get("C", "R", "2025-02").IsEmpty("score");
    }

    [Fact]
    public void Adjustments_UnknownNode_Exit2()
    {
        var scheme = """{ "name": "a", "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        using var c = ScoreCase.With(scheme, "unit,indicator,value\nA,X,1\n").File("adjustments.csv", "unit,points,node\nA,1,Nope\n").Score();
        c.ExitCode.ShouldBe(2);
    }

    [Fact]
    public void RoundTo_RoundsShortestTextHalfAwayFromZero()
    {
        // roundTo 2: 1.005 (binary just below 1.005) → text "1.005" → 1.01, ties with 1.01; 1.0 → 1.00.
        // roundTo 0 would send −2.5 → −3 (away from zero). Written scores are not rounded.
        var scheme = """
            { "name": "r", "steps": { "normalise": { "method": "none" } },
              "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ], "ranking": { "roundTo": 2 } }
            """;
        using var c = ScoreCase.With(scheme, "unit,indicator,value\nA,X,1.005\nB,X,1.01\nC,X,1\nD,X,1.0049\n").Score().ShouldSucceed();
        c.Results.Get("A", "X").IsText("score", "1.005").Rank(1);
        c.Results.Get("B", "X").Rank(1);
        c.Results.Get("D", "X").Rank(3);   // 1.0049 → 1.00, ties with C
        c.Results.Get("C", "X").Rank(3);
        var neg = scheme.Replace("\"roundTo\": 2", "\"roundTo\": 0", StringComparison.Ordinal);
        using var d = ScoreCase.With(neg, "unit,indicator,value\nA,X,-2.5\nB,X,-3\nC,X,-2.4\n").Score().ShouldSucceed();
        d.Results.Get("C", "X").Rank(1);   // −2
        d.Results.Get("A", "X").Rank(2);   // −3
        d.Results.Get("B", "X").Rank(2);   // −3
    }

    [Fact]
    public void RankChange_PreviousPeriodRankMinusThisRank()
    {
        // 2025-Q1: A 1st, B 2nd, C 3rd. 2025-Q2: C 1st, A 2nd, B 3rd; D new.
        // Q2 rank_change: C 3 − 1 = 2, A 1 − 2 = −1, B 2 − 3 = −1, D empty (no Q1 rank).
        var scheme = """{ "name": "rc", "steps": { "normalise": { "method": "none" } }, "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        var data = "period,unit,indicator,value\n2025-Q2,C,X,9\n2025-Q2,A,X,8\n2025-Q2,B,X,7\n2025-Q2,D,X,1\n2025-Q1,A,X,3\n2025-Q1,B,X,2\n2025-Q1,C,X,1\n";
        using var c = ScoreCase.With(scheme, data).Score().ShouldSucceed();
        var r = c.Results;
        r.Header.ShouldBe(["period", "unit", "node", "value", "score", "rank", "rank_change"]);
        r.Get("C", "R", "2025-Q2").Rank(1).IsText("rank_change", "2");
        r.Get("A", "R", "2025-Q2").IsText("rank_change", "-1");
        r.Get("B", "X", "2025-Q2").IsText("rank_change", "-1");
        r.Get("D", "R", "2025-Q2").Rank(4).IsText("rank_change", "");
        r.Get("A", "R", "2025-Q1").IsText("rank_change", "");
        // rows ordered by period (oldest first), then unit
        r.Rows[0][0].ShouldBe("2025-Q1");
        r.Rows.Select(x => x[1]).Take(6).ShouldBe(["A", "A", "B", "B", "C", "C"]);
    }

    [Fact]
    public void Warnings_LevelsFromRulesTopToBottom()
    {
        // target 100: A 100 → gap 0 → green; B 95 → −5 → yellow; C 85 → −15 → red;
        // D direction −1 indicator Z: 80 vs 100 → 100·(2 − 0.8) = 120 → green;
        // E zero target → empty completion/gap/level; F missing value → empty; G no target → no row
        var scheme = """
            { "name": "w", "indicators": [ { "code": "X", "parent": "R" }, { "code": "Z", "parent": "R", "direction": -1 } ],
              "groups": [ { "code": "R" } ],
              "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "yellow", "minGap": -10 }, { "level": "red" } ] } }
            """;
        var data = "unit,indicator,value,target\nA,X,100,100\nB,X,95,100\nC,X,85,100\nD,Z,80,100\nE,X,5,0\nF,X,,100\nG,X,50,\n";
        using var c = ScoreCase.With(scheme, data).Score(warnings: true).ShouldSucceed();
        var w = c.Warnings;
        w.Header.ShouldBe(["period", "unit", "indicator", "value", "target", "completion", "expected", "gap", "level"]);
        w.Rows.Count.ShouldBe(6);
        w.Find(("unit", "A")).Is("completion", 100).Is("expected", 100).Is("gap", 0).IsText("level", "green").IsText("period", "");
        w.Find(("unit", "B")).Is("gap", -5).IsText("level", "yellow");
        w.Find(("unit", "C")).Is("gap", -15).IsText("level", "red");
        w.Find(("unit", "D")).Is("completion", 120).IsText("level", "green");
        w.Find(("unit", "E")).IsEmpty("completion").IsEmpty("gap").IsEmpty("level").Is("expected", 100);
        w.Find(("unit", "F")).IsEmpty("value").IsEmpty("completion").IsEmpty("level");
    }

    [Fact]
    public void Warnings_WithoutRules_Exit2()
    {
        var scheme = """{ "name": "w", "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        using var c = ScoreCase.With(scheme, "unit,indicator,value,target\nA,X,1,2\n").Score(warnings: true);
        c.ExitCode.ShouldBe(2);
    }

    [Theory]
    [InlineData("unit,indicator,value,colour\nA,X,1,red\n")]      // unknown column
    [InlineData("unit,indicator,value\nA,Q,1\n")]                 // unknown code
    [InlineData("unit,indicator,value\nA,X,1,5\n")]               // extra field
    [InlineData("unit,indicator,value\nA,X,1e\n")]                // malformed number
    [InlineData("unit,indicator,value\nA,X,1\nA,X,2\n")]          // duplicate row
    public void BadData_Exit2(string data)
    {
        var scheme = """{ "name": "b", "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        using var c = ScoreCase.With(scheme, data).Score();
        c.ExitCode.ShouldBe(2);
        File.Exists(c.PathOf("results.csv")).ShouldBeFalse();
    }
}
