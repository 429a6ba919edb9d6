using System.Diagnostics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Wall time spent inside the fused recurrent kernels since the process started: forward and backward from fork to
/// join (all row blocks), and, summed over the row blocks, the part each spent in the cell's element-wise maths
/// (gate activations and their derivatives). The benchmark subtracts these from a training step to show where the
/// time goes: libtorch's share, the cell maths, and the rest (matrix products and waiting for the slower block).
/// The matrix products and the bias sums are also timed one kind at a time (<see cref="Part"/>), summed over the row
/// blocks, so the rest can be split into each part's time and what is left (serial work, fork, join, waits). A few timestamps per step; nothing else is measured.
/// </summary>
internal static class KernelClock
{
    private static long forwardTicks, backwardTicks, activateTicks, differentiateTicks;
    private static readonly long[] partTicks = new long[Enum.GetValues<Part>().Length];

    /// <summary>The kinds of work inside the time loop that are timed apart from the cell maths.</summary>
    public enum Part
    {
        /// <summary>x_t W_ihᵀ + b_ih, forward.</summary>
        InputProjection,
        /// <summary>h_{t−1} W_hhᵀ + b_hh, forward.</summary>
        HiddenProjection,
        /// <summary>dL/dh_{t−1} through W_hh, backward.</summary>
        StateGradient,
        /// <summary>dW_ih and dW_hh, a chunk of steps at a time, backward.</summary>
        WeightGradients,
        /// <summary>The bias gradients: the rows' projection gradients summed, backward.</summary>
        BiasGradients,
    }

    /// <summary>Time in one kind of work, summed over row blocks.</summary>
    public static TimeSpan PartTime(Part part) => Elapsed(ref partTicks[(int)part]);

    public static void AddPart(Part part, long ticks) => Interlocked.Add(ref partTicks[(int)part], ticks);

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
