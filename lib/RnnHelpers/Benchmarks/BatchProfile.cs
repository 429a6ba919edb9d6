namespace RnnHelpers.Benchmarks;

/// <summary>Where one training batch's time goes, in milliseconds (mean over the profiled batches).</summary>
public sealed record BatchProfile(int Batches, double Data, double Forward, double Backward, double Step, double Bookkeeping)
{
    public double Total => Data + Forward + Backward + Step + Bookkeeping;
}
