using System.Diagnostics;
using System.Runtime.CompilerServices;
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
    /// Writes Mᵀ of a row-major [rows, columns] matrix into a [columns, rows] one, in 16 × 16 tiles so that the lines read
    /// and the lines written both stay in the cache while a tile is copied (a plain double loop writes each float to
    /// another line).
    /// </summary>
    public static void Transpose(float* source, int rows, int columns, float* destination) =>
        Transpose(source, rows, columns, destination, rows);

    /// <summary>The same, with the destination's rows <paramref name="destinationStride"/> floats apart.</summary>
    public static void Transpose(float* source, int rows, int columns, float* destination, int destinationStride)
    {
        const int Tile = 16;
        for (int i0 = 0; i0 < rows; i0 += Tile)
            for (int j0 = 0; j0 < columns; j0 += Tile)
                for (int i = i0, iEnd = Math.Min(i0 + Tile, rows); i < iEnd; i++)
                    for (int j = j0, jEnd = Math.Min(j0 + Tile, columns); j < jEnd; j++)
                        destination[(long)j * destinationStride + i] = source[(long)i * columns + j];
    }
}
