using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>
/// A native Scalar made on the fly for one libtorch call (a double passed where TorchSharp takes a Scalar) is unreachable
/// once its handle is read, so the finalizer thread can free it while libtorch still reads it: a training run once ended
/// in the moving-average update with libtorch's "Unknown scalar type". The library keeps every such Scalar in a field or a
/// <c>using</c> for as long as the call runs; this test runs the per-batch call that made one (batch normalisation's
/// moving averages) while finalizers run throughout.
/// </summary>
public class FinalizerRaceTests
{
    private static void WhileFinalizersRun(Action body, int repeats)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (int i = 0; i < repeats; i++)
                body();
        }
        finally
        {
            stop.Cancel();
            Assert.True(collector.Join(TimeSpan.FromSeconds(30)), "the collector thread did not stop");
        }
    }

    [Fact]
    public void Batch_normalisation_trains_while_finalizers_run()
    {
        Native.TorchRuntime.EnsureInitialized();
        manual_seed(5);
        using var bn = new KerasBatchNormalization(64);
        bn.train();
        using var x = randn(64, 64);
        WhileFinalizersRun(() =>
        {
            using var scope = NewDisposeScope();
            bn.call(x);
        }, 20_000);
        Assert.All(bn.MovingMean.data<float>().ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
