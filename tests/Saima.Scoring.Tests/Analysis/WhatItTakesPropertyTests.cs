using FsCheck;
using FsCheck.Fluent;

namespace Saima.Scoring.Tests.Analysis;

/// <summary>What it takes over random small assessments with methods monotone in the value (FsCheck, fixed seed).</summary>
public class WhatItTakesPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(60)
        .WithReplay(new Replay(new Rnd(20261206UL, 0x9E3779B97F4A7C15UL), null));

    // Ratios to a target or to the leader are monotone only for positive values, which lower-is-better
    // indicators leave when they keep going down: they are checked with higher-is-better only.
    private static readonly World.Options[] Monotone =
    [
        new() { Normalise = [Methods.MinMax, Methods.Goalposts, Methods.Rank, Methods.RankPoints], Aggregate = ["arithmetic", "sum"], Weighting = ["given", "equal"] },
        new() { Normalise = Methods.Monotone, Directions = [1], Aggregate = ["arithmetic", "sum"], Weighting = ["given", "equal"] },
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Property_NeededReaches_AndGoingFurtherNeverWorsensTheRank(int options)
    {
        Gen<(World W, int Unit, int Rank)> gen =
            from w in World.Gen(Monotone[options])
            from unit in Gen.Choose(0, w.Units - 1)
            from rank in Gen.Choose(1, w.Units)
            select (w, unit, rank);
        Prop.ForAll(Arb.From(gen), c =>
        {
            Scheme scheme = c.W.Scheme();
            List<Row> rows = c.W.Rows();
            string unit = World.UnitCode(c.Unit);
            Dataset data = Fx.Data(scheme, rows);
            foreach (WhatIfRow row in WhatItTakes.Search(scheme, data, new WhatIfQuery { Period = 0, Unit = unit, Rank = c.Rank }))
            {
                if (!row.Reachable)
                {
                    continue;
                }

                string code = scheme.Indicators[row.Indicator].Code;
                int dir = scheme.Indicators[row.Indicator].Direction;
                double range = rows.Where(r => r.Code == code).Max(r => r.Value) - rows.Where(r => r.Code == code).Min(r => r.Value);
                int previous = RankWith(scheme, rows, unit, code, row.Needed);
                previous.ShouldBeLessThanOrEqualTo(c.Rank, $"{code} at the needed {Fx.T(row.Needed)} in {c.W}");
                foreach (double f in new[] { 0.01, 0.1, 0.5, 1, 3, 10 })
                {
                    double further = row.Needed + (dir * f * Math.Max(range, 1));
                    int r = RankWith(scheme, rows, unit, code, further);
                    r.ShouldBeLessThanOrEqualTo(previous, $"{code} at {Fx.T(further)}, beyond the needed {Fx.T(row.Needed)}, in {c.W}");
                    previous = r;
                }
            }

            return true;
        }).Check(Quick);
    }

    private static int RankWith(Scheme scheme, List<Row> rows, string unit, string code, double value)
    {
        var moved = rows.Select(r => r.Unit == unit && r.Code == code ? r with { Value = value } : r).ToList();
        ScoringResult s = Fx.Score(scheme, moved);
        int rank = s.Periods[0].Ranks[scheme.Indicators.Count + scheme.RootGroup][s.Local(unit)];
        return rank == PeriodResult.NoRank ? int.MaxValue : rank;
    }
}
