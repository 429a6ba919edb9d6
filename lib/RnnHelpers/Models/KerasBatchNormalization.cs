using System.Runtime.CompilerServices;
using RnnHelpers.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Models;

/// <summary>
/// Keras' <c>BatchNormalization()</c> on a 2-D input [batch, units], as in Keras 3's
/// <c>keras/src/layers/normalization/batch_normalization.py</c> (<c>BatchNormalization.call</c>, non-fused path):
/// in training, y = γ (x − μ_B) / √(σ²_B + ε) + β with the batch mean μ_B and the <b>biased</b> batch variance
/// σ²_B (<c>ops.moments</c>), and the moving averages move towards the same biased statistics:
/// moving = moving · momentum + batch · (1 − momentum). In inference, y uses the moving mean and variance.
/// </summary>
/// <remarks>
/// libtorch's <c>BatchNorm1d</c> differs in one place: its running variance follows the unbiased batch variance
/// (· n/(n−1)), which is NaN for a batch of one. Here a batch of one trains as in Keras: its variance is 0,
/// the output is β. Names follow Keras (<c>gamma</c>, <c>beta</c>, <c>moving_mean</c>, <c>moving_variance</c>).
/// Errors: <see cref="ArgumentException"/> for an input that is not [batch ≥ 1, units].
/// </remarks>
public sealed class KerasBatchNormalization : Module<Tensor, Tensor>
{
    private readonly Parameter gamma;
    private readonly Parameter beta;
    private readonly Tensor moving_mean;
    private readonly Tensor moving_variance;

    /// <param name="units">Features normalised (the hidden units of the layer before).</param>
    /// <param name="momentum">Keras' momentum of the moving averages (0.99: each batch moves them by 1%).</param>
    /// <param name="epsilon">Added to the variance before the square root (Keras' default 1e-3).</param>
    public KerasBatchNormalization(int units, double momentum = 0.99, double epsilon = 1e-3) : base("BatchNormalization")
    {
        if (units < 1)
            throw new ArgumentException($"HiddenUnits must be at least 1; got {units}.", nameof(units));
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentException($"Momentum must be in [0, 1); got {momentum}.", nameof(momentum));
        if (!(epsilon > 0))
            throw new ArgumentException($"Epsilon must be greater than 0; got {epsilon}.", nameof(epsilon));
        Units = units;
        Momentum = momentum;
        Epsilon = epsilon;
        gamma = Parameter(ones(units));
        beta = Parameter(zeros(units));
        moving_mean = zeros(units);
        moving_variance = ones(units);
        RegisterComponents();
    }

    /// <summary>Features normalised: the input's second dimension (the hidden units, H).</summary>
    public int Units { get; }
    /// <summary>Share of the moving mean and variance kept each training step (Keras' 0.99).</summary>
    public double Momentum { get; }
    /// <summary>Added to the variance before the square root (Keras' 1e-3).</summary>
    public double Epsilon { get; }

    /// <summary>γ [units], trained.</summary>
    public Parameter Gamma => gamma;

    /// <summary>β [units], trained.</summary>
    public Parameter Beta => beta;

    /// <summary>Moving mean [units] (a buffer: saved with the model, not trained).</summary>
    public Tensor MovingMean => moving_mean;

    /// <summary>Moving variance [units] (a buffer: saved with the model, not trained).</summary>
    public Tensor MovingVariance => moving_variance;

    /// <summary>x: [batch, units] -> [batch, units]. Training mode normalises with the batch's statistics and updates the moving ones.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != Units || x.shape[0] < 1)
            throw new ArgumentException($"Expected input [batch, {Units}] with at least one row, got [{string.Join(", ", x.shape)}].", nameof(x));
        if (!training)
            return Normalize(x, moving_mean, moving_variance);

        // The same fused libtorch kernel as BatchNorm1d for the output and its gradients (batch statistics,
        // biased variance); the moving averages are updated here, from the biased variance, as Keras does.
        var y = nn.functional.batch_norm(x, null, null, gamma, beta, training: true, momentum: 0, eps: Epsilon);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var detached = x.detach();
            using var mean = detached.mean([0L]).contiguous();
            using var variance = BiasedVariance(detached.contiguous()).contiguous();
            unsafe
            {
                MoveAverages(TensorMemory.Pointer(mean), TensorMemory.Pointer(variance));
            }
        }
        return y;
    }

    /// <summary>
    /// One training step's move of the moving averages towards the batch mean and biased variance ([units] each):
    /// moving = moving · momentum + batch · (1 − momentum), in float32 as libtorch's <c>mul_(momentum)</c> then
    /// <c>add_(batch, 1 − momentum)</c> computes it on this CPU (the product rounded, then one fused multiply-add;
    /// a test compares the bits), written in place.
    /// </summary>
    internal unsafe void MoveAverages(float* batchMean, float* batchVariance)
    {
        if (!TensorMemory.IsFlat<float>(moving_mean) || !TensorMemory.IsFlat<float>(moving_variance))
            throw new InvalidOperationException("The moving averages must be contiguous float32 tensors on the CPU.");
        float momentum = (float)Momentum, complement = (float)(1 - Momentum);
        float* movingMean = TensorMemory.Pointer(moving_mean), movingVariance = TensorMemory.Pointer(moving_variance);
        for (int u = 0; u < Units; u++)
        {
            movingMean[u] = MathF.FusedMultiplyAdd(batchMean[u], complement, movingMean[u] * momentum);
            movingVariance[u] = MathF.FusedMultiplyAdd(batchVariance[u], complement, movingVariance[u] * momentum);
        }
    }

    /// <summary>
    /// The biased variance of each column of x [rows ≥ 1, units] (float32), [units] float32: the same bits as libtorch's
    /// <c>x.var(0, unbiased: false)</c>, which it returns itself for a single column (libtorch computes that as a full
    /// reduction, another way). Over several columns libtorch's CPU kernel walks them one at a time, each a chain of
    /// dependent divisions, and was the slowest call of a training step's head; <see cref="ColumnVariances{T}"/> does the
    /// same arithmetic with the rows in the outer loop, so the chains overlap.
    /// Errors: <see cref="InvalidOperationException"/> for several columns that are not contiguous float32 on the CPU.
    /// </summary>
    internal static unsafe Tensor BiasedVariance(Tensor x)
    {
        int rows = (int)x.shape[0], units = (int)x.shape[1];
        if (units == 1)
            return x.var(0L, unbiased: false);
        Span<double> variances = units <= 256 ? stackalloc double[units] : new double[units];
        ColumnVariances(TensorMemory.Span<float>(x), rows, units, variances);
        var variance = empty(units, ScalarType.Float32);
        var result = new Span<float>(TensorMemory.Pointer(variance), units);
        for (int u = 0; u < units; u++)
            result[u] = (float)variances[u];
        return variance;
    }

    /// <summary>
    /// The biased variance of each column of <paramref name="values"/> [rows ≥ 1, units] into <paramref name="variances"/>
    /// [units], in double precision as libtorch's CPU kernel computes it for a reduction over the rows of two or more
    /// columns (<c>aten/src/ATen/native/cpu/ReduceOpsKernel.cpp</c>, <c>std_var_kernel_impl</c>, with <c>WelfordOps</c> of
    /// <c>aten/src/ATen/native/SharedReduceOps.h</c>; one thread, or fewer than 32,768 rows, so that no column is split):
    /// Welford's algorithm down each column in row order, mean += δ / n and m2 += δ · (x − mean) as one fused
    /// multiply-add, then m2 / rows; libtorch rounds that to the input's type. The fused multiply-add is how the
    /// compiler builds libtorch's AVX2 and AVX-512 kernels, which this CPU runs; a libtorch kernel built without that
    /// contraction (e.g. <c>ATEN_CPU_CAPABILITY=default</c>) rounds m2 twice and can differ in the last bit, while this
    /// method keeps the arithmetic the stored runs were trained with.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ColumnVariances<T>(ReadOnlySpan<T> values, int rows, int units, Span<double> variances)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        Span<double> mean = units <= 256 ? stackalloc double[units] : new double[units];
        Span<double> row = units <= 256 ? stackalloc double[units] : new double[units];
        mean.Clear();
        var m2 = variances[..units];
        m2.Clear();
        for (int r = 0; r < rows; r++)
        {
            double count = r + 1;
            // Widened a row at a time (exactly): converted one by one inside the loop, each conversion waited on the
            // register the previous element left (a scalar conversion keeps its destination's upper bits), which chained
            // the columns' otherwise independent updates into one.
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<T, double>(values.Slice(r * units, units), row);
            for (int u = 0; u < units; u++)
            {
                double value = row[u], delta = value - mean[u];
                mean[u] += delta / count;
                m2[u] = Math.FusedMultiplyAdd(delta, value - mean[u], m2[u]);
            }
        }
        for (int u = 0; u < units; u++)
            m2[u] /= rows;
    }

    /// <summary>
    /// Inference with given statistics: γ (x − mean) / √(variance + ε) + β. x: [batch, units]; mean, variance: [units].
    /// With the moving averages this is the layer's own inference; with statistics recomputed over training data
    /// it is the "population statistics" evaluation of Ioffe and Szegedy (2015), Algorithm 2.
    /// </summary>
    public Tensor Normalize(Tensor x, Tensor mean, Tensor variance) =>
        nn.functional.batch_norm(x, mean, variance, gamma, beta, training: false, momentum: 0, eps: Epsilon);
}
