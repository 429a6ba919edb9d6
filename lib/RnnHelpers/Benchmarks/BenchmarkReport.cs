namespace RnnHelpers.Benchmarks;

/// <summary>
/// The whole benchmark: SGEMM peak (GFLOP/s), per-model results, the wall time of all models together (s),
/// the time steps each image was read as, and the libtorch peer comparison when it ran.
/// </summary>
public sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    string Cpu,
    int Threads,
    string TorchSharpVersion,
    double SgemmPeakGflops,
    IReadOnlyList<ModelBenchmark> Models,
    double TotalSeconds,
    int TimeSteps = 28,
    PeerReport? Peer = null);
