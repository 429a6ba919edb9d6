namespace RnnHelpers.Training;

/// <summary>What one epoch did: losses and accuracies (fractions in [0,1]), time, and memory.</summary>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double SamplesPerSecond,
    double EvalSeconds,
    double RssMegabytes);

/// <summary>Whether a progress report is about a batch or a finished epoch.</summary>
public enum ProgressKind
{
    Batch,
    Epoch,
}

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

/// <summary>Loss became NaN or infinite: training stopped at the named epoch and batch.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, double loss)
    : Exception($"Training diverged: loss is {loss} at epoch {epoch}, batch {batch}. Try a smaller LearningRate.")
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
    public double Loss { get; } = loss;
}
