using RnnHelpers.Models.Recurrence;
using Xunit.Abstractions;

namespace RnnHelpers.Tests;

/// <summary>
/// The stated error bounds of <see cref="Activations"/> against double precision, its special values, and the
/// premise that every lane gives the same bits for every input.
/// </summary>
public class ActivationTests(ITestOutputHelper output)
{
    public enum Function { Exp, Sigmoid, Tanh }

    // The bounds stated in Activations' remarks.
    private const double ExpBound = 1.5, SigmoidBound = 3, TanhBound = 2;

    /// <summary>
    /// Every 193rd float of the function's range (both signs, from the smallest subnormal to the largest finite float,
    /// about 22 million inputs for σ and tanh), plus every float around the branch points: |x| in [0.6, 0.65] for tanh's switch,
    /// [9.0, 9.2] for its saturation, and [85, 90] for the ends of e^x and σ.
    /// </summary>
    private static float[] Inputs(Function function)
    {
        var inputs = new List<float>();
        for (int bits = 0; bits < 0x7F800000; bits += 193)
        {
            float x = BitConverter.Int32BitsToSingle(bits);
            inputs.Add(x);
            inputs.Add(-x);
        }
        void Dense(float from, float to)
        {
            for (int bits = BitConverter.SingleToInt32Bits(from); bits <= BitConverter.SingleToInt32Bits(to); bits++)
            {
                inputs.Add(BitConverter.Int32BitsToSingle(bits));
                inputs.Add(-BitConverter.Int32BitsToSingle(bits));
            }
        }
        Dense(0.6f, 0.65f);
        Dense(9.0f, 9.2f);
        Dense(85f, 90f);
        if (function == Function.Exp)
            inputs.RemoveAll(x => !(x >= Activations.ExpFloor && x <= Activations.ExpCeiling));
        return [.. inputs];
    }

    private static double Reference(Function function, double x) => function switch
    {
        Function.Exp => Math.Exp(x),
        Function.Sigmoid => 1 / (1 + Math.Exp(-x)),
        _ => Math.Tanh(x),
    };

    /// <summary>
    /// The error of a float result in units of the last place of the exact value: the spacing of floats at |exact|, or
    /// 2⁻¹⁴⁹ below the normal range.
    /// </summary>
    private static double Ulps(float result, double exact)
    {
        double magnitude = Math.Abs(exact);
        double ulp = magnitude < Math.Pow(2, -126) ? Math.Pow(2, -149) : Math.Pow(2, Math.ILogB(magnitude) - 23);
        return Math.Abs(result - exact) / ulp;
    }

    [Theory]
    [InlineData(Function.Exp, ExpBound)]
    [InlineData(Function.Sigmoid, SigmoidBound)]
    [InlineData(Function.Tanh, TanhBound)]
    public void The_error_is_within_the_stated_bound(Function function, double bound)
    {
        var inputs = Inputs(function);
        var results = Evaluate<Vector512Lane>(function, inputs);
        double worst = 0;
        float worstAt = 0;
        int compared = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            double exact = Reference(function, inputs[i]);
            // σ flushes to 0 where the exact value is below the normal range; that is stated separately below.
            if (function == Function.Sigmoid && exact < Math.Pow(2, -126))
                continue;
            compared++;
            double error = Ulps(results[i], exact);
            Assert.False(double.IsNaN(error), $"{function}({inputs[i]:R}) = {results[i]:R}, exact {exact:R}");
            if (error > worst)
            {
                worst = error;
                worstAt = inputs[i];
            }
        }
        output.WriteLine($"{function}: {compared:N0} inputs, largest error {worst:F3} ulp at x = {worstAt:R}");
        Assert.True(worst <= bound, $"{function}: {worst:F3} ulp at x = {worstAt:R}, over the stated {bound} ulp");
    }

    [Fact]
    public void Sigmoid_is_zero_only_where_the_exact_value_is_below_the_normal_range()
    {
        float[] inputs = [.. Enumerable.Range(0, 20_000).Select(i => -80f - i * 0.001f)];
        var results = Evaluate<Vector512Lane>(Function.Sigmoid, inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            double exact = Reference(Function.Sigmoid, inputs[i]);
            if (results[i] == 0)
                Assert.True(exact < Math.Pow(2, -126), $"σ({inputs[i]:R}) = 0, but the exact {exact:E3} is a normal float");
            else
                Assert.True(Ulps(results[i], exact) <= SigmoidBound, $"σ({inputs[i]:R}) = {results[i]:E3}, exact {exact:E3}");
        }
    }

    [Theory]
    [InlineData(Function.Sigmoid, float.PositiveInfinity, 1f)]
    [InlineData(Function.Sigmoid, float.NegativeInfinity, 0f)]
    [InlineData(Function.Sigmoid, 0f, 0.5f)]
    [InlineData(Function.Sigmoid, -0f, 0.5f)]
    [InlineData(Function.Sigmoid, 3e38f, 1f)]
    [InlineData(Function.Sigmoid, -3e38f, 0f)]
    [InlineData(Function.Sigmoid, 1e-45f, 0.5f)]
    [InlineData(Function.Tanh, float.PositiveInfinity, 1f)]
    [InlineData(Function.Tanh, float.NegativeInfinity, -1f)]
    [InlineData(Function.Tanh, 3e38f, 1f)]
    [InlineData(Function.Tanh, -3e38f, -1f)]
    [InlineData(Function.Tanh, 1e-45f, 1e-45f)]
    [InlineData(Function.Tanh, -1e-45f, -1e-45f)]
    [InlineData(Function.Exp, 0f, 1f)]
    public void Special_values_are_exact(Function function, float x, float expected) =>
        Assert.All(OnEveryLane(function, x), result => Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(result)));

    [Fact]
    public void Tanh_keeps_the_sign_of_zero()
    {
        Assert.All(OnEveryLane(Function.Tanh, 0f), v => Assert.False(float.IsNegative(v)));
        Assert.All(OnEveryLane(Function.Tanh, -0f), v => Assert.True(float.IsNegative(v)));
    }

    [Theory]
    [InlineData(Function.Exp)]
    [InlineData(Function.Sigmoid)]
    [InlineData(Function.Tanh)]
    public void A_NaN_gives_a_NaN(Function function)
    {
        foreach (var nan in new[] { float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F800001) })
            Assert.All(OnEveryLane(function, nan), v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>
    /// f(x) on every lane: the input repeated over two 512-bit vectors and a tail, so the vector loops and the scalar tail
    /// of <see cref="Lanes.Run{TFormula, TVector}"/> all compute it.
    /// </summary>
    private static float[] OnEveryLane(Function function, float x)
    {
        float[] inputs = [.. Enumerable.Repeat(x, 2 * Vector512Lane.Count + 3)];
        return [.. Evaluate<ScalarLane>(function, inputs), .. Evaluate<VectorLane>(function, inputs), .. Evaluate<Vector512Lane>(function, inputs)];
    }

    /// <summary>
    /// The scalar, <see cref="System.Numerics.Vector{T}"/> and 512-bit lanes give the same bits over a sweep of every float
    /// range, specials included: which lane computes an element, and the machine's vector width, never change a result.
    /// </summary>
    [Theory]
    [InlineData(Function.Exp)]
    [InlineData(Function.Sigmoid)]
    [InlineData(Function.Tanh)]
    public void Every_lane_gives_the_same_bits(Function function)
    {
        var inputs = new List<float>
        {
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F800001),
            0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 3e38f, -3e38f,
        };
        for (int bits = 0; bits < 0x7F800000; bits += 9973)
        {
            inputs.Add(BitConverter.Int32BitsToSingle(bits));
            inputs.Add(-BitConverter.Int32BitsToSingle(bits));
        }
        if (function == Function.Exp)
            inputs.RemoveAll(x => !(x >= Activations.ExpFloor && x <= Activations.ExpCeiling) && !float.IsNaN(x));
        float[] array = [.. inputs];
        var scalar = Evaluate<ScalarLane>(function, array);
        Assert.Equal(Bits(scalar), Bits(Evaluate<VectorLane>(function, array)));
        Assert.Equal(Bits(scalar), Bits(Evaluate<Vector512Lane>(function, array)));
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static unsafe float[] Evaluate<TLane>(Function function, float[] inputs) where TLane : struct, ILane<TLane>
    {
        var results = new float[inputs.Length];
        fixed (float* x = inputs, y = results)
            Lanes.Run<Apply, TLane>(inputs.Length, new Apply(function, x, y));
        return results;
    }

    private readonly unsafe struct Apply(Function function, float* x, float* y) : ILaneFormula
    {
        private readonly Function function = function;
        private readonly float* x = x, y = y;

        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var v = TLane.Load(x + j);
            var result = function switch
            {
                Function.Exp => Activations.Exp(v, one),
                Function.Sigmoid => Activations.Sigmoid(v, one),
                _ => Activations.Tanh(v, one),
            };
            result.Store(y + j);
        }
    }
}
