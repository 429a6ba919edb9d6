using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh): Keras' SimpleRNN with tanh.</summary>
internal sealed unsafe class SimpleRnnCell : IRecurrentCell
{
    public static readonly SimpleRnnCell Instance = new();

    public int Gates => 1;

    public void Forward(RecurrenceWorkspace ws, float* inputProjections, float* recurrentKernelT, float* recurrentBias, int row0, int row1)
    {
        int h = ws.Hidden, rows = row1 - row0;
        var bias = new ReadOnlySpan<float>(recurrentBias, h);
        for (int t = 0; t < ws.Steps; t++)
        {
            float* previous = ws.State(t) + (long)row0 * h;
            float* next = ws.State(t + 1) + (long)row0 * h;
            for (int i = 0; i < rows; i++)
                bias.CopyTo(new Span<float>(next + (long)i * h, h));
            SmallGemm.Multiply(previous, h, recurrentKernelT, h, next, h, rows, h, h, accumulate: true);
            var block = new Span<float>(next, rows * h);
            TensorPrimitives.Add(block, new ReadOnlySpan<float>(inputProjections + ((long)t * ws.Batch + row0) * h, rows * h), block);
            TensorPrimitives.Tanh(block, block);
        }
    }

    public void Backward(RecurrenceWorkspace ws, float* outputGradient, float* recurrentKernel, int row0, int row1)
    {
        int h = ws.Hidden, rows = row1 - row0, count = rows * h;
        float* dh = ws.Carry(0) + (long)row0 * h;
        float* dhPrevious = ws.Carry(1) + (long)row0 * h;
        new ReadOnlySpan<float>(outputGradient + (long)row0 * h, count).CopyTo(new Span<float>(dh, count));
        for (int t = ws.Steps - 1; t >= 0; t--)
        {
            float* state = ws.State(t + 1) + (long)row0 * h;
            float* dPre = ws.InputGradient(t) + (long)row0 * h;
            // d tanh(u)/du = 1 - tanh(u)^2, with tanh(u) = h_t.
            int j = 0;
            for (; j + 8 <= count; j += 8)
            {
                var s = Vector256.Load(state + j);
                (Vector256.Load(dh + j) * (Vector256<float>.One - s * s)).Store(dPre + j);
            }
            for (; j < count; j++)
                dPre[j] = dh[j] * (1f - state[j] * state[j]);
            SmallGemm.Multiply(dPre, h, recurrentKernel, h, dhPrevious, h, rows, h, h, accumulate: false);
            float* swap = dh;
            dh = dhPrevious;
            dhPrevious = swap;
        }
    }
}
