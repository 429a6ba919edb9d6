using RnnHelpers.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Models;

/// <summary>
/// Keras' <c>Sequential([RNN(64), BatchNormalization(), Dense(10)])</c> on TorchSharp: a recurrent
/// layer whose last output feeds batch normalisation and a linear layer producing logits.
/// </summary>
public sealed class RecurrentClassifier : Module<Tensor, Tensor>
{
    public const int Classes = 10;

    // Field names become parameter names (e.g. "lstm.weight_ih_l0") and match Keras' layer names.
    private readonly FusedRecurrentLayer? simple_rnn;
    private readonly FusedRecurrentLayer? lstm;
    private readonly FusedRecurrentLayer? gru;
    private readonly BatchNorm1d batch_normalization;
    private readonly Linear dense;

    public RecurrentClassifier(RecurrentKind kind, int hiddenUnits = 64, int features = 28)
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
        var recurrent = new FusedRecurrentLayer(kind, features, hiddenUnits);
        switch (kind)
        {
            case RecurrentKind.SimpleRnn: simple_rnn = recurrent; break;
            case RecurrentKind.Lstm: lstm = recurrent; break;
            default: gru = recurrent; break;
        }
        // Keras: momentum 0.99 for the moving average is PyTorch's momentum 0.01.
        batch_normalization = BatchNorm1d(hiddenUnits, eps: 1e-3, momentum: 0.01);
        dense = Linear(hiddenUnits, Classes);
        RegisterComponents();
        KerasInitialisation.Apply(this);
    }

    public RecurrentKind Kind { get; }
    public int HiddenUnits { get; }
    public int Features { get; }

    /// <summary>The recurrent layer.</summary>
    public FusedRecurrentLayer RecurrentLayer => simple_rnn ?? lstm ?? gru!;

    public BatchNorm1d BatchNormalization => batch_normalization;
    public Linear Dense => dense;

    /// <summary>
    /// Holds for a training or evaluation loop. The recurrent kernels split each batch over the run's
    /// cores themselves; libtorch runs on one thread meanwhile, because after each multi-threaded call
    /// its idle workers spin for milliseconds and would take those cores away.
    /// </summary>
    public IDisposable ThreadScope() => TorchRuntime.LibTorchThreads(1);

    /// <summary>Parameters the optimiser updates (excludes the frozen second bias of SimpleRNN and LSTM).</summary>
    public IReadOnlyList<Parameter> TrainableParameters => parameters().Where(p => p.requires_grad).ToList();

    /// <summary>x: [batch, time steps, features] -> logits [batch, 10].</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != Features)
            throw new ArgumentException($"Expected input [batch, time steps, {Features}], got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        var last = RecurrentLayer.call(x);
        return dense.call(batch_normalization.call(last)).MoveToOuterDisposeScope();
    }
}
