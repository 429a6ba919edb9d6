using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// Plain SGD (p -= lr * grad), no momentum, no weight decay. Written out rather than using
/// torch.optim.SGD because the latter creates a native Scalar per parameter per step that
/// only finalizers free; with ~5 parameters and ~940 steps an epoch that fragments the native
/// heap (the LSTM grew to ~4 GB). Here one Scalar lives as long as the optimiser.
/// </summary>
public sealed class PlainSgd : IOptimizer
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Scalar _negativeLearningRate;

    public PlainSgd(IEnumerable<Tensor> parameters, double learningRate)
    {
        _parameters = parameters.ToList();
        LearningRate = learningRate;
        _negativeLearningRate = (-learningRate).ToScalar();
    }

    public double LearningRate { get; }

    public bool HasState => false;

    /// <summary>
    /// Drops the gradients (PyTorch's <c>set_to_none</c>): the next backward pass then stores its gradients
    /// as they are instead of adding them to zeros, which gives the same numbers with less work.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.grad = null;
    }

    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var p in _parameters)
        {
            var grad = p.grad;
            if (grad is not null)
                p.add_(grad, _negativeLearningRate);
        }
    }

    public void Dispose() => _negativeLearningRate.Dispose();
}
