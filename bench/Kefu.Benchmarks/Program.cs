using BenchmarkDotNet.Running;

// Micro-benchmarks: dotnet run -c Release --project bench/Kefu.Benchmarks -- --filter '*'
// Agent-desktop memory under load (bench/desktop-memory.sh drives it): ... -- desktops --url URL --agents 300 --pid PID
// Dashboard queries against a generated store: ... -- dashboard --provider postgres --connection "…"
// Figures go to docs/PERFORMANCE.md.
if (args.Length > 0 && args[0] == "desktops")
{
    return await Kefu.Benchmarks.DesktopLoad.RunAsync(args);
}

if (args.Length > 0 && args[0] == "dashboard")
{
    return await Kefu.Benchmarks.DashboardBench.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Kefu.Benchmarks.PiiMaskingBenchmarks).Assembly).Run(args);
return 0;
