using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sessions.Benchmarks.PipelineBenchmarks).Assembly).Run(args);
