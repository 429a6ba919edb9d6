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
        var output = empty(shape.Batch, shape.Hidden);
        var lease = FusedRecurrence.Forward(call, shape, Operands(x, inputKernel, recurrentKernel, inputBias, recurrentBias), TensorMemory.Pointer(output));
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
            using var gradient = gradOutput.contiguous();
            var d = FusedRecurrence.Backward(call, lease, Operands(x, inputKernel, recurrentKernel, inputBias, recurrentBias), TensorMemory.Pointer(gradient),
                x.requires_grad, inputKernel.requires_grad, recurrentKernel.requires_grad, inputBias.requires_grad, recurrentBias.requires_grad);
            return [d.Input!, d.InputKernel!, d.RecurrentKernel!, d.InputBias!, d.RecurrentBias!, null!];
        }
        finally
        {
            lease.Release();
        }
    }

    private static RecurrenceOperands Operands(Tensor x, Tensor inputKernel, Tensor recurrentKernel, Tensor inputBias, Tensor recurrentBias) =>
        FusedRecurrence.Operands(x, inputKernel, recurrentKernel, inputBias, recurrentBias);
}
