using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Saima.Bench -- --filter '*' [--job short]
// (see bench/README.md for the figures and what they are measured against).
BenchmarkSwitcher.FromAssembly(typeof(Saima.Bench.Workload).Assembly).Run(args);
