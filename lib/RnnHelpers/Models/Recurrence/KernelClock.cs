using System.Diagnostics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Wall time spent inside the fused recurrent kernels (all row blocks, from fork to join), forward and backward,
/// since the process started: the benchmark subtracts it from a training step's time to show libtorch's share.
/// Two timestamps a call; nothing else is measured.
/// </summary>
internal static class KernelClock
{
    private static long forwardTicks, backwardTicks;

    public static TimeSpan Forward => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref forwardTicks));
    public static TimeSpan Backward => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref backwardTicks));

    public static void AddForward(long start) => Interlocked.Add(ref forwardTicks, Stopwatch.GetTimestamp() - start);
    public static void AddBackward(long start) => Interlocked.Add(ref backwardTicks, Stopwatch.GetTimestamp() - start);
}
