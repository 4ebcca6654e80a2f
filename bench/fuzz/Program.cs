using System.Diagnostics;
using System.Globalization;
using Saima.Data;
using Saima.Data.Tests.Intake;

// The intake fuzz at length: `dotnet run -c Release --project bench/fuzz -- [--cases 100000] [--seed 1] [--postgres CONN]`.
// Each case is one valid file (fixture or our writer's) mutated from a seed and imported into one
// store; any unhandled exception, refusal without a place, or store changed by a refusal stops the
// run naming the file, the mutation and its seed (replay it with --seed and --from).
int cases = 100_000, seed = 1, from = 0;
string? postgres = null;
for (int i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--cases":
            cases = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--from":
            from = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--postgres":
            postgres = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

StoreOptions store = postgres is null
    ? StoreOptions.SqliteFile(Path.Combine(Path.GetTempPath(), $"saima-fuzz-{Environment.ProcessId}.db"))
    : StoreOptions.Postgres(postgres);
SchemaMigrator.Migrate(store);
IntakeWorld world = IntakeWorld.Create(store);
List<(string Name, byte[] Bytes)> seeds = IntakeFuzzCase.Seeds(world);
var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
var picker = new Random(seed);
var watch = Stopwatch.StartNew();
for (int n = 0; n < cases; n++)
{
    int file = picker.Next(seeds.Count), mutation = picker.Next(int.MaxValue);
    if (n < from)
    {
        continue;
    }

    try
    {
        IntakeFuzzCase.Run(world, seeds[file], mutation, outcomes);
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"case {n.ToString(CultureInfo.InvariantCulture)} FAILED: {e.Message}");
        Console.Error.WriteLine(e.InnerException?.ToString());
        return 1;
    }

    if ((n + 1) % 1000 == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n + 1} cases in {watch.Elapsed.TotalSeconds:0} s, no failure"));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases - from} cases in {watch.Elapsed.TotalSeconds:0} s: no unhandled exception, every refusal named a place and left the store as it was"));
var totals = outcomes.GroupBy(o => o.Key.Split(" (")[0]).Select(g => (g.Key, Count: g.Sum(x => x.Value))).OrderByDescending(x => x.Count);
foreach ((string outcome, int count) in totals)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {outcome}: {count}"));
}

return 0;
