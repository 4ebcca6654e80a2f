using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Saima.Data;
using Saima.Data.Store;
using Saima.Testing;
using Xunit.Abstractions;

namespace Saima.Cli.Tests;

/// <summary>
/// <c>kill -9</c> of <c>saima import</c> (the bulk path and the validated upload) at random moments,
/// on SQLite and PostgreSQL: afterwards the store passes its integrity check, every import was
/// taken whole or not at all, and the audit and result chains are intact.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class CrashTests(Stores stores, ITestOutputHelper log)
{
    private const int Units = 300;

    /// <summary>The validated upload is slower per row: fewer units keep the test short.</summary>
    private const int UploadUnits = 100;
    private const int Trials = 6;

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void KillNineOfImport_AtRandomMoments_LeavesEveryImportWholeOrAbsent_AndTheStoreSound(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        Seed(store);
        string dir = Directory.CreateTempSubdirectory("saima-crash").FullName;
        string[] target = provider == StoreProvider.Sqlite ? ["--db", new SqliteConnectionStringBuilder(store.ConnectionString).DataSource] : ["--postgres", store.ConnectionString];

        // Every period exists (open) before the trials: one figure each, loaded without a kill.
        string periods = Csv(dir, "periods.csv", Enumerable.Range(1, Trials + 2).Select(m => $"U000,I00,{Period(m)},1"));
        RunSaima(target, "import", "--scheme", "S", "--file", periods, "--bulk").Exit.ShouldBe(0);

        var random = new Random(20260101 + (int)provider);
        var outcome = new List<string>();
        var durations = new Dictionary<bool, double>();
        for (int trial = 0; trial < Trials + 2; trial++)
        {
            bool bulk = trial % 2 == 0;
            string period = Period(trial + 1);
            string[] indicators = Enumerable.Range(bulk ? 1 : 11, 10).Select(i => $"I{i:00}").ToArray();
            int units = bulk ? Units : UploadUnits;
            string file = Csv(dir, $"t{trial}.csv", Enumerable.Range(0, units).SelectMany(u => indicators.Select(i => $"U{u:000},{i},{period},{(u + 1) * 1.5}")));
            string[] args = bulk ? ["import", "--scheme", "S", "--file", file, "--bulk"] : ["import", "--scheme", "S", "--file", file, "--submit"];

            // The first run of each path is not killed: it says how long the path takes.
            TimeSpan? killAfter = durations.TryGetValue(bulk, out double d) ? TimeSpan.FromSeconds(d * (0.1 + (0.9 * random.NextDouble()))) : null;
            (int? exit, double seconds) = RunSaima(target, killAfter, args);
            if (killAfter is null)
            {
                exit.ShouldBe(0, $"the unkilled {(bulk ? "bulk" : "validated")} import works");
                durations[bulk] = seconds;
            }

            long stored = Figures(store, period, indicators);
            outcome.Add(string.Create(CultureInfo.InvariantCulture, $"{(bulk ? "bulk" : "upload")} {period}: {(exit is null ? "killed" : "exit " + exit)} after {seconds:0.00} s, {stored} figures"));
            stored.ShouldBeOneOf([0L, (long)units * indicators.Length], string.Join("\n", outcome));
            if (exit == 0)
            {
                stored.ShouldBe((long)units * indicators.Length, string.Join("\n", outcome));
            }
        }

        foreach (string o in outcome)
        {
            log.WriteLine(o);
        }

        outcome.Count(o => o.Contains("killed", StringComparison.Ordinal)).ShouldBeGreaterThan(0, string.Join("\n", outcome));
        if (provider == StoreProvider.Sqlite)
        {
            using var c = new SqliteConnection(store.ConnectionString);
            c.Open();
            global::Saima.Data.Backup.BackupCheck.IntegrityCheck(c).ShouldBe("ok");
        }

        StoreChains chains = AuditChain.Verify(store);
        chains.Audit.Breaks.ShouldBeEmpty(string.Join("\n", outcome));
        chains.Results.Breaks.ShouldBeEmpty();
        RunSaima(target, "audit", "verify").Exit.ShouldBe(0);
    }

    private static string Period(int month) => string.Create(CultureInfo.InvariantCulture, $"2024-{month:00}");

    private static void Seed(StoreOptions store)
    {
        var at = new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);
        using var db = SaimaDb.Open(store);
        var scheme = new AssessmentScheme { Code = "S", Name = "测试", CreatedAt = at, CreatedBy = "office" };
        db.Schemes.Add(scheme);
        var units = Enumerable.Range(0, Units).Select(i => new Unit { Code = $"U{i:000}", Name = $"单位{i}", Kind = UnitKind.County }).ToList();
        db.Units.AddRange(units);
        db.SaveChanges();
        db.SchemeUnits.AddRange(units.Select(u => new SchemeUnit { SchemeId = scheme.Id, UnitId = u.Id }));
        db.Indicators.AddRange(Enumerable.Range(0, 21).Select(i => new Indicator { SchemeId = scheme.Id, Code = $"I{i:00}", Name = $"指标{i}", SortOrder = i }));
        db.SaveChanges();
    }

    private static long Figures(StoreOptions store, string period, string[] indicators)
    {
        using var db = SaimaDb.Open(store);
        var ids = db.Indicators.Where(i => indicators.Contains(i.Code)).Select(i => i.Id).ToList();
        return db.Figures.LongCount(f => f.Period == period && ids.Contains(f.IndicatorId));
    }

    private static string Csv(string dir, string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, "unit,indicator,period,value\n" + string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static CliRun RunSaima(string[] target, params string[] args)
    {
        (int? exit, _) = RunSaima(target, null, args);
        return new CliRun(exit ?? -1, string.Empty, string.Empty);
    }

    /// <summary>Runs the saima command line in its own process, killed (SIGKILL) after <paramref name="killAfter"/> unless it is done by then.</summary>
    private static (int? Exit, double Seconds) RunSaima(string[] target, TimeSpan? killAfter, params string[] args)
    {
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "saima.dll"));
        foreach (string a in args.Concat(target))
        {
            psi.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        if (killAfter is { } wait && !p.WaitForExit(wait))
        {
            p.Kill(entireProcessTree: true); // SIGKILL on Linux
            p.WaitForExit();
            return (null, watch.Elapsed.TotalSeconds);
        }

        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"saima {string.Join(' ', args)} exited {p.ExitCode.ToString(CultureInfo.InvariantCulture)}: {err.Result}{output.Result}");
        }

        return (p.ExitCode, watch.Elapsed.TotalSeconds);
    }
}
