using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>The recorded ‖dL/dh_t‖ of the fused backward pass against libtorch's autograd on its own modules, run step by step.</summary>
public class GradientFlowTests
{
    public static TheoryData<RecurrentKind, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<RecurrentKind, int, int, int, int, int>();
        foreach (var kind in new[] { RecurrentKind.SimpleRnn, RecurrentKind.Lstm, RecurrentKind.Gru })
        {
            data.Add(kind, 28, 16, 28, 64, 2);  // the article's view, rows over two blocks
            data.Add(kind, 60, 9, 1, 13, 2);    // one pixel per step, a block with a remainder row
            data.Add(kind, 5, 3, 7, 5, 1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Recorded_norms_match_libtorch_autograd_step_by_step(RecurrentKind kind, int steps, int batch, int features, int hidden, int threads)
    {
        using var threadCount = StockRecurrence.Threads(threads);
        manual_seed(5);
        using var fused = new FusedRecurrentLayer(kind, features, hidden);
        using var reference = StockRecurrence.CopyOf(fused);
        using var x = randn(batch, steps, features);
        using var weights = randn(batch, hidden);

        var recorder = new HiddenGradientRecorder();
        fused.GradientRecorder = recorder;
        using var output = fused.call(x);
        (output * weights).sum().backward();
        Assert.Equal(1, recorder.Passes);
        Assert.Equal((batch, steps), (recorder.Batch, recorder.Steps));

        var states = reference.States(x);
        using var loss = (states[^1] * weights).sum();
        var expected = autograd.grad([loss], states);
        for (int t = 1; t <= steps; t++)
        {
            var perRow = expected[t - 1].squeeze(0).norm(1).data<float>().ToArray();
            for (int b = 0; b < batch; b++)
            {
                float want = perRow[b], got = recorder.Norm(b, t);
                Assert.True(Math.Abs(want - got) <= 1e-5 + 1e-4 * want, $"{kind}: ‖dL/dh_{t}‖ of row {b} is {got}, libtorch {want}");
            }
        }
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void Recording_leaves_every_gradient_bit_for_bit_unchanged(RecurrentKind kind)
    {
        float[][] Gradients(bool record)
        {
            manual_seed(9);
            using var layer = new FusedRecurrentLayer(kind, 4, 24);
            if (record) layer.GradientRecorder = new HiddenGradientRecorder();
            using var x = randn(32, 49, 4).requires_grad_(true);
            layer.call(x).square().sum().backward();
            return [.. layer.parameters().Select(p => p.grad!.data<float>().ToArray()), x.grad!.data<float>().ToArray()];
        }
        var plain = Gradients(record: false);
        var recorded = Gradients(record: true);
        Assert.Equal(plain.Length, recorded.Length);
        for (int i = 0; i < plain.Length; i++)
            Assert.Equal(plain[i], recorded[i]);
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void Measure_gives_one_mean_norm_per_step_and_leaves_the_model_as_it_was(RecurrentKind kind)
    {
        manual_seed(2);
        using var model = new RecurrentClassifier(kind, hiddenUnits: 16, features: 2);
        using var images = rand(30, 40, 2);
        using var labels = randint(0, 10, [30]);
        model.train();

        var norms = GradientFlow.Measure(model, images, labels, batchSize: 7);

        Assert.Equal(40, norms.Length);
        Assert.All(norms, n => Assert.True(double.IsFinite(n) && n > 0, $"norm {n}"));
        Assert.True(model.training);
        Assert.Null(model.RecurrentLayer.GradientRecorder);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0));

        // The last step's norm is that of dL_b/dh_T through the head alone: libtorch's autograd from h_T.
        model.eval();
        using var last = model.LastHiddenState(images).detach().requires_grad_(true);
        using var loss = nn.functional.cross_entropy(model.Dense.call(model.BatchNormalization.call(last)), labels, reduction: nn.Reduction.Sum);
        var expected = autograd.grad([loss], [last])[0].norm(1).mean().item<float>();
        Assert.True(Math.Abs(expected - norms[^1]) <= 1e-5 * Math.Max(1, expected), $"last step {norms[^1]}, autograd {expected}");

        // Chunking does not change the numbers beyond rounding: each sequence's loss is its own in inference mode.
        var whole = GradientFlow.Measure(model, images, labels, batchSize: 30);
        for (int t = 0; t < norms.Length; t++)
            Assert.True(Math.Abs(whole[t] - norms[t]) <= 1e-5 * Math.Max(1e-3, whole[t]), $"step {t + 1}: {norms[t]} in chunks, {whole[t]} at once");
    }

    [Fact]
    public void Measure_rejects_images_of_the_wrong_shape()
    {
        using var model = new RecurrentClassifier(RecurrentKind.SimpleRnn, hiddenUnits: 8, features: 4);
        using var labels = zeros(3, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => GradientFlow.Measure(model, zeros(3, 5, 3), labels));
        Assert.Throws<ArgumentException>(() => GradientFlow.Measure(model, zeros(2, 5, 4), labels));
        Assert.Throws<ArgumentException>(() => GradientFlow.Measure(model, zeros(3, 5, 4), labels, batchSize: 0));
    }
}
