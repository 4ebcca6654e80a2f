using System.Globalization;

namespace Saima.Cli.Tests;

/// <summary>`saima generate`: deterministic, the documented shape, and scorable as it comes.</summary>
public sealed class CliGenerateTests : IDisposable
{
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Generate(string name, params string[] options)
    {
        string dir = _dir[name];
        CliRun run = CliRunner.Run(["generate", .. options, "--out", dir]);
        run.Exit.ShouldBe(0, run.ToString());
        run.Err.ShouldBeEmpty();
        return dir;
    }

    private static byte[] Bytes(string dir, string file) => File.ReadAllBytes(Path.Combine(dir, file));

    [Fact]
    public void Generate_SameSeed_GivesIdenticalBytes()
    {
        string a = Generate("a", "--units", "40", "--indicators", "25", "--periods", "3", "--tracks", "2", "--seed", "42");
        string b = Generate("b", "--units", "40", "--indicators", "25", "--periods", "3", "--tracks", "2", "--seed", "42");
        foreach (string file in (string[])["scheme.json", "units.csv", "data.csv"])
        {
            Bytes(a, file).ShouldBe(Bytes(b, file), file);
        }
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentData()
    {
        string a = Generate("a", "--units", "40", "--indicators", "25", "--seed", "1");
        string b = Generate("b", "--units", "40", "--indicators", "25", "--seed", "2");
        Bytes(a, "data.csv").ShouldNotBe(Bytes(b, "data.csv"));
        Bytes(a, "units.csv").ShouldBe(Bytes(b, "units.csv"));
    }

    [Fact]
    public void Generate_DefaultSeed_IsOne()
    {
        string a = Generate("a", "--units", "10", "--indicators", "5");
        string b = Generate("b", "--units", "10", "--indicators", "5", "--seed", "1");
        Bytes(a, "data.csv").ShouldBe(Bytes(b, "data.csv"));
    }

    [Fact]
    public void Generate_WritesTheDocumentedShape()
    {
        string dir = Generate("g", "--units", "120", "--indicators", "35", "--periods", "14", "--tracks", "3");
        string[] units = CliRunner.Lines(File.ReadAllText(Path.Combine(dir, "units.csv")));
        units[0].ShouldBe("unit,name,track");
        units.Length.ShouldBe(121);
        units[1].ShouldStartWith("U0001,");
        units.Skip(1).Select(u => u.Split(',')[2]).Distinct().Order().ShouldBe(["T1", "T2", "T3"]);

        string[] data = CliRunner.Lines(File.ReadAllText(Path.Combine(dir, "data.csv")));
        data[0].ShouldBe("period,unit,indicator,value,target");
        data.Length.ShouldBe(1 + (120 * 35 * 14));
        string[][] rows = data.Skip(1).Select(l => l.Split(',')).ToArray();
        rows.Select(r => r[0]).Distinct().Count().ShouldBe(14);
        rows[0][0].ShouldBe("2025-01");
        rows[^1][0].ShouldBe("2026-02");
        rows.Select(r => r[2]).Distinct().Count().ShouldBe(35);
        rows.ShouldContain(r => r[2] == "I001");

        // About 1% missing, every other value a positive number, every row a target.
        double missing = rows.Count(r => r[3].Length == 0) / (double)rows.Length;
        missing.ShouldBeInRange(0.005, 0.02);
        rows.Where(r => r[3].Length > 0).ShouldAllBe(r => double.Parse(r[3], CultureInfo.InvariantCulture) > 0);
        rows.ShouldAllBe(r => double.Parse(r[4], CultureInfo.InvariantCulture) > 0);

        string scheme = File.ReadAllText(Path.Combine(dir, "scheme.json"));
        scheme.ShouldContain("\"code\": \"Index\"");
        scheme.ShouldContain("\"code\": \"G04\"");
        scheme.ShouldNotContain("\"code\": \"G05\"");
        scheme.ShouldContain("\"direction\": -1");
    }

    [Fact]
    public void Generate_Values_AreSkewedToTheRight()
    {
        string dir = Generate("g", "--units", "400", "--indicators", "3");
        double[] values = CliRunner.Lines(File.ReadAllText(Path.Combine(dir, "data.csv")))
            .Skip(1)
            .Select(l => l.Split(','))
            .Where(r => r[2] == "I001" && r[3].Length > 0)
            .Select(r => double.Parse(r[3], CultureInfo.InvariantCulture))
            .ToArray();
        double mean = values.Average();
        double median = values.Order().ElementAt(values.Length / 2);
        mean.ShouldBeGreaterThan(median);
    }

    [Fact]
    public void Generate_IntoAnExistingDirectoryGivenWithATrailingSlash_Works()
    {
        Directory.CreateDirectory(_dir["g"]);
        CliRun run = CliRunner.Run("generate", "--units", "3", "--indicators", "2", "--out", _dir["g"] + Path.DirectorySeparatorChar);
        run.Exit.ShouldBe(0, run.ToString());
        _dir.Files().ShouldBe(["g/data.csv", "g/scheme.json", "g/units.csv"]);
    }

    [Fact]
    public void Generate_IntoAMissingParent_IsBadInput()
    {
        CliRun run = CliRunner.Run("generate", "--units", "3", "--indicators", "2", "--out", Path.Combine(_dir["no"], "such"));
        run.ShouldBeBadInput("does not exist");
        _dir.Directories().ShouldBeEmpty();
    }

    [Fact]
    public void Generate_WithoutTracks_WritesNoTrackColumn()
    {
        string dir = Generate("g", "--units", "5", "--indicators", "3");
        CliRunner.Header(File.ReadAllText(Path.Combine(dir, "units.csv"))).ShouldBe("unit,name");
    }

    [Theory]
    [InlineData("--units", "0")]
    [InlineData("--indicators", "0")]
    [InlineData("--periods", "0")]
    [InlineData("--tracks", "99")]
    public void Generate_OutOfRangeCount_IsBadInput_AndWritesNothing(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--units"] = "10", ["--indicators"] = "5" };
        args[option] = value;
        CliRun run = CliRunner.Run(["generate", .. args.SelectMany(a => new[] { a.Key, a.Value }), "--out", _dir["g"]]);
        run.ShouldBeBadInput(option);
        _dir.Files().ShouldBeEmpty();
        _dir.Directories().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(1, 3)]
    [InlineData(4, 2)]
    public void Generate_Output_ScoresCleanly(int periods, int tracks)
    {
        string dir = Generate(
            "g",
            "--units", "60", "--indicators", "23",
            "--periods", periods.ToString(CultureInfo.InvariantCulture),
            "--tracks", tracks.ToString(CultureInfo.InvariantCulture));
        CliRun run = CliRunner.Run(
            "score",
            "--scheme", Path.Combine(dir, "scheme.json"),
            "--data", Path.Combine(dir, "data.csv"),
            "--units", Path.Combine(dir, "units.csv"),
            "--out", Path.Combine(dir, "results.csv"),
            "--warnings", Path.Combine(dir, "warnings.csv"),
            "--explain", Path.Combine(dir, "explain"));
        run.Exit.ShouldBe(0, run.ToString());
        run.Err.ShouldBeEmpty();

        // 23 indicators in 2 groups under the root: 26 nodes per unit and period.
        string[] results = CliRunner.Lines(File.ReadAllText(Path.Combine(dir, "results.csv")));
        results.Length.ShouldBe(1 + (periods * 60 * 26));
        string[] header = results[0].Split(',');
        int score = Array.IndexOf(header, "score");
        int node = Array.IndexOf(header, "node");
        results.Skip(1).Select(l => l.Split(',')).Where(r => r[node] == "Index").ShouldAllBe(r => r[score].Length > 0);
    }
}
