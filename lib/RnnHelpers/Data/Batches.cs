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
        // Not HashCode.Combine: it is randomised per process, and the order must be the same in every process.
        var random = new Random(MixSeed(seed, epoch));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>A fixed (SplitMix64-style) mix of seed and epoch into a 31-bit generator seed.</summary>
    public static int MixSeed(int seed, int epoch)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)epoch * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
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
        // One native copy of the order per epoch; each batch takes a view of it.
        using var permutation = order is null ? null : tensor(order, ScalarType.Int64);
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (permutation is null)
            {
                yield return (images.narrow(0, start, size), labels.narrow(0, start, size));
            }
            else
            {
                using var index = permutation.narrow(0, start, size);
                yield return (images.index_select(0, index), labels.index_select(0, index));
            }
        }
    }
}
