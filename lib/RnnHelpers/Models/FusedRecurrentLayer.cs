using RnnHelpers.Models.Recurrence;
using RnnHelpers.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Models;

/// <summary>
/// One SimpleRNN (tanh), GRU or LSTM layer over batch-first input [batch, time steps, features] that returns
/// the last hidden state h_T [batch, hidden units]. Same parameters, names and maths as libtorch's RNN, GRU and
/// LSTM (aten/src/ATen/native/RNN.cpp; the LSTM of Hochreiter and Schmidhuber 1997 with a forget gate, the GRU of
/// Cho et al. 2014 in its reset-after form); the time loop runs in register-blocked CPU kernels instead of a dozen
/// small libtorch calls per step. Equations and symbols: docs/notation.md.
/// NaN and infinity pass through without an exception, as in libtorch: a NaN in one row of x stays in that row's
/// output (and reaches every weight gradient), and infinite pre-activations saturate (see <see cref="IRecurrentCell"/>).
/// </summary>
public sealed class FusedRecurrentLayer : Module<Tensor, Tensor>
{
    // Field names are libtorch's, so checkpoints and initialisation treat both layers alike.
    private readonly Parameter weight_ih_l0;
    private readonly Parameter weight_hh_l0;
    private readonly Parameter bias_ih_l0;
    private readonly Parameter bias_hh_l0;
    // A forward pass with gradients keeps every step's activations for the backward pass; one without keeps only the last step's.
    private readonly FusedRecurrenceCall keepingActivations, forwardOnly;

    /// <param name="kind">SimpleRNN, LSTM or GRU.</param>
    /// <param name="inputSize">Features per time step, D.</param>
    /// <param name="hiddenSize">Hidden units, H.</param>
    public FusedRecurrentLayer(RecurrentKind kind, int inputSize, int hiddenSize)
        : base(ModelFacts.Of(kind).TorchModuleName)
    {
        IRecurrentCell cell = ModelFacts.Of(kind).Cell;
        if (inputSize < 1)
            throw new ArgumentException($"Features must be at least 1; got {inputSize}.", nameof(inputSize));
        if (hiddenSize < 1)
            throw new ArgumentException($"HiddenUnits must be at least 1; got {hiddenSize}.", nameof(hiddenSize));
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int width = cell.Gates * hiddenSize;
        // libtorch's default initialisation, for a layer used on its own.
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        using (no_grad())
        {
            weight_ih_l0 = Parameter(empty(width, inputSize).uniform_(-bound, bound));
            weight_hh_l0 = Parameter(empty(width, hiddenSize).uniform_(-bound, bound));
            bias_ih_l0 = Parameter(empty(width).uniform_(-bound, bound));
            bias_hh_l0 = Parameter(empty(width).uniform_(-bound, bound));
        }
        var pool = new WorkspacePool();
        keepingActivations = new FusedRecurrenceCall(cell, pool, KeepsActivations: true);
        forwardOnly = new FusedRecurrenceCall(cell, pool, KeepsActivations: false);
        RegisterComponents();
    }

    /// <summary>
    /// Why the last backward pass through a fused layer on this thread failed, or null; taking it clears it.
    /// A failure inside the backward pass cannot be thrown through libtorch, so libtorch's backward() fails
    /// with a gradient-shape error and the reason waits here.
    /// </summary>
    public static Exception? TakeBackwardError() => FusedRecurrenceFunction.TakeBackwardError();

    /// <summary><c>loss.backward()</c>, but a failure inside a fused layer surfaces as its own exception.</summary>
    public static void Backward(Tensor loss)
    {
        TakeBackwardError();
        try
        {
            loss.backward();
        }
        catch (System.Runtime.InteropServices.ExternalException) when (TakeBackwardError() is { } reason)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(reason);
        }
    }

    /// <summary>
    /// When set, every backward pass through this layer records ‖dL/dh_t‖ per sequence and step into the recorder
    /// (used by <see cref="Evaluation.GradientFlow"/>); null, the default, records nothing and costs nothing.
    /// </summary>
    public HiddenGradientRecorder? GradientRecorder { get; set; }

    /// <summary>The cell: SimpleRNN, LSTM or GRU.</summary>
    public RecurrentKind Kind { get; }
    /// <summary>Features per time step, D (libtorch's <c>input_size</c>).</summary>
    public int InputSize { get; }
    /// <summary>Hidden units, H (libtorch's <c>hidden_size</c>, Keras' <c>units</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>x: [batch, steps, features] float32 -> h_T: [batch, hidden].</summary>
    public override Tensor forward(Tensor x)
    {
        Validate(x);
        bool gradients = is_grad_enabled() && (x.requires_grad || weight_ih_l0.requires_grad || weight_hh_l0.requires_grad
            || bias_ih_l0.requires_grad || bias_hh_l0.requires_grad);
        using var input = x.contiguous();
        return FusedRecurrenceFunction.apply(input, weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
            !gradients ? forwardOnly : KeepingActivations);
    }

    // A forward pass with gradients, and the recorder of its backward pass when one is set.
    private FusedRecurrenceCall KeepingActivations => GradientRecorder is { } recorder ? keepingActivations with { Recorder = recorder } : keepingActivations;

    /// <summary>Leases on this layer's workspaces not yet released (for tests).</summary>
    internal int LeasesOutstanding => keepingActivations.Pool.Outstanding;

    private void Validate(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != InputSize || x.shape[0] < 1 || x.shape[1] < 1)
            throw new ArgumentException($"Expected input [batch, time steps, {InputSize}] with at least one row and one step, got [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.dtype != ScalarType.Float32 || x.device_type != DeviceType.CPU)
            throw new ArgumentException($"Expected a float32 CPU tensor, got {x.dtype} on {x.device_type}.", nameof(x));
    }

    /// <summary>
    /// The forward pass of an autograd-free training step (<see cref="RecurrentClassifier.TrainingStep"/>): x [batch, steps,
    /// features] (contiguous float32) to h_T, written into <paramref name="lastHiddenState"/> [batch, hidden]. The lease
    /// holds every step's activations for <see cref="TrainingBackward"/>, which releases it.
    /// </summary>
    internal unsafe Recurrence.WorkspacePool.Lease TrainingForward(Tensor x, float* lastHiddenState)
    {
        Validate(x);
        var call = KeepingActivations;
        var shape = new RecurrenceShape((int)x.shape[1], (int)x.shape[0], InputSize, HiddenSize, call.Cell.Gates);
        return FusedRecurrence.Forward(call, shape, FusedRecurrence.Operands(x, weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0), lastHiddenState);
    }

    /// <summary>
    /// The backward pass of that step from dL/dh_T [batch, hidden]: gives each parameter that requires a gradient its
    /// gradient (added to one it already has, as autograd does; x gets none), records the step norms when a
    /// <see cref="GradientRecorder"/> is set, and releases the lease.
    /// </summary>
    internal unsafe void TrainingBackward(Recurrence.WorkspacePool.Lease lease, Tensor x, float* outputGradient)
    {
        try
        {
            var d = FusedRecurrence.Backward(KeepingActivations, lease, FusedRecurrence.Operands(x, weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0),
                outputGradient, false, weight_ih_l0.requires_grad, weight_hh_l0.requires_grad, bias_ih_l0.requires_grad, bias_hh_l0.requires_grad);
            foreach (var (parameter, gradient) in new[] { (weight_ih_l0, d.InputKernel), (weight_hh_l0, d.RecurrentKernel), (bias_ih_l0, d.InputBias), (bias_hh_l0, d.RecurrentBias) })
                if (gradient is not null)
                    SetGradient(parameter, gradient);
        }
        finally
        {
            lease.Release();
        }
    }

    /// <summary>Gives <paramref name="parameter"/> <paramref name="gradient"/> as its gradient, or adds it to the one it has (autograd's rule).</summary>
    internal static void SetGradient(Parameter parameter, Tensor gradient)
    {
        using var existing = parameter.grad;
        if (existing is null)
            parameter.grad = gradient;
        else
            existing.add_(gradient);
    }
}
