using System.CommandLine;
using System.CommandLine.Invocation;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>The `saima` command line. Tests call <see cref="Run"/> in-process.</summary>
public static class CliApp
{
    /// <summary>Bad input: the message on standard error names the file and the line, column or JSON path.</summary>
    public const int BadInput = 2;

    /// <summary>Anything else: a bug or an environment failure.</summary>
    public const int Failure = 1;

    private const string RootDescription = """
        saima (赛马): scores performance assessments from plain files.

        Examples:
          saima generate --units 300 --indicators 40 --periods 3 --tracks 2 --out demo
          saima score --scheme demo/scheme.json --data demo/data.csv --units demo/units.csv --out demo/results.csv
          saima demo --db saima.db            (the demo city; see also: saima db, saima import)
          saima uncertainty --scheme demo/scheme.json --data demo/data.csv --replicates 1000 --out demo/uncertainty.csv
          saima whatif --scheme demo/scheme.json --data demo/data.csv --unit U0007 --rank 5 --out demo/whatif.csv
          saima peers --data demo/data.csv --unit U0007 --indicators I001,I002,I003 --out demo/peers.csv

        Exit codes: 0 success; 2 bad input (the message names the file and the line, column or
        JSON path); 1 any other failure.
        """;

    private const string ScoreDescription = """
        Scores DATA.csv under SCHEME.json and writes RESULTS.csv (to standard output without
        --out). Outputs are written only if everything succeeds; on an error none is written.

        Example:
          saima score --scheme scheme.json --data data.csv --units units.csv --out results.csv --warnings warnings.csv --explain explain
        """;

    private const string OutDescription =
        "Where to write the results (default: standard output). Columns: period (with periods), unit, "
        + "track (with tracks), node, value, score, rank, track_rank (with tracks), rank_change (with periods); "
        + "one row per period, unit and node (indicators, then groups, in scheme order).";

    private const string ExplainDescription =
        "A directory (created if absent) for weights.csv, treatment.csv and chain.csv. chain.csv has one row per "
        + "period, unit and node: period (with periods), unit, track (with tracks), node, then the indicator's chain "
        + "(empty for a group): raw, denominator, denominated, transformed, imputed (true/false), treated, target_used; "
        + "then rule (the normalisation or aggregation applied), weights (for a group: child=weight;... as the unit's "
        + "aggregation used them, rescaled over present children), score_before_adjustment, adjustment (bonus/penalty "
        + "points), score, rank.";

    private const string GenerateDescription = """
        Writes a synthetic assessment into DIR: scheme.json, units.csv and data.csv, with N units
        in T tracks, M indicators in groups of about ten, P monthly periods from 2025-01, skewed
        values, about 1% missing, and targets. The same seed gives byte-identical files.

        Example:
          saima generate --units 3000 --indicators 200 --seed 7 --out bench
        """;

    /// <summary>Runs the command line; returns the exit code (0 ok, 2 bad input, 1 other failure).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        RootCommand root = BuildCommands(stdout, stderr);
        ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0 && parsed.Action is ParseErrorAction)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                stderr.WriteLine($"error: {error.Message}");
            }

            string command = parsed.CommandResult.Command is RootCommand ? "saima" : $"saima {parsed.CommandResult.Command.Name}";
            stderr.WriteLine($"Run '{command} --help' for usage.");
            return BadInput;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    private static RootCommand BuildCommands(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(RootDescription);
        root.Add(BuildScore(stdout, stderr));
        root.Add(BuildGenerate(stderr));
        root.Add(AnalysisCommands.BuildUncertainty(stdout, stderr));
        root.Add(AnalysisCommands.BuildWhatIf(stdout, stderr));
        root.Add(AnalysisCommands.BuildPeers(stdout, stderr));
        root.Add(OpsCommands.BuildDemo(stdout, stderr));
        root.Add(OpsCommands.BuildDb(stdout, stderr));
        root.Add(OpsCommands.BuildImport(stdout, stderr));
        root.Add(OpsCommands.BuildExport(stdout, stderr));
        root.Add(OpsCommands.BuildTemplate(stdout, stderr));
        root.Add(AuditCommands.BuildAudit(stdout, stderr));
        root.Add(AuditCommands.BuildResults(stdout, stderr));

        root.Add(ReportCommands.Build(stdout, stderr));
        root.Add(ServeCommand.Build(stdout, stderr));
        root.Add(TokenCommand.Build(stdout, stderr));
        return root;
    }

    private static Command BuildScore(TextWriter stdout, TextWriter stderr)
    {
        var scheme = new Option<string>("--scheme") { Description = "The scheme (SCHEME.json).", Required = true, HelpName = "SCHEME.json" };
        var data = new Option<string>("--data") { Description = "The figures in long format: unit, indicator, value[, period, target].", Required = true, HelpName = "DATA.csv" };
        var units = new Option<string>("--units") { Description = "The units: unit[, name, track, other text columns]. With it, every unit in DATA.csv must be listed.", HelpName = "UNITS.csv" };
        var adjustments = new Option<string>("--adjustments") { Description = "Bonus and penalty items (加分/扣分): unit, points[, reason, period, node].", HelpName = "ADJ.csv" };
        var output = new Option<string>("--out") { Description = OutDescription, HelpName = "RESULTS.csv" };
        var warnings = new Option<string>("--warnings") { Description = "Where to write the warnings (预警); the scheme needs warnings.rules.", HelpName = "WARNINGS.csv" };
        var explain = new Option<string>("--explain") { Description = ExplainDescription, HelpName = "DIR" };
        var command = new Command("score", ScoreDescription) { scheme, data, units, adjustments, output, warnings, explain };
        command.SetAction(parse => Guarded(stderr, () => ScoreCommand.Run(
            new ScoreOptions(
                parse.GetRequiredValue(scheme),
                parse.GetRequiredValue(data),
                parse.GetValue(units),
                parse.GetValue(adjustments),
                parse.GetValue(output),
                parse.GetValue(warnings),
                parse.GetValue(explain)),
            stdout)));
        return command;
    }

    private static Command BuildGenerate(TextWriter stderr)
    {
        var units = new Option<int>("--units") { Description = "Number of units N.", Required = true, HelpName = "N" };
        var indicators = new Option<int>("--indicators") { Description = "Number of indicators M.", Required = true, HelpName = "M" };
        var periods = new Option<int>("--periods") { Description = "Number of monthly periods P, from 2025-01.", DefaultValueFactory = _ => 1, HelpName = "P" };
        var tracks = new Option<int>("--tracks") { Description = "Number of tracks T (分道).", DefaultValueFactory = _ => 1, HelpName = "T" };
        var seed = new Option<long>("--seed") { Description = "Seed of the random generator.", DefaultValueFactory = _ => 1, HelpName = "S" };
        var output = new Option<string>("--out") { Description = "The directory to write into (created if absent).", Required = true, HelpName = "DIR" };
        var command = new Command("generate", GenerateDescription) { units, indicators, periods, tracks, seed, output };
        command.SetAction(parse => Guarded(stderr, () => GenerateCommand.Run(new GenerateOptions(
            parse.GetValue(units),
            parse.GetValue(indicators),
            parse.GetValue(periods),
            parse.GetValue(tracks),
            parse.GetValue(seed),
            parse.GetRequiredValue(output)))));
        return command;
    }

    /// <summary>Runs a command, turning bad input into exit code 2 with a one-line message.</summary>
    internal static int Guarded(TextWriter stderr, Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (CliInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (ScoringException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OutOfMemoryException)
        {
            stderr.WriteLine("error: out of memory");
            return Failure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: internal failure: {e}");
            return Failure;
        }
    }
}
