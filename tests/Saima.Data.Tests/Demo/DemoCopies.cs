using Saima.Data.Demo;

namespace Saima.Data.Tests.Demo;

/// <summary>The demo city built once per provider in a test run, copied for each test that reads it (the build is the slow part).</summary>
internal static class DemoCopies
{
    /// <summary>A quick build: six months, no stored results.</summary>
    public static readonly DemoOptions Small = new() { Months = 6, ComputeResults = false };

    /// <summary>A copy of the one <see cref="Small"/> build made for this provider in this run, for the caller to read or write.</summary>
    public static StoreOptions SmallCity(Stores stores, StoreProvider provider) =>
        stores.NewCopyOf(provider, "demo-city-small", s => DemoCity.Build(s, Small)).Store;
}
