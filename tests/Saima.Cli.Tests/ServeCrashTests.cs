using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Saima.Data;
using Saima.Data.Store;
using Saima.Testing;
using Xunit.Abstractions;

namespace Saima.Cli.Tests;

/// <summary>
/// <c>kill -9</c> of <c>saima serve</c> while clients save figures through the API, at random
/// moments, on SQLite and PostgreSQL: afterwards every figure the server acknowledged is stored
/// (with that value or a later one the same client sent), the store passes its integrity check,
/// the audit and result chains are intact, and the server starts again on the store.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ServeCrashTests(Stores stores, ITestOutputHelper log)
{
    private const string Password = "Crash-serve-Pass-2026";
    private const int Trials = 3;
    private const int Writers = 4;

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task KillNineOfServe_UnderWrites_LosesNoAcknowledgedFigure_AndLeavesTheStoreSound(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        string[] indicators = ["GDP", "REV", "AIR", "EMP"];
        var random = new Random(20261206);
        string? token = null;

        // Each writer owns one indicator of every unit and sends rising values: a stored value is
        // never below the last one the server acknowledged for that figure.
        var acknowledged = new ConcurrentDictionary<(string Unit, string Indicator), double>();
        var sent = new ConcurrentDictionary<(string Unit, string Indicator), double>();
        int acks = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            using ServeProcess node = ServeProcess.Start(store, log, "trial " + trial.ToString(CultureInfo.InvariantCulture), Password);
            await node.ReadyAsync();
            if (token is null)
            {
                CliRun created = CliRunner.Run(["token", "create", "--user", "admin", .. ServeProcess.Target(store)]);
                created.Exit.ShouldBe(0, created.ToString());
                token = created.Out.Trim();
            }

            using var stop = new CancellationTokenSource();
            Task[] writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                using HttpClient client = TwoNodeTests.Client(node, new CookieContainer(), token);
                string indicator = indicators[w];
                int step = 0;
                while (!stop.IsCancellationRequested)
                {
                    string unit = LeagueData.Codes[step % LeagueData.Codes.Length];
                    double value = 1000 + (trial * 10_000) + step++;
                    sent[(unit, indicator)] = value;
                    try
                    {
                        HttpResponseMessage r = await client.PostAsJsonAsync(
                            new Uri("/api/v1/schemes/T/periods/2025-07/figures", UriKind.Relative),
                            new { items = new[] { new { unit, indicator, value } } });
                        if (r.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged[(unit, indicator)] = value;
                            Interlocked.Increment(ref acks);
                        }
                        else if (r.StatusCode != HttpStatusCode.Conflict)
                        {
                            throw new InvalidOperationException($"{unit} {indicator}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToArray();

            // The kill comes at a random moment once writes are being acknowledged (the first
            // requests of a fresh process are slow on a loaded machine).
            int before = Volatile.Read(ref acks);
            for (int wait = 0; wait < 600 && Volatile.Read(ref acks) == before && writers.Any(t => !t.IsCompleted); wait++)
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 + random.Next(2000)));
            node.KillNine();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        log.WriteLine($"{acks.ToString(CultureInfo.InvariantCulture)} figures acknowledged over {Trials.ToString(CultureInfo.InvariantCulture)} kills");
        acks.ShouldBeGreaterThan(0);

        if (provider == StoreProvider.Sqlite)
        {
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder(store.ConnectionString) { Pooling = false }.ToString());
            c.Open();
            using var check = c.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            check.ExecuteScalar().ShouldBe("ok");
        }

        using (SaimaDb db = SaimaDb.Open(store))
        {
            long scheme = db.Schemes.Single(s => s.Code == "T").Id;
            var units = db.Units.ToDictionary(u => u.Id, u => u.Code);
            var codes = db.Indicators.Where(i => i.SchemeId == scheme).ToDictionary(i => i.Id, i => i.Code);
            var stored = db.Figures.Where(f => f.SchemeId == scheme && f.Period == "2025-07").ToList()
                .ToDictionary(f => (units[f.UnitId], codes[f.IndicatorId]), f => f.Value);
            foreach (((string unit, string indicator), double value) in acknowledged)
            {
                double? have = stored.GetValueOrDefault((unit, indicator));
                have.ShouldNotBeNull($"{unit} {indicator} was acknowledged ({value}) and is gone");
                have!.Value.ShouldBeGreaterThanOrEqualTo(value, $"{unit} {indicator}: acknowledged {value}, stored {have}");
                have.Value.ShouldBeLessThanOrEqualTo(sent[(unit, indicator)], "nothing stored that was never sent");
            }

            StoreChains chains = AuditChain.Verify(db);
            chains.Audit.Intact.ShouldBeTrue(string.Join("; ", chains.Audit.Breaks.Select(b => b.Detail)));
        }

        using ServeProcess again = ServeProcess.Start(store, log, "after the kills", Password);
        await again.ReadyAsync();
    }
}
