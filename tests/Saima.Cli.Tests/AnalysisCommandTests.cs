using System.Globalization;

namespace Saima.Cli.Tests;

/// <summary>`saima uncertainty`, `saima whatif` and `saima peers` as analysts run them: files in, CSV out, exit codes.</summary>
public class AnalysisCommandTests
{
    private static string Asem(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "asem", file);

    private static List<Dictionary<string, string>> Table(string path)
    {
        string[] lines = CliRunner.Lines(File.ReadAllText(path));
        string[] header = lines[0].Split(',');
        return lines.Skip(1).Select(l =>
        {
            string[] f = l.Split(',');
            return header.Select((h, i) => (h, f[i])).ToDictionary(x => x.h, x => x.Item2);
        }).ToList();
    }

    // ---- uncertainty ------------------------------------------------------------------------

    [Fact]
    public void Uncertainty_Asem_ZeroSpreadGivesTheScoredRankInEveryColumn()
    {
        using var dir = new CliTempDir();
        CliRun score = CliRunner.Run("score", "--scheme", Asem("scheme-zscore.json"), "--data", Asem("data.csv"), "--units", Asem("units.csv"), "--out", dir["results.csv"]);
        score.Exit.ShouldBe(0, score.ToString());
        Dictionary<string, string> scored = Table(dir["results.csv"]).Where(r => r["node"] == "Index").ToDictionary(r => r["unit"], r => r["rank"]);

        CliRun run = CliRunner.Run("uncertainty", "--scheme", Asem("scheme-zscore.json"), "--data", Asem("data.csv"), "--units", Asem("units.csv"),
            "--replicates", "30", "--weights", "0", "--out", dir["u.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        CliRunner.Header(File.ReadAllText(dir["u.csv"])).ShouldBe("unit,rank,rank_mean,rank_median,rank_p05,rank_p95,rank_min,rank_max");
        List<Dictionary<string, string>> rows = Table(dir["u.csv"]);
        rows.Count.ShouldBe(51);
        foreach (Dictionary<string, string> row in rows)
        {
            row["rank"].ShouldBe(scored[row["unit"]]);
            foreach (string c in (string[])["rank_mean", "rank_median", "rank_p05", "rank_p95", "rank_min", "rank_max"])
            {
                row[c].ShouldBe(row["rank"], $"{row["unit"]} {c}");
            }
        }

        // Ordered by rank, then unit code.
        rows.Select(r => (int.Parse(r["rank"], CultureInfo.InvariantCulture), r["unit"])).ShouldBe(
            rows.Select(r => (int.Parse(r["rank"], CultureInfo.InvariantCulture), r["unit"])).OrderBy(x => x.Item1).ThenBy(x => x.Item2, StringComparer.Ordinal));
    }

    [Fact]
    public void Uncertainty_SameSeed_ByteIdenticalOnOneAndManyCores()
    {
        using var dir = new CliTempDir();
        string alt = dir.Write("alt.json", """
            { "normalise": [ { "method": "minmax", "range": [1, 100] }, { "method": "zscore", "mean": 10, "sd": 2 } ],
              "aggregate": [ { "method": "arithmetic" }, { "method": "median" } ] }
            """);
        string[] Args(string seed, string threads, string output) =>
        [
            "uncertainty", "--scheme", Asem("scheme-zscore.json"), "--data", Asem("data.csv"), "--units", Asem("units.csv"),
            "--replicates", "200", "--seed", seed, "--alternatives", alt, "--threads", threads, "--out", dir[output],
        ];
        CliRunner.Run(Args("7", "1", "one.csv")).Exit.ShouldBe(0);
        CliRunner.Run(Args("7", "4", "many.csv")).Exit.ShouldBe(0);
        CliRunner.Run(Args("8", "4", "other.csv")).Exit.ShouldBe(0);
        File.ReadAllBytes(dir["many.csv"]).ShouldBe(File.ReadAllBytes(dir["one.csv"]));
        File.ReadAllBytes(dir["other.csv"]).ShouldNotBe(File.ReadAllBytes(dir["one.csv"]));
        Table(dir["one.csv"]).ShouldContain(r => r["rank_p05"] != r["rank_p95"]);
    }

    [Fact]
    public void Uncertainty_Tracks_AddTrackRankColumns()
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", Samples.SchemeWithoutWarnings);
        string data = dir.Write("data.csv", "unit,indicator,value\nX1,A,10\nX1,B,5\nX2,A,20\nX2,B,3\nX3,A,15\nX3,B,4\nX4,A,12\nX4,B,1\n");
        string units = dir.Write("units.csv", "unit,track\nX1,T1\nX2,T1\nX3,T2\nX4,T2\n");
        CliRun run = CliRunner.Run("uncertainty", "--scheme", scheme, "--data", data, "--units", units, "--replicates", "10", "--weights", "0", "--out", dir["u.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        string text = File.ReadAllText(dir["u.csv"]);
        CliRunner.Header(text).ShouldBe(
            "unit,rank,rank_mean,rank_median,rank_p05,rank_p95,rank_min,rank_max,track_rank,track_rank_mean,track_rank_median,track_rank_p05,track_rank_p95,track_rank_min,track_rank_max");
        CliRunner.Lines(text)[1].ShouldBe("X2,1,1,1,1,1,1,1,1,1,1,1,1,1,1");
    }

    [Fact]
    public void Uncertainty_ScreenedUnits_ComeLastByCodeWithEmptyCells()
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", """
            { "steps": { "screen": { "minDataShare": 1 } },
              "indicators": [ { "code": "A", "parent": "R" }, { "code": "B", "parent": "R" } ], "groups": [ { "code": "R" } ] }
            """);
        string data = dir.Write("data.csv", "unit,indicator,value\nZ1,A,1\nA9,A,5\nA9,B,\nM1,A,3\nM1,B,3\nM2,A,4\nM2,B,1\n");
        CliRun run = CliRunner.Run("uncertainty", "--scheme", scheme, "--data", data, "--replicates", "5", "--out", dir["u.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        string[] lines = CliRunner.Lines(File.ReadAllText(dir["u.csv"]));
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["M1", "M2", "A9", "Z1"]);
        lines[3].ShouldBe("A9,,,,,,,");
        lines[4].ShouldBe("Z1,,,,,,,");
    }

    [Theory]
    [InlineData("--weights", "1", "--weights 1")]
    [InlineData("--weights", "-0.1", "--weights -0.1")]
    [InlineData("--replicates", "0", "--replicates 0")]
    [InlineData("--period", "2024", "--period 2024")]
    public void Uncertainty_BadOption_ExitsTwoAndWritesNothing(string option, string value, string named)
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", Samples.SchemeWithoutWarnings);
        string data = dir.Write("data.csv", Samples.Data);
        var args = new List<string> { "uncertainty", "--scheme", scheme, "--data", data, "--replicates", "10", "--out", dir["u.csv"] };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        CliRunner.Run(args.ToArray()).ShouldBeBadInput(named);
        File.Exists(dir["u.csv"]).ShouldBeFalse();
    }

    [Fact]
    public void Uncertainty_BadAlternatives_NamesTheFileAndJsonPath()
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", Samples.SchemeWithoutWarnings);
        string data = dir.Write("data.csv", Samples.Data);
        string alt = dir.Write("alt.json", """{ "normalise": [ { "method": "minmax" }, { "method": "zscore", "sd": 0 } ] }""");
        CliRunner.Run("uncertainty", "--scheme", scheme, "--data", data, "--replicates", "10", "--alternatives", alt, "--out", dir["u.csv"])
            .ShouldBeBadInput("alt.json: $.normalise[1].sd");
        string alt2 = dir.Write("alt2.json", """{ "impute": [ { "method": "groupMean", "group": "Region" } ] }""");
        CliRunner.Run("uncertainty", "--scheme", scheme, "--data", data, "--replicates", "10", "--alternatives", alt2, "--out", dir["u.csv"])
            .ShouldBeBadInput("alt2.json: $.impute[0].group");
        File.Exists(dir["u.csv"]).ShouldBeFalse();
    }

    // ---- whatif -----------------------------------------------------------------------------

    [Fact]
    public void WhatIf_MinMaxArithmetic_WritesTheClosedFormThreshold()
    {
        // A and B under min-max [0,100], equal weights. Totals: P (0+100)/2 = 50, Q (20+60)/2 = 40, S (100+0)/2 = 50.
        // Q reaches rank 1 when (A's score + 60)/2 ≥ 50: A = 40 (inside [0, 100], so min and max stay put).
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", """{ "indicators": [ { "code": "A", "parent": "R" }, { "code": "B", "parent": "R" } ], "groups": [ { "code": "R" } ] }""");
        string data = dir.Write("data.csv", "unit,indicator,value\nP,A,0\nP,B,100\nQ,A,20\nQ,B,60\nS,A,100\nS,B,0\n");
        CliRun run = CliRunner.Run("whatif", "--scheme", scheme, "--data", data, "--unit", "Q", "--rank", "1", "--out", dir["w.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        List<Dictionary<string, string>> rows = Table(dir["w.csv"]);
        CliRunner.Header(File.ReadAllText(dir["w.csv"])).ShouldBe("indicator,value,needed,change,change_pct,reachable");
        rows.Select(r => r["indicator"]).ShouldBe(["A", "B"]);
        double needed = double.Parse(rows[0]["needed"], CultureInfo.InvariantCulture);
        needed.ShouldBe(40, 40e-6);
        double.Parse(rows[0]["change"], CultureInfo.InvariantCulture).ShouldBe(needed - 20);
        double.Parse(rows[0]["change_pct"], CultureInfo.InvariantCulture).ShouldBe((needed - 20) / 20 * 100, 1e-9);
        rows[0]["reachable"].ShouldBe("true");

        // B: (20 + B's score)/2 ≥ 50 needs a score of 80: B = 80.
        double.Parse(rows[1]["needed"], CultureInfo.InvariantCulture).ShouldBe(80, 80e-6);
    }

    /// <summary>
    /// The real ASEM data under winsorising and geometric means (the scan-then-bisect path): every
    /// reachable answer, written into DATA.csv and scored by `saima score`, reaches the rank, and a
    /// value 1e-6 relative short of it does not.
    /// </summary>
    [Theory]
    [InlineData("geo", "FIN", 11)]
    [InlineData("zscore", "ESP", 21)]
    public void WhatIf_Asem_NeededIsTheThresholdWhenScored(string config, string unit, int rank)
    {
        using var dir = new CliTempDir();
        string scheme = Asem($"scheme-{config}.json");
        CliRun run = CliRunner.Run("whatif", "--scheme", scheme, "--data", Asem("data.csv"), "--units", Asem("units.csv"),
            "--unit", unit, "--rank", rank.ToString(CultureInfo.InvariantCulture), "--indicators", "LPI,Ship,CO2,Renew,Forest", "--out", dir["w.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        List<Dictionary<string, string>> rows = Table(dir["w.csv"]);
        rows.Select(r => r["indicator"]).ShouldBe(["LPI", "Ship", "CO2", "Renew", "Forest"]);
        rows.ShouldContain(r => r["reachable"] == "true" && r["change"] != "0");
        string[] data = File.ReadAllLines(Asem("data.csv"));
        foreach (Dictionary<string, string> row in rows.Where(r => r["reachable"] == "true" && r["change"] != "0"))
        {
            double needed = double.Parse(row["needed"], CultureInfo.InvariantCulture);
            double value = double.Parse(row["value"], CultureInfo.InvariantCulture);
            double shortOf = needed - (Math.Sign(needed - value) * 1.0000001e-6 * Math.Max(1, Math.Abs(needed)));
            RankWith(row["indicator"], needed).ShouldBeLessThanOrEqualTo(rank, $"{row["indicator"]} at {row["needed"]}");
            RankWith(row["indicator"], shortOf).ShouldBeGreaterThan(rank, $"{row["indicator"]} just short of {row["needed"]}");
        }

        int RankWith(string indicator, double v)
        {
            string prefix = $"{unit},{indicator},";
            string moved = dir.Write("moved.csv", string.Join("\n", data.Select(l => l.StartsWith(prefix, StringComparison.Ordinal) ? prefix + v.ToString("R", CultureInfo.InvariantCulture) : l)) + "\n");
            CliRun score = CliRunner.Run("score", "--scheme", scheme, "--data", moved, "--units", Asem("units.csv"), "--out", dir["r.csv"]);
            score.Exit.ShouldBe(0, score.ToString());
            string r = Table(dir["r.csv"]).Single(x => x["node"] == "Index" && x["unit"] == unit)["rank"];
            return r.Length == 0 ? int.MaxValue : int.Parse(r, CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public void WhatIf_IndicatorsOption_SetsTheRowsAndTheirOrder()
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", Samples.SchemeWithoutWarnings);
        string data = dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("whatif", "--scheme", scheme, "--data", data, "--unit", "X2", "--rank", "1", "--indicators", "B,A", "--out", dir["w.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        string[] lines = CliRunner.Lines(File.ReadAllText(dir["w.csv"]));
        lines.Skip(1).ShouldBe(["B,3,3,0,0,true", "A,20,20,0,0,true"]);
    }

    [Theory]
    [InlineData("--track", null, "--track")]
    [InlineData("--indicators", "A,Nope", "'Nope'")]
    [InlineData("--indicators", "Root", "'Root' is a group")]
    [InlineData("--node", "Nope", "--node Nope")]
    [InlineData("--unit", "Nope", "--unit Nope")]
    [InlineData("--rank", "0", "--rank 0")]
    public void WhatIf_BadOption_ExitsTwo(string option, string? value, string named)
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", Samples.SchemeWithoutWarnings);
        string data = dir.Write("data.csv", Samples.Data);
        var args = new List<string> { "whatif", "--scheme", scheme, "--data", data, "--unit", "X1", "--rank", "1", "--out", dir["w.csv"] };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value!;
        }
        else
        {
            args.Add(option);
            if (value is not null)
            {
                args.Add(value);
            }
        }

        CliRunner.Run(args.ToArray()).ShouldBeBadInput(named);
        File.Exists(dir["w.csv"]).ShouldBeFalse();
    }

    [Fact]
    public void WhatIf_DenominatorCode_IsNotAnIndicator()
    {
        using var dir = new CliTempDir();
        string scheme = dir.Write("scheme.json", """{ "indicators": [ { "code": "A", "parent": "R", "denominator": "Pop" }, { "code": "B", "parent": "R" } ], "groups": [ { "code": "R" } ] }""");
        string data = dir.Write("data.csv", "unit,indicator,value\nP,A,10\nP,Pop,2\nP,B,1\nQ,A,30\nQ,Pop,5\nQ,B,2\n");
        CliRunner.Run("whatif", "--scheme", scheme, "--data", data, "--unit", "P", "--rank", "1", "--indicators", "Pop", "--out", dir["w.csv"])
            .ShouldBeBadInput("'Pop' is a denominator");
        CliRun run = CliRunner.Run("whatif", "--scheme", scheme, "--data", data, "--unit", "P", "--rank", "1", "--out", dir["w.csv"]);
        run.Exit.ShouldBe(0, run.ToString());
        CliRunner.Lines(File.ReadAllText(dir["w.csv"])).Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["A", "B"]);
    }

    // ---- peers ------------------------------------------------------------------------------

    private const string PeersData = """
        period,unit,indicator,value
        2025,a,x,1
        2025,a,y,5
        2025,b,x,2
        2025,b,y,5
        2025,c,x,3
        2025,c,y,6
        2025,d,x,4
        2025,d,y,7
        2025,e,x,10
        2025,e,y,7
        2025,f,x,3
        2024,a,x,9
        2024,a,y,9
        2024,b,x,1
        2024,b,y,1

        """;

    [Fact]
    public void Peers_WorkedExample_DistancesOfZScores()
    {
        using var dir = new CliTempDir();
        string data = dir.Write("data.csv", PeersData);
        CliRun run = CliRunner.Run("peers", "--data", data, "--unit", "b", "--indicators", "x,y", "--k", "3", "--out", dir["p.csv"]);
        run.Exit.ShouldBe(0, run.ToString());

        // f lacks y: neither a candidate nor in the statistics. Over a..e: x mean 4, sd √10; y mean 6, sd √0.8.
        double[] x = [1, 2, 3, 4, 10], y = [5, 5, 6, 7, 7];
        double sx = Math.Sqrt(50 / 5.0), sy = Math.Sqrt(4 / 5.0);
        double D(int v) => Math.Sqrt(Math.Pow((x[v] - x[1]) / sx, 2) + Math.Pow((y[v] - y[1]) / sy, 2));
        string[] names = ["a", "b", "c", "d", "e"];
        var expected = new[] { 0, 2, 3, 4 }.OrderBy(D).Take(3).ToArray();
        List<Dictionary<string, string>> rows = Table(dir["p.csv"]);
        rows.Select(r => r["unit"]).ShouldBe(expected.Select(v => names[v]));
        for (int k = 0; k < 3; k++)
        {
            double.Parse(rows[k]["distance"], CultureInfo.InvariantCulture).ShouldBe(D(expected[k]), 1e-12);
        }
    }

    [Fact]
    public void Peers_PeriodOption_PicksThePeriod()
    {
        using var dir = new CliTempDir();
        string data = dir.Write("data.csv", PeersData);
        CliRun run = CliRunner.Run("peers", "--data", data, "--unit", "a", "--indicators", "x", "--period", "2024");
        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldBe("unit,distance\nb,2\n");
    }

    [Theory]
    [InlineData("f", "x,y", "'f' has no value for 'y' in period 2025")]
    [InlineData("a", "x,z", "'z' does not appear in")]
    [InlineData("zz", "x", "--unit zz")]
    [InlineData("a", "x,x", "appears twice")]
    public void Peers_BadInput_ExitsTwo(string unit, string indicators, string named)
    {
        using var dir = new CliTempDir();
        string data = dir.Write("data.csv", PeersData);
        CliRunner.Run("peers", "--data", data, "--unit", unit, "--indicators", indicators, "--out", dir["p.csv"]).ShouldBeBadInput(named);
        File.Exists(dir["p.csv"]).ShouldBeFalse();
    }

    [Fact]
    public void Peers_BadDataRow_NamesFileLineAndColumn()
    {
        using var dir = new CliTempDir();
        string data = dir.Write("data.csv", "unit,indicator,value\na,x,1\nb,x,1,5\n");
        CliRunner.Run("peers", "--data", data, "--unit", "a", "--indicators", "x").ShouldBeBadInput("data.csv:3");
        string data2 = dir.Write("data2.csv", "unit,indicator,value\na,x,1\nb,x,one\n");
        CliRunner.Run("peers", "--data", data2, "--unit", "a", "--indicators", "x").ShouldBeBadInput("data2.csv:3:value");
    }
}
