namespace RnnHelpers.Training;

/// <summary>A progress report: running loss and accuracy of the current epoch; <see cref="Completed"/> at epoch end.</summary>
public sealed record TrainingProgress(
    ProgressKind Kind,
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double RunningLoss,
    double RunningAccuracy,
    EpochRecord? Completed);
