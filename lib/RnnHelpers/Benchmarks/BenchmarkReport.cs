namespace RnnHelpers.Benchmarks;

/// <summary>
/// The whole benchmark: SGEMM peak (GFLOP/s), per-model results, the wall time of all models together (s),
/// the time steps each image was read as, the libtorch peer comparison when it ran, and the SGEMM peak of libtorch on one
/// thread (GFLOP/s), against which one core's matrix products are set, and the floats in the fused kernels' vector lane
/// (16 on AVX-512 machines, 8 with AVX2; 0 in reports older than the figure).
/// </summary>
public sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    string Cpu,
    int Threads,
    string TorchSharpVersion,
    double SgemmPeakGflops,
    IReadOnlyList<ModelBenchmark> Models,
    double TotalSeconds,
    int TimeSteps = Results.RunKey.DefaultTimeSteps,
    PeerReport? Peer = null,
    double SgemmPeakOneThreadGflops = 0,
    int VectorFloats = 0);
