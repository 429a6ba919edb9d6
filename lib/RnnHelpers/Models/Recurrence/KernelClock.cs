using System.Diagnostics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Wall time spent inside the fused recurrent kernels since the process started: forward and backward from fork to
/// join (all row blocks), and, summed over the row blocks, the part each spent in the cell's element-wise maths
/// (gate activations and their derivatives). The benchmark subtracts these from a training step to show where the
/// time goes: libtorch's share, the cell maths, and the rest (matrix products and waiting for the slower block).
/// A few timestamps per step; nothing else is measured.
/// </summary>
internal static class KernelClock
{
    private static long forwardTicks, backwardTicks, activateTicks, differentiateTicks;

    public static TimeSpan Forward => Elapsed(ref forwardTicks);
    public static TimeSpan Backward => Elapsed(ref backwardTicks);

    /// <summary>Time in <see cref="IRecurrentCell.Activate"/>, summed over row blocks (so up to blocks × the forward wall time).</summary>
    public static TimeSpan Activate => Elapsed(ref activateTicks);

    /// <summary>Time in <see cref="IRecurrentCell.Differentiate"/>, summed over row blocks.</summary>
    public static TimeSpan Differentiate => Elapsed(ref differentiateTicks);

    public static void AddForward(long start) => Interlocked.Add(ref forwardTicks, Stopwatch.GetTimestamp() - start);
    public static void AddBackward(long start) => Interlocked.Add(ref backwardTicks, Stopwatch.GetTimestamp() - start);
    public static void AddActivate(long ticks) => Interlocked.Add(ref activateTicks, ticks);
    public static void AddDifferentiate(long ticks) => Interlocked.Add(ref differentiateTicks, ticks);

    private static TimeSpan Elapsed(ref long ticks) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks));
}
