using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// SGD with momentum 0.9, as Keras 3's <c>keras/src/optimizers/sgd.py</c>: m = μ·m − lr·g; p += m (no Nesterov, no
/// weight decay). Written like <see cref="PlainSgd"/>, with Scalars that live as long as the optimiser, so a step
/// allocates nothing native that only a finalizer frees.
/// </summary>
public sealed class MomentumSgd : ParameterOptimizer
{
    private readonly Tensor[] _velocity;
    private readonly Scalar _momentum, _negativeLearningRate;

    /// <param name="parameters">The tensors to update.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="momentum">μ, Keras' default 0.9.</param>
    public MomentumSgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0.9) : base(parameters, learningRate)
    {
        Momentum = momentum;
        _velocity = ZerosPerParameter();
        _momentum = momentum.ToScalar();
        _negativeLearningRate = (-learningRate).ToScalar();
    }

    /// <summary>μ, the share of the previous velocity kept each step.</summary>
    public double Momentum { get; }

    /// <summary>True: the velocity m of every parameter.</summary>
    public override bool HasState => true;

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        _velocity[index].mul_(_momentum).add_(grad, _negativeLearningRate);
        parameter.add_(_velocity[index]);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var v in _velocity) v.Dispose();
        _momentum.Dispose();
        _negativeLearningRate.Dispose();
    }
}
