using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// Adam with Keras' defaults (β1 0.9, β2 0.999, ε 1e-7), as Keras 3's <c>keras/src/optimizers/adam.py</c>:
/// α_t = lr·√(1−β2^t)/(1−β1^t); m += (g − m)(1 − β1); v += (g² − v)(1 − β2); p −= α_t·m/(√v + ε).
/// (Keras puts ε outside the bias correction of v, PyTorch inside; with ε = 1e-7 the two differ only in the last bits
/// of early steps.) Per-parameter work tensors are allocated once, so a step allocates nothing native that only a
/// finalizer frees.
/// </summary>
public sealed class KerasAdam : IOptimizer
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _m, _v, _work;
    private readonly double _beta1, _beta2, _epsilon;
    private readonly Scalar _oneMinusBeta1, _oneMinusBeta2, _epsilonScalar;
    private long _step;

    public KerasAdam(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
    {
        _parameters = parameters.ToList();
        LearningRate = learningRate;
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
        _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _work = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilonScalar = epsilon.ToScalar();
    }

    public double LearningRate { get; }
    public bool HasState => true;

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.grad = null;
    }

    public void Step()
    {
        using var noGrad = no_grad();
        _step++;
        double alpha = LearningRate * Math.Sqrt(1 - Math.Pow(_beta2, _step)) / (1 - Math.Pow(_beta1, _step));
        using var negativeAlpha = (-alpha).ToScalar();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
                continue;
            // m += (g − m)(1 − β1), written as m = m + (1 − β1)(g − m) with one work tensor.
            _work[i].copy_(grad).sub_(_m[i]);
            _m[i].add_(_work[i], _oneMinusBeta1);
            _work[i].copy_(grad).mul_(grad).sub_(_v[i]);
            _v[i].add_(_work[i], _oneMinusBeta2);
            _work[i].copy_(_v[i]).sqrt_().add_(_epsilonScalar);
            _parameters[i].addcdiv_(_m[i], _work[i], negativeAlpha);
        }
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v).Concat(_work)) t.Dispose();
        _oneMinusBeta1.Dispose();
        _oneMinusBeta2.Dispose();
        _epsilonScalar.Dispose();
    }
}
