using System.Diagnostics;

namespace RnnHelpers.Threading;

/// <summary>
/// Runs the row blocks of a recurrence at once: block 0 on the caller, block i on dedicated worker i.
/// A training step forks and joins twice a millisecond or so, which neither the thread pool nor plain
/// blocking waits survive on a small virtual machine: a sleeping thread takes up to milliseconds to
/// wake. So a worker polls for its next block for a short while before it sleeps. Meant for runs in
/// which libtorch itself is single-threaded (see <c>RecurrentClassifier.ThreadScope</c>): a polling
/// worker and libtorch's own spinning workers would take turns on the same cores.
/// </summary>
internal static class BlockThreads
{
    // Longer than the gaps between the forward and backward passes of a training step, short enough
    // that an idle process stops polling almost at once.
    private static readonly long PollTicks = Stopwatch.Frequency / 500;
    private static readonly object Gate = new();
    private static readonly List<Worker> Workers = [];
    private static readonly SemaphoreSlim Finished = new(0);
    private static int pending;
    private static SpareWork? spare;

    /// <summary>
    /// Hands <paramref name="action"/> to the spare core: worker 1 runs it right after its next row block, when the
    /// caller is busy with the serial part of a step and that core would only poll; the caller's
    /// <see cref="SpareWork.Wait"/> runs it itself if no worker has taken it by then (so also when there are no workers),
    /// and <see cref="SpareWork.TryCancel"/> drops it. One slot: a newer post replaces an older one still queued, which
    /// its own <c>Wait</c> then runs.
    /// </summary>
    public static SpareWork Post(Action action)
    {
        var work = new SpareWork(action);
        Volatile.Write(ref spare, work);
        return work;
    }

    /// <summary>Takes <paramref name="work"/> out of the slot if it is still there, so no worker picks it up later.</summary>
    internal static void Withdraw(SpareWork work) => Interlocked.CompareExchange(ref spare, null, work);

    public static void Run(int blocks, Action<int> body)
    {
        if (blocks <= 1)
        {
            body(0);
            return;
        }
        lock (Gate)
        {
            while (Workers.Count < blocks - 1)
                Workers.Add(new Worker(Workers.Count + 1));
            Volatile.Write(ref pending, blocks - 1);
            for (int block = 1; block < blocks; block++)
                Workers[block - 1].Start(body);
            Exception? callerError = null;
            try
            {
                body(0);
            }
            catch (Exception e)
            {
                callerError = e;
            }
            long deadline = Stopwatch.GetTimestamp() + PollTicks;
            while (Volatile.Read(ref pending) > 0 && Stopwatch.GetTimestamp() < deadline)
                Pause();
            Finished.Wait(); // The last worker releases it exactly once per run.
            var errors = Workers.Take(blocks - 1).Select(w => w.TakeError()).OfType<Exception>().ToList();
            if (callerError is not null)
                errors.Insert(0, callerError);
            if (errors.Count == 1)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(errors[0]).Throw();
            if (errors.Count > 1)
                throw new AggregateException(errors);
        }
    }

    private static void Pause() => Thread.SpinWait(20);

    private sealed class Worker
    {
        private readonly int block;
        private readonly SemaphoreSlim wake = new(0);
        private Action<int>? body;
        private Exception? error;
        private int sleeping;

        public Worker(int block)
        {
            this.block = block;
            new Thread(Loop) { IsBackground = true, Name = $"recurrence block {block}" }.Start();
        }

        public void Start(Action<int> work)
        {
            Volatile.Write(ref body, work);
            if (Interlocked.Exchange(ref sleeping, 0) == 1)
                wake.Release();
        }

        public Exception? TakeError()
        {
            var e = error;
            error = null;
            return e;
        }

        private void Loop()
        {
            while (true)
            {
                var work = AwaitWork();
                try
                {
                    work(block);
                }
                catch (Exception e)
                {
                    error = e;
                }
                // The last block to finish releases the caller.
                if (Interlocked.Decrement(ref pending) == 0)
                    Finished.Release();
                if (block == 1)
                    Interlocked.Exchange(ref spare, null)?.TryRun();
            }
        }

        private Action<int> AwaitWork()
        {
            long deadline = Stopwatch.GetTimestamp() + PollTicks;
            while (true)
            {
                var work = Interlocked.Exchange(ref body, null);
                if (work is not null)
                    return work;
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Pause();
                    continue;
                }
                // Announce the sleep, then look once more: Start may have run in between.
                Volatile.Write(ref sleeping, 1);
                work = Interlocked.Exchange(ref body, null);
                if (work is not null)
                {
                    if (Interlocked.Exchange(ref sleeping, 0) == 0)
                        wake.Wait(); // Start saw the flag and released: consume that release.
                    return work;
                }
                wake.Wait();
                deadline = Stopwatch.GetTimestamp() + PollTicks;
            }
        }
    }
}
