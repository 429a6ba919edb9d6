using RnnHelpers.Benchmarks;
using RnnHelpers.Models;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

public class PeerBenchmarkTests
{
    // The peer is worth quoting only if it trains the same model: same weights, same logits, same step.
    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void The_libtorch_peer_computes_the_same_logits_and_the_same_sgd_step(RecurrentKind kind)
    {
        manual_seed(3);
        using var fused = new RecurrentClassifier(kind, 16, 5);
        using var stock = new StockRecurrentClassifier(fused);
        Assert.Equal(fused.TrainableParameters.Count, stock.TrainableParameters.Count);
        Assert.Equal(fused.parameters().Count(), stock.parameters().Count());
        using var x = randn(9, 7, 5);
        using var y = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 });
        using var fusedSgd = new PlainSgd(fused.TrainableParameters, 0.1);
        using var stockSgd = new PlainSgd(stock.TrainableParameters, 0.1);
        fused.train();
        stock.train();
        for (int step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            fusedSgd.ZeroGrad();
            stockSgd.ZeroGrad();
            var a = fused.call(x);
            var b = stock.call(x);
            Assert.True((a - b).abs().max().item<float>() < 1e-4, $"{kind} step {step}: logits differ");
            FusedRecurrentLayer.Backward(nn.functional.cross_entropy(a, y));
            nn.functional.cross_entropy(b, y).backward();
            fusedSgd.Step();
            stockSgd.Step();
        }
        var fusedParameters = fused.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, parameter) in stock.named_parameters())
        {
            Assert.Equal(fusedParameters[name].requires_grad, parameter.requires_grad);
            Assert.True((fusedParameters[name] - parameter).abs().max().item<float>() < 1e-5, $"{kind}: {name} after two steps");
        }
    }

    [Fact]
    public void The_peer_comparison_refuses_a_fused_only_run_and_zero_pairs()
    {
        Assert.Throws<ArgumentException>(() => PeerBenchmark.Run(null!, [RecurrentKind.Lstm], BenchKernels.Fused, 2, 2));
        Assert.Throws<ArgumentException>(() => PeerBenchmark.Run(null!, [RecurrentKind.Lstm], BenchKernels.Paired, 0, 2));
    }
}
