using TorchSharp;
using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>
/// The autograd-free training step (<see cref="RecurrentClassifier.TrainingStep"/>): its head (batch normalisation with
/// the batch's statistics, dense layer, mean cross-entropy) is the same function as the layers and loss it replaces,
/// computed in double precision and rounded once, and its recurrence is the fused layer's, bit for bit.
/// </summary>
public class TrainingStepTests
{
    private const int Features = 5, Hidden = 16;

    private static RecurrentClassifier Model(RecurrentKind kind, int seed, int hidden = Hidden)
    {
        manual_seed(seed);
        var model = new RecurrentClassifier(kind, hidden, Features);
        using (no_grad())
        {
            model.BatchNormalization.Gamma.uniform_(0.5, 1.5);
            model.BatchNormalization.Beta.uniform_(-0.5, 0.5);
        }
        model.train();
        return model;
    }

    // |float result − exact| in units in the last place of the exact value, with a floor for results that cancel to
    // almost nothing (then both sides' double rounding, in different orders, is what differs).
    private static void AssertRoundedOnce(Tensor result, Tensor exact, string what)
    {
        var r = result.data<float>().ToArray();
        var e = exact.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(e.Length, r.Length);
        double floor = 1e-12 * e.Max(Math.Abs);
        for (int i = 0; i < r.Length; i++)
        {
            double magnitude = Math.Abs(e[i]);
            double ulp = magnitude < Math.Pow(2, -126) ? Math.Pow(2, -149) : Math.Pow(2, Math.ILogB(magnitude) - 23);
            Assert.True(Math.Abs(r[i] - e[i]) <= 0.501 * ulp + floor, $"{what}[{i}]: {r[i]:R}, exact {e[i]:R}");
        }
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn, 9, 16)]
    [InlineData(RecurrentKind.Lstm, 64, 64)]
    [InlineData(RecurrentKind.Gru, 33, 16)]
    [InlineData(RecurrentKind.Gru, 5, 7)]   // units past the last whole vector of four
    [InlineData(RecurrentKind.Lstm, 2, 1)]
    public void Loss_logits_gradients_and_moving_averages_are_the_float64_head_rounded_once(RecurrentKind kind, int batch, int hidden)
    {
        using var model = Model(kind, 5, hidden);
        using var x = randn(batch, 7, Features);
        using var labels = randint(0, 10, batch, dtype: ScalarType.Int64);
        var movingMean = model.BatchNormalization.MovingMean.clone();
        var movingVariance = model.BatchNormalization.MovingVariance.clone();

        // The reference: h_T from the same recurrence, then the head in float64, differentiated by libtorch.
        var h = model.LastHiddenState(x);
        var h64 = h.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var gamma = model.BatchNormalization.Gamma.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var beta = model.BatchNormalization.Beta.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var weight = model.Dense.weight!.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var bias = model.Dense.bias!.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var mean = h64.mean([0L]);
        var variance = (h64 - mean).pow(2).mean([0L]);
        var logits64 = nn.functional.linear(gamma * (h64 - mean) / (variance + 1e-3).sqrt() + beta, weight, bias);
        var loss64 = nn.functional.cross_entropy(logits64, labels);
        loss64.backward();
        // dL/dh_T in float32 through the recurrence: its parameters' gradients on the reference side.
        h.backward([h64.grad!.to_type(ScalarType.Float32)]);
        var recurrentReference = model.RecurrentLayer.parameters().Where(p => p.requires_grad).Select(p => p.grad!.clone()).ToList();
        foreach (var p in model.parameters())
            p.grad = null;

        var pass = model.TrainingForward(x, labels);
        model.TrainingBackward(pass);
        var (loss, logits) = (pass.Loss, pass.Logits);

        AssertRoundedOnce(tensor(pass.Head.LastHiddenStateGradient[..(batch * hidden)], [batch, hidden]), h64.grad!, "dL/dh_T");
        AssertRoundedOnce(loss.reshape(1), loss64.reshape(1), "loss");
        AssertRoundedOnce(logits, logits64, "logits");
        AssertRoundedOnce(model.BatchNormalization.Gamma.grad!, gamma.grad!, "dL/dγ");
        AssertRoundedOnce(model.BatchNormalization.Beta.grad!, beta.grad!, "dL/dβ");
        AssertRoundedOnce(model.Dense.weight!.grad!, weight.grad!, "dL/dW");
        AssertRoundedOnce(model.Dense.bias!.grad!, bias.grad!, "dL/db");
        // The recurrence receives dL/dh_T rounded once on both sides, so its gradients agree to float32 noise.
        foreach (var (fused, reference) in model.RecurrentLayer.parameters().Where(p => p.requires_grad).Select(p => p.grad!).Zip(recurrentReference))
            Assert.True(fused.allclose(reference, rtol: 1e-4, atol: 1e-7), $"{kind}: a recurrent gradient differs");

        // The moving averages moved once, towards the batch's mean and biased variance rounded to float32.
        var wantMean = movingMean * 0.99f + mean.to_type(ScalarType.Float32) * 0.01f;
        var wantVariance = movingVariance * 0.99f + variance.to_type(ScalarType.Float32) * 0.01f;
        Assert.True(model.BatchNormalization.MovingMean.allclose(wantMean, rtol: 1e-6, atol: 1e-7));
        Assert.True(model.BatchNormalization.MovingVariance.allclose(wantVariance, rtol: 1e-6, atol: 1e-7));
    }

    // The recurrence of the step is the fused layer's: fed the step's own dL/dh_T, autograd gives the same gradients bit for bit.
    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void The_steps_recurrent_gradients_are_the_fused_layers_bit_for_bit(RecurrentKind kind)
    {
        using var model = Model(kind, 11);
        using var x = randn(20, 6, Features);
        using var labels = randint(0, 10, 20, dtype: ScalarType.Int64);
        var pass = model.TrainingForward(x, labels);
        model.TrainingBackward(pass);
        var dh = tensor(pass.Head.LastHiddenStateGradient, [20, Hidden]);
        var step = model.RecurrentLayer.parameters().Where(p => p.requires_grad).Select(p => p.grad!.clone()).ToList();
        var h = model.LastHiddenState(x);
        Assert.True(h.equal(tensor(pass.Head.LastHiddenState, [20, Hidden])).all().item<bool>(), "h_T differs");
        foreach (var p in model.parameters())
            p.grad = null;
        h.backward([dh]);
        foreach (var (autograd, own) in model.RecurrentLayer.parameters().Where(p => p.requires_grad).Select(p => p.grad!).Zip(step))
            Assert.True(autograd.equal(own).all().item<bool>(), $"{kind}: a recurrent gradient differs");
    }

    [Fact]
    public void Gradients_add_to_those_a_parameter_has_and_frozen_parameters_get_none()
    {
        using var model = Model(RecurrentKind.Lstm, 12);
        using var x = randn(8, 3, Features);
        using var y = randint(0, 10, 8, dtype: ScalarType.Int64);
        model.TrainingStep(x, y);
        var once = model.TrainableParameters.Select(p => p.grad!.clone()).ToList();
        model.TrainingStep(x, y);
        foreach (var (p, g) in model.TrainableParameters.Zip(once))
            Assert.True(p.grad!.allclose(g * 2, rtol: 1e-6, atol: 1e-9), $"{p.name}: the second step's gradient was not added");
        Assert.All(model.parameters().Where(p => !p.requires_grad), p => Assert.Null(p.grad));
        Assert.Contains(model.parameters(), p => !p.requires_grad); // Keras' LSTM: the second bias stays frozen
    }

    // An epoch's short last batch reuses the head's buffers sized for the full batch: the same bits as fresh ones.
    [Fact]
    public void A_shorter_batch_after_a_longer_one_gives_the_same_bits_as_alone()
    {
        using var reused = Model(RecurrentKind.Gru, 13, hidden: 7);
        using var fresh = Model(RecurrentKind.Gru, 13, hidden: 7);
        using var x = randn(12, 3, Features);
        using var y = randint(0, 10, 12, dtype: ScalarType.Int64);
        using var shortX = randn(5, 3, Features);
        using var shortY = randint(0, 10, 5, dtype: ScalarType.Int64);
        reused.TrainingStep(x, y);
        foreach (var p in reused.parameters())
            p.grad = null;
        var (a, logitsA) = reused.TrainingStep(shortX, shortY);
        var (b, logitsB) = fresh.TrainingStep(shortX, shortY);
        Assert.Equal(b.item<float>(), a.item<float>());
        Assert.True(logitsA.equal(logitsB).all().item<bool>());
        foreach (var (p, q) in reused.TrainableParameters.Zip(fresh.TrainableParameters))
            Assert.True(p.grad!.equal(q.grad!).all().item<bool>(), $"{p.name} differs");
    }

    // The moving averages' bits are those of libtorch's mul_(momentum).add_(batch, 1 − momentum), over several steps
    // from averages that have moved, for widths on and off the vector lanes.
    [Theory]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(64)]
    public void The_moving_averages_move_as_libtorchs_operations_bit_for_bit(int hidden)
    {
        using var model = Model(RecurrentKind.Gru, 3, hidden);
        for (int step = 0; step < 6; step++)
        {
            using var x = randn(17, 4, Features) * 2 + 1;
            using var y = randint(0, 10, 17, dtype: ScalarType.Int64);
            using var mean = model.BatchNormalization.MovingMean.clone();
            using var variance = model.BatchNormalization.MovingVariance.clone();
            var pass = model.TrainingForward(x, y);
            mean.mul_(0.99).add_(tensor(pass.Head.BatchMean), 0.01);
            variance.mul_(0.99).add_(tensor(pass.Head.BatchVariance), 0.01);
            model.TrainingBackward(pass);
            foreach (var (actual, expected, name) in new[] { (model.BatchNormalization.MovingMean, mean, "mean"), (model.BatchNormalization.MovingVariance, variance, "variance") })
            {
                var a = actual.data<float>().ToArray();
                var e = expected.data<float>().ToArray();
                for (int u = 0; u < hidden; u++)
                    Assert.True(BitConverter.SingleToInt32Bits(a[u]) == BitConverter.SingleToInt32Bits(e[u]), $"step {step}, moving {name}[{u}]: {a[u]:R}, libtorch {e[u]:R}");
            }
            foreach (var p in model.parameters())
                p.grad = null;
        }
    }

    // A failure after the recurrence has run (here a dense layer of another type) leaves no lease out and nothing moved.
    [Fact]
    public void A_step_that_fails_after_the_recurrence_keeps_no_workspace_and_moves_nothing()
    {
        using var model = Model(RecurrentKind.Lstm, 4, 8);
        using var x = randn(6, 3, Features);
        using var y = randint(0, 10, 6, dtype: ScalarType.Int64);
        var mean = model.BatchNormalization.MovingMean.clone();
        model.Dense.to(ScalarType.Float64); // the head reads float32 parameters: a typed error once the recurrence has run
        Assert.ThrowsAny<Exception>(() => model.TrainingStep(x, y));
        Assert.Equal(0, model.RecurrentLayer.LeasesOutstanding);
        Assert.True(model.BatchNormalization.MovingMean.equal(mean).all().item<bool>());
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.Throws<ArgumentException>(() => model.TrainingStep(x.to_type(ScalarType.Float64), y));
        Assert.Equal(0, model.RecurrentLayer.LeasesOutstanding);
    }

    // A pass's backward pass runs once and only before the next forward pass; otherwise a typed error, and no lease kept.
    [Fact]
    public void A_backward_pass_out_of_turn_is_refused()
    {
        using var model = Model(RecurrentKind.SimpleRnn, 14);
        using var x = randn(8, 3, Features);
        using var y = randint(0, 10, 8, dtype: ScalarType.Int64);
        var first = model.TrainingForward(x, y);
        var second = model.TrainingForward(x, y);
        Assert.Throws<InvalidOperationException>(() => model.TrainingBackward(first));
        model.TrainingBackward(second);
        Assert.Throws<InvalidOperationException>(() => model.TrainingBackward(second));
        Assert.Equal(0, model.RecurrentLayer.LeasesOutstanding);
    }

    // The step always normalises with the batch's statistics: in evaluation mode it computes what it does in training mode.
    [Fact]
    public void In_evaluation_mode_the_step_is_the_same_and_a_frozen_head_parameter_gets_no_gradient()
    {
        using var training = Model(RecurrentKind.Gru, 15);
        using var evaluating = Model(RecurrentKind.Gru, 15);
        evaluating.eval();
        evaluating.BatchNormalization.Gamma.requires_grad_(false);
        using var x = randn(9, 3, Features);
        using var y = randint(0, 10, 9, dtype: ScalarType.Int64);
        var (a, logitsA) = training.TrainingStep(x, y);
        var (b, logitsB) = evaluating.TrainingStep(x, y);
        Assert.Equal(a.item<float>(), b.item<float>());
        Assert.True(logitsA.equal(logitsB).all().item<bool>());
        Assert.True(evaluating.BatchNormalization.MovingMean.equal(training.BatchNormalization.MovingMean).all().item<bool>());
        Assert.Null(evaluating.BatchNormalization.Gamma.grad);
        Assert.True(evaluating.BatchNormalization.Beta.grad!.equal(training.BatchNormalization.Beta.grad!).all().item<bool>());
    }

    [Fact]
    public void A_batch_of_one_trains_as_in_keras_output_beta_and_no_gradient_into_the_recurrence()
    {
        using var model = Model(RecurrentKind.Lstm, 7);
        using var x = randn(1, 3, Features);
        using var labels = tensor(new long[] { 4 });
        var (loss, logits) = model.TrainingStep(x, labels);
        var expected = nn.functional.linear(model.BatchNormalization.Beta.detach().unsqueeze(0), model.Dense.weight!.detach(), model.Dense.bias!.detach());
        Assert.True(logits.allclose(expected, rtol: 1e-6, atol: 1e-6));
        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.Equal(0f, model.RecurrentLayer.parameters().Where(p => p.requires_grad).Max(p => p.grad!.abs().max().item<float>()));
    }

    [Fact]
    public void Bad_labels_get_a_typed_error_that_names_them_and_move_nothing()
    {
        using var model = Model(RecurrentKind.SimpleRnn, 8);
        using var x = randn(4, 3, Features);
        var movingMean = model.BatchNormalization.MovingMean.clone();
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainingStep(x, tensor(new long[] { 1, 2, 10, 3 })));
        Assert.Contains("labels[2] = 10", outside.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainingStep(x, tensor(new long[] { 1, -1, 0, 3 })));
        Assert.Throws<ArgumentException>(() => model.TrainingStep(x, tensor(new long[] { 1, 2, 3 })));
        Assert.Throws<ArgumentException>(() => model.TrainingStep(x, tensor(new[] { 1f, 2f, 3f, 4f })));
        Assert.True(model.BatchNormalization.MovingMean.equal(movingMean).all().item<bool>());
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        var (loss, _) = model.TrainingStep(x, tensor(new long[] { 1, 2, 3, 4 }));
        Assert.True(float.IsFinite(loss.item<float>()));
    }

    [Fact]
    public void A_nan_in_one_sequence_makes_the_loss_nan()
    {
        using var model = Model(RecurrentKind.Gru, 9);
        using var x = randn(6, 3, Features);
        x[2, 1, 0] = tensor(float.NaN);
        var (loss, _) = model.TrainingStep(x, randint(0, 10, 6, dtype: ScalarType.Int64));
        Assert.True(float.IsNaN(loss.item<float>()));
    }
}
