using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// Plain SGD (p -= lr * grad), no momentum, no weight decay: Keras 3's <c>keras/src/optimizers/sgd.py</c> with
/// momentum 0, and the article's optimiser. Written out rather than using torch.optim.SGD because the latter creates
/// a native Scalar per parameter per step that only finalizers free; with ~5 parameters and ~940 steps an epoch that
/// fragments the native heap (the LSTM grew to ~4 GB). Here one Scalar lives as long as the optimiser.
/// </summary>
public sealed class PlainSgd : ParameterOptimizer
{
    private readonly Scalar _negativeLearningRate;

    /// <param name="parameters">The tensors to update.</param>
    /// <param name="learningRate">lr (0.01 in the article).</param>
    public PlainSgd(IEnumerable<Tensor> parameters, double learningRate) : base(parameters, learningRate) =>
        _negativeLearningRate = (-learningRate).ToScalar();

    /// <summary>False: plain SGD keeps nothing between steps.</summary>
    public override bool HasState => false;

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad) => parameter.add_(grad, _negativeLearningRate);

    /// <inheritdoc />
    public override void Dispose() => _negativeLearningRate.Dispose();
}
