using System.CommandLine;
using System.Globalization;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>
/// `saima uncertainty`, `saima whatif` and `saima peers`: thin commands over the engine's analyses
/// (<see cref="RankUncertainty"/>, <see cref="WhatItTakes"/>, <see cref="NearestPeers"/>). They read
/// the files `saima score` reads, with its rules for errors (exit 2 naming the file and the line,
/// column or JSON path), numbers, encoding and all-or-nothing output.
/// </summary>
internal static class AnalysisCommands
{
    private const string UncertaintyDescription = """
        How sure is a rank? Scores one period N times, each replicate under a perturbed scheme:
        every weight (indicators', groups' and each track override's, which draws apart from the
        default it replaces) times its own factor from U[1-W, 1+W], and with ALT.json one of each
        listed alternative step (impute, normalise, aggregate) in place of the default step.
        Writes one row per unit: unit, rank (unperturbed), rank_mean, rank_median, rank_p05,
        rank_p95, rank_min, rank_max, and with tracks track_rank and the same six for track_rank_*.
        A percentile p is the smallest rank r such that at least p*N replicate ranks are <= r.
        Screened units, and units lacking a total in any replicate, have empty rank_* cells and
        come last, by code. The same inputs and seed give a byte-identical file on any number of cores.

        Examples:
          saima uncertainty --scheme scheme.json --data data.csv --replicates 1000 --out uncertainty.csv
          saima uncertainty --scheme scheme.json --data data.csv --units units.csv --period 2025-06 \
            --replicates 1000 --seed 7 --weights 0.25 --alternatives alt.json --out uncertainty.csv
        with alt.json such as
          { "normalise": [ { "method": "minmax", "range": [0, 100] }, { "method": "zscore" } ],
            "aggregate": [ { "method": "arithmetic" }, { "method": "geometric" } ] }
        """;

    private const string WhatIfDescription = """
        What would it take? For each indicator (or those listed), holding every other figure
        fixed: the raw value that first brings the unit's rank at the node (default the root;
        --track: within its track) to R or better, moving from its current value in the
        indicator's better direction, found by bisection on the engine to a relative 1e-6.
        The search runs up to 10 ranges beyond the best value of the compared units. Writes:
        indicator, value, needed, change, change_pct, reachable.

        Examples:
          saima whatif --scheme scheme.json --data data.csv --unit U007 --rank 5 --out whatif.csv
          saima whatif --scheme scheme.json --data data.csv --units units.csv --unit U007 --rank 1 \
            --track --node Economy --indicators GDP,Tax --out whatif.csv
        """;

    private const string PeersDescription = """
        Who are we like? The K units nearest to the unit: Euclidean distance between z-scores of
        the listed indicators' raw values (mean and population sd over the period's units with a
        value for every listed indicator; an indicator with sd 0 is left out). Writes unit,
        distance, ordered by distance then unit code; the unit itself is not listed, nor any unit
        lacking a listed value. Needs no scheme: every code of DATA.csv counts as an indicator.

        Example:
          saima peers --data data.csv --unit U007 --indicators Population,GDPpc,Area --k 5 --out peers.csv
        """;

    public static Command BuildUncertainty(TextWriter stdout, TextWriter stderr)
    {
        var common = new CommonOptions(withScheme: true);
        var replicates = new Option<int>("--replicates") { Description = "Number of replicates N (at least 1).", Required = true, HelpName = "N" };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 0): with a replicate's index it alone fixes the replicate's draws.", DefaultValueFactory = _ => 0, HelpName = "K" };
        var weights = new Option<double>("--weights") { Description = "W (default 0.25, 0 <= W < 1): each weight is multiplied by a factor from U[1-W, 1+W].", DefaultValueFactory = _ => 0.25, HelpName = "W" };
        var alternatives = new Option<string>("--alternatives") { Description = "A JSON object from step names (impute, normalise, aggregate) to lists of step objects as in the scheme's steps.", HelpName = "ALT.json" };
        var threads = new Option<int?>("--threads") { Description = "Cores to use (default: all). The output does not depend on it.", HelpName = "T" };
        var command = new Command("uncertainty", UncertaintyDescription);
        common.AddTo(command);
        command.Add(replicates);
        command.Add(seed);
        command.Add(weights);
        command.Add(alternatives);
        command.Add(threads);
        command.SetAction(parse => CliApp.Guarded(stderr, () => RunUncertainty(
            common.Read(parse),
            parse.GetValue(replicates),
            parse.GetValue(seed),
            parse.GetValue(weights),
            parse.GetValue(alternatives),
            parse.GetValue(threads),
            stdout)));
        return command;
    }

    public static Command BuildWhatIf(TextWriter stdout, TextWriter stderr)
    {
        var common = new CommonOptions(withScheme: true);
        var unit = new Option<string>("--unit") { Description = "The unit's code.", Required = true, HelpName = "CODE" };
        var rank = new Option<int>("--rank") { Description = "The rank R to reach (1 is best).", Required = true, HelpName = "R" };
        var node = new Option<string>("--node") { Description = "The node (indicator or group code) whose rank counts (default: the root).", HelpName = "CODE" };
        var track = new Option<bool>("--track") { Description = "The rank within the unit's track (needs a units file with a track column)." };
        var indicators = new Option<string>("--indicators") { Description = "Comma-separated indicator codes, in output order (default: every indicator in scheme order).", HelpName = "A,B,..." };
        var threads = new Option<int?>("--threads") { Description = "Cores to use (default: all). The output does not depend on it.", HelpName = "T" };
        var command = new Command("whatif", WhatIfDescription);
        common.AddTo(command);
        command.Add(unit);
        command.Add(rank);
        command.Add(node);
        command.Add(track);
        command.Add(indicators);
        command.Add(threads);
        command.SetAction(parse => CliApp.Guarded(stderr, () => RunWhatIf(
            common.Read(parse),
            parse.GetRequiredValue(unit),
            parse.GetValue(rank),
            parse.GetValue(node),
            parse.GetValue(track),
            parse.GetValue(indicators),
            parse.GetValue(threads),
            stdout)));
        return command;
    }

    public static Command BuildPeers(TextWriter stdout, TextWriter stderr)
    {
        var common = new CommonOptions(withScheme: false);
        var unit = new Option<string>("--unit") { Description = "The unit's code.", Required = true, HelpName = "CODE" };
        var indicators = new Option<string>("--indicators") { Description = "Comma-separated codes of DATA.csv to compare on.", Required = true, HelpName = "A,B,..." };
        var k = new Option<int>("--k") { Description = "How many peers (default 5).", DefaultValueFactory = _ => 5, HelpName = "K" };
        var command = new Command("peers", PeersDescription);
        common.AddTo(command);
        command.Add(unit);
        command.Add(indicators);
        command.Add(k);
        command.SetAction(parse => CliApp.Guarded(stderr, () => RunPeers(
            common.Read(parse),
            parse.GetRequiredValue(unit),
            parse.GetRequiredValue(indicators),
            parse.GetValue(k),
            stdout)));
        return command;
    }

    private static void RunUncertainty(Inputs inputs, int replicates, ulong seed, double spread, string? altPath, int? threads, TextWriter stdout)
    {
        if (replicates < 1)
        {
            throw new CliInputException($"--replicates {Text(replicates)}: expected a whole number of at least 1");
        }

        if (!(spread >= 0 && spread < 1))
        {
            throw new CliInputException($"--weights {Text(spread)}: expected W with 0 <= W < 1");
        }

        CheckThreads(threads);
        var extraInputs = altPath is null ? [] : new List<(string, string)> { ("--alternatives", altPath) };
        inputs.CheckOutput(extraInputs);
        Scheme scheme = ScoreCommand.ReadScheme(inputs.Scheme!);
        StepAlternatives alt = StepAlternatives.None;
        if (altPath is not null)
        {
            try
            {
                alt = SchemeParser.ParseAlternatives(ScoreCommand.ReadJsonText(altPath, "a UTF-8 JSON object of alternative steps"));
            }
            catch (SchemeException e)
            {
                throw ScoreCommand.SchemeError(altPath, e);
            }
        }

        Dataset data = InputFiles.Read(scheme, inputs.Paths);
        int period = inputs.PeriodIndex(data);
        UncertaintyResult result;
        try
        {
            result = RankUncertainty.Run(scheme, data, period, new UncertaintyOptions
            {
                Replicates = replicates,
                Seed = seed,
                WeightSpread = spread,
                Alternatives = alt,
                MaxDegreeOfParallelism = threads,
            });
        }
        catch (SchemeException e)
        {
            throw ScoreCommand.SchemeError(altPath is not null && e.Path.StartsWith("$.impute", StringComparison.Ordinal) ? altPath : inputs.Scheme!, e);
        }
        catch (ScoringException e)
        {
            throw new CliInputException(e.Message);
        }

        inputs.WriteOutput(stdout, w => WriteUncertainty(w, data, result));
    }

    internal static void WriteUncertainty(Utf8CsvWriter w, Dataset data, UncertaintyResult result)
    {
        bool tracks = result.TrackRank is not null;
        string[] six = ["mean", "median", "p05", "p95", "min", "max"];
        var header = new List<string> { "unit", "rank" };
        header.AddRange(six.Select(s => "rank_" + s));
        if (tracks)
        {
            header.Add("track_rank");
            header.AddRange(six.Select(s => "track_rank_" + s));
        }

        w.Header(header.ToArray());
        int n = result.Period.Units.Length;

        // Units with a summary by rank (missing last), then the others; code order breaks ties (local order is code order).
        int[] order = Enumerable.Range(0, n)
            .OrderBy(u => result.Summary[u] is null ? 1 : 0)
            .ThenBy(u => result.Summary[u] is null || result.Rank[u] == PeriodResult.NoRank ? int.MaxValue : result.Rank[u])
            .ThenBy(u => u)
            .ToArray();
        foreach (int u in order)
        {
            w.Text(data.UnitCodes[result.Period.Units[u]]);
            Summary(result.Rank[u], result.Summary[u]);
            if (tracks)
            {
                Summary(result.TrackRank![u], result.TrackSummary![u]);
            }

            w.EndRow();
        }

        void Summary(int rank, RankSummary? s)
        {
            w.Comma();
            Rank(rank);
            w.Comma();
            w.Number(s?.Mean ?? double.NaN);
            foreach (int v in s is null ? [PeriodResult.NoRank, PeriodResult.NoRank, PeriodResult.NoRank, PeriodResult.NoRank, PeriodResult.NoRank] : (int[])[s.Median, s.P05, s.P95, s.Min, s.Max])
            {
                w.Comma();
                Rank(v);
            }
        }

        void Rank(int rank)
        {
            if (rank != PeriodResult.NoRank)
            {
                w.Integer(rank);
            }
        }
    }

    private static void RunWhatIf(Inputs inputs, string unit, int rank, string? node, bool track, string? indicatorList, int? threads, TextWriter stdout)
    {
        if (rank < 1)
        {
            throw new CliInputException($"--rank {Text(rank)}: expected a whole number of at least 1");
        }

        CheckThreads(threads);
        inputs.CheckOutput([]);
        Scheme scheme = ScoreCommand.ReadScheme(inputs.Scheme!);
        int? nodeIndex = null;
        if (node is not null)
        {
            int at = scheme.NodeIndex(node.Trim());
            nodeIndex = at >= 0 ? at : throw new CliInputException(
                $"--node {node}: not a node of {inputs.Scheme}; expected the code of an indicator or a group of the scheme");
        }

        List<int>? indicators = null;
        if (indicatorList is not null)
        {
            indicators = [];
            foreach (string code in Codes("--indicators", indicatorList))
            {
                int i = scheme.NodeIndex(code);
                if (i < 0 || i >= scheme.Indicators.Count)
                {
                    string what = i >= 0 ? "a group" : scheme.DenominatorCodes.Contains(code, StringComparer.Ordinal) ? "a denominator" : "not in the scheme";
                    throw new CliInputException($"--indicators: '{code}' is {what} ({inputs.Scheme}); expected indicator codes of the scheme");
                }

                indicators.Add(i);
            }
        }

        Dataset data = InputFiles.Read(scheme, inputs.Paths);
        if (track && data.UnitTracks is null)
        {
            throw new CliInputException(
                inputs.Paths.Units is null
                    ? "--track: the units have no tracks; expected --units with a track column"
                    : $"--track: {inputs.Paths.Units} has no track column; expected a units file with tracks");
        }

        int period = inputs.PeriodIndex(data);
        inputs.RequireUnit(data, period, unit.Trim());
        IReadOnlyList<WhatIfRow> rows;
        try
        {
            rows = WhatItTakes.Search(scheme, data, new WhatIfQuery
            {
                Period = period,
                Unit = unit.Trim(),
                Rank = rank,
                Node = nodeIndex,
                Track = track,
                Indicators = indicators,
                MaxDegreeOfParallelism = threads,
            });
        }
        catch (SchemeException e)
        {
            throw ScoreCommand.SchemeError(inputs.Scheme!, e);
        }
        catch (ScoringException e)
        {
            throw new CliInputException(e.Message);
        }

        inputs.WriteOutput(stdout, w =>
        {
            w.Header("indicator", "value", "needed", "change", "change_pct", "reachable");
            foreach (WhatIfRow row in rows)
            {
                w.Text(scheme.Indicators[row.Indicator].Code);
                w.Comma();
                w.Number(row.Value);
                w.Comma();
                w.Number(row.Needed);
                w.Comma();
                w.Number(row.Change);
                w.Comma();
                w.Number(row.ChangePercent);
                w.Comma();
                w.Text(row.Reachable ? "true" : "false");
                w.EndRow();
            }
        });
    }

    private static void RunPeers(Inputs inputs, string unit, string indicatorList, int k, TextWriter stdout)
    {
        if (k < 1)
        {
            throw new CliInputException($"--k {Text(k)}: expected a whole number of at least 1");
        }

        List<string> listed = Codes("--indicators", indicatorList);
        inputs.CheckOutput([]);

        // Without a scheme every code of the file is an indicator of a flat one, so that the
        // figures are read, checked and laid out exactly as for `saima score`.
        List<string> codes = InputFiles.IndicatorCodes(inputs.Paths.Data);
        foreach (string code in listed)
        {
            if (!codes.Contains(code, StringComparer.Ordinal))
            {
                throw new CliInputException($"--indicators: '{code}' does not appear in {inputs.Paths.Data}; expected codes of its indicator column");
            }
        }

        const string Root = "\u0001peers";
        var scheme = new Scheme
        {
            Name = "peers",
            Steps = new Steps(),
            Indicators = codes.Select(c => new IndicatorDef { Code = c, Parent = Root }).ToList(),
            Groups = [new GroupDef { Code = Root }],
        };
        Dataset data = InputFiles.Read(scheme, inputs.Paths);
        int period = inputs.PeriodIndex(data);
        string code0 = unit.Trim();
        int local = inputs.RequireUnit(data, period, code0);
        PeriodData pd = data.Periods[period];
        var values = new List<double[]>();
        foreach (string code in listed)
        {
            double[] column = pd.Values[codes.IndexOf(code)];
            if (double.IsNaN(column[local]))
            {
                throw new CliInputException(
                    $"{inputs.Paths.Data}: unit '{code0}' has no value for '{code}'{inputs.InPeriod(data, period)}; expected a value for every listed indicator");
            }

            values.Add(column);
        }

        IReadOnlyList<Peer> peers = NearestPeers.Find(values, local, k);
        inputs.WriteOutput(stdout, w =>
        {
            w.Header("unit", "distance");
            foreach (Peer p in peers)
            {
                w.Text(data.UnitCodes[pd.Units[p.Unit]]);
                w.Comma();
                w.Number(p.Distance);
                w.EndRow();
            }
        });
    }

    /// <summary>A comma-separated list of codes: trimmed, none empty, none twice.</summary>
    private static List<string> Codes(string option, string list)
    {
        var codes = new List<string>();
        foreach (string part in list.Split(','))
        {
            string code = part.Trim();
            if (code.Length == 0)
            {
                throw new CliInputException($"{option} {list}: an empty code; expected codes separated by commas, e.g. A,B");
            }

            if (codes.Contains(code, StringComparer.Ordinal))
            {
                throw new CliInputException($"{option} {list}: '{code}' appears twice; expected each code once");
            }

            codes.Add(code);
        }

        return codes;
    }

    private static void CheckThreads(int? threads)
    {
        if (threads is < 1)
        {
            throw new CliInputException($"--threads {Text(threads.Value)}: expected a whole number of at least 1");
        }
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The options every analysis command shares: input files, the period and the output.</summary>
    private sealed class CommonOptions(bool withScheme)
    {
        private readonly Option<string>? _scheme = withScheme
            ? new Option<string>("--scheme") { Description = "The scheme (SCHEME.json).", Required = true, HelpName = "SCHEME.json" }
            : null;

        private readonly Option<string> _data = new("--data") { Description = "The figures in long format: unit, indicator, value[, period, target].", Required = true, HelpName = "DATA.csv" };
        private readonly Option<string> _units = new("--units") { Description = "The units: unit[, name, track, other text columns].", HelpName = "UNITS.csv" };
        private readonly Option<string>? _adjustments = withScheme
            ? new Option<string>("--adjustments") { Description = "Bonus and penalty items (加分/扣分): unit, points[, reason, period, node].", HelpName = "ADJ.csv" }
            : null;

        private readonly Option<string> _period = new("--period") { Description = "The period to analyse, e.g. 2025, 2025-Q2 or 2025-06 (default: the latest in DATA.csv).", HelpName = "P" };
        private readonly Option<string> _out = new("--out") { Description = "Where to write the CSV (default: standard output).", HelpName = "F" };

        public void AddTo(Command command)
        {
            if (_scheme is not null)
            {
                command.Add(_scheme);
            }

            command.Add(_data);
            command.Add(_units);
            if (_adjustments is not null)
            {
                command.Add(_adjustments);
            }

            command.Add(_period);
            command.Add(_out);
        }

        public Inputs Read(ParseResult parse) => new(
            _scheme is null ? null : parse.GetRequiredValue(_scheme),
            new InputPaths(parse.GetRequiredValue(_data), parse.GetValue(_units), _adjustments is null ? null : parse.GetValue(_adjustments)),
            parse.GetValue(_period),
            parse.GetValue(_out));
    }

    /// <summary>The input files, the period asked for and the output of one analysis run.</summary>
    private sealed record Inputs(string? Scheme, InputPaths Paths, string? Period, string? Out)
    {
        /// <summary>Refuses an output that would overwrite an input, or lies in a missing directory, before any work.</summary>
        public void CheckOutput(IReadOnlyList<(string Option, string Path)> extraInputs)
        {
            if (Out is null)
            {
                return;
            }

            var inputs = new List<(string Option, string Path)> { ("--data", Paths.Data) };
            if (Scheme is not null)
            {
                inputs.Add(("--scheme", Scheme));
            }

            if (Paths.Units is not null)
            {
                inputs.Add(("--units", Paths.Units));
            }

            if (Paths.Adjustments is not null)
            {
                inputs.Add(("--adjustments", Paths.Adjustments));
            }

            inputs.AddRange(extraInputs);
            ScoreCommand.CheckPaths(inputs, [("--out", Out)]);
        }

        /// <summary>The index of the period asked for (default: the latest).</summary>
        public int PeriodIndex(Dataset data)
        {
            if (Period is null)
            {
                return data.Periods.Length - 1;
            }

            if (!data.HasPeriods)
            {
                throw new CliInputException($"--period {Period}: {Paths.Data} has no period column; expected no --period");
            }

            if (Scoring.Period.TryParse(Period, out Period wanted))
            {
                for (int p = 0; p < data.Periods.Length; p++)
                {
                    if (data.Periods[p].Period == wanted)
                    {
                        return p;
                    }
                }
            }

            string known = string.Join(", ", data.Periods.Select(p => p.Period.ToString()));
            throw new CliInputException($"--period {Period}: not a period of {Paths.Data}; expected one of {known}");
        }

        /// <summary>The unit's local index in the period; exit 2 when it has no figures there.</summary>
        public int RequireUnit(Dataset data, int period, string unit)
        {
            int global = Array.BinarySearch(data.UnitCodes, unit, StringComparer.Ordinal);
            int local = global < 0 ? -1 : Array.BinarySearch(data.Periods[period].Units, global);
            if (local < 0)
            {
                string what = global < 0 ? "is not a unit of the files" : "has no figures";
                throw new CliInputException($"--unit {unit}: {Paths.Data}: the unit {what}{InPeriod(data, period)}; expected a unit with figures in the period");
            }

            return local;
        }

        public string InPeriod(Dataset data, int period) => data.HasPeriods ? $" in period {data.Periods[period].Period}" : string.Empty;

        public void WriteOutput(TextWriter stdout, Action<Utf8CsvWriter> write)
        {
            if (Out is null)
            {
                using var w = new Utf8CsvWriter(StandardOutput.Open(stdout));
                write(w);
                w.Flush();
                return;
            }

            using var outputs = new OutputSet();
            ScoreCommand.Write(outputs, Out, write);
            outputs.Commit();
        }
    }
}
