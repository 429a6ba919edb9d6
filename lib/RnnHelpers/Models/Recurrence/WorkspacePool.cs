namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Idle workspaces of one layer. A forward pass with gradients keeps its workspace until its backward
/// pass returns it; one without gradients returns it at once. A graph dropped without a backward pass
/// simply never returns its workspace, and the collector takes it.
/// </summary>
internal sealed class WorkspacePool
{
    // Training batches, the short last batch and evaluation batches: a few shapes at most.
    private const int MaxIdle = 4;
    private readonly List<RecurrenceWorkspace> idle = [];
    private readonly HashSet<RecurrenceWorkspace> rented = [];

    public RecurrenceWorkspace Rent(RecurrenceShape shape, bool history, int blocks, IRecurrentCell cell)
    {
        lock (idle)
        {
            int index = idle.FindIndex(w => w.Fits(shape, history, blocks, cell));
            RecurrenceWorkspace workspace;
            if (index >= 0)
            {
                workspace = idle[index];
                idle.RemoveAt(index);
            }
            else
            {
                workspace = new RecurrenceWorkspace(shape, history, blocks, cell);
            }
            workspace.Lease++;
            rented.Add(workspace);
            return workspace;
        }
    }

    public void Return(RecurrenceWorkspace workspace)
    {
        lock (idle)
        {
            if (!rented.Remove(workspace))
                return;
            idle.Add(workspace);
            if (idle.Count > MaxIdle)
                idle.RemoveAt(0);
        }
    }
}
