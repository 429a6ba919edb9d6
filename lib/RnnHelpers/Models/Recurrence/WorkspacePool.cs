namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Idle workspaces of one layer. A forward pass without gradients returns its workspace at once. One with
/// gradients holds it through a <see cref="Lease"/>, kept in its autograd node or in the training step's pass
/// (<see cref="RecurrentClassifier.TrainingStep"/>): its backward pass returns it, and a graph dropped without a
/// backward pass returns it when the collector finalises the lease (after the output tensor, and with it the graph,
/// is disposed or collected). The pool never holds a rented workspace
/// itself, so forward-only use stays flat instead of keeping every workspace alive.
/// </summary>
internal sealed class WorkspacePool
{
    // Training batches, the short last batch and evaluation batches: a few shapes at most.
    private const int MaxIdle = 4;
    private readonly List<RecurrenceWorkspace> idle = [];
    private int outstanding;

    /// <summary>Leases not yet released (for tests: a step that fails must not keep one).</summary>
    internal int Outstanding => Volatile.Read(ref outstanding);

    /// <summary>
    /// An idle workspace that fits, or a new one: for <paramref name="shape"/>, split into <paramref name="blocks"/> row blocks,
    /// keeping every step's activations for a backward pass when <paramref name="keepsActivations"/>.
    /// </summary>
    public Lease Rent(RecurrenceShape shape, bool keepsActivations, int blocks, IRecurrentCell cell)
    {
        if (TryRentIdle(shape, keepsActivations, blocks, cell) is { } reused)
            return reused;
        // Leases still out may belong to graphs nobody references any more (a cell that ran forward passes and
        // dropped them); their workspaces come back only through finalisers. Collecting here, before allocating
        // another workspace of up to hundreds of MB, lets forward-only use reuse them. Training never gets here
        // with a lease out: each backward pass returns its workspace before the next forward pass.
        if (Volatile.Read(ref outstanding) > 0)
        {
            for (int i = 0; i < 2; i++) // 1st: the dropped output tensors free their graphs; 2nd: the leases
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            if (TryRentIdle(shape, keepsActivations, blocks, cell) is { } returned)
                return returned;
        }
        var workspace = new RecurrenceWorkspace(shape, keepsActivations, blocks, cell);
        lock (idle)
            return Lend(workspace);
    }

    private Lease? TryRentIdle(RecurrenceShape shape, bool keepsActivations, int blocks, IRecurrentCell cell)
    {
        lock (idle)
        {
            int index = idle.FindIndex(w => w.Fits(shape, keepsActivations, blocks, cell));
            if (index < 0)
                return null;
            var workspace = idle[index];
            idle.RemoveAt(index);
            return Lend(workspace);
        }
    }

    private Lease Lend(RecurrenceWorkspace workspace)
    {
        workspace.Lease++;
        outstanding++;
        return new Lease(this, workspace);
    }

    private void Return(RecurrenceWorkspace workspace)
    {
        lock (idle)
        {
            outstanding--;
            idle.Add(workspace);
            if (idle.Count > MaxIdle)
                idle.RemoveAt(0);
        }
    }

    /// <summary>One rental of a workspace; released once, by <see cref="Release"/> or by the finaliser.</summary>
    internal sealed class Lease(WorkspacePool pool, RecurrenceWorkspace workspace)
    {
        private int released;

        public RecurrenceWorkspace Workspace { get; } = workspace;

        /// <summary>The workspace's rental count when this lease was made (see <see cref="RecurrenceWorkspace.Lease"/>).</summary>
        public long Number { get; } = workspace.Lease;

        public void Release()
        {
            if (Interlocked.Exchange(ref released, 1) != 0)
                return;
            pool.Return(Workspace);
            GC.SuppressFinalize(this);
        }

        // Runs when the autograd node holding this lease was freed without a backward pass.
        ~Lease() => Release();
    }
}
