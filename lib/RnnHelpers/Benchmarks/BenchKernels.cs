namespace RnnHelpers.Benchmarks;

/// <summary>Which recurrent kernels <c>bench</c> times.</summary>
public enum BenchKernels
{
    /// <summary>The library's fused kernels only (<see cref="Models.FusedRecurrentLayer"/>).</summary>
    Fused,

    /// <summary>libtorch's own <c>torch.nn.RNN</c>/<c>LSTM</c>/<c>GRU</c> only (<see cref="StockRecurrentClassifier"/>).</summary>
    LibTorch,

    /// <summary>Both, epoch by epoch in turn in one process (A B A B), with the time ratio of each pair.</summary>
    Paired,
}
