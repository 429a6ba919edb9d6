using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnHelpers.Models;
using RnnHelpers.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// What a <see cref="FusedRecurrenceFunction"/> call needs besides its tensors. <paramref name="KeepsActivations"/>: keep every
/// step's activations for a backward pass (a forward pass with gradients). <paramref name="Recorder"/>, when set,
/// receives the norms of dL/dh_t of the backward pass (<see cref="HiddenGradientRecorder"/>).
/// </summary>
internal sealed record FusedRecurrenceCall(IRecurrentCell Cell, WorkspacePool Pool, bool KeepsActivations, HiddenGradientRecorder? Recorder = null);

/// <summary>
/// The autograd node of a fused recurrence: inputs x [batch, steps, features], W_ih, W_hh, b_ih, b_hh;
/// output h_T [batch, hidden]. No libtorch kernel runs inside: libtorch's multi-threaded BLAS keeps its
/// worker threads spinning after each call, and they would compete with the row blocks for the cores.
/// </summary>
internal sealed unsafe class FusedRecurrenceFunction : autograd.SingleTensorFunction<FusedRecurrenceFunction>
{
    public override string Name => nameof(FusedRecurrenceFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, inputKernel, recurrentKernel, inputBias, recurrentBias) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var call = (FusedRecurrenceCall)vars[5];
        var shape = new RecurrenceShape((int)x.shape[1], (int)x.shape[0], (int)x.shape[2], (int)recurrentKernel.shape[1], call.Cell.Gates);
        var lease = call.Pool.Rent(shape, call.KeepsActivations, RowBlocks.Count(shape.Batch), call.Cell);
        var workspace = lease.Workspace;
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var operands = Operands(x, inputKernel, recurrentKernel, inputBias, recurrentBias);
            RecurrenceDriver.Transpose(operands.InputKernel, shape.Width, shape.Features, workspace.InputKernelT, shape.RowStride);
            RecurrenceDriver.Transpose(operands.RecurrentKernel, shape.Width, shape.Hidden, workspace.RecurrentKernelT, shape.RowStride);
            new Span<float>(workspace.State(0), shape.Batch * shape.Hidden).Clear();
            if (workspace.HasMemory)
                new Span<float>(workspace.Memory(0), shape.Batch * shape.Hidden).Clear();
            RowBlocks.Run(shape.Batch, workspace.Blocks, (_, row0, row1) => RecurrenceDriver.Forward(call.Cell, workspace, operands, row0, row1));
            KernelClock.AddForward(started);

            var output = empty(shape.Batch, shape.Hidden);
            new ReadOnlySpan<float>(workspace.State(shape.Steps), shape.Batch * shape.Hidden)
                .CopyTo(new Span<float>(TensorMemory.Pointer(output), shape.Batch * shape.Hidden));
            if (call.KeepsActivations)
            {
                ctx.save_for_backward([x, inputKernel, recurrentKernel, inputBias, recurrentBias]);
                ctx.save_data("call", call);
                // The node holds the only reference: the backward pass releases it, a dropped graph's finaliser does otherwise.
                ctx.save_data("lease", lease);
            }
            else
            {
                lease.Release();
            }
            return output;
        }
        catch
        {
            lease.Release();
            throw;
        }
    }

    // backward runs as a callback from libtorch's autograd engine, where a .NET exception would end the
    // process. A failure is kept here instead, and libtorch gets empty gradients, which its shape check
    // turns into an error from backward() that the caller can catch (see FusedRecurrentLayer.TakeBackwardError).
    [ThreadStatic]
    private static Exception? backwardError;

    public static Exception? TakeBackwardError()
    {
        var error = backwardError;
        backwardError = null;
        return error;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        try
        {
            return Backward(ctx, gradOutput);
        }
        catch (Exception e)
        {
            backwardError = e;
            return [empty(0), empty(0), empty(0), empty(0), empty(0), null!];
        }
    }

    private static List<Tensor> Backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var call = (FusedRecurrenceCall)ctx.get_data("call");
        var lease = (WorkspacePool.Lease)ctx.get_data("lease");
        var workspace = lease.Workspace;
        if (workspace.Lease != lease.Number)
            throw new InvalidOperationException(
                "A fused recurrent layer's saved activations were overwritten by a later forward pass with gradients; " +
                "call backward() for each forward pass before running the next one.");
        var saved = ctx.get_saved_variables();
        var (x, inputKernel, recurrentKernel, inputBias, recurrentBias) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var shape = workspace.Shape;
            var operands = Operands(x, inputKernel, recurrentKernel, inputBias, recurrentBias);
            using var gradient = gradOutput.contiguous();
            nint outputGradient = (nint)TensorMemory.Pointer(gradient);
            Tensor? dx = x.requires_grad ? empty(shape.Batch, shape.Steps, shape.Features) : null;
            nint inputGradient = dx is null ? 0 : (nint)TensorMemory.Pointer(dx);
            bool recurrentBiasGradient = recurrentBias.requires_grad;
            // The recorder's array is pinned, so its address stays valid while the blocks write their rows.
            nint stepNorms = call.Recorder is { } recorder
                ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(recorder.Begin(shape.Batch, shape.Steps)))
                : 0;
            RowBlocks.Run(shape.Batch, workspace.Blocks, (block, row0, row1) =>
                RecurrenceDriver.Backward(call.Cell, workspace, operands, (float*)outputGradient, (float*)inputGradient, recurrentBiasGradient, block, row0, row1,
                    (float*)stepNorms));

            int blocks = workspace.Blocks, width = shape.Width;
            var dInputKernel = inputKernel.requires_grad ? SumTransposed(blocks, shape.Features, width, workspace.InputKernelGradient(0), empty(width, shape.Features)) : null;
            var dRecurrentKernel = recurrentKernel.requires_grad ? SumTransposed(blocks, shape.Hidden, width, workspace.RecurrentKernelGradient(0), empty(width, shape.Hidden)) : null;
            // The bias partials are one row each: the same sum, with nothing to transpose.
            var dInputBias = inputBias.requires_grad ? SumTransposed(blocks, 1, width, workspace.InputBiasGradient(0), empty(width)) : null;
            var dRecurrentBias = recurrentBiasGradient ? SumTransposed(blocks, 1, width, workspace.RecurrentBiasGradient(0), empty(width)) : null;
            KernelClock.AddBackward(started);
            return [dx!, dInputKernel!, dRecurrentKernel!, dInputBias!, dRecurrentBias!, null!];
        }
        finally
        {
            lease.Release();
        }
    }

    private static RecurrenceOperands Operands(Tensor x, Tensor inputKernel, Tensor recurrentKernel, Tensor inputBias, Tensor recurrentBias) =>
        new((nint)TensorMemory.Pointer(x), (nint)TensorMemory.Pointer(inputKernel), (nint)TensorMemory.Pointer(recurrentKernel),
            (nint)TensorMemory.Pointer(inputBias), (nint)TensorMemory.Pointer(recurrentBias));

    /// <summary>
    /// Σ over blocks of the [rows, columns] partials (each rows · columns floats after the previous), transposed into
    /// <paramref name="result"/>, the parameter's [columns, rows] (or [columns] for a bias): each element 0 + p₀ + p₁ + …
    /// in block order (a sum onto zeros: −0 becomes +0).
    /// </summary>
    private static Tensor SumTransposed(int blocks, int rows, int columns, float* first, Tensor result)
    {
        RecurrenceDriver.SumTransposed(first, (long)rows * columns, blocks, rows, columns, TensorMemory.Pointer(result));
        return result;
    }
}
