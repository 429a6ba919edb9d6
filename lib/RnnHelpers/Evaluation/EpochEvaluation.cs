namespace RnnHelpers.Evaluation;

/// <summary>
/// What <see cref="Evaluator.EvaluateEpoch"/> measures after an epoch (accuracies are fractions in [0, 1], losses mean
/// cross-entropy in nats): on the test set with batch normalisation's moving averages (the article's measure) and with
/// recomputed population statistics, and on the fixed training subset the statistics come from, under both.
/// </summary>
public sealed record EpochEvaluation(
    double TestLoss,
    double TestAccuracy,
    double TestLossRecomputedBn,
    double TestAccuracyRecomputedBn,
    double TrainSubsetAccuracy,
    double TrainSubsetAccuracyRecomputedBn,
    PopulationStatistics Statistics);
