using System.Globalization;
using System.Text;
using Saima.Scoring;

namespace Saima.Bench;

/// <summary>
/// A scoring job of the shape <c>saima generate</c> writes: one monthly period, min-max to
/// [0, 100], weighted arithmetic means over groups of about ten indicators under one root
/// (<c>Index</c>), two indicators lower-is-better, log-normally skewed values, about 1% missing,
/// a target per figure and warning rules (so warnings are computed too). Built in memory through the public API only (the scheme as JSON
/// through <see cref="SchemeParser"/>, the figures through <see cref="DatasetBuilder"/>), so the
/// benchmark measures what a caller of the engine gets, and does not depend on the CLI.
/// The same arguments give the same workload.
/// </summary>
public sealed class Workload
{
    public const int GroupSize = 10;

    private Workload(int units, int indicators, string schemeJson, Scheme scheme, Dataset dataset)
    {
        Units = units;
        Indicators = indicators;
        SchemeJson = schemeJson;
        Scheme = scheme;
        Dataset = dataset;
    }

    public int Units { get; }
    public int Indicators { get; }
    public string SchemeJson { get; }
    public Scheme Scheme { get; }
    public Dataset Dataset { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Units}x{Indicators}");

    /// <summary>"3000x200" → (3000, 200).</summary>
    public static (int Units, int Indicators) ParseSize(string size)
    {
        string[] parts = size.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <param name="warnings">False leaves the warning rules out of the scheme (to see what warnings cost).</param>
    public static Workload Create(int units, int indicators, ulong seed = 1, bool warnings = true)
    {
        var rng = new SplitMix64(seed);
        IndicatorShape[] shapes = MakeShapes(indicators, rng);
        string json = SchemeJsonFor(units, shapes, warnings);
        Scheme scheme = SchemeParser.Parse(json);
        Dataset dataset = Fill(new DatasetBuilder(scheme), units, shapes, rng).Build();
        return new Workload(units, indicators, json, scheme, dataset);
    }

    /// <summary>Feeds the figures of the workload to a fresh builder (for the intake benchmark).</summary>
    public DatasetBuilder Refill(ulong seed = 1)
    {
        var rng = new SplitMix64(seed);
        IndicatorShape[] shapes = MakeShapes(Indicators, rng);
        return Fill(new DatasetBuilder(Scheme), Units, shapes, rng);
    }

    private readonly record struct IndicatorShape(string Code, string Group, double Weight, int Direction, double Mu, double Sigma);

    private static IndicatorShape[] MakeShapes(int indicators, SplitMix64 rng)
    {
        int groups = Math.Max(1, (int)Math.Round(indicators / (double)GroupSize, MidpointRounding.AwayFromZero));
        var shapes = new IndicatorShape[indicators];
        for (int i = 0; i < indicators; i++)
        {
            string code = string.Create(CultureInfo.InvariantCulture, $"I{i + 1:D3}");
            string group = string.Create(CultureInfo.InvariantCulture, $"G{((long)i * groups / indicators) + 1:D2}");

            // Weights 1, 1.5 or 2; the second indicator and one half-way along are lower-is-better
            // (costs, incidents); magnitudes (1 to 10,000) and skew vary by indicator.
            double weight = 1 + (0.5 * (int)(rng.NextDouble() * 3));
            int direction = i == 1 || (indicators >= 4 && i == (indicators / 2) + 1) ? -1 : 1;
            double mu = Math.Log(10) * 4 * rng.NextDouble();
            double sigma = 0.2 + (0.8 * rng.NextDouble());
            shapes[i] = new IndicatorShape(code, group, weight, direction, mu, sigma);
        }

        return shapes;
    }

    private static string SchemeJsonFor(int units, IndicatorShape[] shapes, bool warnings)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"bench {units}x{shapes.Length}\",");
        sb.Append("\"steps\":{\"normalise\":{\"method\":\"minmax\",\"range\":[0,100]},\"aggregate\":{\"method\":\"arithmetic\"}},");
        sb.Append("\"indicators\":[");
        for (int i = 0; i < shapes.Length; i++)
        {
            IndicatorShape s = shapes[i];
            sb.Append(i == 0 ? "" : ",");
            sb.Append(CultureInfo.InvariantCulture,
                $"{{\"code\":\"{s.Code}\",\"name\":\"Indicator {i + 1}\",\"parent\":\"{s.Group}\",\"weight\":{s.Weight.ToString("R", CultureInfo.InvariantCulture)},\"direction\":{s.Direction}}}");
        }

        sb.Append("],\"groups\":[");
        int groups = shapes.Length == 0 ? 0 : int.Parse(shapes[^1].Group[1..], CultureInfo.InvariantCulture);
        for (int g = 0; g < groups; g++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{{\"code\":\"G{g + 1:D2}\",\"name\":\"Group {g + 1}\",\"parent\":\"Index\",\"weight\":1}},");
        }

        sb.Append("{\"code\":\"Index\",\"name\":\"Overall index\"}]");
        if (warnings)
        {
            sb.Append(",\"warnings\":{\"rules\":[{\"level\":\"green\",\"minGap\":0},{\"level\":\"yellow\",\"minGap\":-10},{\"level\":\"red\"}]}");
        }

        sb.Append('}');
        return sb.ToString();
    }

    private static DatasetBuilder Fill(DatasetBuilder builder, int units, IndicatorShape[] shapes, SplitMix64 rng)
    {
        int source = 1;
        for (int u = 0; u < units; u++)
        {
            string unit = string.Create(CultureInfo.InvariantCulture, $"U{u + 1:D4}");

            // Big units are big on most indicators: a size shared by the unit's figures.
            double size = 0.4 * rng.NextGaussian();
            for (int i = 0; i < shapes.Length; i++)
            {
                IndicatorShape s = shapes[i];
                double level = Math.Exp(s.Mu + size + (s.Sigma * rng.NextGaussian()));
                double value = Math.Round(level * Math.Exp(0.05 * rng.NextGaussian()), 2);
                double target = Math.Round(level * (s.Direction < 0 ? 0.95 : 1.05) * Math.Exp(0.08 * rng.NextGaussian()), 2);
                if (rng.NextDouble() < 0.01)
                {
                    value = double.NaN;
                }

                builder.AddFigure(unit, s.Code, "2025-01", value, target, ++source);
            }
        }

        return builder;
    }
}
