using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>A stored run of the long-sequence study and the point of the grid it belongs to.</summary>
public sealed record SequenceRun(SequencePoint Point, RunRecord Record)
{
    /// <summary>
    /// The figure the study compares: test accuracy (fraction in [0, 1]) after the last epoch, with batch normalisation
    /// using population statistics recomputed over the training subset. After the study's few hundred updates the moving
    /// averages (momentum 0.99) still carry much of their initial values, so they would measure the averages' lag, not
    /// the model. Runs stored without recomputed statistics fall back to the moving-average figure.
    /// </summary>
    public double Accuracy => Record.History[^1].TestAccuracyRecomputedBn ?? Record.History[^1].TestAccuracy;
}
