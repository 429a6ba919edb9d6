using RnnHelpers.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Benchmarks;

/// <summary>
/// The benchmark's peer: the article's model (<see cref="RecurrentClassifier"/>) with libtorch's own
/// <c>torch.nn.RNN</c>, <c>LSTM</c> or <c>GRU</c> module (aten/src/ATen/native/RNN.cpp, oneDNN/MKL on CPU) in place of the
/// library's fused kernels. Same parameter names, so it starts from a copy of a <see cref="RecurrentClassifier"/>'s
/// weights and moving statistics, with the same frozen second bias; what differs is only who runs the time loop.
/// </summary>
public sealed class StockRecurrentClassifier : Module<Tensor, Tensor>
{
    // Field names are the fused model's, so "lstm.weight_ih_l0" etc. match one for one.
    private readonly RNN? simple_rnn;
    private readonly LSTM? lstm;
    private readonly GRU? gru;
    private readonly KerasBatchNormalization batch_normalization;
    private readonly Linear dense;

    /// <summary>A stock-module copy of <paramref name="source"/>: parameters, buffers and which parameters train.</summary>
    /// <exception cref="InvalidOperationException">A parameter or buffer of one model has no counterpart of the same shape in the other.</exception>
    public StockRecurrentClassifier(RecurrentClassifier source) : base(source.Kind.DisplayName() + " (libtorch)")
    {
        Kind = source.Kind;
        switch (source.Kind)
        {
            case RecurrentKind.SimpleRnn: simple_rnn = RNN(source.Features, source.HiddenUnits, batchFirst: true); break;
            case RecurrentKind.Lstm: lstm = LSTM(source.Features, source.HiddenUnits, batchFirst: true); break;
            default: gru = GRU(source.Features, source.HiddenUnits, batchFirst: true); break;
        }
        batch_normalization = new KerasBatchNormalization(source.HiddenUnits, source.BatchNormalization.Momentum, source.BatchNormalization.Epsilon);
        dense = Linear(source.HiddenUnits, RecurrentClassifier.Classes);
        RegisterComponents();

        var from = source.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(source.named_buffers()).ToDictionary(p => p.Item1, p => p.Item2);
        var to = named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(named_buffers()).ToList();
        if (to.Count != from.Count)
            throw new InvalidOperationException($"The stock model has {to.Count} parameters and buffers, the fused one {from.Count}.");
        using (no_grad())
            foreach (var (name, tensor) in to)
            {
                if (!from.TryGetValue(name, out var value) || !value.shape.SequenceEqual(tensor.shape))
                    throw new InvalidOperationException($"The fused model has no {name} of shape [{string.Join(", ", tensor.shape)}].");
                tensor.copy_(value);
                tensor.requires_grad = value.requires_grad;
            }
    }

    /// <summary>SimpleRNN, LSTM or GRU: the source model's recurrent layer.</summary>
    public RecurrentKind Kind { get; }

    /// <summary>Parameters the optimiser updates (without the frozen second bias of SimpleRNN and LSTM).</summary>
    public IReadOnlyList<Parameter> TrainableParameters => parameters().Where(p => p.requires_grad).ToList();

    /// <summary>x: [batch, time steps, features] -> logits [batch, 10].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var output = simple_rnn is not null ? simple_rnn.call(x, null).Item1
            : lstm is not null ? lstm.call(x, null).Item1
            : gru!.call(x, null).Item1;
        var last = output.select(1, -1);
        return dense.call(batch_normalization.call(last)).MoveToOuterDisposeScope();
    }
}
