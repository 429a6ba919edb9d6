using System.Runtime.CompilerServices;

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
        Lanes.Run(count, new Step(ws.InputProjection + offset, ws.HiddenProjection(t) + offset, ws.State(t + 1) + offset));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious)
    {
        int h = ws.Shape.Hidden, stride = ws.Shape.RowStride;
        float* next = ws.State(t + 1), projectionGradient = ws.InputGradient(t);
        // Both projections enter the sum alike, so the workspace's hidden-projection gradient is this same buffer. Its
        // rows are RowStride apart, which is h but for widths a multiple of 256 (see RecurrenceShape.RowStride).
        for (int i = 0; i < rows; i++)
        {
            long row = row0 + i;
            Lanes.Run(h, new Gradient(dh + (long)i * h, next + row * h, projectionGradient + row * stride));
        }
        new Span<float>(dhPrevious, rows * h).Clear(); // h_{t−1} reaches h_t only through W_hh
    }

    /// <summary>h_t = tanh(input projection + hidden projection), element by element over the same [rows, hidden] block.</summary>
    private readonly struct Step : ILaneFormula
    {
        private readonly float* input, hidden, state;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Step(float* input, float* hidden, float* state)
        {
            this.input = input;
            this.hidden = hidden;
            this.state = state;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane> =>
            Activations.Tanh(TLane.Load(input + j) + TLane.Load(hidden + j), one).Store(state + j);
    }

    /// <summary>
    /// dL/du = dL/dh_t ⊙ (1 − h_t ⊙ h_t) for u = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh, since d tanh(u)/du = 1 − tanh(u)²
    /// and tanh(u) is h_t. All three pointers index one row of [hidden] floats element by element.
    /// </summary>
    private readonly struct Gradient : ILaneFormula
    {
        private readonly float* dh, state, projectionGradient;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Gradient(float* dh, float* state, float* projectionGradient)
        {
            this.dh = dh;
            this.state = state;
            this.projectionGradient = projectionGradient;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var s = TLane.Load(state + j);
            (TLane.Load(dh + j) * (one - s * s)).Store(projectionGradient + j);
        }
    }
}
