using RnnHelpers.Threading;

namespace RnnHelpers.Tests;

/// <summary>Work handed to the spare core: it runs once, on whichever thread takes it, and its caller hears how it ended.</summary>
public class SpareWorkTests
{
    [Fact]
    public void Posted_work_runs_exactly_once_whoever_takes_it()
    {
        Native.TorchRuntime.EnsureInitialized(2);
        int caller = Environment.CurrentManagedThreadId, byWorker = 0;
        for (int round = 0; round < 200; round++)
        {
            int runs = 0, thread = 0;
            var work = BlockThreads.Post(() =>
            {
                Interlocked.Increment(ref runs);
                thread = Environment.CurrentManagedThreadId;
            });
            if (round % 2 == 0)
                BlockThreads.Run(2, _ => { }); // worker 1 takes it after its block, or the caller below
            work.Wait();
            Assert.Equal(1, runs);
            if (thread != caller)
                byWorker++;
        }
        // The point of posting: worker 1 does take the work after a block (not only the caller's Wait).
        Assert.True(byWorker > 0, "no posted work ran on the worker");
    }

    [Fact]
    public void Cancelled_work_never_runs_and_started_work_cannot_be_cancelled()
    {
        int runs = 0;
        var work = BlockThreads.Post(() => runs++);
        Assert.True(work.TryCancel());
        BlockThreads.Run(2, _ => { }); // withdrawn: the worker does not find it
        work.Wait();
        Assert.Equal(0, runs);

        using var release = new ManualResetEventSlim(false);
        using var started = new ManualResetEventSlim(false);
        var running = new SpareWork(() =>
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            runs++;
        });
        var runner = Task.Run(running.TryRun);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        Assert.False(running.TryCancel());
        release.Set();
        running.Wait();
        Assert.Equal(1, runs);
        Assert.True(runner.Wait(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_newer_post_leaves_the_older_one_to_its_own_wait()
    {
        int first = 0, second = 0;
        var older = BlockThreads.Post(() => first++);
        var newer = BlockThreads.Post(() => second++);
        newer.Wait();
        older.Wait();
        Assert.Equal((1, 1), (first, second));
    }

    [Fact]
    public void What_the_work_throws_reaches_the_waiter()
    {
        var work = new SpareWork(() => throw new InvalidDataException("row 7"));
        Assert.True(Task.Run(work.TryRun).Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<InvalidDataException>(work.Wait);
        Assert.Equal("row 7", e.Message);
    }

    [Fact]
    public void A_taken_work_that_never_ends_times_out_with_a_clear_error()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new ManualResetEventSlim(false);
        var work = new SpareWork(() =>
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }, TimeSpan.FromMilliseconds(200));
        var runner = Task.Run(work.TryRun);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the runner never took the work");
        var e = Assert.Throws<TimeoutException>(work.Wait);
        Assert.Contains("spare core", e.Message);
        release.Set();
        Assert.True(runner.Wait(TimeSpan.FromSeconds(30)));
    }
}
