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

    // A user's bench run: the fused figures, where the step's time goes, the libtorch pairs and the targets, in both outputs.
    [Fact]
    public void Bench_in_paired_mode_reports_the_ratio_and_writes_its_block()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rnn-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var (code, output) = Cli.Run(TimeSpan.FromMinutes(5), "bench", "--model", "simple-rnn", "--epochs", "1", "--train-limit", "640",
                "--kernels", "paired", "--pairs", "1", "--out", dir);
            Assert.True(code == 0, output);
            var markdown = File.ReadAllText(Path.Combine(dir, "RESULTS.md"));
            Assert.Contains("Against libtorch's own modules", markdown);
            Assert.Contains("Where a training step goes", markdown);
            Assert.Contains("Inside the time loop", markdown);
            Assert.Contains("simple-rnn: fused ÷ libtorch time at most 0.5", markdown);
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
            var ratio = (double)json["peer"]!["models"]![0]!["medianRatio"]!;
            Assert.True(ratio > 0 && double.IsFinite(ratio), $"ratio {ratio}");
            // Each side's median batch and its time in slow batches, pair by pair: a median batch is shorter than the
            // epoch, and the slow batches' excess is part of it.
            var peerModel = json["peer"]!["models"]![0]!;
            foreach (var side in new[] { "fused", "stock" })
            {
                double seconds = (double)peerModel[side + "Seconds"]![0]!, median = (double)peerModel[side + "BatchMedians"]![0]!;
                double slow = (double)peerModel[side + "SlowSeconds"]![0]!;
                Assert.True(median > 0 && median / 1000 < seconds, $"{side}: median batch {median} ms in an epoch of {seconds} s");
                Assert.True(slow >= 0 && slow < seconds, $"{side}: {slow} s in slow batches of {seconds} s");
            }
            Assert.Contains("median ms per batch, fused / libtorch", markdown);
            // Each product is timed inside the kernels' wall time, per row block: every part is there, with a rate, and
            // together they fit inside that wall time (what is left is forking, joining and waiting).
            var profile = json["models"]![0]!["profile"]!;
            foreach (var part in new[] { "inputProjection", "hiddenProjection", "stateGradient", "weightGradients", "biasGradients" })
                Assert.True((double)profile[part]! > 0, $"{part}: {profile[part]}");
            foreach (var rate in new[] { "inputProjectionGflops", "hiddenProjectionGflops", "stateGradientGflops", "weightGradientsGflops" })
                Assert.True((double)profile[rate]! is > 0 and < 10_000, $"{rate}: {profile[rate]}");
            double wall = (double)profile["recurrenceForward"]! + (double)profile["recurrenceBackward"]!;
            Assert.True((double)profile["kernelRest"]! >= -0.01 * wall, $"the timed parts exceed the kernels' wall time {wall} ms: {profile}");

            var (stockCode, stockOutput) = Cli.Run(TimeSpan.FromMinutes(5), "bench", "--model", "simple-rnn", "--train-limit", "640",
                "--kernels", "libtorch", "--pairs", "1", "--out", dir);
            Assert.True(stockCode == 0, stockOutput);
            Assert.Contains("libtorch", stockOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
