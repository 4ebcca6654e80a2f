using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Saima.Cli.Tests.WorkedExamples;

/// <summary>
/// Runs `saima score` in-process on files written to a temporary directory and reads the CSV
/// output. With the environment variable SAIMA_TEST_REFERENCE set to the path of
/// tests/reference/saima_ref.py, the same cases run against the Python reference instead (used
/// to check the hand arithmetic of these tests independently of the C# engine).
/// </summary>
internal sealed class ScoreCase : IDisposable
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public ScoreCase()
    {
        Dir = Path.Combine(Path.GetTempPath(), "saima-we-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public int ExitCode { get; private set; }

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    public static ScoreCase With(string scheme, string data) => new ScoreCase().File("scheme.json", scheme).File("data.csv", data);

    public ScoreCase File(string name, string content)
    {
        _files[name] = content;
        System.IO.File.WriteAllText(Path.Combine(Dir, name), content, new UTF8Encoding(false));
        return this;
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Scores with the files given so far; optional outputs by flag.</summary>
    public ScoreCase Score(bool warnings = false, bool explain = false)
    {
        var args = new List<string> { "score", "--scheme", PathOf("scheme.json"), "--data", PathOf("data.csv") };
        if (_files.ContainsKey("units.csv"))
        {
            args.AddRange(["--units", PathOf("units.csv")]);
        }

        if (_files.ContainsKey("adjustments.csv"))
        {
            args.AddRange(["--adjustments", PathOf("adjustments.csv")]);
        }

        args.AddRange(["--out", PathOf("results.csv")]);
        if (warnings)
        {
            args.AddRange(["--warnings", PathOf("warnings.csv")]);
        }

        if (explain)
        {
            args.AddRange(["--explain", PathOf("explain")]);
        }

        Run(args.ToArray());
        return this;
    }

    public int Run(string[] args)
    {
        var reference = Environment.GetEnvironmentVariable("SAIMA_TEST_REFERENCE");
        if (!string.IsNullOrEmpty(reference))
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(reference);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            Stdout = p.StandardOutput.ReadToEnd();
            Stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            ExitCode = p.ExitCode;
            return ExitCode;
        }

        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        ExitCode = CliApp.Run(args, stdout, stderr);
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        return ExitCode;
    }

    public ScoreCase ShouldSucceed()
    {
        ExitCode.ShouldBe(0, Stderr);
        return this;
    }

    public CsvTable Results => CsvTable.Load(PathOf("results.csv"));

    public CsvTable Warnings => CsvTable.Load(PathOf("warnings.csv"));

    public CsvTable Explain(string name) => CsvTable.Load(Path.Combine(PathOf("explain"), name));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A CSV file (RFC 4180) read as text cells, with lookups by key columns.</summary>
internal sealed class CsvTable
{
    private CsvTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public static CsvTable Load(string path)
    {
        System.IO.File.Exists(path).ShouldBeTrue($"{path} was not written");
        return Parse(System.IO.File.ReadAllText(path, Encoding.UTF8));
    }

    public static CsvTable Parse(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add(fields.ToArray());
                    fields.Clear();
                    any = false;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields.ToArray());
        }

        records.Count.ShouldBeGreaterThan(0, "no header row");
        return new CsvTable(records[0], records.Skip(1).ToList());
    }

    public int Col(string name)
    {
        var i = Array.FindIndex(Header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        i.ShouldBeGreaterThanOrEqualTo(0, $"column {name} missing; header: {string.Join(",", Header)}");
        return i;
    }

    public bool Has(string name) => Array.Exists(Header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one row whose key columns hold the given values.</summary>
    public Row Find(params (string Column, string Value)[] keys)
    {
        var idx = keys.Select(k => (Col(k.Column), k.Value)).ToArray();
        var hits = Rows.Where(r => idx.All(k => r[k.Item1] == k.Value)).ToList();
        hits.Count.ShouldBe(1, $"rows matching {string.Join(", ", keys.Select(k => k.Column + "=" + k.Value))}");
        return new Row(this, hits[0]);
    }

    /// <summary>A RESULTS.csv row by (unit, node[, period]).</summary>
    public Row Get(string unit, string node, string? period = null) =>
        period is null ? Find(("unit", unit), ("node", node)) : Find(("period", period), ("unit", unit), ("node", node));

    internal sealed class Row(CsvTable table, string[] cells)
    {
        public string this[string column] => cells[table.Col(column)];

        public double? Num(string column)
        {
            var s = this[column];
            return s.Length == 0 ? null : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        public Row Is(string column, double expected)
        {
            var actual = Num(column);
            actual.ShouldNotBeNull($"{column} is empty, expected {expected.ToString("R", CultureInfo.InvariantCulture)}");
            Approx.Check(expected, actual.Value, column);
            return this;
        }

        public Row IsEmpty(string column)
        {
            this[column].ShouldBe("", $"{column} should be empty");
            return this;
        }

        public Row IsText(string column, string expected)
        {
            this[column].ShouldBe(expected, column);
            return this;
        }

        public Row Score(double expected) => Is("score", expected);

        public Row Rank(int expected) => IsText("rank", expected.ToString(CultureInfo.InvariantCulture));
    }
}

internal static class Approx
{
    /// <summary>Equal at 1e-9 relative (with a 1e-12 absolute floor for expected zeros).</summary>
    public static void Check(double expected, double actual, string what)
    {
        var tol = (1e-9 * Math.Abs(expected)) + 1e-12;
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(
            tol,
            $"{what}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <summary>Compares two CSV files cell by cell: numbers at 1e-9 relative, other text exactly.</summary>
    public static void SameTable(CsvTable expected, CsvTable actual, string what)
    {
        actual.Header.ShouldBe(expected.Header, $"{what}: header");
        actual.Rows.Count.ShouldBe(expected.Rows.Count, $"{what}: row count");
        for (var i = 0; i < expected.Rows.Count; i++)
        {
            var e = expected.Rows[i];
            var a = actual.Rows[i];
            a.Length.ShouldBe(e.Length, $"{what}: row {i + 2} width");
            for (var j = 0; j < e.Length; j++)
            {
                var where = $"{what}: row {i + 2} ({string.Join(",", e.Take(4))}), column {expected.Header[j]}";
                var numeric = expected.Header[j] is "value" or "score" or "target" or "completion" or "expected" or "gap"
                    or "weight" or "effective_weight" or "skew_before" or "kurtosis_before" or "skew_after" or "kurtosis_after";
                if (numeric && e[j].Length > 0 && a[j].Length > 0)
                {
                    Check(
                        double.Parse(e[j], NumberStyles.Float, CultureInfo.InvariantCulture),
                        double.Parse(a[j], NumberStyles.Float, CultureInfo.InvariantCulture),
                        where);
                }
                else
                {
                    a[j].ShouldBe(e[j], where);
                }
            }
        }
    }
}
