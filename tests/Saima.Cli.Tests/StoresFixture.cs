using Saima.Testing;

namespace Saima.Cli.Tests;

/// <summary>The tests of this assembly that use the two stores share one <see cref="Stores"/> (a collection definition must live in the test assembly).</summary>
[CollectionDefinition(StoresCollection.Name)]
public sealed class StoresFixture : ICollectionFixture<Stores>;
