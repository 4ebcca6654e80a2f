using System.Globalization;
using Xunit.Abstractions;
using FsCheck;
using FsCheck.Fluent;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// Fuzzing of intake: malformed .xlsx, .xls and .csv files made from valid ones (our template
/// writer's, LibreOffice's, hand-written CSV) by <see cref="IntakeMutator"/>, with FsCheck choosing
/// the file and the mutation's seed. Each must end in an import, or a refusal whose every error
/// names a place (sheet or file, and row or column where there is one) and leaves the store as it
/// was; never an exception. SAIMA_FSCHECK_SEED replays a run ("random" explores); bench/fuzz runs
/// the same cases by the hundred thousand.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class IntakeFuzzTests(Stores stores, ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreProvider.Sqlite, 2000)]
    [InlineData(StoreProvider.Postgres, 100)]
    public void Import_MalformedFiles_EachEndInAnImportOrARefusalNamingAPlaceAndNeverChangeTheStoreOnRefusal(StoreProvider provider, int cases)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        List<(string Name, byte[] Bytes)> seeds = IntakeFuzzCase.Seeds(world);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        Gen<(int File, int Seed)> gen =
            from file in Gen.Choose(0, seeds.Count - 1)
            from seed in Gen.Choose(0, int.MaxValue - 1)
            select (file, seed);

        Prop.ForAll(Arb.From(gen), c => IntakeFuzzCase.Run(world, seeds[c.File], c.Seed, outcomes)).Check(Config(cases));

        output.WriteLine(string.Join(Environment.NewLine, outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key}: {o.Value}"))));
        outcomes.Values.Sum().ShouldBeGreaterThanOrEqualTo(cases);
        outcomes.Keys.ShouldContain(k => k.StartsWith("refused", StringComparison.Ordinal));
    }

    private static Config Config(int cases)
    {
        string? text = Environment.GetEnvironmentVariable("SAIMA_FSCHECK_SEED");
        Config config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true);
        if (string.Equals(text, "random", StringComparison.OrdinalIgnoreCase))
        {
            return config;
        }

        ulong seed = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s) ? s : 20261206UL;
        return config.WithReplay(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), null));
    }
}
