using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>Creates the optimiser an <see cref="OptimizerKind"/> names.</summary>
public static class Optimizers
{
    /// <summary>A new optimiser of <paramref name="kind"/> over <paramref name="parameters"/>; <see cref="ArgumentOutOfRangeException"/> for an undefined kind.</summary>
    public static IOptimizer Create(OptimizerKind kind, IEnumerable<Tensor> parameters, double learningRate) => kind switch
    {
        OptimizerKind.Sgd => new PlainSgd(parameters, learningRate),
        OptimizerKind.Momentum => new MomentumSgd(parameters, learningRate),
        OptimizerKind.Adam => new KerasAdam(parameters, learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Optimizer must be sgd, momentum or adam."),
    };

    /// <summary>Identifier on the command line and in file names: sgd, momentum, adam.</summary>
    public static string Id(this OptimizerKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The optimiser an identifier names; <see cref="ArgumentException"/> naming the value otherwise.</summary>
    public static OptimizerKind Parse(string text) =>
        Enum.TryParse<OptimizerKind>(text.Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"Optimizer '{text}' is not known; use sgd, momentum or adam.", "Optimizer");

    /// <summary>The learning rate each optimiser is usually run with in Keras: SGD 0.01, momentum 0.01, Adam 0.001.</summary>
    public static double UsualLearningRate(this OptimizerKind kind) => kind == OptimizerKind.Adam ? 0.001 : 0.01;
}
