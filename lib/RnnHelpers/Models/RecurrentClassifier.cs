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

    /// <summary>The recurrent layer's output after the last time step, h_T: x [batch, time steps, features] -> [batch, hidden units].</summary>
    public Tensor LastHiddenState(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != Features)
            throw new ArgumentException($"Expected input [batch, time steps, {Features}], got [{string.Join(", ", x.shape)}].", nameof(x));
        return RecurrentLayer.call(x);
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
