using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// Backpropagates dL/dh_T (<paramref name="outputGradient"/>, [batch, hidden]) through the steps the lease holds, and
    /// returns new tensors for the gradients asked for: dL/dx [batch, steps, features], dL/dW_ih [width, features],
    /// dL/dW_hh [width, hidden], dL/db_ih and dL/db_hh [width] (null for the others). Each block's partial sums are added
    /// in block order (<see cref="RecurrenceDriver.SumTransposed"/>), so a result depends on the thread count, never on
    /// timing. When the call has a recorder, it receives the step norms (<see cref="RecurrenceDriver.Backward"/>).
    /// The caller releases the lease.
    /// </summary>
    public static Gradients Backward(FusedRecurrenceCall call, WorkspacePool.Lease lease, RecurrenceOperands operands, float* outputGradient,
        bool input, bool inputKernel, bool recurrentKernel, bool inputBias, bool recurrentBias)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var workspace = lease.Workspace;
        var shape = workspace.Shape;
        int blocks = workspace.Blocks, width = shape.Width;
        var gradients = new Gradients(
            input ? empty(shape.Batch, shape.Steps, shape.Features) : null,
            inputKernel ? empty(width, shape.Features) : null,
            recurrentKernel ? empty(width, shape.Hidden) : null,
            inputBias ? empty(width) : null,
            recurrentBias ? empty(width) : null);
        // The recorder's array is pinned, so its address stays valid while the blocks write their rows. Pointers cannot
        // be captured by the lambda; their addresses can.
        nint norms = call.Recorder is { } recorder
            ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(recorder.Begin(shape.Batch, shape.Steps)))
            : 0;
        nint output = (nint)outputGradient, dx = (nint)Address(gradients.Input);
        RowBlocks.Run(shape.Batch, workspace.Blocks, (block, row0, row1) =>
            RecurrenceDriver.Backward(call.Cell, workspace, operands, (float*)output, (float*)dx, recurrentBias, block, row0, row1, (float*)norms));
        if (inputKernel)
            RecurrenceDriver.SumTransposed(workspace.InputKernelGradient(0), (long)shape.Features * width, blocks, shape.Features, width, Address(gradients.InputKernel));
        if (recurrentKernel)
            RecurrenceDriver.SumTransposed(workspace.RecurrentKernelGradient(0), (long)shape.Hidden * width, blocks, shape.Hidden, width, Address(gradients.RecurrentKernel));
        // The bias partials are one row each: the same sum, with nothing to transpose.
        if (inputBias)
            RecurrenceDriver.SumTransposed(workspace.InputBiasGradient(0), width, blocks, 1, width, Address(gradients.InputBias));
        if (recurrentBias)
            RecurrenceDriver.SumTransposed(workspace.RecurrentBiasGradient(0), width, blocks, 1, width, Address(gradients.RecurrentBias));
        KernelClock.AddBackward(started);
        return gradients;
    }

    /// <summary>A backward pass's new gradient tensors, null where none was asked for.</summary>
    public readonly record struct Gradients(Tensor? Input, Tensor? InputKernel, Tensor? RecurrentKernel, Tensor? InputBias, Tensor? RecurrentBias);

    private static float* Address(Tensor? tensor) => tensor is null ? null : TensorMemory.Pointer(tensor);

    /// <summary>The addresses of a call's input and parameters (contiguous float32 CPU tensors).</summary>
    public static RecurrenceOperands Operands(Tensor x, Tensor inputKernel, Tensor recurrentKernel, Tensor inputBias, Tensor recurrentBias) =>
        new((nint)TensorMemory.Pointer(x), (nint)TensorMemory.Pointer(inputKernel), (nint)TensorMemory.Pointer(recurrentKernel),
            (nint)TensorMemory.Pointer(inputBias), (nint)TensorMemory.Pointer(recurrentBias));
}
