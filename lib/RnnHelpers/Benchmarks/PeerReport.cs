namespace RnnHelpers.Benchmarks;

/// <summary>The libtorch peer comparison of one <c>bench</c> run: which sides ran, thread count, pairs, and each model.</summary>
public sealed record PeerReport(BenchKernels Kernels, int Threads, int Pairs, IReadOnlyList<PeerModelResult> Models);
