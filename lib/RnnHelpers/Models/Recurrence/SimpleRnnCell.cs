using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Numerics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh): Keras' SimpleRNN with tanh.
/// The notebook notebooks/02-simple-rnn.ipynb explains it.
/// </summary>
internal sealed unsafe class SimpleRnnCell : IRecurrentCell
{
    public static readonly SimpleRnnCell Instance = new();

    public bool HasMemory => false;

    public bool ProjectionGradientsDiffer => false;

    public bool KeepsHiddenProjections => false;

    public int Gates => 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Activate(RecurrenceWorkspace ws, int t, int row0, int rows)
    {
        long offset = (long)row0 * ws.Shape.Hidden;
        int count = rows * ws.Shape.Hidden;
        var state = new Span<float>(ws.State(t + 1) + offset, count);
        TensorPrimitives.Add(new ReadOnlySpan<float>(ws.InputProjection + offset, count),
            new ReadOnlySpan<float>(ws.HiddenProjection(t) + offset, count), state);
        TensorPrimitives.Tanh(state, state);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious)
    {
        long offset = (long)row0 * ws.Shape.Hidden;
        int count = rows * ws.Shape.Hidden;
        float* state = ws.State(t + 1) + offset;
        // d tanh(u)/du = 1 − tanh(u)², and tanh(u) is h_t; both projections enter the sum alike, so the
        // workspace's hidden-projection gradient is this same buffer.
        float* projectionGradient = ws.InputGradient(t) + offset;
        int j = 0;
        for (; j + Vector<float>.Count <= count; j += Vector<float>.Count)
        {
            var s = Vector.Load(state + j);
            (Vector.Load(dh + j) * (Vector<float>.One - s * s)).Store(projectionGradient + j);
        }
        for (; j < count; j++)
            projectionGradient[j] = dh[j] * (1f - state[j] * state[j]);
        new Span<float>(dhPrevious, count).Clear();
    }
}
