using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// SGD with momentum 0.9, as Keras 3's <c>keras/src/optimizers/sgd.py</c>: m = μ·m − lr·g; p += m (no Nesterov, no
/// weight decay). Written like <see cref="PlainSgd"/>, with Scalars that live as long as the optimiser, so a step
/// allocates nothing native that only a finalizer frees.
/// </summary>
public sealed class MomentumSgd : IOptimizer
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _velocity;
    private readonly Scalar _momentum, _negativeLearningRate;

    public MomentumSgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0.9)
    {
        _parameters = parameters.ToList();
        LearningRate = learningRate;
        Momentum = momentum;
        _velocity = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _momentum = momentum.ToScalar();
        _negativeLearningRate = (-learningRate).ToScalar();
    }

    public double LearningRate { get; }
    public double Momentum { get; }
    public bool HasState => true;

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.grad = null;
    }

    public void Step()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
                continue;
            _velocity[i].mul_(_momentum).add_(grad, _negativeLearningRate);
            _parameters[i].add_(_velocity[i]);
        }
    }

    public void Dispose()
    {
        foreach (var v in _velocity) v.Dispose();
        _momentum.Dispose();
        _negativeLearningRate.Dispose();
    }
}
