namespace RnnHelpers.Benchmarks;

/// <summary>
/// One model timed with the library's fused kernels and with libtorch's stock module, epoch by epoch in turn.
/// Seconds are training only (no evaluation), one entry per pair; an empty list means that side was not run.
/// <paramref name="Ratios"/> are fused ÷ stock per pair (below 1: the fused kernels are faster);
/// the last train losses (mean cross-entropy of the last timed epoch) show both sides trained the same model.
/// Per pair too, to tell a side slowed down throughout an epoch from one held up in a few batches: the median milliseconds
/// of a batch (<paramref name="FusedBatchMedians"/>, <paramref name="StockBatchMedians"/>), and the seconds an epoch spent
/// in slow batches beyond that median (<paramref name="FusedSlowSeconds"/>, <paramref name="StockSlowSeconds"/>: batches
/// over twice the median, their time above it). Null in reports written before these were measured.
/// </summary>
public sealed record PeerModelResult(
    string Model,
    IReadOnlyList<double> FusedSeconds,
    IReadOnlyList<double> StockSeconds,
    IReadOnlyList<double> Ratios,
    double? MedianRatio,
    double? FusedLastLoss,
    double? StockLastLoss,
    IReadOnlyList<double>? FusedBatchMedians = null,
    IReadOnlyList<double>? StockBatchMedians = null,
    IReadOnlyList<double>? FusedSlowSeconds = null,
    IReadOnlyList<double>? StockSlowSeconds = null);
