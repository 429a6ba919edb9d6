using RnnHelpers.Models;

namespace RnnHelpers.Training;

/// <summary>A trained model with its per-epoch history and the thread count it was trained with.</summary>
public sealed class TrainingResult(RecurrentKind kind, TrainingOptions options, RecurrentClassifier model, IReadOnlyList<EpochRecord> history, int threads)
{
    public RecurrentKind Kind { get; } = kind;
    public TrainingOptions Options { get; } = options;
    public RecurrentClassifier Model { get; } = model;
    public IReadOnlyList<EpochRecord> History { get; } = history;
    public int Threads { get; } = threads;

    public EpochRecord Final => History[^1];

    /// <summary>The epoch with the highest test accuracy (moving averages), the earliest on ties.</summary>
    public EpochRecord Best => History.OrderByDescending(e => e.TestAccuracy).ThenBy(e => e.Epoch).First();
}
