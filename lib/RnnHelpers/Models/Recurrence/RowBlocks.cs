using static TorchSharp.torch;

namespace RnnHelpers.Models.Recurrence;

/// <summary>Splits the batch rows of a recurrence into one block per torch thread and runs the blocks in parallel.</summary>
internal static class RowBlocks
{
    // Below this many rows per block the fork and join cost more than the work saved.
    private const int MinRows = 8;

    public static void Run(int batch, Action<int, int> body)
    {
        int blocks = Math.Clamp(get_num_threads(), 1, Math.Max(1, batch / MinRows));
        if (blocks == 1)
        {
            body(0, batch);
            return;
        }
        // Multiples of four rows keep every block on the matrix kernel's four-row path.
        int size = ((batch + blocks - 1) / blocks + 3) & ~3;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks }, block =>
        {
            int row0 = block * size, row1 = Math.Min(batch, row0 + size);
            if (row0 < row1)
                body(row0, row1);
        });
    }
}
