namespace RnnHelpers.Benchmarks;

/// <summary>
/// One model timed with the library's fused kernels and with libtorch's stock module, epoch by epoch in turn.
/// Seconds are training only (no evaluation), one entry per pair; an empty list means that side was not run.
/// <paramref name="Ratios"/> are fused ÷ stock per pair (below 1: the fused kernels are faster);
/// the last train losses (mean cross-entropy of the last timed epoch) show both sides trained the same model.
/// </summary>
public sealed record PeerModelResult(
    string Model,
    IReadOnlyList<double> FusedSeconds,
    IReadOnlyList<double> StockSeconds,
    IReadOnlyList<double> Ratios,
    double? MedianRatio,
    double? FusedLastLoss,
    double? StockLastLoss);
