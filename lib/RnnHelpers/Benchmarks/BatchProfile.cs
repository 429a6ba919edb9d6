namespace RnnHelpers.Benchmarks;

/// <summary>
/// Where one training batch's time goes, in milliseconds (mean over the profiled batches): gathering the batch,
/// the forward pass, the backward pass, the optimiser step and the rest; <paramref name="RecurrenceForward"/> and
/// <paramref name="RecurrenceBackward"/> are the parts of the forward and backward passes spent inside the fused
/// recurrent kernels (the remainder is libtorch: batch normalisation, the dense layer, the loss and autograd).
/// </summary>
public sealed record BatchProfile(int Batches, double Data, double Forward, double Backward, double Step, double Bookkeeping,
    double RecurrenceForward = 0, double RecurrenceBackward = 0)
{
    public double Total => Data + Forward + Backward + Step + Bookkeeping;
}
