using System.Text;

namespace Saima.Cli.Tests;

/// <summary>
/// Good input: the documented columns in every combination of periods and tracks, the row order,
/// the byte format (UTF-8 without BOM, \n), standard output without --out, and the --warnings and
/// --explain files.
/// </summary>
public sealed class CliOutputTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private CliRun Score(string data, string? units = null, params string[] more)
    {
        var args = new List<string> { "score", "--scheme", _dir.Write("scheme.json", Samples.Scheme), "--data", _dir.Write("data.csv", data) };
        if (units is not null)
        {
            args.AddRange(["--units", _dir.Write("units.csv", units)]);
        }

        args.AddRange(more);
        CliRun run = CliRunner.Run([.. args]);
        run.Exit.ShouldBe(0, run.ToString());
        run.Err.ShouldBeEmpty();
        return run;
    }

    [Theory]
    [InlineData(false, false, "unit,node,value,score,rank")]
    [InlineData(true, false, "period,unit,node,value,score,rank,rank_change")]
    [InlineData(false, true, "unit,track,node,value,score,rank,track_rank")]
    [InlineData(true, true, "period,unit,track,node,value,score,rank,track_rank,rank_change")]
    public void Score_ResultColumns_DependOnPeriodsAndTracks(bool periods, bool tracks, string header)
    {
        Score(periods ? Samples.PeriodData : Samples.Data, tracks ? Samples.TrackUnits : Samples.Units, "--out", _dir["results.csv"]);
        string[] lines = CliRunner.Lines(File.ReadAllText(_dir["results.csv"]));
        lines[0].ShouldBe(header);

        // One row per period, unit and node (2 indicators + the root).
        lines.Length.ShouldBe(1 + ((periods ? 2 : 1) * 3 * 3));
        int columns = header.Split(',').Length;
        lines.ShouldAllBe(l => l.Split(',').Length == columns);
    }

    [Theory]
    [InlineData(false, false, "track,node,parent,weight,effective_weight")]
    [InlineData(true, true, "period,track,node,parent,weight,effective_weight")]
    public void Score_Explain_WritesWeightsTreatmentAndChain(bool periods, bool tracks, string weightsHeader)
    {
        Score(periods ? Samples.PeriodData : Samples.Data, tracks ? Samples.TrackUnits : Samples.Units, "--out", _dir["results.csv"], "--explain", _dir["explain"]);
        CliRunner.Header(File.ReadAllText(_dir["explain/weights.csv"])).ShouldBe(weightsHeader);
        CliRunner.Header(File.ReadAllText(_dir["explain/treatment.csv"]))
            .ShouldBe("period,track,indicator,treatment,points,skew_before,kurtosis_before,skew_after,kurtosis_after");
        string chain = File.ReadAllText(_dir["explain/chain.csv"]);
        string prefix = (periods ? "period," : string.Empty) + "unit," + (tracks ? "track," : string.Empty) + "node,";
        CliRunner.Header(chain).ShouldBe(prefix + string.Join(',', ResultFiles.ChainColumns));
        CliRunner.Lines(chain).Length.ShouldBe(1 + ((periods ? 2 : 1) * 3 * 3));
        _dir.Files().ShouldNotContain(f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_ExplainIntoAnExistingDirectoryWithATrailingSlash_Works()
    {
        Directory.CreateDirectory(_dir["explain"]);
        Score(Samples.Data, null, "--out", _dir["results.csv"], "--explain", _dir["explain"] + Path.DirectorySeparatorChar);
        _dir.Files().ShouldBe(["data.csv", "explain/chain.csv", "explain/treatment.csv", "explain/weights.csv", "results.csv", "scheme.json"]);
    }

    [Fact]
    public void Score_Warnings_HaveTheDocumentedColumns_AndEmptyPeriodWithoutPeriods()
    {
        Score(Samples.Data, null, "--out", _dir["results.csv"], "--warnings", _dir["warnings.csv"]);
        string[] lines = CliRunner.Lines(File.ReadAllText(_dir["warnings.csv"]));
        lines[0].ShouldBe("period,unit,indicator,value,target,completion,expected,gap,level");

        // Only X1's A has a target: 10 of 12 = 83.33% against 100% expected.
        lines.Length.ShouldBe(2);
        lines[1].ShouldStartWith(",X1,A,10,12,");
        lines[1].ShouldEndWith(",red");
    }

    [Fact]
    public void Score_WithoutOut_WritesResultsToStandardOutput()
    {
        CliRun run = Score(Samples.Data);
        CliRunner.Header(run.Out).ShouldBe("unit,node,value,score,rank");
        CliRunner.Lines(run.Out).Length.ShouldBe(10);
        _dir.Files().ShouldBe(["data.csv", "scheme.json"]);
    }

    [Fact]
    public void Score_Rows_AreOrderedByPeriodThenUnitCodeOrdinalThenNode()
    {
        const string data = """
            period,unit,indicator,value
            2025-Q2,b,B,1
            2025-Q2,b,A,1
            2025-Q1,b,A,2
            2025-Q2,A,A,3
            2025-Q1,a,B,4
            2025-Q1,A,A,5
            2025-Q2,a,A,6

            """;
        CliRun run = Score(data);
        string[] keys = CliRunner.Lines(run.Out).Skip(1).Select(l => string.Join(',', l.Split(',').Take(3))).ToArray();
        keys.ShouldBe(
        [
            "2025-Q1,A,A", "2025-Q1,A,B", "2025-Q1,A,Root",
            "2025-Q1,a,A", "2025-Q1,a,B", "2025-Q1,a,Root",
            "2025-Q1,b,A", "2025-Q1,b,B", "2025-Q1,b,Root",
            "2025-Q2,A,A", "2025-Q2,A,B", "2025-Q2,A,Root",
            "2025-Q2,a,A", "2025-Q2,a,B", "2025-Q2,a,Root",
            "2025-Q2,b,A", "2025-Q2,b,B", "2025-Q2,b,Root",
        ]);
    }

    [Fact]
    public void Score_Results_AreUtf8WithoutBomWithLineFeeds_AndScoresAsExpected()
    {
        Score(Samples.Data, null, "--out", _dir["results.csv"]);
        byte[] bytes = File.ReadAllBytes(_dir["results.csv"]);
        bytes.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });
        bytes.ShouldNotContain((byte)'\r');
        bytes[^1].ShouldBe((byte)'\n');

        // minmax [0,100]: A 10/20/15 → 0/100/50; B (lower is better) 5/3/4 → 0/100/50.
        string[] lines = CliRunner.Lines(Encoding.UTF8.GetString(bytes));
        lines.ShouldContain("X1,A,10,0,3");
        lines.ShouldContain("X2,A,20,100,1");
        lines.ShouldContain("X3,B,4,50,2");
        lines.ShouldContain("X2,Root,,100,1");
        lines.ShouldContain("X3,Root,,50,2");
    }

    [Fact]
    public void Score_ReadsWhatSpreadsheetsWrite_BomCrLfQuotesAnyCaseAnyOrder()
    {
        string data = "\uFEFFValue,  UNIT ,Indicator\r\n10,\"X1\",A\r\n\"20\",X2,A\r\n1.5e1,X3,\"A\"\r\n,,\r\n5,X1,B\r\n3,X2,B\r\n4,X3,B";
        CliRun run = Score(data);
        string[] lines = CliRunner.Lines(run.Out);
        lines.ShouldContain("X3,A,15,50,2");
        lines.Length.ShouldBe(10);
    }

    [Fact]
    public void Score_QuotesCodesThatNeedIt()
    {
        const string data = """
            unit,indicator,value
            "Zone ""A"", north",A,1
            "Zone ""A"", north",B,1
            Plain,A,2
            Plain,B,2

            """;
        CliRun run = Score(data);
        run.Out.ShouldContain("\"Zone \"\"A\"\", north\",A,1,");
    }

    [Fact]
    public void Score_MissingValue_GivesEmptyFields()
    {
        const string data = """
            unit,indicator,value
            X1,A,
            X1,B,5
            X2,A,20
            X2,B,3
            X3,A,15
            X3,B,4

            """;
        CliRun run = Score(data);
        CliRunner.Lines(run.Out).ShouldContain("X1,A,,,");
    }

    [Fact]
    public void Score_Output_IsTheSameWhateverTheRowOrder()
    {
        string[] rows = CliRunner.Lines(Samples.PeriodData);
        string shuffled = rows[0] + "\n" + string.Join('\n', rows.Skip(1).Reverse()) + "\n";
        string first = Score(Samples.PeriodData, Samples.TrackUnits).Out;
        string second = Score(shuffled, Samples.TrackUnits).Out;
        second.ShouldBe(first);
    }

    [Fact]
    public void Score_OverwritesAnExistingOutput_AndLeavesNoTempFiles()
    {
        File.WriteAllText(_dir["results.csv"], "old");
        Score(Samples.Data, null, "--out", _dir["results.csv"]);
        File.ReadAllText(_dir["results.csv"]).ShouldStartWith("unit,node,");
        _dir.Files().ShouldBe(["data.csv", "results.csv", "scheme.json"]);
    }

    [Fact]
    public void Help_GoesToStandardOutput_WithAnExample()
    {
        foreach (string[] args in new[] { new[] { "--help" }, ["score", "--help"], ["generate", "--help"] })
        {
            CliRun run = CliRunner.Run(args);
            run.Exit.ShouldBe(0);
            run.Err.ShouldBeEmpty();
            run.Out.ShouldContain("Example");
            run.Out.ShouldContain("saima ");
        }
    }
}

/// <summary>chain.csv explains a group's score by the weights each unit's aggregation used.</summary>
public sealed class CliChainTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Chain_GroupRow_ListsTheRescaledWeightsOfThePresentChildren()
    {
        // Weights 1 and 3; unit B lacks Y, so its root is X alone with weight 1 (rescaled 1/1);
        // unit A has both: 1/4 and 3/4. Scores are min-max over A, B, C.
        string scheme = """
            { "indicators": [ { "code": "X", "parent": "R", "weight": 1 }, { "code": "Y", "parent": "R", "weight": 3 } ],
              "groups": [ { "code": "R" } ] }
            """;
        string data = "unit,indicator,value\nA,X,1\nA,Y,2\nB,X,2\nB,Y,\nC,X,3\nC,Y,4\n";
        CliRun run = CliRunner.Run("score", "--scheme", _dir.Write("s.json", scheme), "--data", _dir.Write("d.csv", data),
            "--out", _dir["r.csv"], "--explain", _dir["x"]);
        run.Exit.ShouldBe(0, run.ToString());
        string[] lines = CliRunner.Lines(File.ReadAllText(_dir["x/chain.csv"]));
        string[] header = lines[0].Split(',');
        int weights = Array.IndexOf(header, "weights"), node = Array.IndexOf(header, "node"), unit = Array.IndexOf(header, "unit");
        string WeightsOf(string u, string n) => lines.Skip(1).Where(l => !l.Contains('"')).Select(l => l.Split(',')).Single(f => f[unit] == u && f[node] == n)[weights];

        WeightsOf("A", "R").ShouldBe("X=0.25;Y=0.75");
        WeightsOf("B", "R").ShouldBe("X=1");
        // An indicator's row has no weights: the field after its (quoted) rule is empty.
        lines.Single(l => l.StartsWith("A,X,", StringComparison.Ordinal)).ShouldContain("\"minmax [0,100]\",,");
    }
}

/// <summary>Outputs through a symbolic link or a device are written through it, never replaced by a rename.</summary>
public sealed class CliWriteThroughTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Score_OutPathIsASymlink_WritesThroughTheLinkAndKeepsIt()
    {
        string scheme = """{ "indicators": [ { "code": "X", "parent": "R" } ], "groups": [ { "code": "R" } ] }""";
        string target = _dir.Write("kept-elsewhere.csv", "old");
        string link = _dir["results.csv"];
        File.CreateSymbolicLink(link, target);

        CliRun run = CliRunner.Run("score", "--scheme", _dir.Write("s.json", scheme), "--data", _dir.Write("d.csv", "unit,indicator,value\nA,X,1\nB,X,2\n"), "--out", link);

        run.Exit.ShouldBe(0, run.ToString());
        new FileInfo(link).LinkTarget.ShouldBe(target);
        File.ReadAllText(target).ShouldStartWith("unit,node,value,score,rank\n");
    }

    [Fact]
    public void Score_OutPathIsASymlinkAndInputIsBad_LeavesTheTargetUntouched()
    {
        string target = _dir.Write("kept-elsewhere.csv", "old");
        string link = _dir["results.csv"];
        File.CreateSymbolicLink(link, target);

        CliRun run = CliRunner.Run("score", "--scheme", _dir.Write("s.json", "{ \"bogus\": 1 }"), "--data", _dir.Write("d.csv", "unit,indicator,value\nA,X,1\n"), "--out", link);

        run.Exit.ShouldBe(2);
        File.ReadAllText(target).ShouldBe("old");
        new FileInfo(link).LinkTarget.ShouldBe(target);
    }
}
