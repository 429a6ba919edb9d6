using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Native;
using RnnHelpers.Results;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Benchmarks;

/// <summary>
/// Times the article setting's training epoch with the library's fused kernels and with libtorch's stock
/// modules (<see cref="StockRecurrentClassifier"/>) in the same process, alternating epoch by epoch (fused, stock,
/// fused, stock, ...), so that both sides see the same machine state. Both start from the same weights, take the
/// same batches in the same order, and use the same plain SGD; the fused side runs libtorch on one thread with
/// its row blocks on <c>threads</c> cores, the stock side runs libtorch on <c>threads</c> threads. Both first train
/// <see cref="WarmupBatches"/> batches untimed, and the order alternates (fused first in odd pairs, stock first in even ones).
/// </summary>
public static class PeerBenchmark
{
    /// <summary>Batches each side trains, untimed, before the first pair.</summary>
    public const int WarmupBatches = 20;

    /// <summary>
    /// Times <paramref name="pairs"/> training epochs (seconds, training only) of each model on each side; with
    /// <see cref="BenchKernels.LibTorch"/> only the stock side runs. Returns the seconds, the fused ÷ libtorch ratio of each
    /// pair and the last epoch's mean train loss of each side.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pairs"/> or <paramref name="threads"/> is below 1, or <paramref name="kernels"/> is not a peer mode.</exception>
    public static PeerReport Run(DigitData data, IReadOnlyList<RecurrentKind> models, BenchKernels kernels, int pairs, int threads, Action<string>? log = null)
    {
        if (pairs < 1) throw new ArgumentException($"Pairs must be at least 1; got {pairs}.", nameof(pairs));
        if (threads < 1) throw new ArgumentException($"Threads must be at least 1; got {threads}.", nameof(threads));
        if (kernels == BenchKernels.Fused) throw new ArgumentException("The peer comparison needs --kernels libtorch or paired.", nameof(kernels));
        TorchRuntime.EnsureInitialized(threads);
        // libtorch's LSTM at its best: without this it runs two to three times slower in some processes (see GlibcMalloc).
        bool keepsFreedMemory = GlibcMalloc.KeepFreedMemory();
        log?.Invoke(keepsFreedMemory ? "glibc keeps freed memory for this process (mallopt)" : "glibc's allocator settings unchanged (not glibc, or refused)");
        bool fusedSide = kernels == BenchKernels.Paired;
        var options = new TrainingOptions { Seed = 1, Threads = threads };
        var results = new List<PeerModelResult>();
        foreach (var kind in models)
        {
            manual_seed(options.Seed);
            using var fused = new RecurrentClassifier(kind, options.HiddenUnits, data.Features);
            using var stock = new StockRecurrentClassifier(fused);
            using var fusedSgd = new PlainSgd(fused.TrainableParameters, options.LearningRate);
            using var stockSgd = new PlainSgd(stock.TrainableParameters, options.LearningRate);
            var fusedSeconds = new List<double>();
            var stockSeconds = new List<double>();
            var fusedBatches = new List<EpochTiming>();
            var stockBatches = new List<EpochTiming>();
            double? fusedLoss = null, stockLoss = null;
            // Untimed, the same batches for both: first calls (JIT tiers, libtorch's kernel selection) happen here.
            var warmup = Batches.EpochOrder(data.TrainCount, options.Seed, 0);
            if (fusedSide)
                using (fused.ThreadScope())
                    TimeEpoch(fused, fusedSgd, data, warmup, options.BatchSize, FusedStep, WarmupBatches);
            using (TorchRuntime.LibTorchThreads(threads))
                TimeEpoch(stock, stockSgd, data, warmup, options.BatchSize, StockStep, WarmupBatches);
            for (int pair = 1; pair <= pairs; pair++)
            {
                var order = Batches.EpochOrder(data.TrainCount, options.Seed, pair);
                // A B, then B A: neither side always runs right after the other's epoch.
                bool fusedFirst = pair % 2 == 1;
                if (!fusedFirst)
                    stockLoss = TimeStock(order);
                if (fusedSide)
                {
                    using var scope = fused.ThreadScope();
                    var timing = TimeEpoch(fused, fusedSgd, data, order, options.BatchSize, FusedStep);
                    fusedSeconds.Add(timing.Seconds);
                    fusedBatches.Add(timing);
                    fusedLoss = timing.Loss;
                }
                if (fusedFirst)
                    stockLoss = TimeStock(order);
                log?.Invoke($"{kind.DisplayName()} pair {pair}: " + (fusedSide ? $"fused {fusedSeconds[^1]:F2} s, " : "") +
                            $"libtorch {stockSeconds[^1]:F2} s" + (fusedSide ? $", ratio {fusedSeconds[^1] / stockSeconds[^1]:F3}" : ""));
            }

            // Each side's own training step up to the optimiser, returning the loss: the library's autograd-free step, and
            // libtorch's modules and loss with autograd.
            Tensor FusedStep(Tensor x, Tensor y) => fused.TrainingStep(x, y).Loss;
            Tensor StockStep(Tensor x, Tensor y)
            {
                var loss = nn.functional.cross_entropy(stock.call(x), y);
                loss.backward();
                return loss;
            }

            double TimeStock(long[] order)
            {
                using var threading = TorchRuntime.LibTorchThreads(threads);
                var timing = TimeEpoch(stock, stockSgd, data, order, options.BatchSize, StockStep);
                stockSeconds.Add(timing.Seconds);
                stockBatches.Add(timing);
                return timing.Loss;
            }
            var ratios = fusedSide ? fusedSeconds.Zip(stockSeconds, (f, s) => f / s).ToList() : [];
            results.Add(new PeerModelResult(kind.Id(), fusedSeconds, stockSeconds, ratios,
                ratios.Count > 0 ? RunStatistics.Median(ratios) : null, fusedSide ? fusedLoss : null, stockLoss,
                fusedBatches.Select(t => t.BatchMedianMilliseconds).ToList(), stockBatches.Select(t => t.BatchMedianMilliseconds).ToList(),
                fusedBatches.Select(t => t.SlowSeconds).ToList(), stockBatches.Select(t => t.SlowSeconds).ToList()));
        }
        return new PeerReport(kernels, threads, pairs, results, keepsFreedMemory);
    }

    /// <summary>
    /// One epoch's seconds and mean train loss; the median milliseconds of its batches; and the seconds its slow batches
    /// (over twice that median) took beyond the median.
    /// </summary>
    private readonly record struct EpochTiming(double Seconds, double Loss, double BatchMedianMilliseconds, double SlowSeconds);

    /// <summary>One training epoch over <paramref name="order"/> (or its first <paramref name="batches"/> batches), timed batch by batch.</summary>
    private static EpochTiming TimeEpoch(TorchSharp.torch.nn.Module<Tensor, Tensor> model, IOptimizer optimizer, DigitData data,
        long[] order, int batchSize, Func<Tensor, Tensor, Tensor> step, int batches = int.MaxValue)
    {
        model.train();
        double lossSum = 0;
        long seen = 0;
        var milliseconds = new List<double>(Batches.Count(order.Length, batchSize));
        var clock = Stopwatch.StartNew();
        long batchStart = Stopwatch.GetTimestamp();
        foreach (var (xBatch, yBatch) in Batches.Enumerate(data.TrainImages, data.TrainLabels, batchSize, order))
        {
            using var x = xBatch;
            using var y = yBatch;
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = step(x, y);
            optimizer.Step();
            lossSum += loss.item<float>() * y.shape[0];
            seen += y.shape[0];
            long now = Stopwatch.GetTimestamp();
            milliseconds.Add(Stopwatch.GetElapsedTime(batchStart, now).TotalMilliseconds);
            batchStart = now;
            if (--batches == 0)
                break;
        }
        double seconds = clock.Elapsed.TotalSeconds, median = RunStatistics.Median(milliseconds);
        double slow = milliseconds.Where(ms => ms > 2 * median).Sum(ms => ms - median) / 1000;
        return new EpochTiming(seconds, lossSum / seen, median, slow);
    }
}
