using System.Globalization;

namespace Saima.Scoring.Tests;

/// <summary>One row of long-format data: a unit's figure for a code, optionally in a period and with a target.</summary>
internal sealed record Row(string Unit, string Code, double Value, string? Period = null, double Target = double.NaN);

/// <summary>A unit of the units file: its track (or null) and its attribute values.</summary>
internal sealed record UnitRow(string Code, string? Track, params string[] Attributes);

/// <summary>A bonus or penalty item.</summary>
internal sealed record Adj(string Unit, double Points, string? Period = null, string? Node = null);

/// <summary>
/// Builds schemes and data sets for engine-level examples, and reads results by unit and node code.
/// </summary>
internal static class Fx
{
    /// <summary>JSON written with single quotes, for readable inline schemes.</summary>
    public static string Q(string json) => json.Replace('\'', '"');

    public static Scheme Parse(string json) => SchemeParser.Parse(Q(json));

    /// <summary>A scheme with the given indicators (JSON objects, single-quoted) under one root group R.</summary>
    public static Scheme Flat(string indicators, string extra = "", string root = "{'code':'R'}") =>
        Parse("{'indicators':[" + indicators + "],'groups':[" + root + "]" + (extra.Length > 0 ? "," + extra : string.Empty) + "}");

    /// <summary>Rows of one code: <paramref name="units"/> is space-separated codes, one value each (NaN: an empty value).</summary>
    public static IEnumerable<Row> Rows(string code, string units, params double[] values)
    {
        string[] us = units.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (us.Length != values.Length)
        {
            throw new ArgumentException("one value per unit");
        }

        for (int k = 0; k < us.Length; k++)
        {
            yield return new Row(us[k], code, values[k]);
        }
    }

    public static IEnumerable<Row> InPeriod(this IEnumerable<Row> rows, string period) => rows.Select(r => r with { Period = period });

    public static Dataset Data(
        Scheme scheme,
        IEnumerable<Row> rows,
        IReadOnlyList<UnitRow>? units = null,
        IReadOnlyList<string>? attributeNames = null,
        IEnumerable<Adj>? adjustments = null)
    {
        bool hasTracks = units is not null && units.Any(u => u.Track is not null);
        var b = new DatasetBuilder(scheme, attributeNames ?? [], units is not null, hasTracks);
        int line = 1;
        if (units is not null)
        {
            foreach (UnitRow u in units)
            {
                b.DeclareUnit(u.Code, null, u.Track, u.Attributes, ++line);
            }
        }

        line = 1;
        foreach (Row r in rows)
        {
            b.AddFigure(r.Unit, r.Code, r.Period, r.Value, r.Target, ++line);
        }

        line = 1;
        foreach (Adj a in adjustments ?? [])
        {
            b.AddAdjustment(a.Unit, a.Points, a.Period, a.Node, null, ++line);
        }

        return b.Build();
    }

    public static ScoringResult Score(
        Scheme scheme,
        IEnumerable<Row> rows,
        IReadOnlyList<UnitRow>? units = null,
        IReadOnlyList<string>? attributeNames = null,
        IEnumerable<Adj>? adjustments = null,
        bool explain = false,
        bool parallel = false) =>
        ScoringEngine.Score(scheme, Data(scheme, rows, units, attributeNames, adjustments), new ScoringOptions { Explain = explain, Parallel = parallel });

    // ---- reading results ------------------------------------------------------------------------

    public static int Local(this ScoringResult r, string unit, int period = 0)
    {
        int g = Array.IndexOf(r.Dataset.UnitCodes, unit);
        int l = g < 0 ? -1 : Array.IndexOf(r.Periods[period].Data.Units, g);
        return l >= 0 ? l : throw new ArgumentException($"unit {unit} is not in period {period}");
    }

    public static int Node(this ScoringResult r, string code)
    {
        int n = r.Scheme.NodeIndex(code);
        return n >= 0 ? n : throw new ArgumentException($"no node {code}");
    }

    public static double ScoreOf(this ScoringResult r, string node, string unit, int period = 0) =>
        r.Periods[period].Scores[r.Node(node)][r.Local(unit, period)];

    public static double ValueOf(this ScoringResult r, string indicator, string unit, int period = 0) =>
        r.Periods[period].Values[r.Node(indicator)][r.Local(unit, period)];

    public static int RankOf(this ScoringResult r, string node, string unit, int period = 0) =>
        r.Periods[period].Ranks[r.Node(node)][r.Local(unit, period)];

    public static int TrackRankOf(this ScoringResult r, string node, string unit, int period = 0) =>
        r.Periods[period].TrackRanks![r.Node(node)][r.Local(unit, period)];

    public static int RankChangeOf(this ScoringResult r, string node, string unit, int period) =>
        r.Periods[period].RankChanges![r.Node(node)][r.Local(unit, period)];

    // ---- comparing numbers ----------------------------------------------------------------------

    /// <summary>Equal within 1e-12 relative (absolute where the expected value is 0); NaN only equals NaN.</summary>
    public static void Near(double actual, double expected, string? what = null)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected missing (NaN), got {T(actual)}");
            return;
        }

        double tol = expected == 0 ? 1e-12 : 1e-12 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= tol, $"{what}: expected {T(expected)}, got {T(actual)}");
    }

    /// <summary>Each unit's score of <paramref name="node"/> against the expected values, units in the order given.</summary>
    public static void Scores(this ScoringResult r, string node, string units, params double[] expected)
    {
        string[] us = units.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int k = 0; k < us.Length; k++)
        {
            Near(r.ScoreOf(node, us[k]), expected[k], $"score of {node} for {us[k]}");
        }
    }

    public static void Scores(this ScoringResult r, int period, string node, string units, params double[] expected)
    {
        string[] us = units.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int k = 0; k < us.Length; k++)
        {
            Near(r.ScoreOf(node, us[k], period), expected[k], $"period {period}: score of {node} for {us[k]}");
        }
    }

    public static string T(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Bit-identical results: every double compared by its bits, every rank and flag exactly.</summary>
    public static void AssertIdentical(ScoringResult a, ScoringResult b)
    {
        Assert.Equal(a.Periods.Length, b.Periods.Length);
        for (int p = 0; p < a.Periods.Length; p++)
        {
            PeriodResult x = a.Periods[p], y = b.Periods[p];
            Assert.Equal(x.Data.Units, y.Data.Units);
            Assert.Equal(x.Screened, y.Screened);
            SameBits(x.Values, y.Values);
            SameBits(x.Scores, y.Scores);
            SameInts(x.Ranks, y.Ranks);
            SameInts(x.TrackRanks, y.TrackRanks);
            SameInts(x.RankChanges, y.RankChanges);
            Assert.Equal(x.Warnings.Count, y.Warnings.Count);
            for (int k = 0; k < x.Warnings.Count; k++)
            {
                WarningRow wx = x.Warnings[k], wy = y.Warnings[k];
                Assert.Equal((wx.Unit, wx.Indicator, wx.Level), (wy.Unit, wy.Indicator, wy.Level));
                Assert.Equal(Bits(wx.Completion), Bits(wy.Completion));
                Assert.Equal(Bits(wx.Gap), Bits(wy.Gap));
            }
        }
    }

    public static bool Identical(ScoringResult a, ScoringResult b)
    {
        try
        {
            AssertIdentical(a, b);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    private static void SameBits(double[][] a, double[][] b)
    {
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Select(Bits), b[i].Select(Bits));
        }
    }

    private static void SameInts(int[][]? a, int[][]? b)
    {
        Assert.Equal(a is null, b is null);
        if (a is null || b is null)
        {
            return;
        }

        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
    }
}
