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
        return new Command("results", ResultsDescription) { verify };
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
