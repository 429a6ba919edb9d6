using static TorchSharp.torch;

namespace RnnHelpers.Data;

/// <summary>Mini-batches drawn from tensors already in memory, without copying the whole split per epoch.</summary>
public static class Batches
{
    /// <summary>
    /// The permutation used for one epoch: Fisher-Yates with a generator seeded by (seed, epoch),
    /// so any epoch's order can be recomputed, e.g. when resuming.
    /// </summary>
    public static long[] EpochOrder(int count, int seed, int epoch)
    {
        var order = new long[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(HashCode.Combine(seed, epoch, 0x5eed));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Number of batches for <paramref name="count"/> items; the last batch may be smaller (as in Keras).</summary>
    public static int Count(int count, int batchSize) => (count + batchSize - 1) / batchSize;

    /// <summary>
    /// Yields (x, y) batches in the given order (null: file order). Each batch is a gather of
    /// only its own rows. Batches belong to the caller's dispose scope.
    /// </summary>
    public static IEnumerable<(Tensor X, Tensor Y)> Enumerate(Tensor images, Tensor labels, int batchSize, long[]? order = null)
    {
        int count = (int)images.shape[0];
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (order is null)
            {
                yield return (images.narrow(0, start, size), labels.narrow(0, start, size));
            }
            else
            {
                using var index = tensor(order.AsSpan(start, size).ToArray(), ScalarType.Int64);
                yield return (images.index_select(0, index), labels.index_select(0, index));
            }
        }
    }
}
