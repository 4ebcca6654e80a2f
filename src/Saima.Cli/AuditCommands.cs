using System.CommandLine;
using System.Globalization;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Cli;

/// <summary>
/// Proofs on demand: <c>saima audit verify</c> recomputes the hash chains of the audit trail and of
/// the result sets; <c>saima results verify</c> recomputes every stored result set from its stored
/// inputs. Both exit 0 when everything holds and 1 naming what does not.
/// </summary>
internal static class AuditCommands
{
    private const string AuditDescription = """
        The audit trail (审计日志) and its hash chain.
        """;

    private const string AuditVerifyDescription = """
        Recomputes the hash chain of the audit trail (every entry's SHA-256 over its content and the
        entry before it) and of the stored result sets (with their rows and warnings), and compares
        them with the chains' stored heads. Exit 0 printing the number of entries and the head hash
        of each chain when intact; otherwise exit 1 naming, by id, the first entry that was changed,
        removed or inserted behind the application's back, and what was found.

        Example:
          saima audit verify --db saima.db
        """;

    private const string ResultsDescription = """
        The stored result sets (score, rank, warnings of each scored period).
        """;

    private const string ResultsVerifyDescription = """
        Recomputes every stored result set from its stored inputs (the scheme version, the figures
        published by then, targets, tracks and adjustments) and compares every number to the bit.
        Exit 0 when all are identical; otherwise exit 1 listing each result set that differs and
        its first differences. The check itself is recorded in the audit trail.

        Example:
          saima results verify --postgres "Host=db;Username=saima;Database=saima"
        """;

    public static Command BuildAudit(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var verify = new Command("verify", AuditVerifyDescription) { db, postgres };
        int exit = 0;
        verify.SetAction(parse =>
        {
            int guarded = OpsCommands.Guarded(stderr, () =>
            {
                StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
                OpsCommands.RequireSchema(store);
                StoreChains chains = AuditChain.Verify(store);
                exit = Print(chains.Audit, "audit trail", stdout, stderr) & Print(chains.Results, "result sets", stdout, stderr);
            });
            return guarded != 0 ? guarded : exit == 1 ? 0 : CliApp.Failure;
        });
        return new Command("audit", AuditDescription) { verify };
    }

    public static Command BuildResults(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var user = new Option<string>("--user") { Description = "Who the check is recorded as (default: verify).", DefaultValueFactory = _ => "verify", HelpName = "NAME" };
        var verify = new Command("verify", ResultsVerifyDescription) { db, postgres, user };
        bool identical = true;
        verify.SetAction(parse =>
        {
            int guarded = OpsCommands.Guarded(stderr, () =>
            {
                StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
                OpsCommands.RequireSchema(store);
                using SaimaDb context = SaimaDb.Open(store);
                IReadOnlyList<RecomputeReport> reports = new ResultService(context, TimeProvider.System).RecomputeAll(Actor.Office(parse.GetValue(user)!));
                var sets = context.ResultSets.ToDictionary(s => s.Id, s => s.Period);
                foreach (RecomputeReport r in reports.Where(r => !r.Identical))
                {
                    identical = false;
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"result set {r.ResultSetId} (period {sets.GetValueOrDefault(r.ResultSetId)}) differs from its recomputation{(r.SameInputs ? string.Empty : " (its inputs changed since)")}:"));
                    foreach (string d in r.Differences)
                    {
                        stdout.WriteLine("  " + d);
                    }
                }

                int differ = reports.Count(r => !r.Identical);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{reports.Count} result sets recomputed: {reports.Count - differ} identical to the bit, {differ} differ"));
            });
            return guarded != 0 ? guarded : identical ? 0 : CliApp.Failure;
        });
        return new Command("results", ResultsDescription) { verify, BuildResultsCompute(stdout, stderr) };
    }

    private const string ResultsComputeDescription = """
        Scores a published period again (重新计分), with the scheme version it was published with and
        the figures as they stand, and stores the results as the period's newest result set; recorded
        in the audit trail. With unchanged inputs every number is the same to the bit. --phases prints
        the seconds of each phase (reading the inputs, the engine, writing rows, warnings and traces)
        and, on Linux, the most memory the process held in each.

        Example:
          saima results compute --postgres "Host=db;Username=saima;Database=saima" --scheme county --period 2025-11 --phases
        """;

    private static Command BuildResultsCompute(TextWriter stdout, TextWriter stderr)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var scheme = new Option<string>("--scheme") { Description = "The scheme's code.", Required = true, HelpName = "CODE" };
        var period = new Option<string>("--period") { Description = "The published period (e.g. 2025-11).", Required = true, HelpName = "PERIOD" };
        var phases = new Option<bool>("--phases") { Description = "Print the seconds of each phase of the computation." };
        var user = new Option<string>("--user") { Description = "Who the computation is recorded as (default: office).", DefaultValueFactory = _ => "office", HelpName = "NAME" };
        var command = new Command("compute", ResultsComputeDescription) { db, postgres, scheme, period, phases, user };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            using SaimaDb context = SaimaDb.Open(store);
            PublishPhases? laps = parse.GetValue(phases) ? new PublishPhases() : null;
            ResultSet set = new ResultService(context, TimeProvider.System).Rerun(Actor.Office(parse.GetValue(user)!), parse.GetValue(scheme)!, parse.GetValue(period)!, laps);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"period {set.Period} of scheme {parse.GetValue(scheme)} scored as result set {set.Id}"));
            if (laps is not null)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"phases: total {laps.TotalSeconds:0.000}; {laps}"));
                if (laps.Peaks.Count > 0)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak MB: {laps.PeaksLine()}"));
                }
            }
        }));
        return command;
    }

    /// <summary>Prints one chain's state; 1 when intact, 0 when broken (so that the states combine with &amp;).</summary>
    private static int Print(ChainReport report, string name, TextWriter stdout, TextWriter stderr)
    {
        if (report.Intact)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: intact, {report.Entries} entries, head {report.HeadHash}"));
            return 1;
        }

        ChainBreak first = report.Breaks[0];
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: BROKEN at entry {(first.Id is { } id ? id.ToString(CultureInfo.InvariantCulture) : "?")} ({Kind(first.Kind)}): {first.Detail}"));
        foreach (ChainBreak b in report.Breaks.Skip(1))
        {
            stderr.WriteLine($"  also: {b.Detail}");
        }

        return 0;
    }

    private static string Kind(ChainBreakKind kind) => kind switch
    {
        ChainBreakKind.Changed => "changed",
        ChainBreakKind.Removed => "removed",
        ChainBreakKind.Inserted => "inserted",
        _ => "head",
    };
}
