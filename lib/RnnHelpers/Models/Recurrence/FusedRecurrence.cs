using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// A fused recurrence's forward and backward passes on raw float32 memory, shared by its autograd node
/// (<see cref="FusedRecurrenceFunction"/>) and the classifier's autograd-free training step
/// (<see cref="RecurrentClassifier.TrainingStep"/>): x [batch, steps, features], W_ih [width, features],
/// W_hh [width, hidden], b_ih and b_hh [width], h_T [batch, hidden], all contiguous.
/// </summary>
internal static unsafe class FusedRecurrence
{
    /// <summary>
    /// The time loop from h_0 = 0 (and c_0 = 0): writes h_T into <paramref name="output"/> and returns the lease on the
    /// workspace, which holds every step's activations when the call keeps them; the caller releases it.
    /// </summary>
    public static WorkspacePool.Lease Forward(FusedRecurrenceCall call, RecurrenceShape shape, RecurrenceOperands operands, float* output)
    {
        var lease = call.Pool.Rent(shape, call.KeepsActivations, RowBlocks.Count(shape.Batch), call.Cell);
        var workspace = lease.Workspace;
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            RecurrenceDriver.Transpose(operands.InputKernel, shape.Width, shape.Features, workspace.InputKernelT, shape.RowStride);
            RecurrenceDriver.Transpose(operands.RecurrentKernel, shape.Width, shape.Hidden, workspace.RecurrentKernelT, shape.RowStride);
            new Span<float>(workspace.State(0), shape.Batch * shape.Hidden).Clear();
            if (workspace.HasMemory)
                new Span<float>(workspace.Memory(0), shape.Batch * shape.Hidden).Clear();
            RowBlocks.Run(shape.Batch, workspace.Blocks, (_, row0, row1) => RecurrenceDriver.Forward(call.Cell, workspace, operands, row0, row1));
            KernelClock.AddForward(started);
            new ReadOnlySpan<float>(workspace.State(shape.Steps), shape.Batch * shape.Hidden).CopyTo(new Span<float>(output, shape.Batch * shape.Hidden));
            return lease;
        }
        catch
        {
            lease.Release();
            throw;
        }
    }

    /// <summary>
    /// Backpropagates dL/dh_T (<paramref name="outputGradient"/>, [batch, hidden]) through the steps the lease holds, into
    /// dL/dx (when <paramref name="inputGradient"/> is not null) and the parameters' gradients, each written whole
    /// where its pointer is not null (dL/db_hh also needs <paramref name="recurrentBiasGradient"/>). Each block's
    /// partial sums are added in block order (<see cref="RecurrenceDriver.SumTransposed"/>), so a result depends on the
    /// thread count, never on timing. <paramref name="stepNorms"/>: see <see cref="RecurrenceDriver.Backward"/>.
    /// </summary>
    public static void Backward(FusedRecurrenceCall call, WorkspacePool.Lease lease, RecurrenceOperands operands, float* outputGradient,
        float* inputGradient, bool recurrentBiasGradient, float* dInputKernel, float* dRecurrentKernel, float* dInputBias, float* dRecurrentBias,
        float* stepNorms = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var workspace = lease.Workspace;
        var shape = workspace.Shape;
        // Pointers cannot be captured by the lambda; their addresses can.
        nint output = (nint)outputGradient, input = (nint)inputGradient, norms = (nint)stepNorms;
        RowBlocks.Run(shape.Batch, workspace.Blocks, (block, row0, row1) =>
            RecurrenceDriver.Backward(call.Cell, workspace, operands, (float*)output, (float*)input, recurrentBiasGradient, block, row0, row1, (float*)norms));
        int blocks = workspace.Blocks, width = shape.Width;
        if (dInputKernel != null)
            RecurrenceDriver.SumTransposed(workspace.InputKernelGradient(0), (long)shape.Features * width, blocks, shape.Features, width, dInputKernel);
        if (dRecurrentKernel != null)
            RecurrenceDriver.SumTransposed(workspace.RecurrentKernelGradient(0), (long)shape.Hidden * width, blocks, shape.Hidden, width, dRecurrentKernel);
        // The bias partials are one row each: the same sum, with nothing to transpose.
        if (dInputBias != null)
            RecurrenceDriver.SumTransposed(workspace.InputBiasGradient(0), width, blocks, 1, width, dInputBias);
        if (dRecurrentBias != null && recurrentBiasGradient)
            RecurrenceDriver.SumTransposed(workspace.RecurrentBiasGradient(0), width, blocks, 1, width, dRecurrentBias);
        KernelClock.AddBackward(started);
    }

    /// <summary>The addresses of a call's input and parameters (contiguous float32 CPU tensors).</summary>
    public static RecurrenceOperands Operands(Tensor x, Tensor inputKernel, Tensor recurrentKernel, Tensor inputBias, Tensor recurrentBias) =>
        new((nint)TensorMemory.Pointer(x), (nint)TensorMemory.Pointer(inputKernel), (nint)TensorMemory.Pointer(recurrentKernel),
            (nint)TensorMemory.Pointer(inputBias), (nint)TensorMemory.Pointer(recurrentBias));
}
