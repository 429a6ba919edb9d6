using RnnHelpers.Data;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>The sequence views of an image (T steps of 784/T pixels) and the stored pixel permutation.</summary>
public class SequenceViewTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void The_permutation_holds_each_pixel_once_and_has_the_stored_checksum()
    {
        var order = PixelPermutation.Order;
        Assert.Equal(PixelPermutation.Pixels, order.Length);
        Assert.Equal(Enumerable.Range(0, PixelPermutation.Pixels), order.Order());
        Assert.Equal(PixelPermutation.Sha256, PixelPermutation.Checksum(order));
        Assert.NotEqual(Enumerable.Range(0, PixelPermutation.Pixels), order); // not the identity
        order[0] = -1;
        Assert.NotEqual(-1, PixelPermutation.Order[0]); // a copy each time
    }

    [Theory]
    [InlineData(28)]
    [InlineData(56)]
    [InlineData(112)]
    [InlineData(196)]
    [InlineData(392)]
    [InlineData(784)]
    public void Every_time_step_view_holds_the_same_pixels_in_row_major_order(int steps)
    {
        using var rows = mnist.Load(new DataOptions { TrainLimit = 30, TestLimit = 20 });
        using var view = mnist.Load(new DataOptions { TrainLimit = 30, TestLimit = 20, TimeSteps = steps });
        Assert.Equal(new long[] { 30, steps, 784 / steps }, view.TrainImages.shape);
        Assert.Equal((steps, 784 / steps), (view.TimeSteps, view.Features));
        foreach (var split in new[] { Split.Train, Split.Test })
        {
            Assert.True(rows.Images(split).reshape(-1, 784).equal(view.Images(split).reshape(-1, 784)).all().item<bool>());
            Assert.True(rows.Labels(split).equal(view.Labels(split)).all().item<bool>());
        }
    }

    [Theory]
    [InlineData(784)]
    [InlineData(28)]
    public void A_permuted_view_reads_pixel_order_i_at_position_i_and_plots_the_original_image(int steps)
    {
        using var rows = mnist.Load(new DataOptions { TrainLimit = 10, TestLimit = 10 });
        using var permuted = mnist.Load(new DataOptions { TrainLimit = 10, TestLimit = 10, TimeSteps = steps, Permuted = true });
        using var order = tensor(PixelPermutation.Order.Select(i => (long)i).ToArray());
        using var expected = rows.TrainImages.reshape(10, 784).index_select(1, order);
        Assert.True(expected.equal(permuted.TrainImages.reshape(10, 784)).all().item<bool>());
        for (int i = 0; i < 10; i++)
            Assert.Equal(rows.Image(Split.Test, i), permuted.Image(Split.Test, i));
    }
}
