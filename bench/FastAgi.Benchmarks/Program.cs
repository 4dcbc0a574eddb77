using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(FastAgi.Benchmarks.ReplyBenchmarks).Assembly).Run(args);
