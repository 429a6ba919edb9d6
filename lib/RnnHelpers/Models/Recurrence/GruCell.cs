using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// PyTorch's GRU, which is Keras' GRU with reset_after=True. Gate order r, z, n:
/// r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1},
/// where i = x_t W_ih^T + b_ih and h = h_{t−1} W_hh^T + b_hh.
/// </summary>
internal sealed unsafe class GruCell : IRecurrentCell
{
    public static readonly GruCell Instance = new();

    public int Gates => 3;

    public void Forward(RecurrenceWorkspace ws, float* inputProjections, float* recurrentKernelT, float* recurrentBias, int row0, int row1)
    {
        int h = ws.Hidden, width = 3 * h, rows = row1 - row0;
        var bias = new ReadOnlySpan<float>(recurrentBias, width);
        for (int t = 0; t < ws.Steps; t++)
        {
            float* previous = ws.State(t) + (long)row0 * h;
            float* next = ws.State(t + 1) + (long)row0 * h;
            float* projections = ws.HiddenProjection(t) + (long)row0 * width;
            float* activations = ws.Activation(t) + (long)row0 * width;
            float* inputs = inputProjections + ((long)t * ws.Batch + row0) * width;
            for (int i = 0; i < rows; i++)
                bias.CopyTo(new Span<float>(projections + (long)i * width, width));
            SmallGemm.Multiply(previous, h, recurrentKernelT, width, projections, width, rows, width, h, accumulate: true);
            for (int i = 0; i < rows; i++)
            {
                var x = new ReadOnlySpan<float>(inputs + (long)i * width, width);
                var p = new ReadOnlySpan<float>(projections + (long)i * width, width);
                var a = new Span<float>(activations + (long)i * width, width);
                var resetUpdate = a[..(2 * h)];
                TensorPrimitives.Add(x[..(2 * h)], p[..(2 * h)], resetUpdate);
                TensorPrimitives.Sigmoid(resetUpdate, resetUpdate);
                var candidate = a[(2 * h)..];
                TensorPrimitives.FusedMultiplyAdd(a[..h], p[(2 * h)..], x[(2 * h)..], candidate);
                TensorPrimitives.Tanh(candidate, candidate);
                // h_t = n + z ⊙ (h_{t-1} − n)
                var state = new Span<float>(next + (long)i * h, h);
                TensorPrimitives.Subtract(new ReadOnlySpan<float>(previous + (long)i * h, h), candidate, state);
                TensorPrimitives.FusedMultiplyAdd(a[h..(2 * h)], state, candidate, state);
            }
        }
    }

    public void Backward(RecurrenceWorkspace ws, float* outputGradient, float* recurrentKernel, int row0, int row1)
    {
        int h = ws.Hidden, width = 3 * h, rows = row1 - row0;
        float* dh = ws.Carry(0) + (long)row0 * h;
        float* dhPrevious = ws.Carry(1) + (long)row0 * h;
        new ReadOnlySpan<float>(outputGradient + (long)row0 * h, rows * h).CopyTo(new Span<float>(dh, rows * h));
        for (int t = ws.Steps - 1; t >= 0; t--)
        {
            for (int i = 0; i < rows; i++)
            {
                long row = (long)(row0 + i);
                GateGradients(h, dh + (long)i * h, ws.Activation(t) + row * width, ws.HiddenProjection(t) + row * width,
                    ws.State(t) + row * h, ws.InputGradient(t) + row * width, ws.HiddenGradient(t) + row * width, dhPrevious + (long)i * h);
            }
            // dL/dh_{t-1} = z ⊙ dh + (dL/d hidden projections) W_hh
            SmallGemm.Multiply(ws.HiddenGradient(t) + (long)row0 * width, width, recurrentKernel, h, dhPrevious, h, rows, h, width, accumulate: true);
            float* swap = dh;
            dh = dhPrevious;
            dhPrevious = swap;
        }
    }

    /// <summary>One row of one step: gate pre-activation gradients and the direct path z ⊙ dh.</summary>
    private static void GateGradients(int h, float* dh, float* activations, float* projections, float* previous,
        float* inputGradient, float* hiddenGradient, float* dhPrevious)
    {
        float* r = activations, z = activations + h, n = activations + 2 * h, hn = projections + 2 * h;
        var one = Vector256<float>.One;
        int j = 0;
        for (; j + 8 <= h; j += 8)
        {
            var g = Vector256.Load(dh + j);
            var vr = Vector256.Load(r + j);
            var vz = Vector256.Load(z + j);
            var vn = Vector256.Load(n + j);
            var dn = g * (one - vz) * (one - vn * vn);
            var dz = g * (Vector256.Load(previous + j) - vn) * vz * (one - vz);
            var dr = dn * Vector256.Load(hn + j) * vr * (one - vr);
            dr.Store(inputGradient + j);
            dz.Store(inputGradient + h + j);
            dn.Store(inputGradient + 2 * h + j);
            dr.Store(hiddenGradient + j);
            dz.Store(hiddenGradient + h + j);
            (dn * vr).Store(hiddenGradient + 2 * h + j);
            (g * vz).Store(dhPrevious + j);
        }
        for (; j < h; j++)
        {
            float g = dh[j], vr = r[j], vz = z[j], vn = n[j];
            float dn = g * (1f - vz) * (1f - vn * vn);
            float dz = g * (previous[j] - vn) * vz * (1f - vz);
            float dr = dn * hn[j] * vr * (1f - vr);
            inputGradient[j] = dr;
            inputGradient[h + j] = dz;
            inputGradient[2 * h + j] = dn;
            hiddenGradient[j] = dr;
            hiddenGradient[h + j] = dz;
            hiddenGradient[2 * h + j] = dn * vr;
            dhPrevious[j] = g * vz;
        }
    }
}
