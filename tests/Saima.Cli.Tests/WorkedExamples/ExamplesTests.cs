namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// Runs `saima score` on each example in examples/ exactly as its README says and compares
/// with the committed expected files (produced by the Python reference): numbers at 1e-9
/// relative, ranks and every other cell exactly.
/// </summary>
public class ExamplesTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    [Fact]
    public void County_MatchesExpectedResultsAndWarnings()
    {
        var dir = Example("county");
        using var c = new ScoreCase();
        c.Run(["score", "--scheme", Path.Combine(dir, "scheme.json"), "--data", Path.Combine(dir, "data.csv"),
            "--units", Path.Combine(dir, "units.csv"), "--adjustments", Path.Combine(dir, "adjustments.csv"),
            "--out", c.PathOf("results.csv"), "--warnings", c.PathOf("warnings.csv")]);
        c.ExitCode.ShouldBe(0, c.Stderr);
        Approx.SameTable(CsvTable.Load(Path.Combine(dir, "results.csv")), c.Results, "county results");
        Approx.SameTable(CsvTable.Load(Path.Combine(dir, "warnings.csv")), c.Warnings, "county warnings");
    }

    [Fact]
    public void Composite_MatchesExpectedResults()
    {
        var dir = Example("composite");
        using var c = new ScoreCase();
        c.Run(["score", "--scheme", Path.Combine(dir, "scheme.json"), "--data", Path.Combine(dir, "data.csv"),
            "--units", Path.Combine(dir, "units.csv"), "--out", c.PathOf("results.csv"), "--explain", c.PathOf("explain")]);
        c.ExitCode.ShouldBe(0, c.Stderr);
        Approx.SameTable(CsvTable.Load(Path.Combine(dir, "results.csv")), c.Results, "composite results");
        Approx.SameTable(CsvTable.Load(Path.Combine(dir, "explain", "treatment.csv")), c.Explain("treatment.csv"), "composite treatment");
        Approx.SameTable(CsvTable.Load(Path.Combine(dir, "explain", "weights.csv")), c.Explain("weights.csv"), "composite weights");
    }
}
