using RnnHelpers.Statistics;

namespace RnnHelpers.Results;

/// <summary>
/// One model's runs under one accuracy measure (accuracies are fractions). Accuracies are bounded, so their summaries
/// are the mean with a percentile-bootstrap 95% interval, the median and the range, and a logit-scale 95% prediction
/// interval for one more run; the best epoch is summarised by its median and range; the share of runs that peaked early
/// by a Clopper-Pearson interval.
/// </summary>
public sealed record ModelStatistics(
    string Model,
    long Parameters,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<double> Final,
    double FinalMean,
    double FinalStandardDeviation,
    (double Low, double High) FinalMeanInterval,
    double FinalMedian,
    PredictionInterval FinalPrediction,
    IReadOnlyList<double> Best,
    double BestMedian,
    IReadOnlyList<int> BestEpochs,
    double BestEpochMedian,
    BinomialRate PeakedEarly,
    double MedianSecondsPerEpoch)
{
    /// <summary>Number of runs (seeds) the statistics rest on.</summary>
    public int Runs => Final.Count;
}
