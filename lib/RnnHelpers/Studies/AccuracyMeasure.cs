namespace RnnHelpers.Studies;

/// <summary>Which final test accuracy a comparison reads (both are fractions in [0, 1], measured after the last epoch).</summary>
public enum AccuracyMeasure
{
    /// <summary>Batch normalisation with its moving averages (<c>EpochRecord.TestAccuracy</c>): the article's measure.</summary>
    MovingAverages,

    /// <summary>
    /// Batch normalisation with population statistics recomputed over the first 10,000 training images with the weights
    /// frozen (<c>EpochRecord.TestAccuracyRecomputedBn</c>): what the weights can do, without the lag of the moving averages.
    /// </summary>
    RecomputedStatistics,
}
