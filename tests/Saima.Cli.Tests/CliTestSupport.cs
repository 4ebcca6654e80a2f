using System.Text;
using Saima.Scoring;

namespace Saima.Cli.Tests;

/// <summary>What one in-process run of `saima` returned.</summary>
public sealed record CliRun(int Exit, string Out, string Err)
{
    public override string ToString() => $"exit {Exit}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>A temporary directory for one test's files, deleted afterwards.</summary>
public sealed class CliTempDir : IDisposable
{
    public CliTempDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "saima-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string name] => Path.Combine(Root, name);

    /// <summary>Writes a file (UTF-8 without BOM, text as given) and returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = this[name];
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>File names in the directory and below, relative, sorted (hidden temp files included).</summary>
    public string[] Files() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public string[] Directories() =>
        Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class CliRunner
{
    public static CliRun Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = CliApp.Run(args, stdout, stderr);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts exit code 2 and that standard error names <paramref name="where"/> (e.g. <c>data.csv:3:value</c>).</summary>
    public static void ShouldBeBadInput(this CliRun run, params string[] where)
    {
        run.Exit.ShouldBe(2, run.ToString());
        run.Err.ShouldStartWith("error: ", customMessage: run.ToString());
        foreach (string w in where)
        {
            run.Err.ShouldContain(w, Case.Sensitive, run.ToString());
        }
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string Header(string csvText) => Lines(csvText)[0];
}

/// <summary>Small inputs shared by the CLI tests.</summary>
public static class Samples
{
    /// <summary>Two indicators (B lower-is-better) under the root Root, with warning rules.</summary>
    public const string Scheme = """
        {
          "name": "Test",
          "indicators": [
            { "code": "A", "parent": "Root" },
            { "code": "B", "parent": "Root", "direction": -1 }
          ],
          "groups": [ { "code": "Root" } ],
          "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "red" } ] }
        }
        """;

    public const string SchemeWithoutWarnings = """
        {
          "name": "Test",
          "indicators": [
            { "code": "A", "parent": "Root" },
            { "code": "B", "parent": "Root", "direction": -1 }
          ],
          "groups": [ { "code": "Root" } ]
        }
        """;

    public const string Data = """
        unit,indicator,value,target
        X1,A,10,12
        X1,B,5,
        X2,A,20,
        X2,B,3,
        X3,A,15,
        X3,B,4,

        """;

    public const string PeriodData = """
        period,unit,indicator,value,target
        2025-Q1,X1,A,10,12
        2025-Q1,X1,B,5,
        2025-Q1,X2,A,20,
        2025-Q1,X2,B,3,
        2025-Q1,X3,A,15,
        2025-Q1,X3,B,4,
        2025-Q2,X1,A,11,12
        2025-Q2,X1,B,5,
        2025-Q2,X2,A,19,
        2025-Q2,X2,B,2,
        2025-Q2,X3,A,25,
        2025-Q2,X3,B,4,

        """;

    public const string Units = """
        unit,name
        X1,One
        X2,Two
        X3,Three

        """;

    public const string TrackUnits = """
        unit,name,track,region
        X1,One,North,East
        X2,Two,South,East
        X3,Three,North,West

        """;

    /// <summary>The same scheme as <see cref="Scheme"/>, built by hand (for tests that must not wait for the parser).</summary>
    public static Scheme HandBuiltScheme() => new()
    {
        Name = "Test",
        Steps = new Steps(),
        Indicators =
        [
            new IndicatorDef { Code = "A", Parent = "Root" },
            new IndicatorDef { Code = "B", Parent = "Root", Direction = -1 },
        ],
        Groups = [new GroupDef { Code = "Root" }],
        RootGroup = 0,
        WarningRules = [new WarningRule("green", 0), new WarningRule("red", null)],
    };
}
