using RnnHelpers.Models;
using RnnHelpers.Models.Recurrence;
using RnnHelpers.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>The fused kernels against libtorch's own RNN, GRU and LSTM, and the machinery around them.</summary>
public class FusedRecurrenceTests
{
    public static TheoryData<RecurrentKind, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<RecurrentKind, int, int, int, int, int>();
        foreach (var kind in new[] { RecurrentKind.SimpleRnn, RecurrentKind.Lstm, RecurrentKind.Gru })
        {
            data.Add(kind, 28, 64, 28, 64, 2);  // the article's shape, rows split over two blocks
            data.Add(kind, 28, 64, 28, 64, 1);
            data.Add(kind, 3, 5, 7, 13, 2);     // nothing a multiple of the kernel's 4 × 24 tile
            data.Add(kind, 4, 33, 9, 17, 2);    // a block with a remainder row
            data.Add(kind, 2, 1, 1, 1, 2);      // one row: a single block despite two threads
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Output_and_every_gradient_match_libtorch(RecurrentKind kind, int steps, int batch, int features, int hidden, int threads)
    {
        using (StockRecurrence.Threads(threads))
            StockRecurrence.AssertFusedMatches(kind, steps, batch, features, hidden, seed: 11);
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void Without_gradients_the_output_is_the_same(RecurrentKind kind)
    {
        manual_seed(3);
        using var layer = new FusedRecurrentLayer(kind, 28, 64);
        using var x = rand(40, 28, 28);
        using var withGradients = layer.call(x);
        Tensor withoutGradients;
        using (no_grad())
            withoutGradients = layer.call(x);
        Assert.False(withoutGradients.requires_grad);
        Assert.True(withGradients.requires_grad);
        Assert.Equal(0f, (withGradients.detach() - withoutGradients).abs().max().item<float>());
    }

    [Fact]
    public void A_frozen_bias_gets_no_gradient()
    {
        using var layer = new FusedRecurrentLayer(RecurrentKind.SimpleRnn, 4, 6);
        var bias = layer.named_parameters().Single(p => p.name == "bias_hh_l0").parameter;
        bias.requires_grad = false;
        layer.call(rand(2, 3, 4)).sum().backward();
        Assert.Null(bias.grad);
        Assert.NotNull(layer.named_parameters().Single(p => p.name == "bias_ih_l0").parameter.grad);
    }

    [Fact]
    public void Graphs_alive_at_once_keep_their_own_activations()
    {
        using var layer = new FusedRecurrentLayer(RecurrentKind.Gru, 4, 6);
        using var x = rand(3, 2, 4);
        var first = layer.call(x).sum();
        var second = layer.call(rand(3, 2, 4)).sum();
        second.backward();
        var weight = layer.parameters().First();
        weight.grad!.zero_();
        first.backward();
        using var afterTwo = weight.grad!.clone();
        weight.grad!.zero_();
        layer.call(x).sum().backward();
        Assert.Equal(0f, (afterTwo - weight.grad!).abs().max().item<float>());
    }

    [Fact]
    public void A_second_backward_after_the_activations_were_reused_is_refused_not_silently_wrong()
    {
        using var layer = new FusedRecurrentLayer(RecurrentKind.Gru, 4, 6);
        var first = layer.call(rand(3, 2, 4)).sum();
        first.backward(retain_graph: true);
        layer.call(rand(3, 2, 4)); // takes the buffers the first graph gave back
        Assert.Null(FusedRecurrentLayer.TakeBackwardError());
        Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => first.backward());
        var reason = FusedRecurrentLayer.TakeBackwardError();
        Assert.IsType<InvalidOperationException>(reason);
        Assert.Contains("overwritten by a later forward pass", reason.Message);
        Assert.Null(FusedRecurrentLayer.TakeBackwardError());

        // The library's own loops rethrow the reason itself.
        var again = layer.call(rand(3, 2, 4)).sum();
        again.backward(retain_graph: true);
        layer.call(rand(3, 2, 4));
        var rethrown = Assert.Throws<InvalidOperationException>(() => FusedRecurrentLayer.Backward(again));
        Assert.Contains("overwritten by a later forward pass", rethrown.Message);

        // The process and the layer carry on.
        layer.call(rand(3, 2, 4)).sum().backward();
        Assert.Null(FusedRecurrentLayer.TakeBackwardError());
    }

    [Theory]
    [InlineData(new long[] { 2, 3, 5 }, "[batch, time steps, 4]")]
    [InlineData(new long[] { 3, 4 }, "[batch, time steps, 4]")]
    [InlineData(new long[] { 2, 0, 4 }, "at least one row and one step")]
    public void Input_of_the_wrong_shape_is_refused_with_its_shape(long[] shape, string expected)
    {
        using var layer = new FusedRecurrentLayer(RecurrentKind.Lstm, 4, 6);
        var error = Assert.Throws<ArgumentException>(() => layer.call(zeros(shape)));
        Assert.Contains(expected, error.Message);
        Assert.Contains(string.Join(", ", shape), error.Message);
    }

    [Fact]
    public void Input_of_another_dtype_is_refused_by_name()
    {
        using var layer = new FusedRecurrentLayer(RecurrentKind.Gru, 4, 6);
        var error = Assert.Throws<ArgumentException>(() => layer.call(zeros(3, 2, 4, dtype: ScalarType.Float64)));
        Assert.Contains("Float64", error.Message);
    }

    public static TheoryData<int, int, int> GemmSizes() => new()
    {
        { 1, 1, 1 }, { 4, 24, 64 }, { 5, 25, 3 }, { 7, 8, 28 }, { 32, 192, 64 }, { 33, 64, 192 }, { 3, 17, 1 }, { 28, 256, 32 },
    };

    [Theory]
    [MemberData(nameof(GemmSizes))]
    public unsafe void The_step_kernel_multiplies_like_a_reference(int m, int n, int k)
    {
        var random = new Random(m * 10_000 + n * 100 + k);
        float[] Random(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var a = Random(m * k);
        var aT = new float[k * m];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                aT[p * m + i] = a[i * k + p];
        var b = Random(k * n);
        var start = Random(m * n);
        foreach (bool transposed in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                var c = (float[])start.Clone();
                fixed (float* pa = a, paT = aT, pb = b, pc = c)
                {
                    if (transposed)
                        SmallGemm.MultiplyTransposedA(paT, m, pb, n, pc, n, m, n, k, accumulate);
                    else
                        SmallGemm.Multiply(pa, k, pb, n, pc, n, m, n, k, accumulate);
                }
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = accumulate ? start[i * n + j] : 0;
                        for (int p = 0; p < k; p++)
                            sum += (double)a[i * k + p] * b[p * n + j];
                        Assert.True(Math.Abs(sum - c[i * n + j]) <= 1e-5 * (k + 1),
                            $"C[{i},{j}] = {c[i * n + j]}, expected {sum} (m {m}, n {n}, k {k}, transposed {transposed}, accumulate {accumulate})");
                    }
            }
    }

    [Fact]
    public void A_failing_block_fails_the_call_and_the_next_call_still_runs()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RowBlocks.Run(64, 2, (block, _, _) => { if (block == 1) throw new InvalidOperationException("block 1 failed"); }));
        Assert.Equal("block 1 failed", error.Message);

        var seen = new int[64];
        RowBlocks.Run(64, 2, (_, row0, row1) => { for (int r = row0; r < row1; r++) Interlocked.Increment(ref seen[r]); });
        Assert.All(seen, count => Assert.Equal(1, count));
    }

    [Fact]
    public void A_thread_scope_gives_libtorch_one_thread_and_restores_the_count()
    {
        int saved = TorchRuntime.Threads;
        TorchRuntime.EnsureInitialized(2);
        try
        {
            using var model = new RecurrentClassifier(RecurrentKind.Gru);
            using (model.ThreadScope())
                Assert.Equal(1, get_num_threads());
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            TorchRuntime.EnsureInitialized(saved);
        }
    }
}
