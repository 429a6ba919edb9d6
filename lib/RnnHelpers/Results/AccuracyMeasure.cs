namespace RnnHelpers.Results;

/// <summary>
/// Which test accuracy a statistic rests on: batch normalisation's moving averages (the article's measure, what Keras
/// reports) or population statistics recomputed over a fixed training subset after each epoch (weights frozen).
/// </summary>
public enum AccuracyMeasure
{
    MovingAverages,
    RecomputedBn,
}
