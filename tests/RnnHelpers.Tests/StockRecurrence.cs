using RnnHelpers.Models;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>
/// libtorch's own nn.RNN (tanh), nn.GRU or nn.LSTM with the parameters of a <see cref="FusedRecurrentLayer"/>: the
/// reference the fused kernels are tested against. Input is batch-first [batch, steps, features] like the fused layer's.
/// </summary>
public sealed class StockRecurrence : IDisposable
{
    public StockRecurrence(RecurrentKind kind, int features, int hidden)
    {
        Module = kind switch
        {
            RecurrentKind.SimpleRnn => nn.RNN(features, hidden),
            RecurrentKind.Gru => nn.GRU(features, hidden),
            _ => nn.LSTM(features, hidden),
        };
        Parameters = [.. Module.named_parameters()];
    }

    /// <summary>A fresh stock layer holding copies of <paramref name="fused"/>'s parameters (names checked pairwise).</summary>
    public static StockRecurrence CopyOf(FusedRecurrentLayer fused)
    {
        var stock = new StockRecurrence(fused.Kind, fused.InputSize, fused.HiddenSize);
        using (no_grad())
            foreach (var ((name, mine), (stockName, theirs)) in fused.named_parameters().Zip(stock.Parameters))
            {
                Assert.Equal(stockName, name);
                theirs.copy_(mine);
            }
        return stock;
    }

    public nn.Module Module { get; }

    /// <summary>(name, parameter) in libtorch's order, which is the fused layer's.</summary>
    public IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> Parameters { get; }

    /// <summary>x [batch, steps, features] → h_T [batch, hidden], all steps in one libtorch call.</summary>
    public Tensor LastState(Tensor x) => Module switch
    {
        TorchSharp.Modules.LSTM lstm => lstm.call(x.transpose(0, 1), null).Item1.select(0, -1),
        TorchSharp.Modules.GRU gru => gru.call(x.transpose(0, 1), null).Item1.select(0, -1),
        TorchSharp.Modules.RNN rnn => rnn.call(x.transpose(0, 1), null).Item1.select(0, -1),
        _ => throw new InvalidOperationException(Module.GetType().Name),
    };

    /// <summary>x [batch, steps, features] → h_1 … h_T, each [1, batch, hidden], one step per call so autograd can differentiate to each.</summary>
    public Tensor[] States(Tensor x)
    {
        var states = new List<Tensor>();
        Tensor? h = null, c = null;
        for (int t = 0; t < x.shape[1]; t++)
        {
            var step = x.narrow(1, t, 1).transpose(0, 1); // [1, batch, features]
            switch (Module)
            {
                case TorchSharp.Modules.LSTM lstm:
                    var (_, hn, cn) = lstm.call(step, h is null ? null : (h, c!));
                    (h, c) = (hn, cn);
                    break;
                case TorchSharp.Modules.GRU gru:
                    h = gru.call(step, h).Item2;
                    break;
                case TorchSharp.Modules.RNN rnn:
                    h = rnn.call(step, h).Item2;
                    break;
            }
            states.Add(h!);
        }
        return [.. states];
    }

    /// <summary>
    /// Runs a fused layer (libtorch's default initialisation from <paramref name="seed"/>) and its stock copy on the same
    /// random x [batch, steps, features] and asserts (<see cref="AssertClose"/>) that h_T, dL/dx and every parameter's
    /// gradient agree; the loss is Σ h_T ⊙ w for a random w [batch, hidden], so every output element has its own gradient.
    /// </summary>
    public static void AssertFusedMatches(RecurrentKind kind, int steps, int batch, int features, int hidden, int seed)
    {
        manual_seed(seed);
        using var fused = new FusedRecurrentLayer(kind, features, hidden);
        using var stock = CopyOf(fused);
        using var x = randn(batch, steps, features).requires_grad_(true);
        using var xStock = x.detach().clone().requires_grad_(true);
        using var weights = randn(batch, hidden);

        using var output = fused.call(x);
        using var expected = stock.LastState(xStock);
        using (var loss = (output * weights).sum())
            loss.backward();
        using (var loss = (expected * weights).sum())
            loss.backward();

        string shape = $" ({kind}, {steps} steps, batch {batch}, {features} features, hidden {hidden})";
        AssertClose(expected, output, "h_T" + shape);
        AssertClose(xStock.grad!, x.grad!, "dL/dx" + shape);
        foreach (var ((name, mine), (_, theirs)) in fused.named_parameters().Zip(stock.Parameters))
            AssertClose(theirs.grad!, mine.grad!, "dL/d" + name + shape);
    }

    /// <summary>Sets the run's thread count (the fused layer's row blocks) until disposed, then restores the previous one.</summary>
    public static IDisposable Threads(int threads)
    {
        int saved = TorchRuntime.Threads;
        TorchRuntime.EnsureInitialized(threads);
        return new Restore(() => TorchRuntime.EnsureInitialized(saved));
    }

    /// <summary>
    /// Asserts equal shapes and max |expected − actual| / max(|expected|, 1e-6) below 1e-5: float32 kernels summing in
    /// another order than libtorch's differ by a few ulps of the largest terms, far below any real mistake.
    /// </summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = Math.Max(1e-6, expected.abs().max().item<float>());
        double error = (expected - actual).abs().max().item<float>() / scale;
        Assert.True(error < 1e-5, $"{what}: max relative difference {error:E2} from libtorch");
    }

    public void Dispose() => Module.Dispose();

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
