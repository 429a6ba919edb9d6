using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnHelpers.Models;

/// <summary>
/// The training head of <see cref="RecurrentClassifier"/> in one pass each way, in double precision: batch
/// normalisation with the batch's statistics (Keras 3, <c>keras/src/layers/normalization/batch_normalization.py</c>,
/// training path: y = γ (h − μ_B) / √(σ²_B + ε) + β, σ²_B biased), the dense layer z = y Wᵀ + b
/// (<c>keras/src/layers/core/dense.py</c>) and the mean sparse categorical cross-entropy from logits
/// (<c>keras/src/losses/losses.py</c>): L = (1/B) Σ_i [log Σ_c e^{z_ic} − z_{i,label_i}]. Forward keeps what the backward
/// pass needs: x̂ = (h − μ_B)/√(σ²_B + ε), y and the softmax p. Everything is computed from the float32 inputs in double
/// precision and rounded to float32 once, on output; a test compares every output with libtorch's float64 head.
/// Shapes: h [B, H], γ and β [H], W [C, H], b [C], labels [B] in [0, C).
/// </summary>
/// <remarks>
/// Each element is its own chain of operations in a fixed order (sums over rows in row order, the dense layer's over
/// units in unit order, the weight-gradient's over rows, dL/dy's over classes), vectorised across units or classes
/// four doubles at a time with no sum across lanes: the bits do not depend on the vector width. Rows of H units are
/// kept padded with zeros to a multiple of four, so no loop has a scalar tail.
/// </remarks>
internal sealed unsafe class HeadActivations
{
    private const int Lanes = 4; // Vector256<double>.Count, fixed so the order of operations never depends on the CPU

    private readonly int paddedUnits, paddedClasses;
    // Padded double copies of the inputs, x̂ and y (the forward pass's), and the work arrays of both passes.
    private readonly double[] input, normalised, output, mean, variance, inverseDeviation, gammas, betas, weights, weightsByUnit, biases;
    private readonly double[] probabilities, logitGradient, outputGradient, weightGradient, sumOutputGradient, sumOutputGradientNormalised;

    /// <param name="batch">Rows it holds room for (<see cref="Capacity"/>); <see cref="Batch"/> starts there.</param>
    /// <param name="units">Hidden units H.</param>
    /// <param name="classes">Classes C.</param>
    public HeadActivations(int batch, int units, int classes)
    {
        (Capacity, Batch, Units, Classes) = (batch, batch, units, classes);
        paddedUnits = (units + Lanes - 1) / Lanes * Lanes;
        paddedClasses = (classes + Lanes - 1) / Lanes * Lanes;
        int rows = batch * paddedUnits;
        (input, normalised, output, outputGradient) = (new double[rows], new double[rows], new double[rows], new double[rows]);
        (mean, variance, inverseDeviation, gammas, betas) = (new double[paddedUnits], new double[paddedUnits], new double[paddedUnits], new double[paddedUnits], new double[paddedUnits]);
        (sumOutputGradient, sumOutputGradientNormalised) = (new double[paddedUnits], new double[paddedUnits]);
        (weights, weightGradient) = (new double[classes * paddedUnits], new double[classes * paddedUnits]);
        weightsByUnit = new double[units * paddedClasses];
        biases = new double[paddedClasses];
        probabilities = new double[batch * classes];
        logitGradient = new double[batch * classes];
        Labels = new int[batch];
        LastHiddenState = new float[batch * units];
        LastHiddenStateGradient = new float[batch * units];
        BatchMean = new float[units];
        BatchVariance = new float[units];
    }

    /// <summary>Forward passes so far: a pass's backward must come before the next forward pass (see <see cref="RecurrentClassifier"/>).</summary>
    public long Passes { get; private set; }

    /// <summary>Rows the buffers hold room for.</summary>
    public int Capacity { get; }
    /// <summary>Rows B of the step under way (at most <see cref="Capacity"/>): an epoch's short last batch reuses the buffers.</summary>
    public int Batch { get; private set; }
    public int Units { get; }
    public int Classes { get; }
    /// <summary>The labels [B] (<see cref="SetLabels"/>).</summary>
    public int[] Labels { get; }
    /// <summary>h_T [B, H] (in the first B·H floats), the recurrence's output, for the caller to fill.</summary>
    public float[] LastHiddenState { get; }
    /// <summary>The batch mean μ_B [H] of the last forward pass, rounded to float32 (for the moving averages).</summary>
    public float[] BatchMean { get; }
    /// <summary>The biased batch variance σ²_B [H] of the last forward pass, rounded to float32.</summary>
    public float[] BatchVariance { get; }
    /// <summary>dL/dh_T [B, H] (in the first B·H floats), for the backward pass to fill.</summary>
    public float[] LastHiddenStateGradient { get; }

    /// <summary>
    /// Takes the step's labels [B], which sets <see cref="Batch"/>. Throws <see cref="ArgumentOutOfRangeException"/> naming the row and value for a label
    /// outside [0, C).
    /// </summary>
    public void SetLabels(ReadOnlySpan<long> labels)
    {
        if (labels.Length < 1 || labels.Length > Capacity)
            throw new ArgumentException($"Expected 1 to {Capacity} labels, got {labels.Length}.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            long label = labels[i];
            if (label < 0 || label >= Classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"labels[{i}] = {label} is not a class: expected 0 to {Classes - 1}.");
        }
        Batch = labels.Length;
        for (int i = 0; i < labels.Length; i++)
            Labels[i] = (int)labels[i];
    }

    private static Vector256<double> Load(double* p) => Vector256.Load(p);

    private static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);

    /// <summary>
    /// Forward pass with the labels last set (<see cref="SetLabels"/>). Writes the logits z [B, C], <see cref="BatchMean"/>
    /// and <see cref="BatchVariance"/>, and returns the mean loss. NaN or infinite inputs pass through to a NaN or
    /// infinite loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Forward(float* h, float* gamma, float* beta, float* weight, float* bias, double epsilon, float* logits)
    {
        int n = Batch, units = Units, classes = Classes, hp = paddedUnits, cp = paddedClasses;
        Passes++;
        fixed (double* x = input, xn = normalised, y = output, mu = mean, sigma2 = variance, inv = inverseDeviation,
               g = gammas, b = betas, w = weights, wt = weightsByUnit, bd = biases, p = probabilities)
        {
            // Widened once (exactly); the padding stays zero.
            for (int i = 0; i < n; i++)
                for (int u = 0; u < units; u++)
                    x[i * hp + u] = h[i * units + u];
            for (int u = 0; u < units; u++)
                (g[u], b[u]) = (gamma[u], beta[u]);
            for (int c = 0; c < classes; c++)
            {
                bd[c] = bias[c];
                for (int u = 0; u < units; u++)
                    w[c * hp + u] = wt[u * cp + c] = weight[c * units + u];
            }

            // Two passes over the rows: the mean, then the mean squared deviation from it.
            var count = Vector256.Create((double)n);
            for (int v = 0; v < hp; v += Lanes)
            {
                var sum = Vector256<double>.Zero;
                for (int i = 0; i < n; i++)
                    sum += Load(x + i * hp + v);
                var m = sum / count;
                var squares = Vector256<double>.Zero;
                for (int i = 0; i < n; i++)
                {
                    var d = Load(x + i * hp + v) - m;
                    squares = Fma(d, d, squares);
                }
                var s2 = squares / count;
                m.Store(mu + v);
                s2.Store(sigma2 + v);
                (Vector256<double>.One / Vector256.Sqrt(s2 + Vector256.Create(epsilon))).Store(inv + v);
            }
            for (int u = 0; u < units; u++)
                (BatchMean[u], BatchVariance[u]) = ((float)mu[u], (float)sigma2[u]);

            double loss = 0;
            var z = stackalloc double[cp];
            for (int i = 0; i < n; i++)
            {
                double* xi = x + i * hp, xni = xn + i * hp, yi = y + i * hp;
                for (int v = 0; v < hp; v += Lanes)
                {
                    var normalisedRow = (Load(xi + v) - Load(mu + v)) * Load(inv + v);
                    normalisedRow.Store(xni + v);
                    Fma(Load(g + v), normalisedRow, Load(b + v)).Store(yi + v);
                }
                // z_c = b_c + Σ_u y_u W_cu in unit order, four classes a vector.
                for (int k = 0; k < cp; k += Lanes)
                {
                    var zk = Load(bd + k);
                    for (int u = 0; u < units; u++)
                        zk = Fma(Vector256.Create(yi[u]), Load(wt + u * cp + k), zk);
                    zk.Store(z + k);
                }
                // log Σ e^z taken from the largest logit, so no exponential overflows.
                double largest = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    logits[i * classes + c] = (float)z[c];
                    largest = Math.Max(largest, z[c]);
                }
                double total = 0;
                for (int c = 0; c < classes; c++)
                    total += p[i * classes + c] = Math.Exp(z[c] - largest);
                for (int c = 0; c < classes; c++)
                    p[i * classes + c] /= total;
                loss += largest + Math.Log(total) - z[Labels[i]];
            }
            return loss / n;
        }
    }

    /// <summary>
    /// Backward pass of the last forward pass, for the mean loss itself (dL/dL = 1): writes
    /// <see cref="LastHiddenStateGradient"/> dL/dh [B, H], and dL/dγ, dL/dβ [H], dL/dW [C, H] and dL/db [C] as float32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(float* dGamma, float* dBeta, float* dWeight, float* dBias)
    {
        int n = Batch, units = Units, classes = Classes, hp = paddedUnits;
        fixed (double* xn = normalised, y = output, inv = inverseDeviation, g = gammas, w = weights, p = probabilities,
               dz = logitGradient, dy = outputGradient, dw = weightGradient, sumDy = sumOutputGradient, sumDyXn = sumOutputGradientNormalised)
        fixed (float* dh = LastHiddenStateGradient)
        {
            double scale = 1.0 / n;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < classes; c++)
                    dz[i * classes + c] = scale * (p[i * classes + c] - (c == Labels[i] ? 1 : 0));
            for (int c = 0; c < classes; c++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                    sum += dz[i * classes + c];
                dBias[c] = (float)sum;
            }

            // dL/dW_c = Σ_i dz_ic y_i in row order; dL/dy_i = Σ_c dz_ic W_c in class order; both across units.
            new Span<double>(dw, classes * hp).Clear();
            for (int i = 0; i < n; i++)
            {
                double* yi = y + i * hp, dyi = dy + i * hp;
                for (int c = 0; c < classes; c++)
                {
                    var gradient = Vector256.Create(dz[i * classes + c]);
                    for (int v = 0; v < hp; v += Lanes)
                        Fma(gradient, Load(yi + v), Load(dw + c * hp + v)).Store(dw + c * hp + v);
                }
                for (int v = 0; v < hp; v += Lanes)
                {
                    var sum = Vector256<double>.Zero;
                    for (int c = 0; c < classes; c++)
                        sum = Fma(Vector256.Create(dz[i * classes + c]), Load(w + c * hp + v), sum);
                    sum.Store(dyi + v);
                }
            }
            for (int c = 0; c < classes; c++)
                for (int u = 0; u < units; u++)
                    dWeight[c * units + u] = (float)dw[c * hp + u];

            // Batch normalisation's backward pass with the batch statistics (Ioffe & Szegedy 2015, section 3):
            // dL/dh = γ/(B σ) (B dL/dy − Σ dL/dy − x̂ Σ dL/dy·x̂), with 1/σ = 1/√(σ²_B + ε).
            var count = Vector256.Create((double)n);
            for (int v = 0; v < hp; v += Lanes)
            {
                var sum = Vector256<double>.Zero;
                var sumNormalised = Vector256<double>.Zero;
                for (int i = 0; i < n; i++)
                {
                    var gradient = Load(dy + i * hp + v);
                    sum += gradient;
                    sumNormalised = Fma(gradient, Load(xn + i * hp + v), sumNormalised);
                }
                sum.Store(sumDy + v);
                sumNormalised.Store(sumDyXn + v);
            }
            for (int u = 0; u < units; u++)
                (dGamma[u], dBeta[u]) = ((float)sumDyXn[u], (float)sumDy[u]);
            for (int i = 0; i < n; i++)
            {
                double* dyi = dy + i * hp, xni = xn + i * hp;
                for (int v = 0; v < hp; v += Lanes)
                {
                    var factor = Load(g + v) * Load(inv + v) / count;
                    var result = factor * (count * Load(dyi + v) - Load(sumDy + v) - Load(xni + v) * Load(sumDyXn + v));
                    // Only the units, not the padding, go out.
                    for (int lane = 0; lane < Lanes && v + lane < units; lane++)
                        dh[i * units + v + lane] = (float)result[lane];
                }
            }
        }
    }
}
