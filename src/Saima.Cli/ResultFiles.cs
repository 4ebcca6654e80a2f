using System.Runtime.CompilerServices;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>
/// Writes RESULTS.csv, WARNINGS.csv and the --explain files exactly as the file contract lays
/// them out. Rows come in the engine's order: periods oldest first, local units ascending (= unit
/// code order), nodes as indicators in scheme order then groups in scheme order.
/// </summary>
internal static class ResultFiles
{
    /// <summary>
    /// Columns of chain.csv, one row per period, unit and node: how each score came about.
    /// <c>period</c> and <c>track</c> appear as in RESULTS.csv. For an indicator: <c>raw</c> (the
    /// figure as given), <c>denominator</c> (the denominator's value, if the indicator has one),
    /// <c>denominated</c>, <c>transformed</c>, <c>imputed</c> (true where imputation filled a missing
    /// value), <c>treated</c> (after outlier treatment), <c>target_used</c> (the target the rule
    /// used, prorated for cumulative indicators); these are empty for a group. For every node:
    /// <c>rule</c> (the normalisation or aggregation that produced the score), <c>weights</c> (for a
    /// group, <c>child=weight;…</c> as this unit's aggregation used them; empty for an indicator),
    /// <c>score_before_adjustment</c>, <c>adjustment</c> (bonus/penalty points added),
    /// <c>score</c> and <c>rank</c> as in RESULTS.csv.
    /// </summary>
    internal static readonly string[] ChainColumns =
    [
        "raw", "denominator", "denominated", "transformed", "imputed", "treated", "target_used",
        "rule", "weights", "score_before_adjustment", "adjustment", "score", "rank",
    ];

    public static string[] ResultColumns(bool periods, bool tracks)
    {
        var columns = new List<string>(9);
        if (periods)
        {
            columns.Add("period");
        }

        columns.Add("unit");
        if (tracks)
        {
            columns.Add("track");
        }

        columns.AddRange(["node", "value", "score", "rank"]);
        if (tracks)
        {
            columns.Add("track_rank");
        }

        if (periods)
        {
            columns.Add("rank_change");
        }

        return [.. columns];
    }

    public static void WriteResults(Utf8CsvWriter w, ScoringResult result)
    {
        Dataset data = result.Dataset;
        bool periods = data.HasPeriods;
        bool tracks = data.UnitTracks is not null;
        w.Header(ResultColumns(periods, tracks));
        var rows = new RowContext(result);
        foreach (PeriodResult pr in result.Periods)
        {
            byte[] period = periods ? Utf8CsvWriter.Encode(pr.Data.Period.ToString()) : [];
            ParallelCsv.Write(w, pr.Data.Units.Length, (block, from, to) => WriteResultRows(block, rows, pr, period, from, to));
        }
    }

    /// <summary>Rows of local units [from, to) of one period: every node of each unit.</summary>
    /// <remarks>
    /// The hot loop of writing results (660,000 rows in the benchmark): each row is formatted
    /// straight into the writer's buffer, behind a prefix (period, unit, track) encoded once
    /// per unit.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteResultRows(Utf8CsvWriter w, RowContext c, PeriodResult pr, byte[] period, int from, int to)
    {
        bool periods = c.Periods;
        bool tracks = c.UnitTracks is not null;
        byte[][] nodes = c.NodesWithComma;
        int indicators = c.Indicators;
        var prefix = new List<byte>(64);
        for (int u = from; u < to; u++)
        {
            int g = pr.Data.Units[u];
            bool screened = pr.Screened[u];
            prefix.Clear();
            if (periods)
            {
                prefix.AddRange(period);
                prefix.Add((byte)',');
            }

            prefix.AddRange(c.Units[g]);
            prefix.Add((byte)',');
            if (tracks)
            {
                prefix.AddRange(c.UnitTracks![g]);
                prefix.Add((byte)',');
            }

            ReadOnlySpan<byte> head = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(prefix);
            for (int k = 0; k < nodes.Length; k++)
            {
                Span<byte> d = w.GetSpan(head.Length + nodes[k].Length + 128);
                head.CopyTo(d);
                int n = head.Length;
                nodes[k].CopyTo(d[n..]);
                n += nodes[k].Length;

                // Screened units keep their rows with empty value, score and ranks.
                if (!screened)
                {
                    if (k < indicators)
                    {
                        n += Utf8CsvWriter.Format(pr.Values[k][u], d[n..]);
                    }

                    d[n++] = (byte)',';
                    n += Utf8CsvWriter.Format(pr.Scores[k][u], d[n..]);
                    d[n++] = (byte)',';
                    n += Utf8CsvWriter.FormatRank(pr.Ranks[k][u], d[n..]);
                    if (tracks)
                    {
                        d[n++] = (byte)',';
                        n += pr.TrackRanks is null ? 0 : Utf8CsvWriter.FormatRank(pr.TrackRanks[k][u], d[n..]);
                    }

                    if (periods)
                    {
                        d[n++] = (byte)',';
                        n += pr.RankChanges is null ? 0 : Utf8CsvWriter.FormatRank(pr.RankChanges[k][u], d[n..]);
                    }
                }
                else
                {
                    d[n++] = (byte)',';
                    d[n++] = (byte)',';
                    if (tracks)
                    {
                        d[n++] = (byte)',';
                    }

                    if (periods)
                    {
                        d[n++] = (byte)',';
                    }
                }

                d[n++] = (byte)'\n';
                w.Advance(n);
            }
        }
    }

    /// <summary>The per-run fields of the row writers, encoded once.</summary>
    private sealed class RowContext(ScoringResult result)
    {
        public bool Periods { get; } = result.Dataset.HasPeriods;
        public int Indicators { get; } = result.Scheme.Indicators.Count;
        public byte[][] Units { get; } = Encoded(result.Dataset.UnitCodes);
        public byte[][]? UnitTracks { get; } = result.Dataset.UnitTracks is { } t ? Encoded(t) : null;
        public byte[][] Nodes { get; } = NodeFields(result.Scheme);
        public string[] NodeCodes { get; } = Enumerable.Range(0, result.Scheme.NodeCount).Select(result.Scheme.NodeCode).ToArray();
        public byte[][] NodesWithComma { get; } = NodeFields(result.Scheme).Select(n => (byte[])[.. n, (byte)',']).ToArray();
    }

    public static void WriteWarnings(Utf8CsvWriter w, ScoringResult result)
    {
        w.Header("period", "unit", "indicator", "value", "target", "completion", "expected", "gap", "level");
        Dataset data = result.Dataset;
        byte[][] units = Encoded(data.UnitCodes);
        byte[][] nodes = NodeFields(result.Scheme);
        foreach (PeriodResult pr in result.Periods)
        {
            byte[] period = Utf8CsvWriter.Encode(pr.Data.Period.ToString());
            foreach (WarningRow row in pr.Warnings)
            {
                w.Raw(period);
                w.Comma();
                w.Raw(units[GlobalUnit(pr, row)]);
                w.Comma();
                w.Raw(nodes[row.Indicator]);
                w.Comma();
                w.Number(row.Value);
                w.Comma();
                w.Number(row.Target);
                w.Comma();
                w.Number(row.Completion);
                w.Comma();
                w.Number(row.Expected);
                w.Comma();
                w.Number(row.Gap);
                w.Comma();
                w.Text(row.Level);
                w.EndRow();
            }
        }
    }

    /// <summary>The global unit of a warning row: <see cref="WarningRow.Unit"/> is a local unit of its period, like every index in <see cref="PeriodResult"/>.</summary>
    private static int GlobalUnit(PeriodResult pr, WarningRow row) => pr.Data.Units[row.Unit];

    public static void WriteWeights(Utf8CsvWriter w, ScoringResult result)
    {
        bool periods = result.Dataset.HasPeriods;
        w.Header(periods
            ? ["period", "track", "node", "parent", "weight", "effective_weight"]
            : ["track", "node", "parent", "weight", "effective_weight"]);
        Scheme scheme = result.Scheme;
        byte[][] nodes = NodeFields(scheme);
        byte[][] parents = new byte[scheme.NodeCount][];
        for (int k = 0; k < parents.Length; k++)
        {
            parents[k] = Utf8CsvWriter.Encode(
                k < scheme.Indicators.Count ? scheme.Indicators[k].Parent : scheme.Groups[k - scheme.Indicators.Count].Parent);
        }

        foreach (PeriodResult pr in result.Periods)
        {
            byte[] period = Utf8CsvWriter.Encode(pr.Data.Period.ToString());
            foreach (WeightRow row in pr.Weights)
            {
                if (periods)
                {
                    w.Raw(period);
                    w.Comma();
                }

                w.Text(row.Track);
                w.Comma();
                w.Raw(nodes[row.Node]);
                w.Comma();
                w.Raw(parents[row.Node]);
                w.Comma();
                w.Number(row.Weight);
                w.Comma();
                w.Number(row.EffectiveWeight);
                w.EndRow();
            }
        }
    }

    public static void WriteTreatment(Utf8CsvWriter w, ScoringResult result)
    {
        w.Header("period", "track", "indicator", "treatment", "points", "skew_before", "kurtosis_before", "skew_after", "kurtosis_after");
        byte[][] nodes = NodeFields(result.Scheme);
        foreach (PeriodResult pr in result.Periods)
        {
            byte[] period = Utf8CsvWriter.Encode(pr.Data.Period.ToString());
            foreach (TreatmentRow row in pr.Treatments)
            {
                w.Raw(period);
                w.Comma();
                w.Text(row.Track);
                w.Comma();
                w.Raw(nodes[row.Indicator]);
                w.Comma();
                w.Text(row.Treatment switch
                {
                    TreatmentKind.Winsorised => "winsorised",
                    TreatmentKind.Log => "log",
                    _ => "none",
                });
                w.Comma();
                w.Integer(row.Points);
                w.Comma();
                w.Number(row.SkewBefore);
                w.Comma();
                w.Number(row.KurtosisBefore);
                w.Comma();
                w.Number(row.SkewAfter);
                w.Comma();
                w.Number(row.KurtosisAfter);
                w.EndRow();
            }
        }
    }

    /// <summary>"I001=0.25;I002=0.75": the present children's weights as the unit's aggregation used them.</summary>
    private static string ChildWeightText(RowContext c, int[] children, double[] weights)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < children.Length; i++)
        {
            if (double.IsNaN(weights[i]))
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(c.NodeCodes[children[i]]).Append('=').Append(weights[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    public static void WriteChain(Utf8CsvWriter w, ScoringResult result)
    {
        Dataset data = result.Dataset;
        bool periods = data.HasPeriods;
        bool tracks = data.UnitTracks is not null;
        var columns = new List<string>();
        if (periods)
        {
            columns.Add("period");
        }

        columns.Add("unit");
        if (tracks)
        {
            columns.Add("track");
        }

        columns.Add("node");
        columns.AddRange(ChainColumns);
        w.Header([.. columns]);
        var rows = new RowContext(result);
        foreach (PeriodResult pr in result.Periods)
        {
            if (pr.Trace is null)
            {
                continue;
            }

            byte[] period = periods ? Utf8CsvWriter.Encode(pr.Data.Period.ToString()) : [];
            ParallelCsv.Write(w, pr.Data.Units.Length, (block, from, to) => WriteChainRows(block, rows, pr, period, from, to));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteChainRows(Utf8CsvWriter w, RowContext c, PeriodResult pr, byte[] period, int from, int to)
    {
        Trace t = pr.Trace!;
        bool tracks = c.UnitTracks is not null;
        string? lastRule = null;
        byte[] lastEncoded = [];
        for (int u = from; u < to; u++)
        {
            int g = pr.Data.Units[u];
            for (int k = 0; k < c.Nodes.Length; k++)
            {
                if (c.Periods)
                {
                    w.Raw(period);
                    w.Comma();
                }

                w.Raw(c.Units[g]);
                w.Comma();
                if (tracks)
                {
                    w.Raw(c.UnitTracks![g]);
                    w.Comma();
                }

                w.Raw(c.Nodes[k]);
                w.Comma();
                if (k < c.Indicators)
                {
                    w.Number(t.Raw[k][u]);
                    w.Comma();
                    w.Number(t.Denominator[k][u]);
                    w.Comma();
                    w.Number(t.Denominated[k][u]);
                    w.Comma();
                    w.Number(t.Transformed[k][u]);
                    w.Comma();
                    w.Raw(t.Imputed[k][u] ? "true"u8 : "false"u8);
                    w.Comma();
                    w.Number(t.Treated[k][u]);
                    w.Comma();
                    w.Number(t.TargetUsed[k][u]);
                    w.Comma();
                }
                else
                {
                    w.Raw(",,,,,,,"u8);
                }

                // Rules repeat (one text per node, mostly): encode each distinct one once.
                string? rule = t.Rule[k][u];
                if (!ReferenceEquals(rule, lastRule))
                {
                    lastRule = rule;
                    lastEncoded = Utf8CsvWriter.Encode(rule);
                }

                w.Raw(lastEncoded);
                w.Comma();
                if (k >= c.Indicators && t.ChildWeights[k - c.Indicators][u] is { } weights)
                {
                    w.Raw(Utf8CsvWriter.Encode(ChildWeightText(c, t.Children[k - c.Indicators], weights)));
                }

                w.Comma();
                w.Number(t.ScoreBeforeAdjustment[k][u]);
                w.Comma();
                w.Number(t.Adjustment[k][u]);
                w.Comma();
                w.Number(pr.Scores[k][u]);
                w.Comma();
                Rank(w, pr.Ranks[k][u]);
                w.EndRow();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rank(Utf8CsvWriter w, int rank)
    {
        if (rank != PeriodResult.NoRank)
        {
            w.Integer(rank);
        }
    }

    private static byte[][] Encoded(string[] texts)
    {
        var encoded = new byte[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            encoded[i] = Utf8CsvWriter.Encode(texts[i]);
        }

        return encoded;
    }

    private static byte[][] NodeFields(Scheme scheme)
    {
        var nodes = new byte[scheme.NodeCount][];
        for (int k = 0; k < nodes.Length; k++)
        {
            nodes[k] = Utf8CsvWriter.Encode(scheme.NodeCode(k));
        }

        return nodes;
    }
}
