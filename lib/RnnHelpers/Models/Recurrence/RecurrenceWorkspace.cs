using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnHelpers.Models.Recurrence;

/// <summary>The sizes of one fused recurrence call.</summary>
internal readonly record struct RecurrenceShape(int Steps, int Batch, int Features, int Hidden, int Gates)
{
    /// <summary>Columns of a projection: one block of <see cref="Hidden"/> per gate.</summary>
    public int Width => Gates * Hidden;

    /// <summary>
    /// Floats from one row to the next of the [·, width] buffers the matrix kernel reads column panels of (the transposed
    /// weights, the projection gradients): <see cref="Width"/>, plus one cache line where that is a multiple of 1 KB. Rows a
    /// multiple of 1 KB apart fall into a quarter of the first-level cache's sets (64 sets of 64-byte lines), and a panel
    /// of 64 such rows no longer fits there (the LSTM's 4 × 64 gates are exactly 1 KB); the padding spreads the rows over
    /// every set. Only the layout changes, never a value.
    /// </summary>
    public int RowStride => Width % 256 == 0 ? Width + 16 : Width;
}

/// <summary>
/// The buffers of one pass through a fused recurrence, reused for every batch of the same shape:
/// hidden states, per-step projections and activations and, when a backward pass will follow, the
/// gradient scratch and one weight-gradient partial sum per row block. Arrays live on the pinned
/// heap, so the raw pointers taken once here stay valid.
/// </summary>
internal sealed unsafe class RecurrenceWorkspace
{
    private readonly float* states, inputProjection, hiddenProjections, activations, inputKernelT, recurrentKernelT;
    private readonly float* inputGradient, hiddenGradient, carry;
    private readonly float* memories, memoryActivations, memoryCarry;
    private readonly float* inputKernelGradients, recurrentKernelGradients, inputBiasGradients, recurrentBiasGradients;
    private readonly List<float[]> arrays = [];

    public RecurrenceWorkspace(RecurrenceShape shape, bool keepsActivations, int blocks, IRecurrentCell cell)
    {
        Shape = shape;
        KeepsActivations = keepsActivations;
        Blocks = blocks;
        Cell = cell;
        bool memory = cell.HasMemory;
        var (steps, batch, features, hidden, width) = (shape.Steps, shape.Batch, shape.Features, shape.Hidden, shape.Width);
        // Without a backward pass only the current step (and the previous state) is ever read.
        int slots = keepsActivations ? steps : 1;
        states = Allocate((long)(keepsActivations ? steps + 1 : 2) * batch * hidden);
        inputProjection = Allocate((long)batch * width);
        KeepsProjections = keepsActivations && cell.KeepsHiddenProjections;
        hiddenProjections = Allocate((long)(KeepsProjections ? steps : 1) * batch * width);
        if (shape.Gates > 1)
            activations = Allocate((long)slots * batch * width);
        if (memory)
        {
            memories = Allocate((long)(keepsActivations ? steps + 1 : 2) * batch * hidden);
            memoryActivations = Allocate((long)slots * batch * hidden);
        }
        inputKernelT = Allocate((long)features * shape.RowStride);
        recurrentKernelT = Allocate((long)hidden * shape.RowStride);
        if (keepsActivations)
        {
            // The projection gradients of the last few steps are kept, so the weight gradients can be taken a few steps
            // at a time while those gradients are still in the second-level cache (about GradientChunkBytes a row block).
            int rowsPerBlock = RowBlocks.Size(batch, blocks), buffers = cell.ProjectionGradientsDiffer ? 2 : 1;
            int stride = shape.RowStride;
            GradientSteps = (int)Math.Clamp(GradientChunkBytes / ((long)Math.Max(4, rowsPerBlock) * stride * sizeof(float) * buffers), 1, steps);
            inputGradient = Allocate((long)GradientSteps * batch * stride);
            hiddenGradient = cell.ProjectionGradientsDiffer ? Allocate((long)GradientSteps * batch * stride) : inputGradient;
            carry = Allocate(2L * batch * hidden);
            if (memory)
                memoryCarry = Allocate((long)batch * hidden);
            inputKernelGradients = Allocate((long)blocks * features * width);
            recurrentKernelGradients = Allocate((long)blocks * hidden * width);
            inputBiasGradients = Allocate((long)blocks * width);
            recurrentBiasGradients = Allocate((long)blocks * width);
        }
    }

    public RecurrenceShape Shape { get; }
    /// <summary>
    /// Whether every step's states, activations and projections are kept for a backward pass (a forward pass with
    /// gradients), rather than only the current and previous step's (inference).
    /// </summary>
    public bool KeepsActivations { get; }
    public int Blocks { get; }
    public IRecurrentCell Cell { get; }
    public bool HasMemory => Cell.HasMemory;
    private bool KeepsProjections { get; }

    /// <summary>Counts rentals, so a backward pass can tell that its buffers were reused by a later forward pass.</summary>
    public long Lease { get; set; }

    public bool Fits(RecurrenceShape shape, bool keepsActivations, int blocks, IRecurrentCell cell) =>
        Shape == shape && KeepsActivations == keepsActivations && Blocks == blocks && Cell == cell;

    /// <summary>h_t, [batch, hidden]; h_0 is <c>State(0)</c>.</summary>
    public float* State(int t) => states + (long)(KeepsActivations ? t : t & 1) * Shape.Batch * Shape.Hidden;

    /// <summary>The memory c_t of a cell that has one, [batch, hidden]; c_0 is <c>Memory(0)</c>.</summary>
    public float* Memory(int t) => memories + (long)(KeepsActivations ? t : t & 1) * Shape.Batch * Shape.Hidden;

    /// <summary>tanh(c_t), [batch, hidden].</summary>
    public float* MemoryActivation(int t) => memoryActivations + (long)(KeepsActivations ? t : 0) * Shape.Batch * Shape.Hidden;

    /// <summary>dL/dc_t while stepping backward, [batch, hidden].</summary>
    public float* MemoryCarry => memoryCarry;

    /// <summary>x_t W_ihᵀ + b_ih of the current step, [batch, width].</summary>
    public float* InputProjection => inputProjection;

    /// <summary>h_{t−1} W_hhᵀ + b_hh, [batch, width].</summary>
    public float* HiddenProjection(int t) => hiddenProjections + (long)(KeepsProjections ? t : 0) * Shape.Batch * Shape.Width;

    /// <summary>Gate activations of a gated cell, [batch, width].</summary>
    public float* Activation(int t) => activations + (long)(KeepsActivations ? t : 0) * Shape.Batch * Shape.Width;

    /// <summary>
    /// W_ihᵀ, [features, width], and W_hhᵀ, [hidden, width], rows <see cref="RecurrenceShape.RowStride"/> floats apart: the layouts the
    /// step kernel reads row by row.
    /// </summary>
    public float* InputKernelT => inputKernelT;
    public float* RecurrentKernelT => recurrentKernelT;

    /// <summary>Bytes of projection gradients a row block keeps before folding them into the weight gradients.</summary>
    public const int GradientChunkBytes = 256 * 1024;

    /// <summary>
    /// Steps whose projection gradients are kept at once: step t lives in slot t mod <see cref="GradientSteps"/>, so the
    /// steps of a chunk [k·G, k·G + G) lie in consecutive slots.
    /// </summary>
    public int GradientSteps { get; }

    /// <summary>
    /// dL/d(input projection) and dL/d(hidden projection) of step t, [batch, width] each with rows <see cref="RecurrenceShape.RowStride"/>
    /// floats apart (the same buffer where they are equal).
    /// </summary>
    public float* InputGradient(int t) => inputGradient + (long)(t % GradientSteps) * Shape.Batch * Shape.RowStride;
    public float* HiddenGradient(int t) => hiddenGradient + (long)(t % GradientSteps) * Shape.Batch * Shape.RowStride;

    /// <summary>dL/dh_t and dL/dh_{t−1}, [batch, hidden] each.</summary>
    public float* Carry(int slot) => carry + (long)slot * Shape.Batch * Shape.Hidden;

    /// <summary>One block's partial sums of dL/dW_ihᵀ [features, width], dL/dW_hhᵀ [hidden, width], dL/db_ih and dL/db_hh [width].</summary>
    public float* InputKernelGradient(int block) => inputKernelGradients + (long)block * Shape.Features * Shape.Width;
    public float* RecurrentKernelGradient(int block) => recurrentKernelGradients + (long)block * Shape.Hidden * Shape.Width;
    public float* InputBiasGradient(int block) => inputBiasGradients + (long)block * Shape.Width;
    public float* RecurrentBiasGradient(int block) => recurrentBiasGradients + (long)block * Shape.Width;

    // Each buffer starts on a 64-byte boundary (a cache line, and one 512-bit vector): the pinned heap promises only
    // pointer-size alignment, and a 64-byte vector that straddles two cache lines costs two accesses.
    private const int AlignmentFloats = 64 / sizeof(float);

    private float* Allocate(long length)
    {
        var array = GC.AllocateArray<float>(checked((int)length + AlignmentFloats), pinned: true);
        arrays.Add(array);
        var start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)(((nint)start + 63) & ~(nint)63);
    }
}
