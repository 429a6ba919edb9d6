using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Numerics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// PyTorch's LSTM, which is Keras' LSTM. Gate order i, f, g, o:
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·) of x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh;
/// c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
/// The notebook notebooks/03-lstm.ipynb explains it.
/// </summary>
internal sealed unsafe class LstmCell : IRecurrentCell
{
    public static readonly LstmCell Instance = new();

    public bool ProjectionGradientsDiffer => false;

    public bool KeepsHiddenProjections => false;

    public int Gates => 4;

    public bool HasMemory => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Activate(RecurrenceWorkspace ws, int t, int row0, int rows)
    {
        int h = ws.Shape.Hidden, width = ws.Shape.Width;
        for (long row = row0; row < row0 + rows; row++)
        {
            var a = new Span<float>(ws.Activation(t) + row * width, width);
            TensorPrimitives.Add(new ReadOnlySpan<float>(ws.InputProjection + row * width, width),
                new ReadOnlySpan<float>(ws.HiddenProjection(t) + row * width, width), a);
            var inputForget = a[..(2 * h)];
            TensorPrimitives.Sigmoid(inputForget, inputForget);
            var candidate = a[(2 * h)..(3 * h)];
            TensorPrimitives.Tanh(candidate, candidate);
            var output = a[(3 * h)..];
            TensorPrimitives.Sigmoid(output, output);

            var memory = new Span<float>(ws.Memory(t + 1) + row * h, h);
            TensorPrimitives.Multiply(a[h..(2 * h)], new ReadOnlySpan<float>(ws.Memory(t) + row * h, h), memory);
            TensorPrimitives.FusedMultiplyAdd(a[..h], candidate, memory, memory);
            var squashed = new Span<float>(ws.MemoryActivation(t) + row * h, h);
            TensorPrimitives.Tanh(memory, squashed);
            TensorPrimitives.Multiply(output, squashed, new Span<float>(ws.State(t + 1) + row * h, h));
        }
    }

    public void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious)
    {
        int h = ws.Shape.Hidden, width = ws.Shape.Width;
        for (int i = 0; i < rows; i++)
        {
            long row = row0 + i;
            Row(h, dh + (long)i * h, ws.Activation(t) + row * width, ws.MemoryActivation(t) + row * h, ws.Memory(t) + row * h,
                ws.MemoryCarry + row * h, ws.InputGradient(t) + row * width);
        }
        new Span<float>(dhPrevious, rows * h).Clear(); // h_{t−1} reaches h_t only through W_hh
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    // Both projections enter the gates alike, so one gradient serves both (the workspace shares the buffer).
    private static void Row(int h, float* dh, float* activations, float* squashed, float* previousMemory,
        float* memoryCarry, float* projectionGradient)
    {
        float* gi = activations, gf = activations + h, gg = activations + 2 * h, go = activations + 3 * h;
        var one = Vector<float>.One;
        int j = 0;
        for (; j + Vector<float>.Count <= h; j += Vector<float>.Count)
        {
            var g = Vector.Load(dh + j);
            var vi = Vector.Load(gi + j);
            var vf = Vector.Load(gf + j);
            var vg = Vector.Load(gg + j);
            var vo = Vector.Load(go + j);
            var tc = Vector.Load(squashed + j);
            var dc = Vector.Load(memoryCarry + j) + g * vo * (one - tc * tc);
            var di = dc * vg * vi * (one - vi);
            var df = dc * Vector.Load(previousMemory + j) * vf * (one - vf);
            var dg = dc * vi * (one - vg * vg);
            var dout = g * tc * vo * (one - vo);
            (dc * vf).Store(memoryCarry + j);
            di.Store(projectionGradient + j);
            df.Store(projectionGradient + h + j);
            dg.Store(projectionGradient + 2 * h + j);
            dout.Store(projectionGradient + 3 * h + j);
        }
        for (; j < h; j++)
        {
            float g = dh[j], vi = gi[j], vf = gf[j], vg = gg[j], vo = go[j], tc = squashed[j];
            float dc = memoryCarry[j] + g * vo * (1f - tc * tc);
            float di = dc * vg * vi * (1f - vi);
            float df = dc * previousMemory[j] * vf * (1f - vf);
            float dg = dc * vi * (1f - vg * vg);
            float dout = g * tc * vo * (1f - vo);
            memoryCarry[j] = dc * vf;
            projectionGradient[j] = di;
            projectionGradient[h + j] = df;
            projectionGradient[2 * h + j] = dg;
            projectionGradient[3 * h + j] = dout;
        }
    }
}
