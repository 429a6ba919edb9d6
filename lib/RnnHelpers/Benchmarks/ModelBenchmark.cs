namespace RnnHelpers.Benchmarks;

/// <summary>
/// One model's measured training throughput: seconds per epoch (training only) and their median, samples per second,
/// evaluation seconds, RSS after each epoch and the process peak (MB), FLOPs of an epoch and GFLOP/s, the share of the
/// SGEMM peak (a fraction), test accuracy of the last epoch (a fraction), the per-batch profile, and the GFLOP/s of one
/// step's matrix products on one core and, in all, on every row block's core at once
/// (<see cref="ThroughputBenchmark.MeasureStepProducts"/>; 0 in reports older than the figure).
/// </summary>
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
    BatchProfile Profile,
    double StepProductsGflopsPerCore = 0,
    double StepProductsGflopsAllCores = 0);
