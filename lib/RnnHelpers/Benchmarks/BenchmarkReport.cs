namespace RnnHelpers.Benchmarks;

/// <summary>The whole benchmark: SGEMM peak, per-model results, and the wall time of all models together.</summary>
public sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    string Cpu,
    int Threads,
    string TorchSharpVersion,
    double SgemmPeakGflops,
    IReadOnlyList<ModelBenchmark> Models,
    double TotalSeconds);
