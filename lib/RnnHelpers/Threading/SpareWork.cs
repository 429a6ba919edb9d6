using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RnnHelpers.Threading;

/// <summary>
/// Work handed to the spare core of a training step: posted with <see cref="BlockThreads.Post"/>, run by block worker 1
/// right after its next row block (while the caller runs the single-threaded part of the step, the head, and that core
/// would only poll), or by the caller itself in <see cref="Wait"/> if no worker has taken it by then, or dropped with
/// <see cref="TryCancel"/> before anyone has. It never runs twice, so what it computes cannot depend on which thread ran it.
/// </summary>
internal sealed class SpareWork
{
    /// <summary>How long <see cref="Wait"/> waits, by default, for a worker that has started the work before it gives up.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(1);

    private const int Queued = 0, Running = 1, Done = 2;
    private readonly Action action;
    private readonly TimeSpan deadline;
    private readonly ManualResetEventSlim finished = new(false);
    private int state;
    private ExceptionDispatchInfo? error;

    internal SpareWork(Action action, TimeSpan? deadline = null)
    {
        this.action = action;
        this.deadline = deadline ?? DefaultDeadline;
    }

    /// <summary>
    /// Drops the work if no thread has taken it yet (it will never run; <see cref="Wait"/> returns at once); false if a
    /// thread has, and then it runs to its end.
    /// </summary>
    public bool TryCancel()
    {
        BlockThreads.Withdraw(this);
        if (Interlocked.CompareExchange(ref state, Done, Queued) != Queued)
            return false;
        finished.Set();
        return true;
    }

    /// <summary>Runs the work unless another thread has taken it; false if it had.</summary>
    internal bool TryRun()
    {
        if (Interlocked.CompareExchange(ref state, Running, Queued) != Queued)
            return false;
        try
        {
            action();
        }
        catch (Exception e)
        {
            error = ExceptionDispatchInfo.Capture(e);
        }
        Volatile.Write(ref state, Done);
        finished.Set();
        return true;
    }

    /// <summary>
    /// Returns once the work has run: on this thread if no worker has taken it yet. Rethrows what the work threw.
    /// </summary>
    /// <exception cref="TimeoutException">A worker took the work and did not finish it within the deadline (a minute by default).</exception>
    public void Wait()
    {
        BlockThreads.Withdraw(this);
        if (!TryRun())
        {
            // A worker runs it: a short wait as a rule, so spin before blocking.
            var spin = new SpinWait();
            long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
            while (Volatile.Read(ref state) != Done && Stopwatch.GetTimestamp() < until)
                spin.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref state) != Done && !finished.Wait(deadline))
                throw new TimeoutException($"Work posted to the spare core did not finish within {deadline.TotalSeconds:F0} s of being taken.");
        }
        // Not disposed: the worker may still be inside Set() after it published Done.
        error?.Throw();
    }
}
