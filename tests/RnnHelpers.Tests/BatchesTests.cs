using RnnHelpers.Data;
using RnnHelpers.Native;
using RnnHelpers.Threading;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>The batches a training epoch takes: the gather of their rows, on the spare core or not.</summary>
public class BatchesTests
{
    private static (Tensor Images, Tensor Labels) Digits(int count, int steps = 5, int features = 3)
    {
        manual_seed(7);
        return (rand(count, steps, features), randint(0, 10, [count], dtype: ScalarType.Int64));
    }

    /// <summary>Each batch, gathered by the worker after a block or by the caller, against libtorch's index_select.</summary>
    private static void AssertBatchesAreIndexSelect(Tensor images, Tensor labels, int batchSize, long[] order, bool runBlocks)
    {
        TorchRuntime.EnsureInitialized(2);
        int start = 0;
        var fillers = new List<float[]>();
        foreach (var (x, y) in Batches.Enumerate(images, labels, batchSize, order))
        {
            using var index = tensor(order[start..Math.Min(order.Length, start + batchSize)]);
            using var expectedX = images.index_select(0, index);
            using var expectedY = labels.index_select(0, index);
            Assert.Equal(expectedX.shape, x.shape);
            Assert.Equal(ScalarType.Float32, x.dtype);
            Assert.Equal(ScalarType.Int64, y.dtype);
            Assert.Equal(expectedX.data<float>().ToArray(), x.data<float>().ToArray());
            Assert.Equal(expectedY.data<long>().ToArray(), y.data<long>().ToArray());
            // Two row blocks, as a fused forward pass runs them: worker 1 then takes the next batch's gather (other tests'
            // blocks may too: runBlocks false only means this test runs none). A collection meanwhile must not take the
            // staging rows the gather writes into.
            if (runBlocks)
                BlockThreads.Run(2, _ => Thread.SpinWait(50));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            // Pinned arrays of the staging rows' size, filled with NaN: they take any pinned memory a collection freed.
            fillers.Clear();
            for (int i = 0; i < 4; i++)
            {
                var filler = GC.AllocateArray<float>((int)Math.Min(batchSize, order.Length) * (int)(images.numel() / images.shape[0]), pinned: true);
                Array.Fill(filler, float.NaN);
                fillers.Add(filler);
            }
            x.Dispose();
            y.Dispose();
            start += batchSize;
        }
        Assert.Equal(Batches.Count(order.Length, batchSize) * batchSize, start);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(64, false)]
    [InlineData(7, true)]
    [InlineData(1, true)]
    [InlineData(500, true)]
    public void A_gathered_batch_holds_the_rows_index_select_gives(int batchSize, bool runBlocks)
    {
        var (images, labels) = Digits(301);
        AssertBatchesAreIndexSelect(images, labels, batchSize, Batches.EpochOrder(301, 1, 1), runBlocks);
    }

    [Fact]
    public void Images_that_are_not_contiguous_take_index_select()
    {
        var (images, labels) = Digits(100, 4, 6);
        var transposed = images.transpose(1, 2);
        Assert.False(transposed.is_contiguous());
        AssertBatchesAreIndexSelect(transposed, labels, 16, Batches.EpochOrder(100, 2, 1), runBlocks: true);
    }

    [Fact]
    public void A_view_of_the_first_images_gathers_from_its_own_rows()
    {
        var (images, labels) = Digits(200);
        var first = images.narrow(0, 50, 120);
        var firstLabels = labels.narrow(0, 50, 120);
        AssertBatchesAreIndexSelect(first, firstLabels, 32, Batches.EpochOrder(120, 3, 1), runBlocks: true);
    }

    [Fact]
    public void Epochs_left_early_leave_the_next_epochs_batches_intact()
    {
        var (images, labels) = Digits(640);
        TorchRuntime.EnsureInitialized(2);
        for (int round = 0; round < 20; round++)
        {
            foreach (var (x, y) in Batches.Enumerate(images, labels, 64, Batches.EpochOrder(640, 1, round)))
            {
                BlockThreads.Run(2, _ => { });
                x.Dispose();
                y.Dispose();
                break; // the enumerator's Dispose waits for a gather a worker has started, or drops a queued one
            }
        }
        AssertBatchesAreIndexSelect(images, labels, 64, Batches.EpochOrder(640, 1, 99), runBlocks: true);
    }

    [Fact]
    public void An_order_entry_outside_the_images_is_named()
    {
        var (images, labels) = Digits(10);
        var order = Batches.EpochOrder(10, 1, 1);
        order[4] = 10;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Enumerate(images, labels, 4, order));
        Assert.Contains("order[4] = 10", e.Message);
        order[4] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Enumerate(images, labels, 4, order));
    }

    [Fact]
    public void Labels_of_another_length_are_refused()
    {
        var (images, labels) = Digits(10);
        var e = Assert.Throws<ArgumentException>(() => Batches.Enumerate(images, labels.narrow(0, 0, 9), 4));
        Assert.Contains("9 entries for 10 images", e.Message);
        Assert.Throws<ArgumentException>(() => Batches.Enumerate(images, labels, 0));
    }

    [Fact]
    public void Reading_a_tensor_in_place_leaves_nothing_in_the_callers_dispose_scope()
    {
        using var x = rand(64, 28, 28);
        using var l = randint(0, 10, [64], dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();
        for (int i = 0; i < 10; i++)
        {
            _ = TensorMemory.Span<float>(x);
            _ = TensorMemory.Span<long>(l);
        }
        // Each read used to leave an alias of the tensor here, holding its memory until the scope ended.
        Assert.Equal(0, scope.DisposablesCount);
        // A view starts at its own first element, and writes go to the tensor.
        using var rows = x.narrow(0, 5, 3);
        Assert.Equal(rows.data<float>().ToArray(), TensorMemory.Span<float>(rows).ToArray());
        Assert.Throws<InvalidOperationException>(() => TensorMemory.Span<float>(x.transpose(1, 2)));
        Assert.Throws<InvalidOperationException>(() => TensorMemory.Span<long>(x));
    }

    [Fact]
    public unsafe void A_tensor_over_2_GB_is_read_in_place_too()
    {
        // Not touched, so never resident: past the byte view's 2 GB the address comes another way, and must agree.
        using var big = empty([(1L << 29) + 16], ScalarType.Float32);
        using var start = big.narrow(0, 0, 16);
        Assert.True(TensorMemory.Pointer(big) == TensorMemory.Pointer(start));
        using var shifted = big.narrow(0, 5, (1L << 29) + 8);
        using var shiftedStart = big.narrow(0, 5, 16);
        Assert.True(TensorMemory.Pointer(shifted) == TensorMemory.Pointer(shiftedStart));
        Assert.True(TensorMemory.Pointer(shifted) == TensorMemory.Pointer(big) + 5);
    }
}
