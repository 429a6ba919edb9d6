using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// What <see cref="PlainSgd"/>, <see cref="MomentumSgd"/> and <see cref="KerasAdam"/> share: a fixed list of
/// parameters, <see cref="ZeroGrad"/> as PyTorch's <c>set_to_none</c>, and a <see cref="Step"/> that runs without
/// autograd and updates each parameter that has a gradient, in list order. Subclasses write only the update rule,
/// so the arithmetic of each optimiser is its own and unchanged by the sharing.
/// </summary>
public abstract class ParameterOptimizer : IOptimizer
{
    /// <param name="parameters">The tensors to update, in the order they are stepped; copied once.</param>
    /// <param name="learningRate">The step size lr (no unit; the optimiser's own scale).</param>
    protected ParameterOptimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToList();
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in the order they were given.</summary>
    protected IReadOnlyList<Tensor> Parameters { get; }

    /// <inheritdoc />
    public double LearningRate { get; }

    /// <inheritdoc />
    public abstract bool HasState { get; }

    /// <summary>
    /// Drops the gradients (PyTorch's <c>set_to_none</c>): the next backward pass then stores its gradients
    /// as they are instead of adding them to zeros, which gives the same numbers with less work.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
            p.grad = null;
    }

    /// <summary>Runs <see cref="BeginStep"/>, then <see cref="Update"/> for each parameter with a gradient, under <c>no_grad</c>.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var step = BeginStep();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var grad = Parameters[i].grad;
            if (grad is not null)
                Update(i, Parameters[i], grad);
        }
    }

    /// <summary>Work done once per step before any parameter is updated; what it returns is disposed after the step.</summary>
    protected virtual IDisposable? BeginStep() => null;

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient (same shape).</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>One zero tensor per parameter, of its shape, outside any dispose scope: optimiser state that lives as long as the optimiser.</summary>
    protected Tensor[] ZerosPerParameter() => Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();

    /// <summary>Frees the native Scalars and state tensors the optimiser holds.</summary>
    public abstract void Dispose();
}
