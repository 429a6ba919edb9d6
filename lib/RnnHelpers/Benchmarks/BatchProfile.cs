namespace RnnHelpers.Benchmarks;

/// <summary>
/// Where one training batch's time goes, in milliseconds (mean over the profiled batches): gathering the batch,
/// the forward pass, the backward pass, the optimiser step and the rest. Of the forward and backward passes,
/// <paramref name="RecurrenceForward"/> and <paramref name="RecurrenceBackward"/> are the wall time inside the fused
/// recurrent kernels (the remainder is libtorch: batch normalisation, the dense layer, the loss and autograd), and
/// <paramref name="CellForward"/> and <paramref name="CellBackward"/> the part of that a row block spent in the cell's
/// element-wise maths (mean over the row blocks, which run at once); the rest of the kernels' time is matrix products
/// and waiting for the slower block.
/// </summary>
public sealed record BatchProfile(int Batches, double Data, double Forward, double Backward, double Step, double Bookkeeping,
    double RecurrenceForward = 0, double RecurrenceBackward = 0, double CellForward = 0, double CellBackward = 0)
{
    /// <summary>The whole training step, ms per batch.</summary>
    public double Total => Data + Forward + Backward + Step + Bookkeeping;
}
