namespace RnnHelpers.Training;

/// <summary>
/// A training protocol (docs/notation.md): epochs, batch size, learning rate and optimiser, with the model's hidden
/// units, seed and thread count. Defaults are the article's (Keras "Working with RNNs" guide): plain SGD with learning
/// rate 0.01 and no momentum, batch size 64, 10 epochs, 64 hidden units. <see cref="Validate"/> checks them.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set (the article: 10).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Images per optimiser step, B (the article: 64); the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>The optimiser's step size (the article: 0.01).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Hidden units H of the recurrent layer (the article: 64).</summary>
    public int HiddenUnits { get; init; } = 64;
    /// <summary>Fixes initialisation and the shuffling of every epoch.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The optimiser; the article's is plain SGD.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>LSTM only: start the forget gate's bias at 1 (Keras' unit_forget_bias, the default) instead of 0.</summary>
    public bool UnitForgetBias { get; init; } = true;

    /// <summary>
    /// The run's thread count: the number of row blocks the fused recurrent kernels split a batch into, while libtorch
    /// itself runs single-threaded during training and evaluation. Null uses every core. Part of a run's key, because
    /// the summation order of the weight gradients depends on it. The one description is docs/notation.md, "Threads".
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// The thread count a run with these options uses on this machine: <see cref="Threads"/> (or every core), never more
    /// than the machine's cores, because the kernels never split a batch into more blocks than that.
    /// </summary>
    public int ResolvedThreads => Math.Min(Threads ?? Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Batch size for test-set evaluation; evaluation needs no gradients, so larger is faster.</summary>
    public int EvalBatchSize { get; init; } = 2000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public TrainingOptions Validate()
    {
        if (Epochs < 1) throw Bad(nameof(Epochs), Epochs, "at least 1");
        if (BatchSize < 1) throw Bad(nameof(BatchSize), BatchSize, "at least 1");
        if (double.IsNaN(LearningRate) || double.IsInfinity(LearningRate) || LearningRate <= 0)
            throw Bad(nameof(LearningRate), LearningRate, "a finite number greater than 0");
        if (HiddenUnits < 1) throw Bad(nameof(HiddenUnits), HiddenUnits, "at least 1");
        if (!Enum.IsDefined(Optimizer)) throw Bad(nameof(Optimizer), Optimizer, "sgd, momentum or adam");
        if (Threads is < 1) throw Bad(nameof(Threads), Threads, "at least 1 (or null for all cores)");
        if (EvalBatchSize < 1) throw Bad(nameof(EvalBatchSize), EvalBatchSize, "at least 1");
        return this;
    }

    private static ArgumentException Bad(string name, object? value, string expected) =>
        new($"{name} must be {expected}; got {value}.", name);
}
