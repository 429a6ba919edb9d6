namespace RnnHelpers.Training;

/// <summary>
/// What one epoch did: losses (mean cross-entropy, nats) and accuracies (fractions in [0,1]), time, and memory.
/// <see cref="TrainLoss"/> and <see cref="TrainAccuracy"/> are running figures over the epoch's batches in training
/// mode; <see cref="TestLoss"/> and <see cref="TestAccuracy"/> are measured after the epoch with batch normalisation's
/// moving averages (the article's measure). The <c>RecomputedBn</c> figures use population statistics recomputed over
/// a fixed training subset (the first 10,000 training images) with the weights frozen; <c>TrainSubset</c> figures are
/// inference-mode accuracies on that subset. Those four are null in runs stored before schema version 2.
/// </summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainLoss">Running mean cross-entropy (nats) over the epoch's batches, training mode.</param>
/// <param name="TrainAccuracy">Running accuracy (fraction) over the epoch's batches, training mode.</param>
/// <param name="TestLoss">Test cross-entropy (nats) with the moving averages.</param>
/// <param name="TestAccuracy">Test accuracy (fraction) with the moving averages: the article's measure.</param>
/// <param name="TestLossRecomputedBn">Test cross-entropy (nats) with recomputed population statistics.</param>
/// <param name="TestAccuracyRecomputedBn">Test accuracy (fraction) with recomputed population statistics.</param>
/// <param name="TrainSubsetAccuracy">Inference-mode accuracy (fraction) on the statistics subset, moving averages.</param>
/// <param name="TrainSubsetAccuracyRecomputedBn">The same with recomputed population statistics.</param>
/// <param name="Seconds">Wall time of the epoch's training steps, in seconds (evaluation excluded).</param>
/// <param name="SamplesPerSecond">Training images per second of <paramref name="Seconds"/>.</param>
/// <param name="EvalSeconds">Wall time of the end-of-epoch evaluation, in seconds.</param>
/// <param name="RssMegabytes">The process's resident memory after the epoch, in MiB (2^20 bytes).</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double? TestLossRecomputedBn,
    double? TestAccuracyRecomputedBn,
    double? TrainSubsetAccuracy,
    double? TrainSubsetAccuracyRecomputedBn,
    double Seconds,
    double SamplesPerSecond,
    double EvalSeconds,
    double RssMegabytes);
