using System.Runtime.CompilerServices;

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
        // The step's buffers once, not per row: the workspace's accessors are calls the JIT does not inline.
        float* input = ws.InputProjection, hidden = ws.HiddenProjection(t), activations = ws.Activation(t);
        float* previousMemory = ws.Memory(t), memory = ws.Memory(t + 1), squashed = ws.MemoryActivation(t), state = ws.State(t + 1);
        for (long row = row0; row < row0 + rows; row++)
            Lanes.Run(h, new Step(h, input + row * width, hidden + row * width, activations + row * width,
                previousMemory + row * h, memory + row * h, squashed + row * h, state + row * h));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious)
    {
        int h = ws.Shape.Hidden, width = ws.Shape.Width, stride = ws.Shape.RowStride;
        float* activations = ws.Activation(t), squashed = ws.MemoryActivation(t), previousMemory = ws.Memory(t);
        float* memoryCarry = ws.MemoryCarry, projectionGradient = ws.InputGradient(t);
        for (int i = 0; i < rows; i++)
        {
            long row = row0 + i;
            Lanes.Run(h, new Gradient(h, dh + (long)i * h, activations + row * width, squashed + row * h,
                previousMemory + row * h, memoryCarry + row * h, projectionGradient + row * stride));
        }
        new Span<float>(dhPrevious, rows * h).Clear(); // h_{t−1} reaches h_t only through W_hh
    }

    /// <summary>
    /// One row's step forward in one pass: the four gates from the sum of both projections ([4·hidden], gate order
    /// i, f, g, o) into <c>activations</c>, then c_t = i ⊙ g + f ⊙ c_{t−1} (one rounding for the sum), tanh(c_t) and
    /// h_t = o ⊙ tanh(c_t), each [hidden].
    /// </summary>
    private readonly struct Step : ILaneFormula
    {
        private readonly int h;
        private readonly float* input, hidden, activations, previousMemory, memory, squashed, state;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Step(int h, float* input, float* hidden, float* activations, float* previousMemory, float* memory, float* squashed, float* state)
        {
            this.h = h;
            this.input = input;
            this.hidden = hidden;
            this.activations = activations;
            this.previousMemory = previousMemory;
            this.memory = memory;
            this.squashed = squashed;
            this.state = state;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var i = Activations.Sigmoid(TLane.Load(input + j) + TLane.Load(hidden + j), one);
            var f = Activations.Sigmoid(TLane.Load(input + h + j) + TLane.Load(hidden + h + j), one);
            var g = Activations.Tanh(TLane.Load(input + 2 * h + j) + TLane.Load(hidden + 2 * h + j), one);
            var o = Activations.Sigmoid(TLane.Load(input + 3 * h + j) + TLane.Load(hidden + 3 * h + j), one);
            i.Store(activations + j);
            f.Store(activations + h + j);
            g.Store(activations + 2 * h + j);
            o.Store(activations + 3 * h + j);
            var c = TLane.FusedMultiplyAdd(i, g, f * TLane.Load(previousMemory + j));
            c.Store(memory + j);
            var tc = Activations.Tanh(c, one);
            tc.Store(squashed + j);
            (o * tc).Store(state + j);
        }
    }

    /// <summary>
    /// One row's step back, with δh = dL/dh_t and δc = dL/dc_t:
    /// δc ← δc + δh ⊙ o ⊙ (1 − tanh²(c_t)); dL/d(pre-activations) of i, f, g, o are
    /// δc ⊙ g ⊙ i(1 − i), δc ⊙ c_{t−1} ⊙ f(1 − f), δc ⊙ i ⊙ (1 − g²), δh ⊙ tanh(c_t) ⊙ o(1 − o);
    /// dL/dc_{t−1} = δc ⊙ f replaces δc in <c>memoryCarry</c>. <c>activations</c> and <c>projectionGradient</c>
    /// are [4·hidden] (gate order i, f, g, o); the other pointers [hidden]. Both projections enter the gates
    /// alike, so one gradient serves both (the workspace shares the buffer).
    /// </summary>
    private readonly struct Gradient : ILaneFormula
    {
        private readonly int h;
        private readonly float* dh, gi, gf, gg, go, squashed, previousMemory, memoryCarry, projectionGradient;

        // Inlined, so the fields stay in registers across the loop instead of going through a stack copy.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Gradient(int h, float* dh, float* activations, float* squashed, float* previousMemory, float* memoryCarry,
            float* projectionGradient)
        {
            this.h = h;
            this.dh = dh;
            gi = activations;
            gf = activations + h;
            gg = activations + 2 * h;
            go = activations + 3 * h;
            this.squashed = squashed;
            this.previousMemory = previousMemory;
            this.memoryCarry = memoryCarry;
            this.projectionGradient = projectionGradient;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var g = TLane.Load(dh + j);
            var vi = TLane.Load(gi + j);
            var vf = TLane.Load(gf + j);
            var vg = TLane.Load(gg + j);
            var vo = TLane.Load(go + j);
            var tc = TLane.Load(squashed + j);
            var dc = TLane.Load(memoryCarry + j) + g * vo * (one - tc * tc);
            (dc * vf).Store(memoryCarry + j);
            (dc * vg * vi * (one - vi)).Store(projectionGradient + j);
            (dc * TLane.Load(previousMemory + j) * vf * (one - vf)).Store(projectionGradient + h + j);
            (dc * vi * (one - vg * vg)).Store(projectionGradient + 2 * h + j);
            (g * tc * vo * (one - vo)).Store(projectionGradient + 3 * h + j);
        }
    }
}
