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
    private readonly RNN? simple_rnn;
    private readonly LSTM? lstm;
    private readonly GRU? gru;
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
        switch (kind)
        {
            case RecurrentKind.SimpleRnn:
                simple_rnn = RNN(features, hiddenUnits, nonLinearity: NonLinearities.Tanh, batchFirst: false);
                break;
            case RecurrentKind.Lstm:
                lstm = LSTM(features, hiddenUnits, batchFirst: false);
                break;
            case RecurrentKind.Gru:
                gru = GRU(features, hiddenUnits, batchFirst: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
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

    /// <summary>The recurrent layer's own module (RNN, LSTM or GRU).</summary>
    public Module RecurrentLayer => (Module?)simple_rnn ?? (Module?)lstm ?? gru!;

    public BatchNorm1d BatchNormalization => batch_normalization;
    public Linear Dense => dense;

    /// <summary>Parameters the optimiser updates (excludes the frozen second bias of SimpleRNN and LSTM).</summary>
    public IReadOnlyList<Parameter> TrainableParameters => parameters().Where(p => p.requires_grad).ToList();

    /// <summary>x: [batch, time steps, features] -> logits [batch, 10].</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3 || x.shape[2] != Features)
            throw new ArgumentException($"Expected input [batch, time steps, {Features}], got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        // Time-major layout: the fused CPU kernels run ~15% faster than with batch_first.
        var steps = x.transpose(0, 1).contiguous();
        Tensor sequence = Kind switch
        {
            RecurrentKind.SimpleRnn => simple_rnn!.call(steps, null).Item1,
            RecurrentKind.Lstm => lstm!.call(steps, null).Item1,
            _ => gru!.call(steps, null).Item1,
        };
        var last = sequence.select(0, -1);
        return dense.call(batch_normalization.call(last)).MoveToOuterDisposeScope();
    }
}
