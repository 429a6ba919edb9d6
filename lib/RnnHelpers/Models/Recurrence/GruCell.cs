using System.Runtime.CompilerServices;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// PyTorch's GRU, which is Keras' GRU with reset_after=True. Gate order r, z, n:
/// r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1},
/// where i = x_t W_ihᵀ + b_ih and h = h_{t−1} W_hhᵀ + b_hh.
/// The notebook notebooks/04-gru.ipynb explains it.
/// </summary>
internal sealed unsafe class GruCell : IRecurrentCell
{
    public static readonly GruCell Instance = new();

    public bool HasMemory => false;

    public bool ProjectionGradientsDiffer => true;

    public bool KeepsHiddenProjections => true;

    public int Gates => 3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Activate(RecurrenceWorkspace ws, int t, int row0, int rows)
    {
        int h = ws.Shape.Hidden, width = ws.Shape.Width;
        // The step's buffers once, not per row: the workspace's accessors are calls the JIT does not inline.
        float* input = ws.InputProjection, hidden = ws.HiddenProjection(t), activations = ws.Activation(t);
        float* previous = ws.State(t), state = ws.State(t + 1);
        for (long row = row0; row < row0 + rows; row++)
            Lanes.Run(h, new Step(h, input + row * width, hidden + row * width, activations + row * width, previous + row * h, state + row * h));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious)
    {
        int h = ws.Shape.Hidden, width = ws.Shape.Width, stride = ws.Shape.RowStride;
        float* activations = ws.Activation(t), hidden = ws.HiddenProjection(t), previous = ws.State(t);
        float* inputGradient = ws.InputGradient(t), hiddenGradient = ws.HiddenGradient(t);
        for (int i = 0; i < rows; i++)
        {
            long row = row0 + i;
            Lanes.Run(h, new Gradient(h, dh + (long)i * h, activations + row * width, hidden + row * width,
                previous + row * h, inputGradient + row * stride, hiddenGradient + row * stride, dhPrevious + (long)i * h));
        }
    }

    /// <summary>
    /// One row's step forward in one pass: r and z from the sum of both projections, n = tanh(i_n + r ⊙ h_n) (one
    /// rounding), into <c>activations</c> ([3·hidden], gate order r, z, n), then h_t = n + z ⊙ (h_{t−1} − n) (one
    /// rounding for the sum) into <c>state</c> ([hidden]).
    /// </summary>
    private readonly struct Step : ILaneFormula
    {
        private readonly int h;
        private readonly float* input, hidden, activations, previous, state;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Step(int h, float* input, float* hidden, float* activations, float* previous, float* state)
        {
            this.h = h;
            this.input = input;
            this.hidden = hidden;
            this.activations = activations;
            this.previous = previous;
            this.state = state;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var r = Activations.Sigmoid(TLane.Load(input + j) + TLane.Load(hidden + j), one);
            var z = Activations.Sigmoid(TLane.Load(input + h + j) + TLane.Load(hidden + h + j), one);
            var n = Activations.Tanh(TLane.FusedMultiplyAdd(r, TLane.Load(hidden + 2 * h + j), TLane.Load(input + 2 * h + j)), one);
            r.Store(activations + j);
            z.Store(activations + h + j);
            n.Store(activations + 2 * h + j);
            TLane.FusedMultiplyAdd(z, TLane.Load(previous + j) - n, n).Store(state + j);
        }
    }

    /// <summary>
    /// One row's step back, with δh = dL/dh_t: dL/d(pre-activations) dn = δh ⊙ (1 − z) ⊙ (1 − n²),
    /// dz = δh ⊙ (h_{t−1} − n) ⊙ z(1 − z), dr = dn ⊙ h_n ⊙ r(1 − r). The input projection's gradient is
    /// (dr, dz, dn); the hidden projection's is (dr, dz, dn ⊙ r), since r scales h_n; the direct part of
    /// dL/dh_{t−1} is δh ⊙ z. <c>activations</c>, <c>projections</c> and both gradients are [3·hidden]
    /// (gate order r, z, n); <c>dh</c>, <c>previous</c> and <c>dhPrevious</c> [hidden].
    /// </summary>
    private readonly struct Gradient : ILaneFormula
    {
        private readonly int h;
        private readonly float* dh, r, z, n, hn, previous, inputGradient, hiddenGradient, dhPrevious;

        // Inlined, so the fields stay in registers across the loop instead of going through a stack copy.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Gradient(int h, float* dh, float* activations, float* projections, float* previous, float* inputGradient,
            float* hiddenGradient, float* dhPrevious)
        {
            this.h = h;
            this.dh = dh;
            r = activations;
            z = activations + h;
            n = activations + 2 * h;
            hn = projections + 2 * h;
            this.previous = previous;
            this.inputGradient = inputGradient;
            this.hiddenGradient = hiddenGradient;
            this.dhPrevious = dhPrevious;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var g = TLane.Load(dh + j);
            var vr = TLane.Load(r + j);
            var vz = TLane.Load(z + j);
            var vn = TLane.Load(n + j);
            var dn = g * (one - vz) * (one - vn * vn);
            var dz = g * (TLane.Load(previous + j) - vn) * vz * (one - vz);
            var dr = dn * TLane.Load(hn + j) * vr * (one - vr);
            dr.Store(inputGradient + j);
            dz.Store(inputGradient + h + j);
            dn.Store(inputGradient + 2 * h + j);
            dr.Store(hiddenGradient + j);
            dz.Store(hiddenGradient + h + j);
            (dn * vr).Store(hiddenGradient + 2 * h + j);
            (g * vz).Store(dhPrevious + j);
        }
    }
}
