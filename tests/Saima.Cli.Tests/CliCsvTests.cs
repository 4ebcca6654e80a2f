using System.Text;
using Saima.Scoring;

namespace Saima.Cli.Tests;

/// <summary>The CSV reader and writer on their own, and the input files read with a hand-built scheme.</summary>
public sealed class CliCsvTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Reads every record as (line, fields), with a tiny buffer so that records straddle refills.</summary>
    private static List<(int Line, string[] Fields)> ReadAll(string text, int bufferSize = 8)
    {
        var records = new List<(int, string[])>();
        using var reader = new CsvFileReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.csv", bufferSize);
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = reader[i].ToString();
            }

            records.Add((reader.Line, fields));
        }

        return records;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(1 << 16)]
    public void Reader_HandlesQuotesLineBreaksAndLineEnds_AtAnyBufferSize(int bufferSize)
    {
        string text = "\uFEFFa,b,c\r\n\"x, \"\"y\"\"\",\"multi\nline\",3\n\n1,,\"\"\r2,\"\"\"\",z\r\n\"last\",\"\",end";
        List<(int Line, string[] Fields)> records = ReadAll(text, bufferSize);
        records.Count.ShouldBe(5);
        records[0].ShouldBe((1, new[] { "a", "b", "c" }), new RecordComparer());
        records[1].Fields.ShouldBe(["x, \"y\"", "multi\nline", "3"]);
        records[1].Line.ShouldBe(2);
        records[2].ShouldBe((5, new[] { "1", "", "" }), new RecordComparer());
        records[3].ShouldBe((6, new[] { "2", "\"", "z" }), new RecordComparer());
        records[4].ShouldBe((7, new[] { "last", "", "end" }), new RecordComparer());
    }

    [Fact]
    public void Reader_LongRecord_GrowsTheBuffer()
    {
        string big = new('x', 5000);
        List<(int Line, string[] Fields)> records = ReadAll($"h\n\"{big}\"\n{big}\n", 8);
        records.Select(r => r.Fields[0]).ShouldBe(["h", big, big]);
    }

    [Fact]
    public void Reader_NonAsciiText_SurvivesRefills()
    {
        List<(int Line, string[] Fields)> records = ReadAll("单位,指标\n县A,加分🎯\n", 8);
        records[1].Fields.ShouldBe(["县A", "加分🎯"]);
    }

    [Fact]
    public void Reader_BareQuoteInsideUnquotedField_IsKept()
    {
        ReadAll("a,b\n5\" pipe,x\n")[1].Fields.ShouldBe(["5\" pipe", "x"]);
    }

    [Fact]
    public void Reader_TextAfterClosingQuote_IsAnErrorNamingTheLine()
    {
        Should.Throw<CliInputException>(() => ReadAll("a,b\n1,2\n\"x\"y,2\n")).Message.ShouldStartWith("t.csv:3: ");
    }

    [Fact]
    public void Reader_UnclosedQuote_IsAnErrorNamingTheLineItStartsOn()
    {
        Should.Throw<CliInputException>(() => ReadAll("a,b\n1,2\n\"x,2\n3,4\n")).Message.ShouldStartWith("t.csv:3: ");
    }

    [Fact]
    public void Writer_QuotesOnlyWhatNeedsIt_AndWritesShortestRoundTripNumbers()
    {
        var stream = new MemoryStream();
        using (var w = new Utf8CsvWriter(stream, ownsStream: false, bufferSize: 16))
        {
            w.Header("plain", "with,comma", "with \"quote\"", "line\nbreak", "单位");
            w.Number(0.1 + 0.2);
            w.Comma();
            w.Number(double.NaN);
            w.Comma();
            w.Number(1e21);
            w.Comma();
            w.Number(-2.5e-7);
            w.Comma();
            w.Integer(-3);
            w.EndRow();
            w.Flush();
        }

        Encoding.UTF8.GetString(stream.ToArray())
            .ShouldBe("plain,\"with,comma\",\"with \"\"quote\"\"\",\"line\nbreak\",单位\n0.30000000000000004,,1E+21,-2.5E-07,-3\n");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+12.5")]
    [InlineData("0.1")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("9007199254740992")]
    [InlineData("123456789.0123456")]
    [InlineData("0.0000000000000000000001")]
    [InlineData("000000000000000000000000012.50")]
    public void PlainDecimal_FastPath_AgreesWithDoubleParse(string text)
    {
        double expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        if (InputFiles.TryParsePlainDecimal(text, out double fast))
        {
            BitConverter.DoubleToInt64Bits(fast).ShouldBe(BitConverter.DoubleToInt64Bits(expected), text);
        }
    }

    [Fact]
    public void PlainDecimal_FastPath_AgreesWithDoubleParse_OnManyRandomFigures()
    {
        var rng = new SplitMix64(99);
        int fastPaths = 0;
        for (int n = 0; n < 200_000; n++)
        {
            double magnitude = Math.Pow(10, (rng.NextDouble() * 24) - 12);
            double x = (rng.NextDouble() - 0.3) * magnitude;
            string text = (n % 3) switch
            {
                0 => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                1 => x.ToString("F" + rng.NextInt(12).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
                _ => Math.Round(x, rng.NextInt(6)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            double expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (InputFiles.TryParsePlainDecimal(text, out double fast))
            {
                fastPaths++;
                BitConverter.DoubleToInt64Bits(fast).ShouldBe(BitConverter.DoubleToInt64Bits(expected), text);
            }
        }

        fastPaths.ShouldBeGreaterThan(100_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("1e5")]
    [InlineData("1,5")]
    [InlineData("12345678901234567")]
    public void PlainDecimal_FastPath_LeavesEverythingElseToTheFullParser(string text)
    {
        InputFiles.TryParsePlainDecimal(text, out _).ShouldBeFalse();
    }

    [Fact]
    public void Input_DataWithTargetsAndPeriods_ReachesTheDataset()
    {
        string data = _dir.Write("data.csv", Samples.PeriodData);
        Dataset ds = InputFiles.Read(Samples.HandBuiltScheme(), new InputPaths(data, _dir.Write("units.csv", Samples.TrackUnits)));
        ds.UnitCodes.ShouldBe(["X1", "X2", "X3"]);
        ds.UnitTracks.ShouldBe(["North", "South", "North"]);
        ds.Attributes["region"].ShouldBe(["East", "East", "West"]);
        ds.Periods.Length.ShouldBe(2);
        ds.Periods[1].Values[0].ShouldBe([11, 19, 25]);
        ds.Periods[0].Targets[0][0].ShouldBe(12);
        double.IsNaN(ds.Periods[0].Targets[0][1]).ShouldBeTrue();
    }

    [Fact]
    public void Input_AdjustmentsReachTheDataset()
    {
        string data = _dir.Write("data.csv", Samples.PeriodData);
        string adj = _dir.Write("adj.csv", "Unit,Points,Reason,Period,Node\nX2,-1.5,\"late, twice\",2025-Q2,A\nX1,3,,,\n");
        Dataset ds = InputFiles.Read(Samples.HandBuiltScheme(), new InputPaths(data, null, adj));
        ds.Adjustments.Count.ShouldBe(2);
        // The dataset keeps adjustments in a canonical order (unit, node, period, points), not file order.
        ds.Adjustments[0].ShouldBe(new Adjustment(0, 3, -1, 2, null));
        ds.Adjustments[1].ShouldBe(new Adjustment(1, -1.5, 1, 0, "late, twice"));
    }

    [Theory]
    [InlineData("unit,indicator,value\nX1,A,1\nX9,A,2\n", "data.csv:3:unit: unknown unit 'X9'")]
    [InlineData("unit,indicator,value\nX1,A,1\nX1,Q,2\n", "data.csv:3:indicator: unknown indicator 'Q'")]
    [InlineData("unit,indicator,value\nX1,A,1\nX2,A,2\nX1,A,3\n", "data.csv:4: duplicate row")]
    [InlineData("period,unit,indicator,value\n2025,X1,A,1\n2025-Q1,X2,A,2\n", "data.csv:3:period: period '2025-Q1'")]
    [InlineData("unit,indicator,value\nX1,A,1\nX2,A,1;5\n", "data.csv:3:value: '1;5' is not a number")]
    [InlineData("unit,indicator,value,region\nX1,A,1,x\n", "data.csv:1:region: unknown column")]
    public void Input_BadData_NamesFileLineAndColumn(string text, string message)
    {
        string data = _dir.Write("data.csv", text);
        string units = _dir.Write("units.csv", Samples.Units);
        var e = Should.Throw<CliInputException>(() => InputFiles.Read(Samples.HandBuiltScheme(), new InputPaths(data, units)));
        e.Message.ShouldStartWith(data);
        e.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("unit,points\nX7,1\n", "adj.csv:2:unit: unknown unit 'X7'")]
    [InlineData("unit,points,node\nX1,1,Nope\n", "adj.csv:2:node: unknown node 'Nope'")]
    [InlineData("unit,points,period\nX1,1,2025-Q1\nX1,1,2024-Q1\n", "adj.csv:3:period: unknown period '2024-Q1'")]
    public void Input_BadAdjustment_NamesTheAdjustmentFile(string text, string message)
    {
        string data = _dir.Write("data.csv", Samples.PeriodData);
        string adj = _dir.Write("adj.csv", text);
        var e = Should.Throw<CliInputException>(() => InputFiles.Read(Samples.HandBuiltScheme(), new InputPaths(data, null, adj)));
        e.Message.ShouldContain(message);
    }

    private sealed class RecordComparer : IEqualityComparer<(int Line, string[] Fields)>
    {
        public bool Equals((int Line, string[] Fields) x, (int Line, string[] Fields) y) =>
            x.Line == y.Line && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode((int Line, string[] Fields) obj) => obj.Line;
    }
}
