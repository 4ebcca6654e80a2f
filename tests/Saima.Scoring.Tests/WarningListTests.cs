namespace Saima.Scoring.Tests;

/// <summary>Warning rows are computed on read: indexing and enumerating give the same rows.</summary>
public class WarningListTests
{
    [Fact]
    public void WarningList_IndexAndEnumeration_GiveTheSameRowsInUnitThenIndicatorOrder()
    {
        Scheme scheme = SchemeParser.Parse("""
            { "indicators": [ { "code": "A", "parent": "R" }, { "code": "B", "parent": "R", "direction": -1 }, { "code": "C", "parent": "R" } ],
              "groups": [ { "code": "R" } ],
              "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "red" } ] } }
            """);
        var b = new DatasetBuilder(scheme);

        // Targets on (U1,A) (U1,C) (U3,B) only; U2 has none.
        b.AddFigure("U1", "A", null, 90, 100, 0);
        b.AddFigure("U1", "B", null, 5, double.NaN, 0);
        b.AddFigure("U1", "C", null, 12, 10, 0);
        b.AddFigure("U2", "A", null, 50, double.NaN, 0);
        b.AddFigure("U3", "B", null, 4, 5, 0);
        ScoringResult r = ScoringEngine.Score(scheme, b.Build());
        IReadOnlyList<WarningRow> rows = r.Periods[0].Warnings;

        rows.Count.ShouldBe(3);
        rows.ToArray().ShouldBe(Enumerable.Range(0, rows.Count).Select(k => rows[k]).ToArray());
        rows.Select(w => (w.Unit, w.Indicator)).ShouldBe([(0, 0), (0, 2), (2, 1)]);

        // U1 A: 100·90/100 = 90 → gap −10 → red; U1 C: 120 → green; U3 B (lower is better): 100·(2 − 4/5) = 120 → green.
        rows.Select(w => w.Level).ShouldBe(["red", "green", "green"]);
        rows[2].Completion.ShouldBe(120, 1e-12);
        Should.Throw<ArgumentOutOfRangeException>(() => rows[3]);
    }
}
