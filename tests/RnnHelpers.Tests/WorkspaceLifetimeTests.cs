using RnnHelpers.Models;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>Forward passes with gradients enabled but no backward pass, as a notebook cell exploring a model runs them.</summary>
public class WorkspaceLifetimeTests
{
    private static long RssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("VmRSS not found in /proc/self/status");
    }

    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void Forward_passes_without_backward_keep_memory_flat()
    {
        if (!OperatingSystem.IsLinux())
            return;
        TorchRuntime.EnsureInitialized();
        using var model = new RecurrentClassifier(RecurrentKind.Lstm);
        using var x = rand(2000, 28, 28);
        for (int i = 0; i < 2; i++)
            model.call(x); // warm-up: the first graphs and the allocator's pools
        Collect();
        long before = RssBytes();

        for (int i = 0; i < 20; i++)
            model.call(x); // neither no_grad nor backward, output not disposed
        Collect();
        long growth = RssBytes() - before;

        // Each call's workspace is ~100 MB; holding them all would grow by ~2 GB.
        Assert.True(growth < 300L << 20, $"RSS grew by {growth >> 20} MB over 20 forward passes");
    }

    [Fact]
    public void A_workspace_released_by_a_dropped_graph_gives_the_same_numbers_when_reused()
    {
        TorchRuntime.EnsureInitialized();
        manual_seed(7);
        using var model = new RecurrentClassifier(RecurrentKind.Lstm, hiddenUnits: 16);
        model.eval();
        using var x = rand(64, 28, 28);
        using var first = model.call(x);
        var expected = first.data<float>().ToArray();
        for (int i = 0; i < 3; i++)
            model.call(x);
        Collect();
        using var again = model.call(x);
        Assert.Equal(expected, again.data<float>().ToArray());

        // And a forward pass followed by backward still trains: its workspace survives until backward.
        using var logits = model.call(x);
        Collect();
        using var loss = logits.sum();
        FusedRecurrentLayer.Backward(loss);
        Assert.NotNull(model.RecurrentLayer.parameters().First().grad);
    }
}
