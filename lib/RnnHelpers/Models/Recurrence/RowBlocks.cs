using RnnHelpers.Native;
using RnnHelpers.Threading;

namespace RnnHelpers.Models.Recurrence;

/// <summary>Splits the batch rows of a recurrence into one block per core and runs the blocks in parallel.</summary>
internal static class RowBlocks
{
    // Below this many rows per block the fork and join cost more than the work saved.
    private const int MinRows = 8;

    /// <summary>
    /// How many blocks a batch of this size is split into: one per thread of the run (<see cref="TorchRuntime.Threads"/>),
    /// but never more than the machine has cores, since block workers poll and would crowd each other out.
    /// </summary>
    public static int Count(int batch) =>
        Math.Clamp(Math.Min(TorchRuntime.Threads, Environment.ProcessorCount), 1, Math.Max(1, batch / MinRows));

    /// <summary>
    /// Rows of each block but the last (which may have fewer): the batch split evenly, rounded up to a multiple of
    /// four, which keeps every block on the matrix kernel's four-row path.
    /// </summary>
    public static int Size(int batch, int blocks) => ((batch + blocks - 1) / blocks + 3) & ~3;

    /// <summary>Runs <paramref name="body"/>(block, row0, row1) for each of <paramref name="blocks"/> blocks.</summary>
    public static void Run(int batch, int blocks, Action<int, int, int> body)
    {
        int size = Size(batch, blocks);
        BlockThreads.Run(blocks, block =>
        {
            int row0 = Math.Min(batch, block * size), row1 = Math.Min(batch, row0 + size);
            body(block, row0, row1);
        });
    }
}
