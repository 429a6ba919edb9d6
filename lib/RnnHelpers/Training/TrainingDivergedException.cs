namespace RnnHelpers.Training;

/// <summary>
/// A non-finite value appeared after a training step (the loss, a parameter or a moving statistic): training stopped
/// at the named epoch and batch (both 1-based), before anything of that step was stored.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int batch, string quantity, double value)
    : Exception($"Training diverged: {quantity} is {value} after epoch {epoch}, batch {batch}. Try a smaller LearningRate.")
{
    /// <summary>The epoch (1-based) in which the loss, a parameter or a moving statistic stopped being finite.</summary>
    public int Epoch { get; } = epoch;
    /// <summary>The batch (1-based) within that epoch.</summary>
    public int Batch { get; } = batch;

    /// <summary>What became non-finite: "loss" or a tensor's name such as "batch_normalization.moving_variance".</summary>
    public string Quantity { get; } = quantity;

    /// <summary>The offending value (NaN or ±infinity; for a tensor, its first non-finite entry).</summary>
    public double Value { get; } = value;
}
