using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Models.Recurrence;

/// <summary>What a <see cref="FusedRecurrenceFunction"/> call needs besides its tensors.</summary>
internal sealed record FusedRecurrenceCall(IRecurrentCell Cell, WorkspacePool Pool, bool History);

/// <summary>
/// The autograd node of a fused recurrence: inputs x [steps, batch, features], W_ih, W_hh, b_ih, b_hh;
/// output h_T [batch, hidden]. The time loop runs in <see cref="IRecurrentCell"/>; the products over
/// the whole sequence (input projections, weight gradients) run in libtorch.
/// </summary>
internal sealed unsafe class FusedRecurrenceFunction : autograd.SingleTensorFunction<FusedRecurrenceFunction>
{
    public override string Name => nameof(FusedRecurrenceFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, inputKernel, recurrentKernel, inputBias, recurrentBias) = Tensors(vars);
        var call = (FusedRecurrenceCall)vars[5];
        int steps = (int)x.shape[0], batch = (int)x.shape[1], features = (int)x.shape[2], hidden = (int)recurrentKernel.shape[1];
        var workspace = call.Pool.Rent(steps, batch, hidden, call.Cell.Gates, call.History);
        try
        {
            using var flat = x.view(steps * batch, features);
            using var inputKernelT = inputKernel.t();
            using var projections = addmm(inputBias, flat, inputKernelT, beta: 1, alpha: 1);
            using var recurrentKernelT = recurrentKernel.t().contiguous();
            using var bias = recurrentBias.contiguous();
            nint projectionsPtr = (nint)RecurrenceWorkspace.DataPointer(projections);
            nint kernelPtr = (nint)RecurrenceWorkspace.DataPointer(recurrentKernelT);
            nint biasPtr = (nint)RecurrenceWorkspace.DataPointer(bias);
            new Span<float>(workspace.State(0), batch * hidden).Clear();
            RowBlocks.Run(batch, (row0, row1) =>
                call.Cell.Forward(workspace, (float*)projectionsPtr, (float*)kernelPtr, (float*)biasPtr, row0, row1));
            var output = workspace.LastState();
            if (call.History)
            {
                ctx.save_for_backward([x, inputKernel, recurrentKernel]);
                ctx.save_data("call", call);
                ctx.save_data("workspace", workspace);
                ctx.save_data("lease", workspace.Lease);
                ctx.save_data("needs", new[] { x.requires_grad, inputKernel.requires_grad, recurrentKernel.requires_grad, inputBias.requires_grad, recurrentBias.requires_grad });
            }
            else
            {
                call.Pool.Return(workspace);
            }
            return output;
        }
        catch
        {
            call.Pool.Return(workspace);
            throw;
        }
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var call = (FusedRecurrenceCall)ctx.get_data("call");
        var workspace = (RecurrenceWorkspace)ctx.get_data("workspace");
        if (workspace.Lease != (long)ctx.get_data("lease"))
            throw new InvalidOperationException(
                "A fused recurrent layer's saved activations were overwritten by a later forward pass with gradients; " +
                "call backward() for each forward pass before running the next one.");
        var needs = (bool[])ctx.get_data("needs");
        var saved = ctx.get_saved_variables();
        var (x, inputKernel, recurrentKernel) = (saved[0], saved[1], saved[2]);
        try
        {
            int steps = workspace.Steps, batch = workspace.Batch;
            using var gradient = gradOutput.contiguous();
            using var kernel = recurrentKernel.contiguous();
            nint gradientPtr = (nint)RecurrenceWorkspace.DataPointer(gradient);
            nint kernelPtr = (nint)RecurrenceWorkspace.DataPointer(kernel);
            RowBlocks.Run(batch, (row0, row1) => call.Cell.Backward(workspace, (float*)gradientPtr, (float*)kernelPtr, row0, row1));

            using var inputGradients = workspace.InputGradients();
            using var hiddenGradients = workspace.HiddenGradients();
            Tensor? dx = null, dInputKernel = null, dRecurrentKernel = null, dInputBias = null, dRecurrentBias = null;
            if (needs[0])
                dx = inputGradients.mm(inputKernel).view(x.shape);
            if (needs[1])
            {
                using var flat = x.view(steps * batch, x.shape[2]);
                dInputKernel = inputGradients.t().mm(flat);
            }
            if (needs[2])
            {
                using var previous = workspace.PreviousStates();
                dRecurrentKernel = hiddenGradients.t().mm(previous);
            }
            if (needs[3])
                dInputBias = inputGradients.sum(0L);
            if (needs[4])
                dRecurrentBias = hiddenGradients.sum(0L);
            return [dx!, dInputKernel!, dRecurrentKernel!, dInputBias!, dRecurrentBias!, null!];
        }
        finally
        {
            call.Pool.Return(workspace);
        }
    }

    private static (Tensor, Tensor, Tensor, Tensor, Tensor) Tensors(object[] vars) =>
        ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
}
