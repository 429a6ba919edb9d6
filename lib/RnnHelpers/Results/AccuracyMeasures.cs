using RnnHelpers.Training;

namespace RnnHelpers.Results;

/// <summary>Reading a measure out of an epoch, and its name in tables and prose.</summary>
public static class AccuracyMeasures
{
    /// <summary>Both measures, the article's (moving averages) first.</summary>
    public static IReadOnlyList<AccuracyMeasure> All { get; } = [AccuracyMeasure.MovingAverages, AccuracyMeasure.RecomputedBn];

    /// <summary>The epoch's test accuracy under the measure (fraction), or null when the run predates the recomputed one.</summary>
    public static double? TestAccuracy(this AccuracyMeasure measure, EpochRecord epoch) =>
        measure == AccuracyMeasure.MovingAverages ? epoch.TestAccuracy : epoch.TestAccuracyRecomputedBn;

    /// <summary>Short name for table columns: "moving averages" or "recomputed BN".</summary>
    public static string ShortName(this AccuracyMeasure measure) =>
        measure == AccuracyMeasure.MovingAverages ? "moving averages" : "recomputed BN";

    /// <summary>Name for prose and captions.</summary>
    public static string Description(this AccuracyMeasure measure) => measure == AccuracyMeasure.MovingAverages
        ? "test accuracy with batch normalisation's moving averages (the article's measure)"
        : $"test accuracy with batch-normalisation statistics recomputed over {Trainer.PopulationStatisticsImages.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} training images after each epoch";
}
