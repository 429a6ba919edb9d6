using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>
/// The optimisers against their formulas, step by step, on small hand-made float64 tensors with gradients set by hand
/// (Keras 3: keras/src/optimizers/sgd.py and keras/src/optimizers/adam.py).
/// </summary>
public class OptimizerTests
{
    private static Tensor Parameter(params double[] values) => tensor(values, dtype: ScalarType.Float64).requires_grad_(true);

    private static void Step(IOptimizer optimizer, Tensor p, params double[] gradient)
    {
        optimizer.ZeroGrad();
        p.grad = tensor(gradient, dtype: ScalarType.Float64);
        optimizer.Step();
    }

    private static void Equal(double[] expected, Tensor p)
    {
        var actual = p.data<double>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-12);
    }

    [Fact]
    public void Plain_sgd_subtracts_the_learning_rate_times_the_gradient()
    {
        using var p = Parameter(1.0, -2.0);
        using var sgd = new PlainSgd([p], 0.1);
        Step(sgd, p, 0.5, -1.0);
        Equal([1.0 - 0.05, -2.0 + 0.1], p);
    }

    [Fact]
    public void Momentum_sgd_follows_keras_velocity_update_over_three_steps()
    {
        // sgd.py: v = momentum·v − lr·g; w = w + v (no Nesterov). lr 0.1, momentum 0.9.
        using var p = Parameter(1.0, -2.0);
        using var sgd = new MomentumSgd([p], 0.1, 0.9);
        Assert.Equal(0.9, sgd.Momentum);

        Step(sgd, p, 0.5, -1.0);  // v = (−0.05, 0.1)
        Equal([0.95, -1.9], p);
        Step(sgd, p, 0.5, -1.0);  // v = 0.9·(−0.05, 0.1) − 0.1·(0.5, −1) = (−0.095, 0.19)
        Equal([0.855, -1.71], p);
        Step(sgd, p, -1.0, 2.0);  // v = 0.9·(−0.095, 0.19) − 0.1·(−1, 2) = (0.0145, −0.029)
        Equal([0.8695, -1.739], p);
    }

    [Fact]
    public void Momentum_sgd_is_what_the_factory_makes_with_momentum_09()
    {
        using var p = Parameter(1.0);
        using var optimizer = Optimizers.Create(OptimizerKind.Momentum, [p], 0.01);
        var momentum = Assert.IsType<MomentumSgd>(optimizer);
        Assert.Equal(0.9, momentum.Momentum);
        Assert.Equal(0.01, momentum.LearningRate);
        Assert.IsType<KerasAdam>(Optimizers.Create(OptimizerKind.Adam, [p], 0.001));
        Assert.Equal(0.001, OptimizerKind.Adam.UsualLearningRate());
        Assert.Equal(0.01, OptimizerKind.Momentum.UsualLearningRate());
    }

    [Fact]
    public void Adam_follows_keras_update_over_three_steps()
    {
        // adam.py, at step t: α = lr·√(1 − β2^t)/(1 − β1^t); m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
        // w −= α·m/(√v + ε). lr 0.1, β1 0.9, β2 0.999, ε 1e-7 (Keras' defaults but the rate, to move the numbers).
        // Three coordinates: one whose gradient changes sign, one with a steady gradient, one whose gradient is always
        // 0 (m = v = 0: ε keeps the update 0 instead of 0/0).
        using var p = Parameter(1.0, -2.0, 0.5);
        using var adam = new KerasAdam([p], 0.1);
        double e = 1e-7;

        // Step 1, g = (0.5, −2, 0): m = (0.05, −0.2, 0); v = (0.00025, 0.004, 0); α = 0.1·√0.001/0.1 = √0.001.
        Step(adam, p, 0.5, -2.0, 0.0);
        double a1 = Math.Sqrt(0.001);
        double[] p1 = [1.0 - a1 * 0.05 / (Math.Sqrt(0.00025) + e), -2.0 + a1 * 0.2 / (Math.Sqrt(0.004) + e), 0.5];
        Equal(p1, p);
        Assert.Equal(0.9000006324515321, p1[0], 1e-15); // nearly lr·sign(g), as Adam's first step is

        // Step 2, g = (−1, −2, 0): m = 0.05 + (−1 − 0.05)·0.1 = −0.055, −0.2 + (−2 + 0.2)·0.1 = −0.38;
        // v = 0.00025 + (1 − 0.00025)·0.001 = 0.00124975, 0.004 + (4 − 0.004)·0.001 = 0.007996; α = 0.1·√(1 − 0.999²)/(1 − 0.9²).
        Step(adam, p, -1.0, -2.0, 0.0);
        double a2 = 0.1 * Math.Sqrt(1 - 0.999 * 0.999) / (1 - 0.81);
        double[] p2 = [p1[0] + a2 * 0.055 / (Math.Sqrt(0.00124975) + e), p1[1] + a2 * 0.38 / (Math.Sqrt(0.007996) + e), 0.5];
        Equal(p2, p);

        // Step 3, g = (0.25, 1, 0): m = −0.055 + (0.25 + 0.055)·0.1 = −0.0245, −0.38 + (1 + 0.38)·0.1 = −0.242;
        // v = 0.00124975 + (0.0625 − 0.00124975)·0.001 = 0.00131100025, 0.007996 + (1 − 0.007996)·0.001 = 0.008988004;
        // α = 0.1·√(1 − 0.999³)/(1 − 0.9³).
        Step(adam, p, 0.25, 1.0, 0.0);
        double a3 = 0.1 * Math.Sqrt(1 - 0.999 * 0.999 * 0.999) / (1 - 0.729);
        double[] p3 = [p2[0] + a3 * 0.0245 / (Math.Sqrt(0.00131100025) + e), p2[1] + a3 * 0.242 / (Math.Sqrt(0.008988004) + e), 0.5];
        Equal(p3, p);
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone_by_every_optimiser()
    {
        foreach (var kind in Enum.GetValues<OptimizerKind>())
        {
            using var p = Parameter(1.0, 2.0);
            using var optimizer = Optimizers.Create(kind, [p], 0.1);
            optimizer.ZeroGrad();
            optimizer.Step();
            Equal([1.0, 2.0], p);
        }
    }
}
