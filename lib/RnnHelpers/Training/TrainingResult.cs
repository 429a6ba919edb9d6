using RnnHelpers.Models;

namespace RnnHelpers.Training;

/// <summary>A trained model with its per-epoch history and the thread count it was trained with.</summary>
public sealed class TrainingResult(RecurrentKind kind, TrainingOptions options, RecurrentClassifier model, IReadOnlyList<EpochRecord> history, int threads)
{
    /// <summary>The model trained.</summary>
    public RecurrentKind Kind { get; } = kind;
    /// <summary>The training protocol it was trained under.</summary>
    public TrainingOptions Options { get; } = options;
    /// <summary>The trained model, in inference mode.</summary>
    public RecurrentClassifier Model { get; } = model;
    /// <summary>One record per epoch, in order.</summary>
    public IReadOnlyList<EpochRecord> History { get; } = history;
    /// <summary>The thread count the run used (<see cref="TrainingOptions.ResolvedThreads"/>; docs/notation.md, "Threads").</summary>
    public int Threads { get; } = threads;

    /// <summary>The last epoch's record.</summary>
    public EpochRecord Final => History[^1];

    /// <summary>The epoch with the highest test accuracy (moving averages), the earliest on ties.</summary>
    public EpochRecord Best => History.OrderByDescending(e => e.TestAccuracy).ThenBy(e => e.Epoch).First();
}
