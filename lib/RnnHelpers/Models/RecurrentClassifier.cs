using RnnHelpers.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Models;

/// <summary>
/// Keras' <c>Sequential([RNN(64), BatchNormalization(), Dense(10)])</c> on TorchSharp, the model of the Keras guide
/// "Working with RNNs" the article follows: a recurrent layer (keras/src/layers/rnn/simple_rnn.py, lstm.py, gru.py)
/// whose last hidden state h_T [batch, hidden units] feeds batch normalisation and a linear layer producing logits
/// [batch, 10]. Input: float32 [batch, time steps, features] on the CPU; <see cref="ArgumentException"/> otherwise.
/// Keras' defaults throughout: initialisation (<see cref="KerasInitialisation"/>), one bias per gate for SimpleRNN
/// and LSTM, GRU with reset_after=True, and Keras' own batch normalisation (<see cref="KerasBatchNormalization"/>).
/// </summary>
public sealed class RecurrentClassifier : Module<Tensor, Tensor>
{
    /// <summary>Logits the dense layer produces: the ten digits (or clothing classes).</summary>
    public const int Classes = 10;

    // Field names become parameter names (e.g. "lstm.weight_ih_l0") and match Keras' layer names.
    private readonly FusedRecurrentLayer? simple_rnn;
    private readonly FusedRecurrentLayer? lstm;
    private readonly FusedRecurrentLayer? gru;
    private readonly KerasBatchNormalization batch_normalization;
    private readonly Linear dense;
    // The training step's head and its buffers, kept from step to step (reallocated only for a larger batch).
    private HeadActivations? headActivations;

    /// <param name="kind">The recurrent layer.</param>
    /// <param name="hiddenUnits">Width of the recurrent layer (the article: 64).</param>
    /// <param name="features">Features per time step (28 pixels of a row in the article's view).</param>
    /// <param name="unitForgetBias">LSTM only: start the forget gate's bias at 1 (Keras' unit_forget_bias, the default) or 0.</param>
    public RecurrentClassifier(RecurrentKind kind, int hiddenUnits = 64, int features = 28, bool unitForgetBias = true)
        : base(kind.DisplayName())
    {
        if (hiddenUnits < 1)
            throw new ArgumentException($"HiddenUnits must be at least 1; got {hiddenUnits}.", "HiddenUnits");
        if (features < 1)
            throw new ArgumentException($"Features must be at least 1; got {features}.", nameof(features));
        TorchRuntime.EnsureInitialized();

        Kind = kind;
        HiddenUnits = hiddenUnits;
        Features = features;
        UnitForgetBias = unitForgetBias;
        var recurrent = new FusedRecurrentLayer(kind, features, hiddenUnits);
        switch (kind)
        {
            case RecurrentKind.SimpleRnn: simple_rnn = recurrent; break;
            case RecurrentKind.Lstm: lstm = recurrent; break;
            default: gru = recurrent; break;
        }
        batch_normalization = new KerasBatchNormalization(hiddenUnits, momentum: 0.99, epsilon: 1e-3);
        dense = Linear(hiddenUnits, Classes);
        RegisterComponents();
        KerasInitialisation.Apply(this);
    }

    /// <summary>The recurrent layer's cell.</summary>
    public RecurrentKind Kind { get; }
    /// <summary>Hidden units H of the recurrent layer, and the width of batch normalisation.</summary>
    public int HiddenUnits { get; }
    /// <summary>Features D per time step the model takes.</summary>
    public int Features { get; }
    /// <summary>LSTM only: whether the forget gate's bias started at 1.</summary>
    public bool UnitForgetBias { get; }

    /// <summary>The recurrent layer.</summary>
    public FusedRecurrentLayer RecurrentLayer => simple_rnn ?? lstm ?? gru!;

    /// <summary>Batch normalisation over h_T, [batch, H].</summary>
    public KerasBatchNormalization BatchNormalization => batch_normalization;
    /// <summary>The dense layer: [batch, H] → logits [batch, 10].</summary>
    public Linear Dense => dense;

    /// <summary>
    /// Holds for a training or evaluation loop. The recurrent kernels split each batch over the run's
    /// cores themselves; libtorch runs on one thread meanwhile, because after each multi-threaded call
    /// its idle workers spin for milliseconds and would take those cores away (docs/notation.md, "Threads").
    /// </summary>
    public IDisposable ThreadScope() => TorchRuntime.LibTorchThreads(1);

    /// <summary>Parameters the optimiser updates (excludes the frozen second bias of SimpleRNN and LSTM).</summary>
    public IReadOnlyList<Parameter> TrainableParameters => parameters().Where(p => p.requires_grad).ToList();

    /// <summary>x: [batch, time steps, features] -> logits [batch, 10].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var last = LastHiddenState(x);
        return dense.call(batch_normalization.call(last)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One training step's forward and backward passes without autograd, for x [batch, time steps, features] (float32)
    /// and labels [batch] (int64, 0–9): returns the mean cross-entropy loss (a scalar tensor) and the logits [batch, 10],
    /// gives every trainable parameter a new gradient tensor (added to one it already has, as autograd does; x gets
    /// none) and moves batch normalisation's moving averages. The recurrence runs in the fused kernels as in
    /// <see cref="forward"/>; batch normalisation with the batch's statistics, the dense layer and the loss run in one
    /// pass each way (<see cref="HeadActivations"/>: the same function as <see cref="forward"/> in training mode followed
    /// by libtorch's <c>cross_entropy</c>, in double precision, rounded once to float32). Works in either mode: the head
    /// always normalises with the batch's statistics. Errors: <see cref="ArgumentException"/> for input or labels of
    /// another shape or type, <see cref="ArgumentOutOfRangeException"/> for a label outside 0–9; on either, nothing
    /// has moved.
    /// </summary>
    public (Tensor Loss, Tensor Logits) TrainingStep(Tensor x, Tensor labels)
    {
        var pass = TrainingForward(x, labels);
        TrainingBackward(pass);
        return (pass.Loss, pass.Logits);
    }

    /// <summary>A training step between its forward and backward passes (<see cref="TrainingStep"/>).</summary>
    internal sealed class TrainingPass(Tensor input, Recurrence.WorkspacePool.Lease lease, HeadActivations head, Tensor loss, Tensor logits)
    {
        public Tensor Input { get; } = input;
        public Recurrence.WorkspacePool.Lease Lease { get; } = lease;
        public HeadActivations Head { get; } = head;
        public Tensor Loss { get; } = loss;
        public Tensor Logits { get; } = logits;
        /// <summary>The head's forward pass this step made (<see cref="HeadActivations.Passes"/>).</summary>
        public long Pass { get; } = head.Passes;
        /// <summary>Set by the backward pass, which runs once.</summary>
        public bool Done { get; set; }
    }

    /// <summary>The forward half of <see cref="TrainingStep"/> (timed apart by the bench's profile).</summary>
    internal unsafe TrainingPass TrainingForward(Tensor x, Tensor labels)
    {
        CheckInput(x);
        if (labels.dim() != 1 || labels.shape[0] != x.shape[0] || labels.dtype != ScalarType.Int64 || labels.device_type != DeviceType.CPU)
            throw new ArgumentException($"Expected int64 CPU labels [{x.shape[0]}], got {labels.dtype} [{string.Join(", ", labels.shape)}] on {labels.device_type}.", nameof(labels));
        int batch = (int)x.shape[0];
        var input = x.contiguous();
        using var targets = labels.contiguous();
        var head = headActivations is { } kept && kept.Capacity >= batch ? kept : headActivations = new HeadActivations(batch, HiddenUnits, Classes);
        var last = head.LastHiddenState;
        Recurrence.WorkspacePool.Lease? lease = null;
        try
        {
            // The labels first: a bad one stops the step before anything has moved.
            head.SetLabels(TensorMemory.Span<long>(targets));
            fixed (float* h = last)
                lease = RecurrentLayer.TrainingForward(input, h);
            var logits = empty(batch, Classes);
            var loss = empty(Array.Empty<long>());
            fixed (float* h = last, batchMean = head.BatchMean, batchVariance = head.BatchVariance)
            {
                *TensorMemory.Pointer(loss) = (float)head.Forward(h, TensorMemory.Pointer(batch_normalization.Gamma), TensorMemory.Pointer(batch_normalization.Beta),
                    TensorMemory.Pointer(dense.weight!), TensorMemory.Pointer(dense.bias!), batch_normalization.Epsilon, TensorMemory.Pointer(logits));
                batch_normalization.MoveAverages(batchMean, batchVariance);
            }
            return new TrainingPass(input, lease, head, loss, logits);
        }
        catch
        {
            lease?.Release();
            input.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The backward half of <see cref="TrainingStep"/>, once per pass and before the next forward pass (the head and the
    /// recurrence keep one step's activations); otherwise <see cref="InvalidOperationException"/>.
    /// </summary>
    internal unsafe void TrainingBackward(TrainingPass pass)
    {
        if (pass.Done || pass.Head.Passes != pass.Pass || pass.Lease.Workspace.Lease != pass.Lease.Number || pass.Head != headActivations)
        {
            pass.Lease.Release(); // its activations are gone either way
            throw new InvalidOperationException(
                "A training step's backward pass runs once, right after its own forward pass: another forward pass has overwritten its activations, or it ran already.");
        }
        pass.Done = true;
        using var input = pass.Input;
        try
        {
            int units = HiddenUnits;
            var dGamma = empty(units);
            var dBeta = empty(units);
            var dWeight = empty(Classes, units);
            var dBias = empty(Classes);
            pass.Head.Backward(TensorMemory.Pointer(dGamma), TensorMemory.Pointer(dBeta), TensorMemory.Pointer(dWeight), TensorMemory.Pointer(dBias));
            fixed (float* dh = pass.Head.LastHiddenStateGradient)
                RecurrentLayer.TrainingBackward(pass.Lease, input, dh);
            foreach (var (parameter, gradient) in new[] { (batch_normalization.Gamma, dGamma), (batch_normalization.Beta, dBeta), (dense.weight!, dWeight), (dense.bias!, dBias) })
                if (parameter.requires_grad)
                    FusedRecurrentLayer.SetGradient(parameter, gradient);
        }
        finally
        {
            pass.Lease.Release(); // released once: the recurrence's backward pass has normally done it already
        }
    }

    /// <summary>The recurrent layer's output after the last time step, h_T: x [batch, time steps, features] -> [batch, hidden units].</summary>
    public Tensor LastHiddenState(Tensor x)
    {
        CheckInput(x);
        return RecurrentLayer.call(x);
    }

    private void CheckInput(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != Features)
            throw new ArgumentException($"Expected input [batch, time steps, {Features}], got [{string.Join(", ", x.shape)}].", nameof(x));
    }

    /// <summary>
    /// Logits [batch, 10] from h_T [batch, hidden units] in inference, normalised with the given statistics
    /// (mean, variance: [hidden units]) instead of the moving averages.
    /// </summary>
    public Tensor Classify(Tensor lastHiddenState, Tensor mean, Tensor variance)
    {
        using var scope = NewDisposeScope();
        return dense.call(batch_normalization.Normalize(lastHiddenState, mean, variance)).MoveToOuterDisposeScope();
    }
}
