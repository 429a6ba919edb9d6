using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;

namespace RnnHelpers.Models.Recurrence;

/// <summary>Raw pointers to a call's input and parameters, all contiguous float32.</summary>
internal readonly unsafe struct RecurrenceOperands(nint x, nint inputKernel, nint recurrentKernel, nint inputBias, nint recurrentBias)
{
    /// <summary>x, [batch, steps, features]: batch-first, as Keras feeds a recurrent layer.</summary>
    public float* X => (float*)x;
    /// <summary>W_ih, [width, features].</summary>
    public float* InputKernel => (float*)inputKernel;
    /// <summary>W_hh, [width, hidden].</summary>
    public float* RecurrentKernel => (float*)recurrentKernel;
    public float* InputBias => (float*)inputBias;
    public float* RecurrentBias => (float*)recurrentBias;
}

/// <summary>
/// The time loop of a fused recurrence over one block of batch rows: the matrix products of every
/// step (input and hidden projections forward; dL/dh_{t−1}, weight and bias gradients backward) around
/// a cell's element-wise maths. Everything a block writes is its own, so blocks run in parallel.
/// </summary>
internal static unsafe class RecurrenceDriver
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(IRecurrentCell cell, RecurrenceWorkspace ws, RecurrenceOperands op, int row0, int row1)
    {
        var (steps, batch, features, hidden, _) = ws.Shape;
        int width = ws.Shape.Width, rows = row1 - row0;
        if (rows == 0)
            return;
        long cellTicks = 0, inputTicks = 0, hiddenTicks = 0;
        for (int t = 0; t < steps; t++)
        {
            float* input = ws.InputProjection + (long)row0 * width;
            float* projection = ws.HiddenProjection(t) + (long)row0 * width;
            long started = Stopwatch.GetTimestamp();
            // Step t of consecutive sequences lies steps · features apart: a strided row block.
            SmallGemm.MultiplyAddRow(op.X + ((long)row0 * steps + t) * features, steps * features, ws.InputKernelT, ws.Shape.RowStride, op.InputBias, input, width, rows, width, features);
            long projected = Stopwatch.GetTimestamp();
            SmallGemm.MultiplyAddRow(ws.State(t) + (long)row0 * hidden, hidden, ws.RecurrentKernelT, ws.Shape.RowStride, op.RecurrentBias, projection, width, rows, width, hidden);
            long multiplied = Stopwatch.GetTimestamp();
            cell.Activate(ws, t, row0, rows);
            long activated = Stopwatch.GetTimestamp();
            inputTicks += projected - started;
            hiddenTicks += multiplied - projected;
            cellTicks += activated - multiplied;
        }
        KernelClock.AddActivate(cellTicks);
        KernelClock.AddPart(KernelClock.Part.InputProjection, inputTicks);
        KernelClock.AddPart(KernelClock.Part.HiddenProjection, hiddenTicks);
    }

    /// <summary>
    /// Backpropagates dL/dh_T (<paramref name="outputGradient"/>, [batch, hidden]) through all steps, into this
    /// block's weight-gradient partial sums (that of b_hh only when <paramref name="recurrentBiasGradient"/>)
    /// and, when <paramref name="inputGradient"/> is not null, into dL/dx. When <paramref name="stepNorms"/> is not null
    /// ([batch, steps]), entry b·steps + t receives ‖dL/dh_{t+1}‖ of row b, read from the carry the loop holds anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(IRecurrentCell cell, RecurrenceWorkspace ws, RecurrenceOperands op, float* outputGradient,
        float* inputGradient, bool recurrentBiasGradient, int block, int row0, int row1, float* stepNorms = null)
    {
        var (steps, batch, features, hidden, _) = ws.Shape;
        int width = ws.Shape.Width, rows = row1 - row0;
        float* dInputKernelT = ws.InputKernelGradient(block), dRecurrentKernelT = ws.RecurrentKernelGradient(block);
        new Span<float>(dInputKernelT, features * width).Clear();
        new Span<float>(dRecurrentKernelT, hidden * width).Clear();
        new Span<float>(ws.InputBiasGradient(block), width).Clear();
        new Span<float>(ws.RecurrentBiasGradient(block), width).Clear();
        if (rows == 0)
            return;

        float* dh = ws.Carry(0) + (long)row0 * hidden, dhPrevious = ws.Carry(1) + (long)row0 * hidden;
        Buffer.MemoryCopy(outputGradient + (long)row0 * hidden, dh, (long)rows * hidden * sizeof(float), (long)rows * hidden * sizeof(float));
        if (ws.HasMemory)
            new Span<float>(ws.MemoryCarry + (long)row0 * hidden, rows * hidden).Clear(); // the output is h_T only
        long cellTicks = 0, stateTicks = 0, biasTicks = 0, weightTicks = 0;
        int gradientStride = ws.Shape.RowStride;
        for (int t = steps - 1; t >= 0; t--)
        {
            float* dInput = ws.InputGradient(t) + (long)row0 * gradientStride, dProjection = ws.HiddenGradient(t) + (long)row0 * gradientStride;
            // Here dh is dL/dh_{t+1} complete: every later step has added its part.
            if (stepNorms != null)
                for (int i = 0; i < rows; i++)
                    stepNorms[(long)(row0 + i) * steps + t] = TensorPrimitives.Norm(new ReadOnlySpan<float>(dh + (long)i * hidden, hidden));
            long started = Stopwatch.GetTimestamp();
            cell.Differentiate(ws, t, row0, rows, dh, dhPrevious);
            long differentiated = Stopwatch.GetTimestamp();
            SmallGemm.Multiply(dProjection, gradientStride, op.RecurrentKernel, hidden, dhPrevious, hidden, rows, hidden, width, accumulate: true);
            long multiplied = Stopwatch.GetTimestamp();
            // Every row's projection gradient added into the bias gradients, rows in order, one register per column.
            Lanes.Run(width, new ColumnSums(dInput, gradientStride, rows, ws.InputBiasGradient(block)));
            if (recurrentBiasGradient) // Keras' SimpleRNN and LSTM have no second bias: it stays frozen at zero
                Lanes.Run(width, new ColumnSums(dProjection, gradientStride, rows, ws.RecurrentBiasGradient(block)));
            long summed = Stopwatch.GetTimestamp();
            cellTicks += differentiated - started;
            stateTicks += multiplied - differentiated;
            biasTicks += summed - multiplied;
            if (inputGradient != null)
                SmallGemm.Multiply(dInput, gradientStride, op.InputKernel, features, inputGradient + ((long)row0 * steps + t) * features, steps * features, rows, features, width, accumulate: false);
            float* swap = dh;
            dh = dhPrevious;
            dhPrevious = swap;
            // The weight gradients, a chunk of steps at a time once its projection gradients are complete: each element
            // is one chain over t = T−1 … 0 and the block's rows, the order a step-by-step accumulation would take.
            if (t % ws.GradientSteps == 0)
            {
                long chunk = Stopwatch.GetTimestamp();
                AccumulateWeightGradients(ws, op, t, Math.Min(t + ws.GradientSteps, steps) - 1, dInputKernelT, dRecurrentKernelT, row0, rows);
                weightTicks += Stopwatch.GetTimestamp() - chunk;
            }
        }
        KernelClock.AddDifferentiate(cellTicks);
        KernelClock.AddPart(KernelClock.Part.StateGradient, stateTicks);
        KernelClock.AddPart(KernelClock.Part.BiasGradients, biasTicks);
        KernelClock.AddPart(KernelClock.Part.WeightGradients, weightTicks);
    }

    /// <summary>
    /// sums[j] += rows[0·stride + j] + rows[1·stride + j] + … in that order, the running sum in a register: each element
    /// the same chain as adding the rows one at a time, without a pass over the sums per row.
    /// </summary>
    private readonly struct ColumnSums : ILaneFormula
    {
        private readonly float* rows, sums;
        private readonly int stride, count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ColumnSums(float* rows, int stride, int count, float* sums)
        {
            this.rows = rows;
            this.stride = stride;
            this.count = count;
            this.sums = sums;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var sum = TLane.Load(sums + j);
            float* row = rows + j;
            for (int i = 0; i < count; i++, row += stride)
                sum += TLane.Load(row);
            sum.Store(sums + j);
        }
    }

    /// <summary>dW_ihᵀ += Σ x_tᵀ dL/d(input projection)_t and dW_hhᵀ += Σ h_{t−1}ᵀ dL/d(hidden projection)_t for t = last … first.</summary>
    private static void AccumulateWeightGradients(RecurrenceWorkspace ws, RecurrenceOperands op, int first, int last,
        float* dInputKernelT, float* dRecurrentKernelT, int row0, int rows)
    {
        var (steps, batch, features, hidden, _) = ws.Shape;
        int width = ws.Shape.Width, count = last - first + 1;
        int stride = ws.Shape.RowStride;
        long stateStep = (long)batch * hidden, gradientStep = (long)batch * stride;
        SmallGemm.MultiplyTransposedASegments(op.X + ((long)row0 * steps + last) * features, steps * features, -features,
            ws.InputGradient(last) + (long)row0 * stride, stride, -gradientStep, count, dInputKernelT, width, features, width, rows);
        SmallGemm.MultiplyTransposedASegments(ws.State(last) + (long)row0 * hidden, hidden, -stateStep,
            ws.HiddenGradient(last) + (long)row0 * stride, stride, -gradientStep, count, dRecurrentKernelT, width, hidden, width, rows);
    }

    /// <summary>
    /// Writes Mᵀ of a row-major [rows, columns] matrix into a [columns, rows] one whose rows are
    /// <paramref name="destinationStride"/> floats apart.
    /// </summary>
    public static void Transpose(float* source, int rows, int columns, float* destination, int destinationStride) =>
        Transpose(source, columns, rows, columns, destination, destinationStride);

    /// <summary>
    /// Mᵀ of [rows, columns] with the source's rows <paramref name="sourceStride"/> floats apart and the destination's
    /// <paramref name="destinationStride"/>: a copy, no value changes (−0 stays −0).
    /// </summary>
    public static void Transpose(float* source, int sourceStride, int rows, int columns, float* destination, int destinationStride) =>
        TransposeTerms(source, 0, 0, sourceStride, rows, columns, destination, destinationStride);

    /// <summary>
    /// (0 + M₀ + M₁ + … + M_{terms−1})ᵀ of [rows, columns] matrices <paramref name="termStride"/> floats apart (row
    /// stride = columns) into [columns, rows] (for one row, a plain sum of vectors): each element summed in that order,
    /// as adding the matrices one by one onto zeros would, in the same pass as the transpose (summing in place first
    /// wrote every partial once more and was the slow part; the partials can lie a multiple of 4 KB apart, as the LSTM's
    /// do, where a load can wait on a store to the same offset in another page).
    /// </summary>
    public static void SumTransposed(float* first, long termStride, int terms, int rows, int columns, float* destination) =>
        TransposeTerms(first, termStride, Math.Max(1, terms), columns, rows, columns, destination, rows);

    // terms == 0: a plain copy; otherwise 0 + Σ of that many terms. In 16 × 16 tiles, so that the lines read and the lines
    // written both stay in the cache while a tile is copied; whole 8 × 8 blocks go through 256-bit registers where AVX is
    // there (eight rows in, eight shuffled rows out, instead of 64 scalar stores, each to another line).
    private static void TransposeTerms(float* source, long termStride, int terms, int sourceStride, int rows, int columns, float* destination, int destinationStride)
    {
        const int Tile = 16;
        for (int i0 = 0; i0 < rows; i0 += Tile)
            for (int j0 = 0; j0 < columns; j0 += Tile)
            {
                int iEnd = Math.Min(i0 + Tile, rows), jEnd = Math.Min(j0 + Tile, columns);
                int i = i0;
                if (Avx.IsSupported)
                    for (; i + 8 <= iEnd; i += 8)
                    {
                        int j = j0;
                        for (; j + 8 <= jEnd; j += 8)
                            Transpose8(source + (long)i * sourceStride + j, termStride, terms, sourceStride, destination + (long)j * destinationStride + i, destinationStride);
                        for (; j < jEnd; j++)
                            for (int r = i; r < i + 8; r++)
                                destination[(long)j * destinationStride + r] = Element(source + (long)r * sourceStride + j, termStride, terms);
                    }
                for (; i < iEnd; i++)
                    for (int j = j0; j < jEnd; j++)
                        destination[(long)j * destinationStride + i] = Element(source + (long)i * sourceStride + j, termStride, terms);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Element(float* p, long termStride, int terms)
    {
        if (terms == 0)
            return *p;
        float sum = 0f + *p;
        for (int b = 1; b < terms; b++)
            sum += p[b * termStride];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float* p, long termStride, int terms)
    {
        if (terms == 0)
            return Avx.LoadVector256(p);
        var sum = Avx.Add(Vector256<float>.Zero, Avx.LoadVector256(p));
        for (int b = 1; b < terms; b++)
            sum = Avx.Add(sum, Avx.LoadVector256(p + b * termStride));
        return sum;
    }

    /// <summary>One 8 × 8 block: the usual unpack, shuffle and lane-permute sequence over eight 256-bit rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* source, long termStride, int terms, int sourceStride, float* destination, int destinationStride)
    {
        var r0 = Row(source, termStride, terms); var r1 = Row(source + sourceStride, termStride, terms);
        var r2 = Row(source + 2L * sourceStride, termStride, terms); var r3 = Row(source + 3L * sourceStride, termStride, terms);
        var r4 = Row(source + 4L * sourceStride, termStride, terms); var r5 = Row(source + 5L * sourceStride, termStride, terms);
        var r6 = Row(source + 6L * sourceStride, termStride, terms); var r7 = Row(source + 7L * sourceStride, termStride, terms);
        // Pairs of rows interleaved, then pairs of pairs: each 128-bit half now holds a 4 × 4 block transposed.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Low halves of rows 0–3 with those of rows 4–7 give output rows 0–3; the high halves, rows 4–7.
        Avx.Store(destination, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(destination + destinationStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(destination + 2L * destinationStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(destination + 3L * destinationStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(destination + 4L * destinationStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(destination + 5L * destinationStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(destination + 6L * destinationStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(destination + 7L * destinationStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
