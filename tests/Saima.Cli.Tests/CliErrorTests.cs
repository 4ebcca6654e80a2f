namespace Saima.Cli.Tests;

/// <summary>
/// Every kind of bad input: exit code 2, a message that names the file and the line (and column)
/// or the JSON path, and no output file written or left behind (not even a temp file, nor the
/// --explain directory).
/// </summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs `score` with every output asked for, then checks that none of them exists.</summary>
    private CliRun Score(string scheme, string data, string? units = null, string? adjustments = null, bool warnings = true)
    {
        var args = new List<string> { "score", "--scheme", _dir.Write("scheme.json", scheme), "--data", _dir.Write("data.csv", data) };
        var inputs = new List<string> { "data.csv", "scheme.json" };
        if (units is not null)
        {
            args.AddRange(["--units", _dir.Write("units.csv", units)]);
            inputs.Add("units.csv");
        }

        if (adjustments is not null)
        {
            args.AddRange(["--adjustments", _dir.Write("adj.csv", adjustments)]);
            inputs.Add("adj.csv");
        }

        args.AddRange(["--out", _dir["results.csv"], "--explain", _dir["explain"]]);
        if (warnings)
        {
            args.AddRange(["--warnings", _dir["warnings.csv"]]);
        }

        CliRun run = CliRunner.Run([.. args]);
        _dir.Files().ShouldBe(inputs.Order(StringComparer.Ordinal).ToArray(), run.ToString());
        _dir.Directories().ShouldBeEmpty(run.ToString());
        return run;
    }

    [Fact]
    public void Score_MissingDataFile_NamesTheFile()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", _dir["nowhere.csv"], "--out", _dir["results.csv"]);
        run.ShouldBeBadInput("nowhere.csv", "cannot read");
        _dir.Files().ShouldBe(["scheme.json"]);
    }

    [Fact]
    public void Score_MissingSchemeFile_NamesTheFile()
    {
        string data = _dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("score", "--scheme", _dir["nowhere.json"], "--data", data, "--out", _dir["results.csv"]);
        run.ShouldBeBadInput("nowhere.json", "cannot read");
        _dir.Files().ShouldBe(["data.csv"]);
    }

    [Fact]
    public void Score_MissingUnitsFile_NamesTheFile()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        string data = _dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", data, "--units", _dir["nowhere-units.csv"], "--out", _dir["results.csv"]);
        run.ShouldBeBadInput("nowhere-units.csv");
        _dir.Files().ShouldBe(["data.csv", "scheme.json"]);
    }

    [Fact]
    public void Score_DataNotUtf8_NamesTheFile()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        string data = _dir["data.csv"];
        File.WriteAllBytes(data, [.. "unit,indicator,value\nX1,A,1\nX1,B,"u8, 0xB2, 0xE2, (byte)'\n']);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", data, "--out", _dir["results.csv"]);
        run.ShouldBeBadInput("data.csv:3:", "UTF-8");
        _dir.Files().ShouldBe(["data.csv", "scheme.json"]);
    }

    [Fact]
    public void Score_UnknownDataColumn_NamesLineOneAndTheColumn()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value,colour\nX1,A,1,red\n");
        run.ShouldBeBadInput("data.csv:1:colour", "unknown column");
    }

    [Fact]
    public void Score_MissingRequiredColumn_NamesTheColumn()
    {
        CliRun run = Score(Samples.Scheme, "unit,value\nX1,1\n");
        run.ShouldBeBadInput("data.csv:1", "'indicator'");
    }

    [Fact]
    public void Score_DuplicateColumn_NamesTheColumn()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value,Value\nX1,A,1,2\n");
        run.ShouldBeBadInput("data.csv:1:Value", "twice");
    }

    [Fact]
    public void Score_UnknownUnitsColumnsAreAttributes_ButAnUnknownAdjustmentColumnIsAnError()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, units: Samples.TrackUnits, adjustments: "unit,points,colour\nX1,1,red\n");
        run.ShouldBeBadInput("adj.csv:1:colour", "unknown column");
    }

    [Theory]
    [InlineData("\"1,5\"", "'1,5' is not a number")]
    [InlineData("abc", "'abc' is not a number")]
    [InlineData("1.5.2", "'1.5.2' is not a number")]
    [InlineData("NaN", "'NaN' is not a number")]
    [InlineData("Infinity", "'Infinity' is not a number")]
    [InlineData("-Infinity", "'-Infinity' is not a number")]
    [InlineData("1e999", "'1e999' is out of range")]
    [InlineData("1 000", "'1 000' is not a number")]
    [InlineData("0x10", "'0x10' is not a number")]
    public void Score_MalformedValue_NamesLineColumnAndText(string field, string message)
    {
        CliRun run = Score(Samples.Scheme, $"unit,indicator,value\nX1,A,1\nX1,B,{field}\n");
        run.ShouldBeBadInput("data.csv:3:value", message, "expected");
    }

    [Fact]
    public void Score_MalformedTarget_NamesTheTargetColumn()
    {
        CliRun run = Score(Samples.Scheme, "Target,Unit,Indicator,Value\n12%,X1,A,1\n");
        run.ShouldBeBadInput("data.csv:2:target", "'12%' is not a number");
    }

    [Fact]
    public void Score_LineNumbersArePhysical_CountingQuotedLineBreaksAndBlankLines()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\n\"X\n1\",A,1\n\nX2,A,x\n");
        run.ShouldBeBadInput("data.csv:5:value");
    }

    [Fact]
    public void Score_RowWithTooManyFields_NamesTheLine()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\nX1,A,1\nX2,A,1,5\n");
        run.ShouldBeBadInput("data.csv:3", "4 fields", "header has 3");
    }

    [Fact]
    public void Score_UnclosedQuote_NamesTheLine()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\nX1,A,1\n\"X2,A,1\nX3,A,2\n");
        run.ShouldBeBadInput("data.csv:3", "not closed");
    }

    [Fact]
    public void Score_EmptyDataFile_IsAnError()
    {
        CliRun run = Score(Samples.Scheme, string.Empty);
        run.ShouldBeBadInput("data.csv", "empty");
    }

    [Fact]
    public void Score_HeaderOnlyDataFile_IsAnError()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\n");
        run.ShouldBeBadInput("data.csv", "no rows");
    }

    [Fact]
    public void Score_UnitMissingFromUnitsFile_NamesTheDataLine()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\nX1,A,1\nX1,B,2\nX9,A,3\n", units: Samples.Units);
        run.ShouldBeBadInput("data.csv:4:unit", "'X9'");
    }

    [Fact]
    public void Score_UnitListedTwiceInUnitsFile_NamesTheUnitsLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, units: "unit\nX1\nX2\nX3\nX2\n");
        run.ShouldBeBadInput("units.csv:5:unit", "'X2'");
    }

    [Fact]
    public void Score_UnknownIndicatorCode_NamesTheLine()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\nX1,A,1\nX1,GDP,2\n");
        run.ShouldBeBadInput("data.csv:3:indicator", "'GDP'");
    }

    [Fact]
    public void Score_DuplicateRow_NamesTheSecondOccurrence()
    {
        CliRun run = Score(Samples.Scheme, "unit,indicator,value\nX1,A,1\nX1,B,2\nX2,A,3\nX1,A,4\n");
        run.ShouldBeBadInput("data.csv:5", "duplicate");
    }

    [Fact]
    public void Score_DuplicateRowInSamePeriodWrittenTwoWays_IsAnError()
    {
        CliRun run = Score(Samples.Scheme, "period,unit,indicator,value\n2025-Q1,X1,A,1\n2025-Q1,X2,A,2\n 2025-q1 ,X1,A,3\n");
        run.ShouldBeBadInput("data.csv:4", "duplicate");
    }

    [Fact]
    public void Score_MixedPeriodKinds_NamesTheLineOfTheOddPeriod()
    {
        CliRun run = Score(Samples.Scheme, "period,unit,indicator,value\n2025-Q1,X1,A,1\n2025-Q1,X2,A,2\n2025-06,X1,A,3\n");
        run.ShouldBeBadInput("data.csv:4:period", "'2025-06'");
    }

    [Fact]
    public void Score_EmptyPeriodAmongPeriods_NamesTheLine()
    {
        CliRun run = Score(Samples.Scheme, "period,unit,indicator,value\n2025,X1,A,1\n,X2,A,2\n");
        run.ShouldBeBadInput("data.csv:3:period");
    }

    [Fact]
    public void Score_MalformedPeriod_NamesTheLine()
    {
        CliRun run = Score(Samples.Scheme, "period,unit,indicator,value\n2025-13,X1,A,1\n");
        run.ShouldBeBadInput("data.csv:2:period", "'2025-13'");
    }

    [Fact]
    public void Score_AdjustmentForUnknownUnit_NamesTheAdjustmentLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, adjustments: "unit,points\nX1,2\nX7,-1\n");
        run.ShouldBeBadInput("adj.csv:3:unit", "'X7'");
    }

    [Fact]
    public void Score_AdjustmentForUnknownNode_NamesTheAdjustmentLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, adjustments: "unit,points,node,reason\nX1,2,Nowhere,\"late report, twice\"\n");
        run.ShouldBeBadInput("adj.csv:2:node", "'Nowhere'");
    }

    [Fact]
    public void Score_AdjustmentForUnknownPeriod_NamesTheAdjustmentLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.PeriodData, adjustments: "unit,points,period\nX1,2,2025-Q1\nX2,1,2025-Q4\n");
        run.ShouldBeBadInput("adj.csv:3:period", "'2025-Q4'");
    }

    [Fact]
    public void Score_AdjustmentWithoutPoints_NamesTheAdjustmentLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, adjustments: "unit,points\nX1,\n");
        run.ShouldBeBadInput("adj.csv:2:points");
    }

    [Fact]
    public void Score_AdjustmentWithMalformedPoints_NamesTheAdjustmentLine()
    {
        CliRun run = Score(Samples.Scheme, Samples.Data, adjustments: "unit,points\nX1,+2pts\n");
        run.ShouldBeBadInput("adj.csv:2:points", "'+2pts' is not a number");
    }

    [Fact]
    public void Score_WarningsWithoutRules_IsAnError()
    {
        CliRun run = Score(Samples.SchemeWithoutWarnings, Samples.Data);
        run.ShouldBeBadInput("--warnings", "warnings.rules");
    }

    [Fact]
    public void Score_SchemeWithUnknownKey_NamesTheFileAndJsonPath()
    {
        string scheme = Samples.SchemeWithoutWarnings.Replace("\"name\": \"Test\",", "\"name\": \"Test\", \"colour\": \"red\",", StringComparison.Ordinal);
        CliRun run = Score(scheme, Samples.Data, warnings: false);
        run.ShouldBeBadInput("scheme.json: $", "colour");
    }

    [Fact]
    public void Score_SchemeWithUnknownIndicatorKey_NamesTheJsonPath()
    {
        string scheme = Samples.SchemeWithoutWarnings.Replace("\"direction\": -1", "\"direction\": -1, \"wieght\": 2", StringComparison.Ordinal);
        CliRun run = Score(scheme, Samples.Data, warnings: false);
        run.ShouldBeBadInput("scheme.json: $.indicators[1]", "wieght");
    }

    [Fact]
    public void Score_SchemeNotJson_NamesTheFile()
    {
        CliRun run = Score("{ \"name\": ", Samples.Data, warnings: false);
        run.ShouldBeBadInput("scheme.json");
    }

    [Fact]
    public void Score_OutputOverInput_IsRefusedBeforeAnythingIsWritten()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        string data = _dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", data, "--out", data);
        run.ShouldBeBadInput("--out", "--data");
        File.ReadAllText(data).ShouldBe(Samples.Data);
    }

    [Fact]
    public void Score_OutputIntoMissingDirectory_IsAnError()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        string data = _dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", data, "--out", Path.Combine(_dir["no-such-dir"], "r.csv"));
        run.ShouldBeBadInput("no-such-dir");
    }

    [Fact]
    public void Score_ExplainUnderAMissingDirectory_IsAnErrorBeforeScoring()
    {
        string scheme = _dir.Write("scheme.json", Samples.Scheme);
        string data = _dir.Write("data.csv", Samples.Data);
        CliRun run = CliRunner.Run("score", "--scheme", scheme, "--data", data, "--out", _dir["results.csv"], "--explain", Path.Combine(_dir["no"], "explain"));
        run.ShouldBeBadInput("--explain", "does not exist");
        _dir.Files().ShouldBe(["data.csv", "scheme.json"]);
    }

    [Fact]
    public void Score_EngineErrorAfterReading_WritesNothing()
    {
        // A ln transform over a zero value is outside its domain: the engine refuses it.
        string scheme = Samples.SchemeWithoutWarnings.Replace("{ \"code\": \"A\", \"parent\": \"Root\" }", "{ \"code\": \"A\", \"parent\": \"Root\", \"transform\": \"ln\" }", StringComparison.Ordinal);
        CliRun run = Score(scheme, "unit,indicator,value\nX1,A,0\nX2,A,1\n", warnings: false);
        run.ShouldBeBadInput("X1");
    }

    [Fact]
    public void Score_MissingRequiredOption_IsAUsageError()
    {
        CliRun run = CliRunner.Run("score", "--data", "x.csv");
        run.ShouldBeBadInput("--scheme");
    }

    [Fact]
    public void Score_UnknownOption_IsAUsageError()
    {
        CliRun run = CliRunner.Run("score", "--scheme", "s.json", "--data", "d.csv", "--colour", "red");
        run.ShouldBeBadInput("--colour");
    }

    [Fact]
    public void NoCommand_IsAUsageError()
    {
        CliRun run = CliRunner.Run();
        run.Exit.ShouldBe(2);
        run.Err.ShouldContain("saima --help");
    }
}
