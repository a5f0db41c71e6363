using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/Kefu.Benchmarks -- --filter '*'
// Figures go to docs/PERFORMANCE.md.
BenchmarkSwitcher.FromAssembly(typeof(Kefu.Benchmarks.PiiMaskingBenchmarks).Assembly).Run(args);
