using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>Keras' BatchNormalization reproduced: moving statistics from the biased batch variance, a batch of one trains.</summary>
public class BatchNormalizationTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Moving_statistics_after_batches_of_64_64_and_1_follow_the_keras_formula()
    {
        Native.TorchRuntime.EnsureInitialized();
        manual_seed(3);
        using var bn = new KerasBatchNormalization(5);
        bn.train();
        var batches = new[] { randn(64, 5) * 3 + 1, randn(64, 5) - 2, randn(1, 5) * 7 };
        // By hand, in float64: moving = moving · 0.99 + batch · 0.01, batch variance biased (divide by n).
        var mean = new double[5];
        var variance = Enumerable.Repeat(1.0, 5).ToArray();
        foreach (var x in batches)
        {
            using var y = bn.call(x);
            Assert.True(y.isfinite().all().item<bool>());
            var rows = x.data<float>().ToArray();
            int n = (int)x.shape[0];
            for (int u = 0; u < 5; u++)
            {
                var column = Enumerable.Range(0, n).Select(r => (double)rows[r * 5 + u]).ToArray();
                double m = column.Average(), v = column.Sum(c => (c - m) * (c - m)) / n;
                mean[u] = mean[u] * 0.99 + m * 0.01;
                variance[u] = variance[u] * 0.99 + v * 0.01;
            }
        }
        var movingMean = bn.MovingMean.data<float>().ToArray();
        var movingVariance = bn.MovingVariance.data<float>().ToArray();
        for (int u = 0; u < 5; u++)
        {
            Assert.Equal(mean[u], movingMean[u], 5);
            Assert.Equal(variance[u], movingVariance[u], 5);
        }
        // The batch of one: its variance is 0, so its output is β (zero) and nothing is NaN.
        using var one = bn.call(batches[2]);
        Assert.InRange(one.abs().max().item<float>(), 0f, 1e-4f); // libtorch's kernel leaves rounding of order 1e-5
    }

    /// <summary>
    /// The layer's own batch variance is libtorch's <c>var(0, unbiased: false)</c> bit for bit (the stored runs were
    /// trained with the latter), over batch sizes from one to past a thousand, 1 to 300 units (past the 256 kept on the
    /// stack), scales from 1e-6 to 1e5, offsets up to 1e4, ±0 and equal rows. The double-precision result from float
    /// input is compared with libtorch's float64 variance of the same (exactly widened) values, where a different order
    /// of operations shows: a plain multiply and add for the m2 update differs from libtorch in about one column in eight.
    /// The float32 result, as the layer uses it, is compared too; for one column, libtorch's own path, only that.
    /// </summary>
    [Fact]
    public void The_batch_variance_has_libtorchs_bits()
    {
        Native.TorchRuntime.EnsureInitialized();
        var random = new Random(11);
        long compared = 0;
        foreach (int rows in new[] { 1, 2, 3, 5, 7, 31, 64, 100, 1031 })
            for (int trial = 0; trial < 40; trial++)
            {
                int units = trial switch { 2 => 1, 3 => 256, 4 => 257, 5 => 300, _ => 2 + random.Next(70) };
                double scale = Math.Pow(10, random.Next(-6, 6)), offset = trial % 2 == 0 ? 0 : Math.Pow(10, random.Next(-3, 5));
                var values = new float[rows * units];
                for (int i = 0; i < values.Length; i++)
                    values[i] = trial == 0 ? (i % 2 == 0 ? 0f : -0f) : trial == 1 ? 3.25f : (float)(offset + scale * (random.NextDouble() * 2 - 1));
                using var x = tensor(values).reshape(rows, units);
                using var x64 = x.to_type(ScalarType.Float64);
                using var expected = x.var(0L, unbiased: false);
                using var expected64 = x64.var(0L, unbiased: false);
                using var actual = KerasBatchNormalization.BiasedVariance(x);
                var want = expected.data<float>().ToArray();
                var want64 = expected64.data<double>().ToArray();
                var got = actual.data<float>().ToArray();
                var got64 = new double[units];
                KerasBatchNormalization.ColumnVariances<float>(values, rows, units, got64);
                for (int u = 0; u < units; u++)
                {
                    string where = $"rows {rows}, unit {u} of {units}, scale {scale}, offset {offset}";
                    if (units > 1)
                        Assert.True(BitConverter.DoubleToInt64Bits(want64[u]) == BitConverter.DoubleToInt64Bits(got64[u]),
                            $"{where}: libtorch {want64[u]:R}, layer {got64[u]:R} (float64)");
                    Assert.True(BitConverter.SingleToInt32Bits(want[u]) == BitConverter.SingleToInt32Bits(got[u]),
                        $"{where}: libtorch {want[u]:R}, layer {got[u]:R}");
                }
                compared += units;
            }
        Assert.True(compared > 10_000);
    }

    /// <summary>
    /// A column holding a NaN or an infinity has a NaN variance, as in libtorch, so the trainer's finiteness check stops
    /// on the same batch; and the moving variance after a training step is moving · 0.99 + var · 0.01 in libtorch's own
    /// operations, bit for bit, for a contiguous batch and for a transposed (non-contiguous) one.
    /// </summary>
    [Fact]
    public void The_moving_variance_follows_libtorchs_variance_bit_for_bit()
    {
        Native.TorchRuntime.EnsureInitialized();
        manual_seed(12);
        using var special = randn(9, 4);
        special[2, 0] = tensor(float.NaN);
        special[5, 1] = tensor(float.PositiveInfinity);
        special[7, 2] = tensor(float.NegativeInfinity);
        var variance = KerasBatchNormalization.BiasedVariance(special).data<float>().ToArray();
        var libtorch = special.var(0L, unbiased: false).data<float>().ToArray();
        for (int u = 0; u < 4; u++)
            Assert.Equal(float.IsNaN(libtorch[u]), float.IsNaN(variance[u]));
        Assert.True(float.IsNaN(variance[0]) && float.IsNaN(variance[1]) && float.IsNaN(variance[2]) && float.IsFinite(variance[3]));

        foreach (bool transposed in new[] { false, true })
        {
            using var bn = new KerasBatchNormalization(70);
            bn.train();
            using var batch = transposed ? (randn(70, 64) * 3 + 2).t() : randn(64, 70) * 3 + 2;
            Assert.Equal(!transposed, batch.is_contiguous());
            using var y = bn.call(batch);
            using var want = ones(70).mul_(0.99).add_(batch.var(0L, unbiased: false), 0.01);
            var expected = want.data<float>().ToArray();
            var actual = bn.MovingVariance.data<float>().ToArray();
            for (int u = 0; u < 70; u++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[u]) == BitConverter.SingleToInt32Bits(actual[u]),
                    $"unit {u}, transposed {transposed}: libtorch {expected[u]:R}, layer {actual[u]:R}");
        }
    }

    [Fact]
    public void Training_output_and_gradients_equal_the_batch_norm_formula()
    {
        Native.TorchRuntime.EnsureInitialized();
        manual_seed(4);
        using var bn = new KerasBatchNormalization(6);
        using (no_grad()) { bn.Gamma.uniform_(0.5, 1.5); bn.Beta.uniform_(-0.5, 0.5); }
        bn.train();
        var x = (randn(33, 6, dtype: ScalarType.Float64) * 2).to_type(ScalarType.Float32).requires_grad_(true);
        var weights = randn(33, 6);
        var y = bn.call(x);
        (y * weights).sum().backward();

        // The reference: y = γ (x − μ) / √(σ² + ε) + β with the batch's biased variance, differentiated by autograd.
        var xr = x.detach().clone().requires_grad_(true);
        var gamma = bn.Gamma.detach().clone().requires_grad_(true);
        var beta = bn.Beta.detach().clone().requires_grad_(true);
        var mu = xr.mean([0L]);
        var variance = (xr - mu).pow(2).mean([0L]);
        var yr = gamma * (xr - mu) / (variance + 1e-3).sqrt() + beta;
        (yr * weights).sum().backward();

        Assert.True(y.allclose(yr, rtol: 1e-4, atol: 1e-5));
        Assert.True(x.grad!.allclose(xr.grad!, rtol: 1e-3, atol: 1e-5));
        Assert.True(bn.Gamma.grad!.allclose(gamma.grad!, rtol: 1e-4, atol: 1e-5));
        Assert.True(bn.Beta.grad!.allclose(beta.grad!, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Inference_uses_the_moving_averages_or_the_statistics_given()
    {
        Native.TorchRuntime.EnsureInitialized();
        using var bn = new KerasBatchNormalization(2);
        using (no_grad()) { bn.MovingMean.copy_(tensor(new[] { 1f, -1f })); bn.MovingVariance.copy_(tensor(new[] { 4f, 0.25f })); }
        bn.eval();
        using var x = tensor(new[] { 3f, 0f }).reshape(1, 2);
        var y = bn.call(x).data<float>().ToArray();
        Assert.Equal(2 / Math.Sqrt(4 + 1e-3), y[0], 5);
        Assert.Equal(1 / Math.Sqrt(0.25 + 1e-3), y[1], 5);
        var z = bn.Normalize(x, tensor(new[] { 3f, 0f }), tensor(new[] { 1f, 1f })).data<float>().ToArray();
        Assert.Equal(0, z[0], 6);
        Assert.Equal(0, z[1], 6);
    }

    [Fact]
    public void A_last_batch_of_one_image_trains_to_finite_numbers()
    {
        // 65 images in batches of 64: the last batch holds one image (as `train --train-limit 65`).
        using var data = mnist.Load(new DataOptions { TrainLimit = 65, TestLimit = 100 });
        var result = Trainer.Train(RecurrentKind.SimpleRnn, data, new TrainingOptions { Epochs = 2, Seed = 1, Threads = 1 });
        Assert.All(result.History, e => Assert.True(double.IsFinite(e.TestLoss) && double.IsFinite(e.TestLossRecomputedBn!.Value)));
        Assert.True(result.Model.BatchNormalization.MovingVariance.isfinite().all().item<bool>());
        result.Model.Dispose();
    }

    [Fact]
    public void The_cli_trains_a_last_batch_of_one_and_leaves_no_checkpoint_behind()
    {
        using var dir = new TempDir();
        var (code, output) = Cli.Run(TimeSpan.FromMinutes(3), "train", "--model", "simple-rnn", "--seeds", "1", "--epochs", "1",
            "--train-limit", "65", "--test-limit", "100", "--results", dir.Path, "--threads", "1");
        Assert.True(code == 0, output);
        var run = Assert.Single(new ResultsStore(dir.Path).LoadAll());
        Assert.True(double.IsFinite(run.History[0].TestLoss));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "checkpoints")));
    }

    [Fact]
    public void A_non_finite_moving_statistic_ends_training_with_the_typed_error()
    {
        using var data = mnist.Load(new DataOptions { TrainLimit = 200, TestLimit = 50 });
        var model = new RecurrentClassifier(RecurrentKind.Gru);
        using (no_grad()) model.BatchNormalization.MovingVariance[3] = float.PositiveInfinity;
        using var optimizer = new PlainSgd(model.TrainableParameters, 0.01);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.RunEpoch(model, optimizer, data, new TrainingOptions { Seed = 1, Threads = 1 }, 1, null, CancellationToken.None));
        Assert.Equal(1, e.Batch);
        Assert.Equal("batch_normalization.moving_variance", e.Quantity);
        Assert.Contains("epoch 1, batch 1", e.Message);
    }

    [Fact]
    public void A_checkpoint_with_non_finite_numbers_is_written_whole()
    {
        using var dir = new TempDir();
        var model = new RecurrentClassifier(RecurrentKind.SimpleRnn);
        var history = new List<EpochRecord> { new(1, double.NaN, 0.1, double.PositiveInfinity, 0.1, null, null, null, null, 1, 1, 1, 1) };
        var checkpoints = new Checkpoints(dir.Path, "run");
        checkpoints.Save(model, history);
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length); // the state and one weights file, no temporary file
        var back = checkpoints.TryRestore(new RecurrentClassifier(RecurrentKind.SimpleRnn))!;
        Assert.True(double.IsNaN(back[0].TrainLoss));
    }

    [Fact]
    public void Population_statistics_leave_the_model_untouched()
    {
        using var data = mnist.Load(new DataOptions { TrainLimit = 300, TestLimit = 100 });
        var model = new RecurrentClassifier(RecurrentKind.Lstm);
        model.train();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var e = Evaluator.EvaluateEpoch(model, data.TestImages, data.TestLabels, data.TrainImages, data.TrainLabels);
        Assert.True(model.training);
        foreach (var (name, value) in model.state_dict())
            Assert.True(value.allclose(before[name], 0, 0), name);
        Assert.Equal(300, e.Statistics.Images);
        Assert.InRange(e.TestAccuracyRecomputedBn, 0, 1);
    }
}
