namespace RnnHelpers.Results;

/// <summary>
/// Headline numbers of a run (accuracies are fractions in [0,1]; the best epoch is the earliest of equal best ones).
/// Plain figures use batch normalisation's moving averages (the article's measure); <c>RecomputedBn</c> figures use
/// recomputed population statistics and are null for runs stored before schema version 2.
/// </summary>
public sealed record RunSummary(
    double FinalTestAccuracy,
    double BestTestAccuracy,
    int BestEpoch,
    double FinalTestLoss,
    double MeanEpochSeconds,
    double? FinalTestAccuracyRecomputedBn = null,
    double? BestTestAccuracyRecomputedBn = null,
    int? BestEpochRecomputedBn = null);
