using FsCheck;
using FsCheck.Fluent;

namespace Saima.Scoring.Tests;

/// <summary>
/// A small random assessment for property tests: units, a random hierarchy of groups, indicators with
/// methods drawn from a given list, values (some missing) and targets over one or more periods.
/// </summary>
internal sealed record World(
    int Units,
    int Periods,
    int[] IndicatorParent,
    int[] GroupParent,
    double[] IndicatorWeight,
    double[] GroupWeight,
    string[] Normalise,
    int[] Direction,
    string[] Aggregate,
    string[] Weighting,
    double[] Values,
    double[] Targets,
    string? Tracks,
    int[] UnitTrack,
    string Impute,
    string Treat)
{
    public int Indicators => IndicatorParent.Length;

    public int Groups => GroupParent.Length;

    public int At(int period, int indicator, int unit) => (((period * Indicators) + indicator) * Units) + unit;

    public static string UnitCode(int u) => "U" + u.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Scheme Scheme()
    {
        var inds = new List<string>();
        for (int i = 0; i < Indicators; i++)
        {
            inds.Add("{'code':'I" + i + "','parent':'G" + IndicatorParent[i] + "','weight':" + Fx.T(IndicatorWeight[i]) +
                ",'direction':" + Direction[i] + ",'normalise':" + Normalise[i] + "}");
        }

        var groups = new List<string>();
        for (int g = 0; g < Groups; g++)
        {
            string parent = GroupParent[g] < 0 ? string.Empty : ",'parent':'G" + GroupParent[g] + "'";
            groups.Add("{'code':'G" + g + "'" + parent + ",'weight':" + Fx.T(GroupWeight[g]) + ",'aggregate':{'method':'" + Aggregate[g] +
                "'},'weights':'" + Weighting[g] + "'}");
        }

        string tracks = Tracks is null ? string.Empty : ",'tracks':{'compare':'" + Tracks + "'}";
        return Fx.Parse(
            "{'steps':{'impute':" + Impute + ",'treat':" + Treat + "},'indicators':[" + string.Join(",", inds) + "],'groups':[" +
            string.Join(",", groups) + "]" + tracks + "}");
    }

    public List<Row> Rows()
    {
        var rows = new List<Row>();
        for (int p = 0; p < Periods; p++)
        {
            string? period = Periods == 1 ? null : "2025-0" + (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < Indicators; i++)
            {
                for (int u = 0; u < Units; u++)
                {
                    rows.Add(new Row(UnitCode(u), "I" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Values[At(p, i, u)], period, Targets[At(p, i, u)]));
                }
            }
        }

        return rows;
    }

    public UnitRow[]? UnitRows() =>
        Tracks is null ? null : Enumerable.Range(0, Units).Select(u => new UnitRow(UnitCode(u), UnitTrack[u] == 0 ? "city" : "county")).ToArray();

    public ScoringResult Score(bool explain = false, bool parallel = false, IEnumerable<Row>? rows = null, IReadOnlyList<UnitRow>? units = null)
    {
        Scheme s = Scheme();
        return Fx.Score(s, rows ?? Rows(), units ?? UnitRows(), explain: explain, parallel: parallel);
    }

    public override string ToString() =>
        $"units {Units}, periods {Periods}, indicator parents [{string.Join(",", IndicatorParent)}], group parents [{string.Join(",", GroupParent)}], " +
        $"weights [{string.Join(",", IndicatorWeight.Select(Fx.T))}] / [{string.Join(",", GroupWeight.Select(Fx.T))}], " +
        $"normalise [{string.Join(" ", Normalise)}], directions [{string.Join(",", Direction)}], aggregate [{string.Join(",", Aggregate)}], " +
        $"weighting [{string.Join(",", Weighting)}], tracks {Tracks ?? "none"} [{string.Join(",", UnitTrack)}], impute {Impute}, treat {Treat}, " +
        $"values [{string.Join(",", Values.Select(Fx.T))}], targets [{string.Join(",", Targets.Select(Fx.T))}]";

    /// <summary>What may vary in a generated world.</summary>
    public sealed record Options
    {
        public string[] Normalise { get; init; } = [.. Methods.All];
        public string[] Aggregate { get; init; } = ["arithmetic"];
        public string[] Weighting { get; init; } = ["given"];
        public int[] Directions { get; init; } = [1, -1];
        public int MaxPeriods { get; init; } = 1;
        public int MissingPerTen { get; init; }
        public bool Tracks { get; init; }
        public string[] Impute { get; init; } = ["{'method':'none'}"];
        public string[] Treat { get; init; } = ["{'method':'none'}"];
        public int MaxIndicators { get; init; } = 5;
        public int MaxGroups { get; init; } = 3;

        /// <summary>Values are drawn from these whole numbers, divided by 10.</summary>
        public (int Low, int High) Tenths { get; init; } = (1, 1000);
    }

    public static Gen<World> Gen(Options o) =>
        from units in FsCheck.Fluent.Gen.Choose(3, 7)
        from periods in FsCheck.Fluent.Gen.Choose(1, o.MaxPeriods)
        from nInd in FsCheck.Fluent.Gen.Choose(1, o.MaxIndicators)
        from nGroups in FsCheck.Fluent.Gen.Choose(1, Math.Min(o.MaxGroups, nInd))
        from groupParent in FsCheck.Fluent.Gen.CollectToArray(Enumerable.Range(0, nGroups), g => g == 0 ? FsCheck.Fluent.Gen.Constant(-1) : FsCheck.Fluent.Gen.Choose(0, g - 1))
        from someParent in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, nGroups - 1), nInd)
        from indWeight in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(1, 100).Select(w => w / 10.0), nInd)
        from groupWeight in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(1, 100).Select(w => w / 10.0), nGroups)
        from normalise in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Elements(o.Normalise), nInd)
        from direction in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Elements(o.Directions), nInd)
        from aggregate in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Elements(o.Aggregate), nGroups)
        from weighting in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Elements(o.Weighting), nGroups)
        from values in FsCheck.Fluent.Gen.ArrayOf(Value(o), periods * nInd * units)
        from targets in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(1, 100).Select(t => (double)t), periods * nInd * units)
        from tracks in o.Tracks ? FsCheck.Fluent.Gen.Elements<string?>(null, "all", "track") : FsCheck.Fluent.Gen.Constant<string?>(null)
        from unitTrack in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, 1), units)
        from impute in FsCheck.Fluent.Gen.Elements(o.Impute)
        from treat in FsCheck.Fluent.Gen.Elements(o.Treat)
        select new World(
            units,
            periods,
            // The first indicators go one to each group, so that no group is left without children.
            Enumerable.Range(0, nInd).Select(i => i < nGroups ? i : someParent[i]).ToArray(),
            groupParent,
            indWeight,
            groupWeight,
            normalise,
            direction,
            aggregate,
            weighting,
            values,
            targets,
            tracks,
            unitTrack,
            impute,
            treat);

    private static Gen<double> Value(Options o)
    {
        Gen<double> present = FsCheck.Fluent.Gen.Choose(o.Tenths.Low, o.Tenths.High).Select(v => v / 10.0);
        return o.MissingPerTen == 0
            ? present
            : FsCheck.Fluent.Gen.Frequency((o.MissingPerTen, FsCheck.Fluent.Gen.Constant(double.NaN)), (10 - o.MissingPerTen, present));
    }
}

/// <summary>Normalisation rules used by the property tests.</summary>
internal static class Methods
{
    public const string MinMax = "{'method':'minmax'}";
    public const string MinMaxPositive = "{'method':'minmax','range':[1,100]}";
    public const string ZScore = "{'method':'zscore','mean':50,'sd':10}";
    public const string Vector = "{'method':'vector'}";
    public const string Goalposts = "{'method':'goalposts','min':-1,'max':80,'scale':100}";
    public const string Rank = "{'method':'rank'}";
    public const string Target = "{'method':'target','cap':1.5}";
    public const string Completion = "{'method':'completion','full':20,'atTarget':0.8,'perPoint':0.1,'cap':1.2,'floor':1}";
    public const string RankPoints = "{'method':'rankPoints','first':10,'step':1,'floor':1}";
    public const string Tiers = "{'method':'tiers','bounds':[20,50,80],'points':[1,2,3,4]}";
    public const string LeaderRatio = "{'method':'leaderRatio','full':100}";

    public static readonly string[] All = [MinMax, MinMaxPositive, ZScore, Vector, Goalposts, Rank, Target, Completion, RankPoints, Tiers, LeaderRatio];

    /// <summary>Monotone in the value for direction 1.</summary>
    public static readonly string[] Monotone = [MinMax, Goalposts, Rank, Target, Completion, RankPoints, LeaderRatio];

    /// <summary>Monotone and always positive on positive values (for a geometric mean above them).</summary>
    public static readonly string[] MonotonePositive = [MinMaxPositive, Goalposts, Target, Completion, RankPoints, LeaderRatio];
}
