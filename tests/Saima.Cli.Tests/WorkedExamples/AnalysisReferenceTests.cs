using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// `saima uncertainty`, `saima whatif` and `saima peers` run in process and compared with the
/// independent Python reference (tests/reference/analysis_ref.py, written from the contract and
/// the documented random stream, scoring with saima_ref.py), which runs live under python3:
/// uncertainty cell by cell (rank_mean at 1e-9 relative), peers exactly (distances at 1e-9),
/// whatif's `needed` within the contract's threshold tolerance 1e-6·max(1, |needed|) and its
/// other columns exactly.
/// </summary>
public class AnalysisReferenceTests
{
    private static readonly string Reference = Path.Combine(AppContext.BaseDirectory, "reference", "analysis_ref.py");

    // ---- the cases --------------------------------------------------------------------------

    private const string PlainScheme = """
        { "name": "plain",
          "indicators": [
            { "code": "A", "parent": "G1", "weight": 1 },
            { "code": "B", "parent": "G1", "weight": 3 },
            { "code": "C", "parent": "G2", "weight": 1 },
            { "code": "D", "parent": "G2", "weight": 2 } ],
          "groups": [ { "code": "Total" }, { "code": "G1", "parent": "Total", "weight": 2 }, { "code": "G2", "parent": "Total", "weight": 1 } ] }
        """;

    private static readonly string PlainData = Figures("""
        unit,A,B,C,D
        U1,12,40,7.5,300
        U2,15,35,6,280
        U3,9,48,8.2,350
        U4,20,30,5.1,250
        U5,11,42,9,310
        U6,14,37,6.6,330
        U7,17.5,33,7,270
        """);

    private const string TrackScheme = """
        { "name": "tracks",
          "steps": { "normalise": { "method": "minmax", "range": [0, 100] } },
          "indicators": [
            { "code": "A", "parent": "G1", "weight": 1 },
            { "code": "B", "parent": "G1", "weight": 2 },
            { "code": "C", "parent": "G2", "weight": 1, "direction": -1 },
            { "code": "D", "parent": "G2", "weight": 1 } ],
          "groups": [ { "code": "Total" }, { "code": "G1", "parent": "Total", "weight": 1 }, { "code": "G2", "parent": "Total", "weight": 1 } ],
          "tracks": { "compare": "track", "overrides": {
              "North": { "weights": { "A": 3, "G2": 2 }, "indicators": { "D": { "normalise": { "method": "rank" } } } },
              "East": { "weights": { "C": 0.5 } } } } }
        """;

    private static readonly string TrackData = Figures("""
        unit,A,B,C,D
        U1,22.46,174.18,4.18,87.7
        U2,24.8,192.23,1.12,68.62
        U3,28.87,164.9,4.6,54.53
        U4,19.38,124.66,3.18,72.96
        U5,10.26,121.67,2.12,86.65
        U6,25.31,115.96,4.19,55.55
        U7,22.35,112.67,1.01,84.86
        U8,14.19,121.55,4.93,84.9
        """);

    private const string TrackUnits = """
        unit,name,track
        U1,One,North
        U2,Two,North
        U3,Three,North
        U4,Four,North
        U5,Five,East
        U6,Six,East
        U7,Seven,East
        U8,Eight,East

        """;

    private const string AltScheme = """
        { "name": "alternatives",
          "steps": { "screen": { "minDataShare": 0.6 }, "impute": { "method": "mean" },
                     "normalise": { "method": "minmax", "range": [1, 100] }, "aggregate": { "method": "arithmetic" } },
          "indicators": [
            { "code": "A", "parent": "G1", "weight": 2 },
            { "code": "B", "parent": "G1", "weight": 1 },
            { "code": "C", "parent": "G2", "weight": 1 },
            { "code": "D", "parent": "G2", "weight": 1, "direction": -1 },
            { "code": "E", "parent": "G2", "weight": 1, "normalise": { "method": "goalposts", "min": 0, "max": 50 } } ],
          "groups": [ { "code": "Total" }, { "code": "G1", "parent": "Total", "weight": 1 }, { "code": "G2", "parent": "Total", "weight": 1 } ] }
        """;

    private const string Alternatives = """
        { "impute": [ { "method": "mean" }, { "method": "median" }, { "method": "zero" } ],
          "normalise": [ { "method": "minmax", "range": [1, 100] }, { "method": "zscore", "mean": 10, "sd": 2 }, { "method": "rank" } ],
          "aggregate": [ { "method": "arithmetic" }, { "method": "median" } ] }
        """;

    // U9 lacks three of five figures: screened (0.4 < 0.6); U2, U4 and U6 lack one each: imputed.
    private static readonly string AltData = Figures("""
        unit,A,B,C,D,E
        U1,19.26,137.33,1.55,84.66,5.26
        U2,20.06,,1.32,72.17,29.67
        U3,10.82,137.9,3.81,68.08,34.0
        U4,13.14,123.8,,70.25,41.95
        U5,21.81,177.42,2.53,79.84,9.07
        U6,,167.42,3.9,66.87,8.51
        U7,15.33,120.99,2.12,82.38,12.98
        U8,27.73,187.94,1.22,65.15,24.67
        U9,,,,54.48,28.87
        """);

    private const string LowerScheme = """
        { "name": "lower is better",
          "indicators": [
            { "code": "Cost", "parent": "Total", "weight": 2, "direction": -1, "transform": "ln" },
            { "code": "Delay", "parent": "Total", "weight": 1, "direction": -1 },
            { "code": "Output", "parent": "Total", "weight": 1, "denominator": "Staff" } ],
          "groups": [ { "code": "Total" } ] }
        """;

    private static readonly string LowerData = Figures("""
        unit,Cost,Delay,Output,Staff
        U1,109.7,4.0,1094.1,14.6
        U2,45.3,12.6,1876.9,34.0
        U3,310.8,7.4,1305.0,18.3
        U4,85.6,4.1,821.6,37.8
        U5,335.0,24.4,1700.7,15.8
        U6,137.7,19.2,1597.8,35.6
        U7,354.4,3.5,1408.8,30.2
        """);

    // A is winsorised (U12's 95 is an outlier), G1 weighs by entropy, G2 aggregates by TOPSIS.
    private const string NonMonotoneScheme = """
        { "name": "not monotone",
          "steps": { "treat": { "method": "winsorise", "skew": 2, "kurtosis": 3.5, "maxPoints": 2 },
                     "normalise": { "method": "minmax", "range": [0, 100] } },
          "indicators": [
            { "code": "A", "parent": "G1", "weight": 1 },
            { "code": "B", "parent": "G1", "weight": 1 },
            { "code": "C", "parent": "G2", "weight": 1, "treat": { "method": "none" } },
            { "code": "D", "parent": "G2", "weight": 2, "treat": { "method": "none" } } ],
          "groups": [ { "code": "Total" }, { "code": "G1", "parent": "Total", "weight": 1, "weights": "entropy" },
                      { "code": "G2", "parent": "Total", "weight": 1, "aggregate": { "method": "topsis" } } ] }
        """;

    private static readonly string NonMonotoneData = Figures("""
        unit,A,B,C,D
        U01,19.56,47.65,1.45,116.97
        U02,18.35,38.12,6.36,161.63
        U03,16.06,32.31,5.65,131.68
        U04,14.31,22.71,6.78,298.96
        U05,19.49,29.49,4.56,153.65
        U06,10.36,6.24,4.72,163.69
        U07,13.8,45.13,5.21,212.1
        U08,12.36,6.07,3.6,127.34
        U09,15.1,49.94,6.4,136.37
        U10,18.94,40.85,6.88,281.32
        U11,17.63,40.54,3.83,296.2
        U12,95,12.25,7.03,243.03
        """);

    // ---- uncertainty ------------------------------------------------------------------------

    [Fact]
    public async Task Uncertainty_PlainMinMaxArithmetic_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, PlainScheme, PlainData);
        CsvTable t = await SameUncertaintyAsync(dir, [.. files, "--replicates", "200", "--seed", "11", "--weights", "0.5"]);
        t.Header.ShouldNotContain("track_rank");
        Moves(t).ShouldBeTrue("some rank should move under W = 0.5");

        // W = 0: every column equals rank, in both.
        CsvTable still = await SameUncertaintyAsync(dir, [.. files, "--replicates", "50", "--weights", "0"]);
        still.Rows.ShouldAllBe(r => r.Skip(2).All(c => c == r[1]));
    }

    [Fact]
    public async Task Uncertainty_TracksOverridesAndAdjustments_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, TrackScheme, TrackData, TrackUnits, "unit,points,reason\nU3,1.5,bonus\nU6,-2,penalty\n");
        CsvTable t = await SameUncertaintyAsync(dir, [.. files, "--replicates", "200", "--seed", "5", "--weights", "0.5"]);
        t.Col("track_rank_p95").ShouldBeGreaterThan(0);
        Moves(t).ShouldBeTrue();

        // The largest seed (2^64 − 1) and another spread.
        await SameUncertaintyAsync(dir, [.. files, "--replicates", "100", "--seed", "18446744073709551615", "--weights", "0.2"]);
    }

    [Fact]
    public async Task Uncertainty_AlternativesScreenedAndImputed_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, AltScheme, AltData);
        string alt = dir.Write("alt.json", Alternatives);
        CsvTable t = await SameUncertaintyAsync(dir, [.. files, "--replicates", "200", "--seed", "3", "--alternatives", alt]);
        Moves(t).ShouldBeTrue();
        t.Rows[^1][0].ShouldBe("U9");                       // screened: last, no rank, no summary
        t.Rows[^1].Skip(1).ShouldAllBe(c => c == "");

        // Alternatives alone (W = 0) still move ranks.
        Moves(await SameUncertaintyAsync(dir, [.. files, "--replicates", "60", "--seed", "9", "--weights", "0", "--alternatives", alt])).ShouldBeTrue();
    }

    [Fact]
    public async Task Uncertainty_LowerIsBetterAndNotMonotone_MatchReference()
    {
        using var dir = new CliTempDir();
        Moves(await SameUncertaintyAsync(dir, [.. Scored(dir, LowerScheme, LowerData), "--replicates", "100", "--seed", "1", "--weights", "0.9"])).ShouldBeTrue();
        using var dir2 = new CliTempDir();
        Moves(await SameUncertaintyAsync(dir2, [.. Scored(dir2, NonMonotoneScheme, NonMonotoneData), "--replicates", "100", "--seed", "1", "--weights", "0.9"])).ShouldBeTrue();
    }

    // ---- whatif -----------------------------------------------------------------------------

    [Fact]
    public async Task WhatIf_PlainMinMaxArithmetic_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, PlainScheme, PlainData);
        CsvTable t = await SameWhatIfAsync(dir, [.. files, "--unit", "U2", "--rank", "2"]);
        Searched(t).ShouldBeTrue();
        t.Rows.ShouldContain(r => r[5] == "false");
        await SameWhatIfAsync(dir, [.. files, "--unit", "U1", "--rank", "1", "--node", "G2"]);
        CsvTable listed = await SameWhatIfAsync(dir, [.. files, "--unit", "U4", "--rank", "3", "--indicators", "D,A"]);
        listed.Rows.Select(r => r[0]).ShouldBe(["D", "A"]);

        // Already there: needed = value, change 0.
        CsvTable there = await SameWhatIfAsync(dir, [.. files, "--unit", "U1", "--rank", "3"]);
        there.Rows.ShouldAllBe(r => r[2] == r[1] && r[3] == "0");

        // --track without tracks: both refuse.
        await BothRefuseAsync(dir, [.. files, "--unit", "U1", "--rank", "1", "--track"], "whatif");
    }

    [Fact]
    public async Task WhatIf_TracksOverridesAndAdjustments_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, TrackScheme, TrackData, TrackUnits, "unit,points,reason\nU3,1.5,bonus\nU6,-2,penalty\n");
        Searched(await SameWhatIfAsync(dir, [.. files, "--unit", "U4", "--rank", "1", "--track"])).ShouldBeTrue();
        await SameWhatIfAsync(dir, [.. files, "--unit", "U6", "--rank", "5", "--node", "G1"]);
    }

    [Fact]
    public async Task WhatIf_MissingValuesAndScreening_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, AltScheme, AltData);
        CsvTable t = await SameWhatIfAsync(dir, [.. files, "--unit", "U6", "--rank", "1", "--indicators", "A,E,D"]);
        t.Rows[0][1].ShouldBe("");                          // A is missing: searched from the worst value
        t.Rows[0][5].ShouldBe("true");
        await SameWhatIfAsync(dir, [.. files, "--unit", "U4", "--rank", "4", "--indicators", "C,B"]);
    }

    [Fact]
    public async Task WhatIf_LowerIsBetterWithLnAndDenominator_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, LowerScheme, LowerData);
        CsvTable t = await SameWhatIfAsync(dir, [.. files, "--unit", "U5", "--rank", "1"]);
        Searched(t).ShouldBeTrue();
        double.Parse(t.Rows[0][3], CultureInfo.InvariantCulture).ShouldBeLessThan(0); // Cost must fall
        await SameWhatIfAsync(dir, [.. files, "--unit", "U3", "--rank", "2"]);
    }

    [Fact]
    public async Task WhatIf_WinsorisingEntropyTopsis_MatchesReference()
    {
        using var dir = new CliTempDir();
        string[] files = Scored(dir, NonMonotoneScheme, NonMonotoneData);
        Searched(await SameWhatIfAsync(dir, [.. files, "--unit", "U05", "--rank", "2"])).ShouldBeTrue();
        await SameWhatIfAsync(dir, [.. files, "--unit", "U02", "--rank", "1"]);
    }

    // ---- peers ------------------------------------------------------------------------------

    [Fact]
    public async Task Peers_PeriodsSdZeroIncompleteUnitsAndTies_MatchReference()
    {
        using var dir = new CliTempDir();
        // 2025-06 (the latest): Area and Flat have sd 0; P4 lacks GDP; P2 and P3 tie for P1.
        string data = dir.Write("data.csv", """
            period,unit,indicator,value
            2025-05,P1,Pop,10
            2025-05,P1,GDP,100
            2025-05,P1,Area,5
            2025-05,P2,Pop,30
            2025-05,P2,GDP,100
            2025-05,P2,Area,5
            2025-06,P1,Pop,10
            2025-06,P1,GDP,200
            2025-06,P1,Area,5
            2025-06,P1,Flat,3
            2025-06,P2,Pop,14
            2025-06,P2,GDP,180
            2025-06,P2,Area,5
            2025-06,P2,Flat,3
            2025-06,P3,Pop,6
            2025-06,P3,GDP,220
            2025-06,P3,Area,5
            2025-06,P3,Flat,3
            2025-06,P4,Pop,12
            2025-06,P4,GDP,
            2025-06,P4,Area,5
            2025-06,P4,Flat,3
            2025-06,P5,Pop,25
            2025-06,P5,GDP,140
            2025-06,P5,Area,5
            2025-06,P5,Flat,3
            2025-06,P6,Pop,11.5
            2025-06,P6,GDP,260
            2025-06,P6,Area,5
            2025-06,P6,Flat,3

            """);
        CsvTable t = await SamePeersAsync(dir, ["--data", data, "--unit", "P1", "--indicators", "Pop,GDP,Flat"]);
        t.Rows.Select(r => r[0]).ShouldBe(["P2", "P3", "P6", "P5"]);  // P4 is no candidate; the tie keeps code order
        t.Rows[0][1].ShouldBe(t.Rows[1][1]);
        (await SamePeersAsync(dir, ["--data", data, "--unit", "P1", "--indicators", "Pop,GDP", "--k", "2"])).Rows.Count.ShouldBe(2);
        (await SamePeersAsync(dir, ["--data", data, "--unit", "P1", "--indicators", "Area,Flat"])).Rows.ShouldAllBe(r => r[1] == "0");
        (await SamePeersAsync(dir, ["--data", data, "--unit", "P2", "--indicators", "Pop,GDP", "--period", "2025-05"])).Rows.Count.ShouldBe(1);
        (await SamePeersAsync(dir, ["--data", data, "--unit", "P4", "--indicators", "Pop,Area", "--k", "10"])).Rows.Count.ShouldBe(5);

        await BothRefuseAsync(dir, ["--data", data, "--unit", "P4", "--indicators", "Pop,GDP"], "peers");
        await BothRefuseAsync(dir, ["--data", data, "--unit", "P1", "--indicators", "Pop,Nope"], "peers");
        await BothRefuseAsync(dir, ["--data", data, "--unit", "P1", "--indicators", "Pop", "--period", "2024-12"], "peers");
    }

    // ---- harness ----------------------------------------------------------------------------

    /// <summary>Long DATA.csv (unit,indicator,value) from a wide table with one column per indicator; an empty cell is an empty value.</summary>
    private static string Figures(string wide)
    {
        string[] lines = wide.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] codes = lines[0].Split(',')[1..];
        var sb = new StringBuilder("unit,indicator,value\n");
        foreach (string line in lines.Skip(1))
        {
            string[] cells = line.Split(',');
            for (int i = 0; i < codes.Length; i++)
            {
                sb.Append(cells[0]).Append(',').Append(codes[i]).Append(',').Append(cells[i + 1]).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>Writes the scheme and figures (and units, adjustments) and returns the options naming them.</summary>
    private static string[] Scored(CliTempDir dir, string scheme, string data, string? units = null, string? adjustments = null)
    {
        var args = new List<string> { "--scheme", dir.Write("scheme.json", scheme), "--data", dir.Write("data.csv", data) };
        if (units is not null)
        {
            args.AddRange(["--units", dir.Write("units.csv", units)]);
        }

        if (adjustments is not null)
        {
            args.AddRange(["--adjustments", dir.Write("adjustments.csv", adjustments)]);
        }

        return args.ToArray();
    }

    /// <summary>Some unit's 5th and 95th percentiles differ.</summary>
    private static bool Moves(CsvTable t) => t.Rows.Any(r => r[t.Col("rank_p05")] != r[t.Col("rank_p95")]);

    /// <summary>Some indicator needed a search (reachable with a change other than 0).</summary>
    private static bool Searched(CsvTable t) => t.Rows.Any(r => r[5] == "true" && r[3] is not ("0" or ""));

    private static async Task<CsvTable> SameUncertaintyAsync(CliTempDir dir, string[] args)
    {
        (CsvTable cli, CsvTable py) = await BothAsync(dir, "uncertainty", args);
        SameShape(cli, py, "uncertainty");
        for (int i = 0; i < py.Rows.Count; i++)
        {
            for (int j = 0; j < py.Header.Length; j++)
            {
                string where = $"uncertainty {string.Join(' ', args.Where(a => !a.Contains('/', StringComparison.Ordinal)))}: row {i + 2} ({py.Rows[i][0]}), {py.Header[j]}";
                if (py.Header[j].EndsWith("_mean", StringComparison.Ordinal) && py.Rows[i][j].Length > 0 && cli.Rows[i][j].Length > 0)
                {
                    Approx.Check(Num(py.Rows[i][j]), Num(cli.Rows[i][j]), where);
                }
                else
                {
                    cli.Rows[i][j].ShouldBe(py.Rows[i][j], where);
                }
            }
        }

        return cli;
    }

    private static async Task<CsvTable> SameWhatIfAsync(CliTempDir dir, string[] args)
    {
        (CsvTable cli, CsvTable py) = await BothAsync(dir, "whatif", args);
        SameShape(cli, py, "whatif");
        cli.Header.ShouldBe(["indicator", "value", "needed", "change", "change_pct", "reachable"]);
        for (int i = 0; i < py.Rows.Count; i++)
        {
            string[] e = py.Rows[i];
            string[] a = cli.Rows[i];
            string where = $"whatif {string.Join(' ', args.Where(x => !x.Contains('/', StringComparison.Ordinal)))}: {e[0]}";
            a[0].ShouldBe(e[0], where);
            a[1].ShouldBe(e[1], where + " value");
            a[5].ShouldBe(e[5], where + " reachable");
            if (e[2].Length == 0)
            {
                a[2].ShouldBe("", where + " needed");
                a[3].ShouldBe("", where + " change");
                a[4].ShouldBe("", where + " change_pct");
                continue;
            }

            // Both answers are thresholds to within 1e-6·max(1, |needed|): they may differ by that much.
            double needed = Num(e[2]);
            double tol = 1e-6 * Math.Max(1, Math.Abs(needed));
            Math.Abs(Num(a[2]) - needed).ShouldBeLessThanOrEqualTo(tol, $"{where} needed: reference {e[2]}, CLI {a[2]}");
            if (e[1].Length == 0)
            {
                a[3].ShouldBe("", where + " change");
                a[4].ShouldBe("", where + " change_pct");
                continue;
            }

            double value = Num(e[1]);
            Math.Abs(Num(a[3]) - Num(e[3])).ShouldBeLessThanOrEqualTo(tol * 1.000001, $"{where} change: reference {e[3]}, CLI {a[3]}");
            if (value == 0)
            {
                a[4].ShouldBe("", where + " change_pct");
            }
            else
            {
                Math.Abs(Num(a[4]) - Num(e[4])).ShouldBeLessThanOrEqualTo((tol * 1.000001 * 100 / Math.Abs(value)) + 1e-12, $"{where} change_pct: reference {e[4]}, CLI {a[4]}");
            }
        }

        return cli;
    }

    private static async Task<CsvTable> SamePeersAsync(CliTempDir dir, string[] args)
    {
        (CsvTable cli, CsvTable py) = await BothAsync(dir, "peers", args);
        SameShape(cli, py, "peers");
        for (int i = 0; i < py.Rows.Count; i++)
        {
            string where = $"peers {string.Join(' ', args.Where(x => !x.Contains('/', StringComparison.Ordinal)))}: row {i + 2}";
            cli.Rows[i][0].ShouldBe(py.Rows[i][0], where + " unit");
            Approx.Check(Num(py.Rows[i][1]), Num(cli.Rows[i][1]), where + " distance");
        }

        return cli;
    }

    private static void SameShape(CsvTable cli, CsvTable py, string what)
    {
        cli.Header.ShouldBe(py.Header, $"{what}: header");
        cli.Rows.Count.ShouldBe(py.Rows.Count, $"{what}: rows");
        cli.Rows.Count.ShouldBeGreaterThan(0, what);
    }

    private static double Num(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Runs the command in process and the reference under python3, each writing its own file.</summary>
    private static async Task<(CsvTable Cli, CsvTable Ref)> BothAsync(CliTempDir dir, string command, string[] args)
    {
        File.Delete(dir["cli.csv"]);
        File.Delete(dir["ref.csv"]);
        CliRun cli = CliRunner.Run([command, .. args, "--out", dir["cli.csv"]]);
        cli.Exit.ShouldBe(0, cli.ToString());
        CliRun py = await PythonAsync([command, .. args, "--out", dir["ref.csv"]]);
        py.Exit.ShouldBe(0, py.ToString());
        return (CsvTable.Load(dir["cli.csv"]), CsvTable.Load(dir["ref.csv"]));
    }

    private static async Task BothRefuseAsync(CliTempDir dir, string[] args, string command)
    {
        File.Delete(dir["cli.csv"]);
        File.Delete(dir["ref.csv"]);
        CliRunner.Run([command, .. args, "--out", dir["cli.csv"]]).Exit.ShouldBe(2);
        (await PythonAsync([command, .. args, "--out", dir["ref.csv"]])).Exit.ShouldBe(2);
        File.Exists(dir["cli.csv"]).ShouldBeFalse();
        File.Exists(dir["ref.csv"]).ShouldBeFalse();
    }

    private static async Task<CliRun> PythonAsync(string[] args)
    {
        File.Exists(Reference).ShouldBeTrue($"{Reference} was not copied to the test output");
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        psi.ArgumentList.Add(Reference);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        return new CliRun(p.ExitCode, await stdout, await stderr);
    }
}
