using System.Runtime.CompilerServices;
using System.Text.Json;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>The options of `saima generate`.</summary>
internal sealed record GenerateOptions(int Units, int Indicators, int Periods, int Tracks, long Seed, string Out);

/// <summary>
/// `saima generate`: a synthetic assessment for demos and benchmarks. <c>units.csv</c> lists N
/// units (U0001…) with names and, when T &gt; 1, tracks T1…T assigned in turn; <c>scheme.json</c>
/// puts M indicators (I001…) in groups of about ten (G01…) under one root <c>Index</c>, minmax
/// normalised and arithmetically aggregated, two indicators lower-is-better, with warning rules
/// and (with tracks) a weight override for track T2; <c>data.csv</c> has P monthly periods from
/// 2025-01 with lognormally skewed values, about 1% missing, and targets.
/// </summary>
/// <remarks>
/// Deterministic: all randomness comes from <see cref="SplitMix64"/> seeded by --seed, consumed
/// in file order, so the same seed gives byte-identical files (System.Random is avoided: its
/// algorithm is not promised to stay the same across runtimes).
/// </remarks>
internal static class GenerateCommand
{
    public const string RootCode = "Index";

    public static void Run(GenerateOptions o)
    {
        Validate(o);
        var rng = new SplitMix64(unchecked((ulong)o.Seed));
        string unitFormat = "D" + Math.Max(4, Digits(o.Units)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string indicatorFormat = "D" + Math.Max(3, Digits(o.Indicators)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        int groupCount = Math.Max(1, (int)Math.Round(o.Indicators / 10.0, MidpointRounding.AwayFromZero));
        string groupFormat = "D" + Math.Max(2, Digits(groupCount)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] units = Codes("U", o.Units, unitFormat);
        string[] indicators = Codes("I", o.Indicators, indicatorFormat);
        string[] groups = Codes("G", groupCount, groupFormat);
        string[] tracks = o.Tracks > 1 ? Codes("T", o.Tracks, "D") : [];

        // Two lower-is-better indicators (costs, incidents): the second and one half-way along.
        var lowerIsBetter = new HashSet<int>();
        if (o.Indicators >= 2)
        {
            lowerIsBetter.Add(1);
            if (o.Indicators >= 4)
            {
                lowerIsBetter.Add(o.Indicators / 2 + 1);
            }
        }

        using var outputs = new OutputSet();
        outputs.EnsureDirectory(o.Out, o.Out);
        string schemePath = Path.Combine(o.Out, "scheme.json");
        using (Stream s = outputs.Create(schemePath, schemePath))
        {
            WriteScheme(s, o, indicators, groups, tracks, lowerIsBetter, rng);
        }

        string unitsPath = Path.Combine(o.Out, "units.csv");
        using (var w = new Utf8CsvWriter(outputs.Create(unitsPath, unitsPath)))
        {
            WriteUnits(w, units, tracks);
            w.Flush();
        }

        string dataPath = Path.Combine(o.Out, "data.csv");
        using (var w = new Utf8CsvWriter(outputs.Create(dataPath, dataPath), bufferSize: 1 << 18))
        {
            WriteData(w, o, units, indicators, lowerIsBetter, rng);
            w.Flush();
        }

        outputs.Commit();
    }

    private static void Validate(GenerateOptions o)
    {
        if (o.Units < 1 || o.Units > 1_000_000)
        {
            throw new CliInputException($"--units {o.Units}: expected a number of units from 1 to 1000000");
        }

        if (o.Indicators < 1 || o.Indicators > 100_000)
        {
            throw new CliInputException($"--indicators {o.Indicators}: expected a number of indicators from 1 to 100000");
        }

        if (o.Periods < 1 || o.Periods > 1200)
        {
            throw new CliInputException($"--periods {o.Periods}: expected a number of monthly periods from 1 to 1200");
        }

        if (o.Tracks < 1 || o.Tracks > o.Units)
        {
            throw new CliInputException($"--tracks {o.Tracks}: expected a number of tracks from 1 to the number of units ({o.Units})");
        }
    }

    private static void WriteScheme(
        Stream stream, GenerateOptions o, string[] indicators, string[] groups, string[] tracks, HashSet<int> lowerIsBetter, SplitMix64 rng)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" });
        json.WriteStartObject();
        json.WriteString("name", $"Generated assessment: {o.Units} units, {o.Indicators} indicators, seed {o.Seed}");
        json.WriteStartObject("steps");
        json.WriteStartObject("normalise");
        json.WriteString("method", "minmax");
        json.WriteStartArray("range");
        json.WriteNumberValue(0);
        json.WriteNumberValue(100);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("aggregate");
        json.WriteString("method", "arithmetic");
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("indicators");
        for (int i = 0; i < indicators.Length; i++)
        {
            json.WriteStartObject();
            json.WriteString("code", indicators[i]);
            json.WriteString("name", $"Indicator {i + 1}");
            json.WriteString("parent", groups[GroupOf(i, indicators.Length, groups.Length)]);

            // Weights 1, 1.5 or 2: enough variety for weighting to matter.
            json.WriteNumber("weight", 1 + (0.5 * rng.NextInt(3)));
            if (lowerIsBetter.Contains(i))
            {
                json.WriteNumber("direction", -1);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("groups");
        for (int g = 0; g < groups.Length; g++)
        {
            json.WriteStartObject();
            json.WriteString("code", groups[g]);
            json.WriteString("name", $"Group {g + 1}");
            json.WriteString("parent", RootCode);
            json.WriteNumber("weight", 1);
            json.WriteEndObject();
        }

        json.WriteStartObject();
        json.WriteString("code", RootCode);
        json.WriteString("name", "Overall index");
        json.WriteEndObject();
        json.WriteEndArray();

        if (tracks.Length > 1)
        {
            json.WriteStartObject("tracks");
            json.WriteString("compare", "all");
            json.WriteStartObject("overrides");
            json.WriteStartObject(tracks[1]);
            json.WriteStartObject("weights");
            json.WriteNumber(groups[0], 2);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject("warnings");
        json.WriteStartArray("rules");
        WriteRule(json, "green", 0);
        WriteRule(json, "yellow", -10);
        WriteRule(json, "red", null);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        stream.Write("\n"u8);
    }

    private static void WriteRule(Utf8JsonWriter json, string level, double? minGap)
    {
        json.WriteStartObject();
        json.WriteString("level", level);
        if (minGap is double gap)
        {
            json.WriteNumber("minGap", gap);
        }

        json.WriteEndObject();
    }

    private static void WriteUnits(Utf8CsvWriter w, string[] units, string[] tracks)
    {
        if (tracks.Length > 0)
        {
            w.Header("unit", "name", "track");
        }
        else
        {
            w.Header("unit", "name");
        }

        for (int u = 0; u < units.Length; u++)
        {
            w.Text(units[u]);
            w.Comma();
            w.Text("Unit " + units[u][1..]);
            if (tracks.Length > 0)
            {
                w.Comma();
                w.Text(tracks[u % tracks.Length]);
            }

            w.EndRow();
        }
    }

    /// <summary>
    /// Values: indicator scale (1 to 10,000) × unit size (lognormal, shared by the unit's
    /// indicators, so units are big or small across the board) × the unit's own standing on the
    /// indicator (lognormal with an indicator-specific spread: some indicators are far more skewed
    /// than others) × a monthly trend and noise. Targets are set per year near the unit's level.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteData(Utf8CsvWriter w, GenerateOptions o, string[] units, string[] indicators, HashSet<int> lowerIsBetter, SplitMix64 rng)
    {
        int n = units.Length;
        int m = indicators.Length;
        var scale = new double[m];
        var spread = new double[m];
        for (int i = 0; i < m; i++)
        {
            scale[i] = Math.Pow(10, 4 * rng.NextDouble());
            spread[i] = 0.2 + (0.8 * rng.NextDouble());
        }

        var size = new double[n];
        for (int u = 0; u < n; u++)
        {
            size[u] = Math.Exp(0.4 * rng.NextGaussian());
        }

        var level = new double[n * m];
        var growth = new double[n * m];
        for (int k = 0; k < level.Length; k++)
        {
            int i = k % m;
            level[k] = scale[i] * size[k / m] * Math.Exp(spread[i] * rng.NextGaussian());
            growth[k] = 0.004 + (0.004 * rng.NextGaussian());
        }

        byte[][] unitFields = units.Select(Utf8CsvWriter.Encode).ToArray();
        byte[][] indicatorFields = indicators.Select(Utf8CsvWriter.Encode).ToArray();
        w.Header("period", "unit", "indicator", "value", "target");
        for (int p = 0; p < o.Periods; p++)
        {
            int year = 2025 + (p / 12);
            byte[] period = Utf8CsvWriter.Encode(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:D4}-{(p % 12) + 1:D2}"));
            double yearStretch = Math.Pow(1.06, year - 2025);
            for (int u = 0; u < n; u++)
            {
                for (int i = 0; i < m; i++)
                {
                    int k = (u * m) + i;
                    double value = level[k] * Math.Pow(1 + growth[k], p) * Math.Exp(0.05 * rng.NextGaussian());
                    bool missing = rng.NextDouble() < 0.01;
                    double aim = lowerIsBetter.Contains(i) ? 0.95 : 1.05;
                    double target = level[k] * yearStretch * aim * Math.Exp(0.08 * rng.NextGaussian());
                    w.Raw(period);
                    w.Comma();
                    w.Raw(unitFields[u]);
                    w.Comma();
                    w.Raw(indicatorFields[i]);
                    w.Comma();
                    if (!missing)
                    {
                        w.Number(Round(value));
                    }

                    w.Comma();
                    w.Number(Round(target));
                    w.EndRow();
                }
            }
        }
    }

    /// <summary>Four significant digits at least, two decimals at most: figures as offices report them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Round(double x)
    {
        if (x == 0 || !double.IsFinite(x))
        {
            return x;
        }

        int decimals = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 2);
        return Math.Round(x, decimals, MidpointRounding.AwayFromZero);
    }

    /// <summary>Indicator i of m in group i·g/m: consecutive blocks, sizes differing by at most one.</summary>
    private static int GroupOf(int i, int m, int g) => (int)((long)i * g / m);

    private static string[] Codes(string prefix, int count, string format)
    {
        var codes = new string[count];
        for (int i = 0; i < count; i++)
        {
            codes[i] = prefix + (i + 1).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        }

        return codes;
    }

    private static int Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
}
