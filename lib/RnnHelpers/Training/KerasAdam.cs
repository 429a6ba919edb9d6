using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with Keras' defaults (β1 0.9, β2 0.999, ε 1e-7), as Keras 3's
/// <c>keras/src/optimizers/adam.py</c>: α_t = lr·√(1−β2^t)/(1−β1^t); m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
/// p −= α_t·m/(√v + ε). (Keras puts ε outside the bias correction of v, PyTorch inside; with ε = 1e-7 the two differ
/// only in the last bits of early steps.) Per-parameter work tensors are allocated once, so a step allocates nothing
/// native that only a finalizer frees.
/// </summary>
public sealed class KerasAdam : ParameterOptimizer
{
    private readonly Tensor[] _m, _v, _work;
    private readonly double _beta1, _beta2, _epsilon;
    private readonly Scalar _oneMinusBeta1, _oneMinusBeta2, _epsilonScalar;
    private long _step;
    private Scalar? _negativeAlpha; // −α_t of the step under way; disposed when the step ends

    /// <param name="parameters">The tensors to update.</param>
    /// <param name="learningRate">lr (Keras' usual 0.001).</param>
    /// <param name="beta1">β1, decay of the first-moment estimate m.</param>
    /// <param name="beta2">β2, decay of the second-moment estimate v.</param>
    /// <param name="epsilon">ε, added to √v (Keras' placement).</param>
    public KerasAdam(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
        : base(parameters, learningRate)
    {
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
        _m = ZerosPerParameter();
        _v = ZerosPerParameter();
        _work = ZerosPerParameter();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilonScalar = epsilon.ToScalar();
    }

    /// <summary>True: the moment estimates m and v and the step count t.</summary>
    public override bool HasState => true;

    /// <summary>Advances t and computes the step's bias-corrected rate α_t.</summary>
    protected override IDisposable BeginStep()
    {
        _step++;
        double alpha = LearningRate * Math.Sqrt(1 - Math.Pow(_beta2, _step)) / (1 - Math.Pow(_beta1, _step));
        return _negativeAlpha = (-alpha).ToScalar();
    }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        // m += (g − m)(1 − β1), written as m = m + (1 − β1)(g − m) with one work tensor.
        _work[index].copy_(grad).sub_(_m[index]);
        _m[index].add_(_work[index], _oneMinusBeta1);
        _work[index].copy_(grad).mul_(grad).sub_(_v[index]);
        _v[index].add_(_work[index], _oneMinusBeta2);
        _work[index].copy_(_v[index]).sqrt_().add_(_epsilonScalar);
        parameter.addcdiv_(_m[index], _work[index], _negativeAlpha!);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var t in _m.Concat(_v).Concat(_work)) t.Dispose();
        _oneMinusBeta1.Dispose();
        _oneMinusBeta2.Dispose();
        _epsilonScalar.Dispose();
    }
}
