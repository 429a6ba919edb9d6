using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnHelpers.Native;
using RnnHelpers.Threading;
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
    /// Yields (x, y) batches in the given order (null: file order, as views). Each batch is a gather of only its own
    /// rows into new tensors, which belong to the caller's dispose scope. images: [count, ...]; labels: [count].
    /// For contiguous float32 images and int64 labels the next batch's rows are gathered while the caller trains on
    /// this one, on the spare core of the fused kernels' row blocks (<see cref="BlockThreads.Post"/>), into staging rows
    /// the batch's tensors are then copied from; if no worker has taken the gather by the next call, the caller gathers
    /// straight into the batch. The values are those of <c>index_select</c>, whichever thread gathered them. The caller
    /// keeps images and labels alive while it enumerates.
    /// </summary>
    /// <exception cref="ArgumentException">labels and images differ in length, or batchSize is below 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="order"/> is not a row of images.</exception>
    public static IEnumerable<(Tensor X, Tensor Y)> Enumerate(Tensor images, Tensor labels, int batchSize, long[]? order = null)
    {
        int count = (int)images.shape[0];
        if (labels.shape[0] != count)
            throw new ArgumentException($"labels has {labels.shape[0]} entries for {count} images.", nameof(labels));
        if (batchSize < 1)
            throw new ArgumentException($"BatchSize must be at least 1; got {batchSize}.", nameof(batchSize));
        if (order is null)
            return Views(images, labels, batchSize);
        // A copy: the rows are gathered later, on another thread, after this check.
        order = (long[])order.Clone();
        for (int i = 0; i < order.Length; i++)
            if ((ulong)order[i] >= (ulong)count)
                throw new ArgumentOutOfRangeException(nameof(order), $"order[{i}] = {order[i]} is not a row of the {count} images.");
        return TensorMemory.IsFlat<float>(images) && TensorMemory.IsFlat<long>(labels)
            ? Gathered(images, labels, batchSize, order)
            : Selected(images, labels, batchSize, order);
    }

    private static IEnumerable<(Tensor X, Tensor Y)> Views(Tensor images, Tensor labels, int batchSize)
    {
        int count = (int)images.shape[0];
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            yield return (images.narrow(0, start, size), labels.narrow(0, start, size));
        }
    }

    private static IEnumerable<(Tensor X, Tensor Y)> Selected(Tensor images, Tensor labels, int batchSize, long[] order)
    {
        // One native copy of the order per epoch; each batch takes a view of it.
        using var permutation = tensor(order, ScalarType.Int64);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            using var index = permutation.narrow(0, start, Math.Min(batchSize, order.Length - start));
            yield return (images.index_select(0, index), labels.index_select(0, index));
        }
    }

    private static IEnumerable<(Tensor X, Tensor Y)> Gathered(Tensor images, Tensor labels, int batchSize, long[] order)
    {
        long[] shape = images.shape;
        int rowLength = (int)(images.numel() / Math.Max(1, shape[0]));
        var source = new Rows(images, labels, rowLength);
        var staging = new StagingRows(Math.Min(batchSize, order.Length), rowLength);
        SpareWork? next = Post(0);
        try
        {
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int size = Math.Min(batchSize, order.Length - start);
                shape[0] = size;
                var x = empty(shape, ScalarType.Float32);
                var y = empty(size, ScalarType.Int64);
                var batch = new Rows(x, y, rowLength);
                // Not taken by a worker yet: gather straight into the batch, one copy, as index_select would.
                if (next!.TryCancel())
                {
                    source.Gather(order, start, size, batch);
                }
                else
                {
                    next.Wait();
                    staging.Rows.CopyTo(batch, size);
                }
                next = start + batchSize < order.Length ? Post(start + batchSize) : null;
                yield return (x, y);
            }
        }
        finally
        {
            // Left early: a gather a worker has started finishes before the caller goes on.
            if (next is not null && !next.TryCancel())
                next.Wait();
        }

        // The work holds the staging rows (and so their pinned arrays) itself: it may outlive this enumerator when its
        // caller gives up waiting.
        SpareWork Post(int start) => BlockThreads.Post(() =>
        {
            source.Gather(order, start, Math.Min(batchSize, order.Length - start), staging.Rows);
            GC.KeepAlive(staging);
        });
    }

    /// <summary>Pinned rows the spare core gathers the next batch into, and their addresses.</summary>
    private sealed class StagingRows(int count, int rowLength)
    {
        private readonly float[] images = GC.AllocateUninitializedArray<float>(count * rowLength, pinned: true);
        private readonly long[] labels = GC.AllocateUninitializedArray<long>(count, pinned: true);

        /// <summary>Valid while this object lives (the arrays are pinned for their lifetime).</summary>
        public Rows Rows => new(images, labels, rowLength);
    }

    /// <summary>Rows of images (float32, <c>rowLength</c> each) and their labels (int64) at fixed addresses.</summary>
    private readonly unsafe struct Rows
    {
        private readonly float* images;
        private readonly long* labels;
        private readonly int rowLength;

        /// <summary>Contiguous tensors, which the caller keeps alive while it enumerates.</summary>
        public Rows(Tensor images, Tensor labels, int rowLength) : this(TensorMemory.Pointer(images), TensorMemory.Pointer<long>(labels), rowLength) { }

        /// <summary>Pinned arrays.</summary>
        public Rows(float[] images, long[] labels, int rowLength)
            : this((float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(images)), (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(labels)), rowLength) { }

        private Rows(float* images, long* labels, int rowLength)
        {
            this.images = images;
            this.labels = labels;
            this.rowLength = rowLength;
        }

        /// <summary>Copies rows order[start], …, order[start + size − 1] to rows 0 … size − 1 of <paramref name="destination"/>.</summary>
        public void Gather(long[] order, int start, int size, Rows destination)
        {
            long bytes = (long)rowLength * sizeof(float);
            for (int i = 0; i < size; i++)
            {
                long row = order[start + i];
                Buffer.MemoryCopy(images + row * rowLength, destination.images + (long)i * rowLength, bytes, bytes);
                destination.labels[i] = labels[row];
            }
        }

        /// <summary>Copies the first <paramref name="size"/> rows and labels to <paramref name="destination"/>.</summary>
        public void CopyTo(Rows destination, int size)
        {
            Buffer.MemoryCopy(images, destination.images, (long)size * rowLength * sizeof(float), (long)size * rowLength * sizeof(float));
            Buffer.MemoryCopy(labels, destination.labels, (long)size * sizeof(long), (long)size * sizeof(long));
        }
    }
}
