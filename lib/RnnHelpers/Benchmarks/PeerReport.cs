namespace RnnHelpers.Benchmarks;

/// <summary>
/// The libtorch peer comparison of one <c>bench</c> run: which sides ran, thread count, pairs, each model, and whether
/// glibc kept freed memory for the process (<see cref="Native.GlibcMalloc.KeepFreedMemory"/>; false in older reports).
/// </summary>
public sealed record PeerReport(BenchKernels Kernels, int Threads, int Pairs, IReadOnlyList<PeerModelResult> Models, bool KeepsFreedMemory = false);
