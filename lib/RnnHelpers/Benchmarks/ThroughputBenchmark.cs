using System.Diagnostics;
using System.Runtime.InteropServices;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Models.Recurrence;
using RnnHelpers.Native;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Benchmarks;

/// <summary>
/// Measures the article setting's training speed on the full training set, the FLOPs it does,
/// and the share of the machine's SGEMM peak (measured in the same process) that reaches.
/// </summary>
public static class ThroughputBenchmark
{
    /// <summary>Forward FLOPs per sample: each time step multiplies the input and the state by every gate's kernels, plus the dense layer.</summary>
    public static double ForwardFlopsPerSample(RecurrentKind kind, int timeSteps = 28, int features = 28, int hidden = 64) =>
        StepProductFlops(1, timeSteps, features + hidden, ParameterArithmetic.Gates(kind) * hidden) + 2.0 * hidden * RecurrentClassifier.Classes;

    /// <summary>
    /// FLOPs of <paramref name="steps"/> products of <paramref name="rows"/> rows, inner dimension <paramref name="inner"/>
    /// and <paramref name="width"/> columns, one multiply and one add each: 2 · rows · steps · inner · width.
    /// </summary>
    public static double StepProductFlops(double rows, double steps, double inner, double width) => 2.0 * rows * steps * inner * width;

    /// <summary>Forward plus backward counted as three times the forward, for sequences of <paramref name="timeSteps"/> steps of <paramref name="features"/> features.</summary>
    public static double TrainFlopsPerSample(RecurrentKind kind, int timeSteps = 28, int features = 28) => 3 * ForwardFlopsPerSample(kind, timeSteps, features);

    /// <summary>Best GFLOP/s of a square float32 matmul over a few sizes, single process, current thread count.</summary>
    public static double MeasureSgemmPeak(int repeats = 20)
    {
        double best = 0;
        foreach (int n in new[] { 256, 512, 1024 })
        {
            using var a = rand(n, n);
            using var b = rand(n, n);
            for (int w = 0; w < 3; w++) a.mm(b).Dispose();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < repeats; i++) a.mm(b).Dispose();
            double gflops = 2.0 * n * n * n * repeats / clock.Elapsed.TotalSeconds / 1e9;
            best = Math.Max(best, gflops);
        }
        return best;
    }

    /// <summary>
    /// GFLOP/s of the fused kernels' matrix products alone, summed over <paramref name="threads"/> threads that run them at
    /// the same time, each on its own buffers: the two products of one forward step of one row block (x_t W_ihᵀ and
    /// h_{t−1} W_hhᵀ, bias first), repeated for about <paramref name="seconds"/> s. With one thread, set against the
    /// SGEMM peak per core, it shows how much of a step's time the products can account for; with every thread of the
    /// run, how much of a second core's throughput the cores give when they all multiply at once (logical cores that
    /// share floating-point units give far less than twice one core's figure).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    /// <exception cref="TimeoutException">A thread did not start or finish within a minute.</exception>
    public static double MeasureStepProducts(RecurrentKind kind, int features, int hidden, int batchSize, int threads = 1, double seconds = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (threads == 1)
            return StepProductsOnThisThread(kind, features, hidden, batchSize, seconds, null);
        var deadline = TimeSpan.FromMinutes(1);
        var clock = Stopwatch.StartNew();
        using var start = new Barrier(threads);
        var gflops = new double[threads];
        var errors = new Exception?[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            try { gflops[i] = StepProductsOnThisThread(kind, features, hidden, batchSize, seconds, () => start.SignalAndWait(deadline)); }
            catch (Exception e) { errors[i] = e; }
        }) { IsBackground = true, Name = $"step products {i}" }).ToList();
        workers.ForEach(w => w.Start());
        foreach (var w in workers)
            if (!w.Join(TimeSpan.FromTicks(Math.Max(0, (deadline - clock.Elapsed).Ticks))))
                throw new TimeoutException($"The step-products threads did not finish within {deadline.TotalSeconds:F0} s.");
        // A thread that failed leaves the others timing out at the barrier: report the failure, not their timeouts.
        if ((errors.FirstOrDefault(e => e is not null and not TimeoutException) ?? errors.FirstOrDefault(e => e is not null)) is { } error)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return gflops.Sum();
    }

    private static unsafe double StepProductsOnThisThread(RecurrentKind kind, int features, int hidden, int batchSize, double seconds, Func<bool>? ready)
    {
        int blocks = RowBlocks.Count(batchSize), rows = Math.Min(batchSize, RowBlocks.Size(batchSize, blocks)), width = ModelFacts.Of(kind).Gates * hidden;
        // 64-byte aligned, as the training workspace's buffers and libtorch's tensors are.
        int[] lengths = [rows * features, rows * hidden, features * width, hidden * width, width, rows * width];
        var buffers = lengths.Select(n => (nint)NativeMemory.AlignedAlloc((nuint)n * sizeof(float), 64)).ToArray();
        try
        {
            var random = new Random(1);
            for (int b = 0; b < 5; b++)
                foreach (ref float v in new Span<float>((float*)buffers[b], lengths[b]))
                    v = (float)(random.NextDouble() - 0.5);
            return StepProducts((float*)buffers[0], (float*)buffers[1], (float*)buffers[2], (float*)buffers[3], (float*)buffers[4], (float*)buffers[5],
                features, hidden, rows, width, seconds, ready);
        }
        finally
        {
            foreach (var p in buffers)
                NativeMemory.AlignedFree((void*)p);
        }
    }

    private static unsafe double StepProducts(float* px, float* ph, float* pwx, float* pwh, float* pb, float* pc,
        int features, int hidden, int rows, int width, double seconds, Func<bool>? ready)
    {
        double flops = StepProductFlops(rows, 1, features + hidden, width);
        // Every thread starts its clock together: the figure is what the cores give while all of them multiply.
        if (ready is not null && !ready())
            throw new TimeoutException("The step-products threads did not all start within a minute.");
        long repeats = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || repeats < 10)
        {
            SmallGemm.MultiplyAddRow(px, features, pwx, width, pb, pc, width, rows, width, features);
            SmallGemm.MultiplyAddRow(ph, hidden, pwh, width, pb, pc, width, rows, width, hidden);
            repeats++;
        }
        return flops * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }

    public static BenchmarkReport Run(DigitData data, IReadOnlyList<RecurrentKind> models, int epochs, int? threads, Action<string>? log = null)
    {
        if (epochs < 1) throw new ArgumentException($"Epochs must be at least 1; got {epochs}.", nameof(epochs));
        TorchRuntime.EnsureInitialized(threads);
        var started = DateTimeOffset.Now;
        var total = Stopwatch.StartNew();
        double peak = MeasureSgemmPeak();
        double peakOneThread;
        using (TorchRuntime.LibTorchThreads(1))
            peakOneThread = MeasureSgemmPeak();
        log?.Invoke($"SGEMM peak: {peak:F1} GFLOP/s with {get_num_threads()} thread(s)");

        var results = new List<ModelBenchmark>();
        foreach (var kind in models)
        {
            var options = new TrainingOptions { Epochs = epochs, Seed = 1, Threads = threads };
            manual_seed(options.Seed);
            using var model = new RecurrentClassifier(kind, options.HiddenUnits, data.Features);
            using var optimizer = new PlainSgd(model.TrainableParameters, options.LearningRate);
            var seconds = new List<double>();
            var rss = new List<double>();
            double evalSeconds = 0, accuracy = 0;
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var record = Trainer.RunEpoch(model, optimizer, data, options, epoch, null, CancellationToken.None);
                seconds.Add(record.Seconds);
                rss.Add(ProcessMemory.RssMegabytes());
                evalSeconds = record.EvalSeconds;
                accuracy = record.TestAccuracy;
                log?.Invoke($"{kind.DisplayName()} epoch {epoch}: {record.Seconds:F2} s train, {record.EvalSeconds:F2} s eval, RSS {rss[^1]:N0} MB");
            }
            var profile = ProfileBatches(model, optimizer, data, options);
            double products = MeasureStepProducts(kind, data.Features, options.HiddenUnits, options.BatchSize);
            int blocks = RowBlocks.Count(options.BatchSize);
            // With one block there is no second core to measure: the figure stays 0 and its cell is left blank.
            double productsTogether = blocks > 1 ? MeasureStepProducts(kind, data.Features, options.HiddenUnits, options.BatchSize, blocks) : 0;
            log?.Invoke($"{kind.DisplayName()} matrix products of one step, one core: {products:F1} GFLOP/s; {blocks} core(s) at once: {productsTogether:F1} GFLOP/s in all");
            log?.Invoke($"{kind.DisplayName()} per batch: data {profile.Data:F2} ms, forward {profile.Forward:F2} ms (kernels {profile.RecurrenceForward:F2}, cell {profile.CellForward:F2}), backward {profile.Backward:F2} ms (kernels {profile.RecurrenceBackward:F2}, cell {profile.CellBackward:F2}), step {profile.Step:F2} ms, bookkeeping {profile.Bookkeeping:F2} ms");
            double median = Results.RunStatistics.Median(seconds);
            double flops = TrainFlopsPerSample(kind, data.TimeSteps, data.Features) * data.TrainCount;
            double gflops = flops / median / 1e9;
            results.Add(new ModelBenchmark(kind.Id(), epochs, seconds, median, data.TrainCount / median, evalSeconds, rss,
                ProcessMemory.PeakRssMegabytes(), flops, gflops, gflops / peak, accuracy, profile, products, productsTogether));
        }
        return new BenchmarkReport(started, Results.Provenance.CpuModel(), TorchRuntime.Threads,
            typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?", peak, results, total.Elapsed.TotalSeconds, data.TimeSteps, SgemmPeakOneThreadGflops: peakOneThread, VectorFloats: Lanes.Width);
    }

    /// <summary>Times the phases of the training step separately over a few hundred batches (after the measured epochs).</summary>
    public static BatchProfile ProfileBatches(RecurrentClassifier model, PlainSgd optimizer, DigitData data, TrainingOptions options, int batches = 300)
    {
        var order = Batches.EpochOrder(data.TrainCount, options.Seed, options.Epochs + 1);
        double tData = 0, tForward = 0, tBackward = 0, tStep = 0, tBook = 0;
        int n = 0;
        var kernelForward = KernelClock.Forward;
        var kernelBackward = KernelClock.Backward;
        var cellForward = KernelClock.Activate;
        var cellBackward = KernelClock.Differentiate;
        var parts = Enum.GetValues<KernelClock.Part>().Select(KernelClock.PartTime).ToArray();
        int blocks = RowBlocks.Count(options.BatchSize);
        var clock = Stopwatch.StartNew();
        model.train();
        using var threading = model.ThreadScope();
        foreach (var (xBatch, yBatch) in Batches.Enumerate(data.TrainImages, data.TrainLabels, options.BatchSize, order))
        {
            using var x = xBatch;
            using var y = yBatch;
            tData += Lap(clock);
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var pass = model.TrainingForward(x, y);
            var loss = pass.Loss;
            tForward += Lap(clock);
            model.TrainingBackward(pass);
            tBackward += Lap(clock);
            optimizer.Step();
            tStep += Lap(clock);
            _ = loss.item<float>();
            tBook += Lap(clock);
            if (++n == batches) break;
        }
        // ms per batch of one row block, and the GFLOP/s that is for the block's share of each product.
        double Block(KernelClock.Part p) => (KernelClock.PartTime(p) - parts[(int)p]).TotalMilliseconds / n / blocks;
        double rows = (double)options.BatchSize / blocks, steps = data.TimeSteps, features = data.Features, hidden = model.HiddenUnits;
        double width = ModelFacts.Of(model.Kind).Gates * hidden;
        // GFLOP/s of one block's products with this inner dimension, done in ms.
        double Rate(double inner, double ms) => ms > 0 ? StepProductFlops(rows, steps, inner, width) / (ms * 1e6) : 0;
        double input = Block(KernelClock.Part.InputProjection), hiddenProjection = Block(KernelClock.Part.HiddenProjection);
        double state = Block(KernelClock.Part.StateGradient), weights = Block(KernelClock.Part.WeightGradients);
        return new BatchProfile(n, tData / n, tForward / n, tBackward / n, tStep / n, tBook / n,
            (KernelClock.Forward - kernelForward).TotalMilliseconds / n,
            (KernelClock.Backward - kernelBackward).TotalMilliseconds / n,
            (KernelClock.Activate - cellForward).TotalMilliseconds / n / blocks,
            (KernelClock.Differentiate - cellBackward).TotalMilliseconds / n / blocks,
            input, hiddenProjection, state, weights, Block(KernelClock.Part.BiasGradients),
            Rate(features, input), Rate(hidden, hiddenProjection), Rate(hidden, state), Rate(features + hidden, weights));
    }

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
