using RnnHelpers.Statistics;
using RnnHelpers.Results;
using RnnHelpers.Models;

namespace RnnHelpers.Studies;

/// <summary>One model in one setting: its width, its parameter count (Keras' way) and its final test accuracy over seeds by both measures.</summary>
public sealed record ModelCell(RecurrentKind Kind, int HiddenUnits, long Parameters, SeedSpread MovingAverages, SeedSpread RecomputedStatistics)
{
    /// <summary>The final test accuracies over seeds under <paramref name="measure"/>.</summary>
    public SeedSpread Accuracy(AccuracyMeasure measure) => measure == AccuracyMeasure.MovingAverages ? MovingAverages : RecomputedStatistics;
}
