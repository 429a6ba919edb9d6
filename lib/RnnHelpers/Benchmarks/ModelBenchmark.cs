namespace RnnHelpers.Benchmarks;

/// <summary>One model's measured training throughput.</summary>
public sealed record ModelBenchmark(
    string Model,
    int Epochs,
    IReadOnlyList<double> EpochSeconds,
    double MedianEpochSeconds,
    double SamplesPerSecond,
    double EvalSeconds,
    IReadOnlyList<double> RssAfterEpochMegabytes,
    double PeakRssMegabytes,
    double TrainFlopsPerEpoch,
    double AchievedGflops,
    double ShareOfSgemmPeak,
    double FinalTestAccuracy,
    BatchProfile Profile);
