using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/Kefu.Benchmarks -- --filter '*'
// Dashboard queries against a generated store: dotnet run -c Release --project bench/Kefu.Benchmarks -- dashboard --provider postgres --connection "…"
// Figures go to docs/PERFORMANCE.md.
if (args.Length > 0 && args[0] == "dashboard")
{
    return await Kefu.Benchmarks.DashboardBench.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Kefu.Benchmarks.PiiMaskingBenchmarks).Assembly).Run(args);
return 0;
