namespace RnnHelpers.Training;

/// <summary>
/// What one epoch did: losses (mean cross-entropy, nats) and accuracies (fractions in [0,1]), time, and memory.
/// <see cref="TrainLoss"/> and <see cref="TrainAccuracy"/> are running figures over the epoch's batches in training
/// mode; <see cref="TestLoss"/> and <see cref="TestAccuracy"/> are measured after the epoch with batch normalisation's
/// moving averages (the article's measure). The <c>RecomputedBn</c> figures use population statistics recomputed over
/// a fixed training subset (the first 10,000 training images) with the weights frozen; <c>TrainSubset</c> figures are
/// inference-mode accuracies on that subset. Those four are null in runs stored before schema version 2.
/// </summary>
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
