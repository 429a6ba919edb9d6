namespace RnnHelpers.Benchmarks;

/// <summary>
/// Where one training batch's time goes, in milliseconds (mean over the profiled batches): gathering the batch,
/// the forward pass, the backward pass, the optimiser step and the rest. Of the forward and backward passes,
/// <paramref name="RecurrenceForward"/> and <paramref name="RecurrenceBackward"/> are the wall time inside the fused
/// recurrent kernels (the remainder is the head, batch normalisation, the dense layer and the loss in one pass each way,
/// and the step's other work outside the kernels), and
/// <paramref name="CellForward"/> and <paramref name="CellBackward"/> the part of that a row block spent in the cell's
/// element-wise maths (mean over the row blocks, which run at once); the rest of the kernels' time is matrix products
/// and waiting for the slower block. Those products are timed too, per row block (mean over the blocks), with the rate
/// each reached inside the time loop: <paramref name="InputProjection"/> (x_t W_ihᵀ), <paramref name="HiddenProjection"/>
/// (h_{t−1} W_hhᵀ), <paramref name="StateGradient"/> (dL/dh_{t−1} through W_hh), <paramref name="WeightGradients"/>
/// (dW_ih and dW_hh) and <paramref name="BiasGradients"/> (the rows' projection gradients summed; additions, so no rate).
/// Rates are GFLOP/s of one row block's products on its core.
/// </summary>
public sealed record BatchProfile(int Batches, double Data, double Forward, double Backward, double Step, double Bookkeeping,
    double RecurrenceForward = 0, double RecurrenceBackward = 0, double CellForward = 0, double CellBackward = 0,
    double InputProjection = 0, double HiddenProjection = 0, double StateGradient = 0, double WeightGradients = 0, double BiasGradients = 0,
    double InputProjectionGflops = 0, double HiddenProjectionGflops = 0, double StateGradientGflops = 0, double WeightGradientsGflops = 0)
{
    /// <summary>
    /// The fused kernels' wall time not accounted for by a row block's cell maths and timed parts, ms per batch: the
    /// serial work before and after the blocks (weight transposes, clears, summing the blocks' gradients), forking,
    /// joining and waiting for the slower block.
    /// </summary>
    public double KernelRest => RecurrenceForward + RecurrenceBackward - CellForward - CellBackward
        - InputProjection - HiddenProjection - StateGradient - WeightGradients - BiasGradients;

    /// <summary>The whole training step, ms per batch.</summary>
    public double Total => Data + Forward + Backward + Step + Bookkeeping;
}
