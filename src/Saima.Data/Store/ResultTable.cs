using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// A scored period's rows (per unit and node) and warnings as the store keeps them, read from the
/// engine's arrays when they are written or hashed: no object per row. A township scheme's
/// 40,000 units × 56 nodes are 2.2 million rows; held as <see cref="ResultRow"/> objects they
/// cost hundreds of megabytes on top of the engine's arrays, read this way nothing.
/// </summary>
internal sealed class ResultTable
{
    private readonly PeriodResult pr;
    private readonly Scheme scheme;
    private readonly long[] unitIds;
    private readonly int indicators;

    public ResultTable(ScoringInputs inputs, PeriodResult pr)
    {
        this.pr = pr;
        scheme = inputs.Scheme;
        indicators = scheme.Indicators.Count;
        Units = pr.Data.Units.Length;
        Nodes = scheme.NodeCount;
        unitIds = new long[Units];
        for (int u = 0; u < Units; u++)
        {
            unitIds[u] = inputs.UnitIds[pr.Data.Units[u]];
        }
    }

    /// <summary>Units scored, in the engine's order.</summary>
    public int Units { get; }

    /// <summary>Nodes per unit, in the scheme's order (indicators, then groups).</summary>
    public int Nodes { get; }

    /// <summary>Rows of the set: units × nodes.</summary>
    public long RowCount => (long)Units * Nodes;

    public int WarningCount => pr.Warnings.Count;

    public long UnitId(int u) => unitIds[u];

    public string Node(int k) => scheme.NodeCode(k);

    public double? Value(int u, int k) => k < indicators ? Canon(pr.Values[k][u]) : null;

    public double? Score(int u, int k) => Canon(pr.Scores[k][u]);

    public int? Rank(int u, int k) => RankOf(pr.Ranks[k][u]);

    public int? TrackRank(int u, int k) => pr.TrackRanks is null ? null : RankOf(pr.TrackRanks[k][u]);

    public int? RankChange(int u, int k) => pr.RankChanges is null ? null : RankOf(pr.RankChanges[k][u]);

    /// <summary>One row as an object (for those who compare or preview; the publication does not make them).</summary>
    public ResultRow Row(int u, int k) => new()
    {
        UnitId = UnitId(u),
        Node = Node(k),
        Value = Value(u, k),
        Score = Score(u, k),
        Rank = Rank(u, k),
        TrackRank = TrackRank(u, k),
        RankChange = RankChange(u, k),
    };

    /// <summary>Every row, one at a time, unit by unit in the engine's order and node by node in the scheme's.</summary>
    public IEnumerable<ResultRow> Rows()
    {
        for (int u = 0; u < Units; u++)
        {
            for (int k = 0; k < Nodes; k++)
            {
                yield return Row(u, k);
            }
        }
    }

    /// <summary>How many units ranked at each node (nodes no unit ranked left out), in node order.</summary>
    public IEnumerable<(string Node, int Ranked)> RankedPerNode()
    {
        for (int k = 0; k < Nodes; k++)
        {
            int ranked = 0;
            for (int u = 0; u < Units; u++)
            {
                if (Rank(u, k) is not null)
                {
                    ranked++;
                }
            }

            if (ranked > 0)
            {
                yield return (Node(k), ranked);
            }
        }
    }

    /// <summary>The ranks at the root: store unit id → rank, of the ranked units.</summary>
    public Dictionary<long, int> RankedAtRoot()
    {
        int root = scheme.Indicators.Count + scheme.RootGroup;
        var ranked = new Dictionary<long, int>();
        for (int u = 0; u < Units; u++)
        {
            if (Rank(u, root) is { } r)
            {
                ranked[UnitId(u)] = r;
            }
        }

        return ranked;
    }

    /// <summary>The engine's units in the order of their store ids (the digest's order).</summary>
    public int[] UnitsById()
    {
        int[] order = [.. Enumerable.Range(0, Units)];
        Array.Sort(order, (a, b) => unitIds[a].CompareTo(unitIds[b]));
        return order;
    }

    /// <summary>The nodes in the ordinal order of their codes (the digest's order within a unit).</summary>
    public int[] NodesByCode()
    {
        int[] order = [.. Enumerable.Range(0, Nodes)];
        Array.Sort(order, (a, b) => string.CompareOrdinal(Node(a), Node(b)));
        return order;
    }

    /// <summary>Warning <paramref name="i"/> of the engine's list, as stored.</summary>
    public WarningResult Warning(int i) => Of(pr.Warnings[i]);

    private WarningResult Of(WarningRow w) =>
        new()
        {
            UnitId = unitIds[w.Unit],
            Indicator = scheme.Indicators[w.Indicator].Code,
            Value = Canon(w.Value),
            Target = Canon(w.Target),
            Completion = Canon(w.Completion),
            Expected = Canon(w.Expected),
            Gap = Canon(w.Gap),
            Level = w.Level,
        };

    /// <summary>Every warning, one at a time, in the engine's order.</summary>
    public IEnumerable<WarningResult> Warnings()
    {
        foreach (WarningRow w in pr.Warnings)
        {
            yield return Of(w);
        }
    }

    /// <summary>
    /// The warnings in the digest's order: by unit id, then indicator code (ordinal). Read unit by
    /// unit; only one unit's warnings are held at a time.
    /// </summary>
    public IEnumerable<WarningResult> WarningsByUnitAndIndicator()
    {
        IReadOnlyList<WarningRow> list = pr.Warnings;
        int[] codeRank = new int[indicators];
        int[] byCode = [.. Enumerable.Range(0, indicators)];
        Array.Sort(byCode, (a, b) => string.CompareOrdinal(scheme.Indicators[a].Code, scheme.Indicators[b].Code));
        for (int r = 0; r < byCode.Length; r++)
        {
            codeRank[byCode[r]] = r;
        }

        var one = new List<WarningRow>(indicators);
        bool idOrder = true;
        for (int u = 1; u < Units && idOrder; u++)
        {
            idOrder = unitIds[u - 1] < unitIds[u];
        }

        if (idOrder)
        {
            // The engine's units already in id order: one pass, a unit's warnings put in code order.
            int unit = -1;
            foreach (WarningRow w in list)
            {
                if (w.Unit != unit)
                {
                    foreach (WarningResult done in InCodeOrder())
                    {
                        yield return done;
                    }

                    unit = w.Unit;
                }

                one.Add(w);
            }

            foreach (WarningResult done in InCodeOrder())
            {
                yield return done;
            }

            yield break;
        }

        // Otherwise where each unit's warnings start (one pass), then unit by unit in id order.
        int[] start = new int[Units + 1];
        foreach (WarningRow w in list)
        {
            start[w.Unit + 1]++;
        }

        for (int u = 0; u < Units; u++)
        {
            start[u + 1] += start[u];
        }

        foreach (int u in UnitsById())
        {
            for (int i = start[u]; i < start[u + 1]; i++)
            {
                one.Add(list[i]);
            }

            foreach (WarningResult done in InCodeOrder())
            {
                yield return done;
            }
        }

        IEnumerable<WarningResult> InCodeOrder()
        {
            one.Sort((a, b) => codeRank[a.Indicator].CompareTo(codeRank[b.Indicator]));
            var results = new List<WarningResult>(one.Count);
            foreach (WarningRow w in one)
            {
                results.Add(Of(w));
            }

            one.Clear();
            return results;
        }
    }

    /// <summary>
    /// The stored form of a number: missing (NaN) as null, and −0 as 0 (SQLite may keep an
    /// integral REAL as an integer, which has no sign of zero). Every other double is kept to the bit.
    /// </summary>
    internal static double? Canon(double v) => double.IsNaN(v) ? null : v == 0 ? 0.0 : v;

    private static int? RankOf(int r) => r == PeriodResult.NoRank ? null : r;
}
