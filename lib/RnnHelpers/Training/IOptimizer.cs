using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// An optimiser over a fixed list of parameters: drop the gradients, then step after each backward pass. A step updates
/// each parameter in place (its storage never moves), which the trainer's finiteness check relies on.
/// </summary>
public interface IOptimizer : IDisposable
{
    double LearningRate { get; }

    /// <summary>True when the optimiser keeps state between steps (momentum, moment estimates) that a checkpoint would need.</summary>
    bool HasState { get; }

    /// <summary>Drops the gradients (PyTorch's <c>set_to_none</c>), so the next backward pass stores them as they are.</summary>
    void ZeroGrad();

    /// <summary>Updates every parameter that has a gradient, in place.</summary>
    void Step();
}
