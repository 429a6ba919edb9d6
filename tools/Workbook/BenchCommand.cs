using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnHelpers.Benchmarks;
using RnnHelpers.Data;
using RnnHelpers.Results;
using RnnHelpers.Training;

namespace Workbook;

/// <summary><c>bench</c>: training throughput, FLOP efficiency and memory of the three models (run in Release).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var epochs = new Option<int>("--epochs") { Description = "Epochs per model (at least 3 to see memory after epochs 1, 2 and the last; with fewer than 3 the median is the first, slower epoch's).", DefaultValueFactory = _ => 3 };
        var threads = SharedOptions.Threads();
        var output = new Option<string>("--out") { Description = "Folder for results.json and RESULTS.md.", DefaultValueFactory = _ => Path.Combine(RepoLayout.Root, "bench") };
        var steps = new Option<int>("--steps") { Description = "Time steps each image is read as (28: the article's rows; 784: one pixel per step). Other than 28, results go to results-steps<T>.json and their own block of RESULTS.md.", DefaultValueFactory = _ => 28 };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images (e.g. for --steps 784, which does 28 times the recurrent work per image)." };
        var kernels = new Option<BenchKernels>("--kernels")
        {
            Description = "fused: the library's kernels; libtorch: libtorch's own nn.RNN/LSTM/GRU modules only; " +
                          "paired (default): the fused figures, then both in turn epoch by epoch with the fused ÷ libtorch time ratio of each pair.",
            DefaultValueFactory = _ => BenchKernels.Paired,
        };
        var pairs = new Option<int>("--pairs") { Description = "Timed epochs of each side in the libtorch comparison (libtorch or paired; --epochs applies to the fused figures only). With libtorch alone nothing is written.", DefaultValueFactory = _ => 2 };
        var command = new Command("bench", "Measure seconds per epoch, samples/s, GFLOP/s against the SGEMM peak, RSS, and the time against libtorch's own modules.")
        {
            model, epochs, threads, output, steps, trainLimit, kernels, pairs,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(epochs), r.GetValue(threads), r.GetValue(output)!,
            new DataOptions { TimeSteps = r.GetValue(steps), TrainLimit = r.GetValue(trainLimit) }, r.GetValue(kernels), r.GetValue(pairs)));
        return command;
    }

    private static int Run(string modelText, int epochs, int? threads, string outDir, DataOptions dataOptions, BenchKernels kernels, int pairs)
    {
        if (RepoLayout.Configuration != "Release")
            Console.Error.WriteLine("note: this is a Debug build; run `dotnet run -c Release --project tools/Workbook -- bench` for figures worth quoting.");
        try
        {
            dataOptions.Validate();
            // The same rules as train's, before any data is read: --epochs and --threads at least 1.
            new TrainingOptions { Epochs = epochs, Threads = threads }.Validate();
            if (kernels != BenchKernels.Fused && pairs < 1)
                throw new ArgumentException($"--pairs must be at least 1; got {pairs}.");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var models = SharedOptions.Models(modelText);
        using var data = DigitData.Load(DatasetName.Mnist, RepoLayout.Data, dataOptions, progress: DataCommands.ConsoleProgress());
        if (kernels == BenchKernels.LibTorch)
        {
            var stockOnly = PeerBenchmark.Run(data, models, kernels, pairs, threads ?? Environment.ProcessorCount, Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine(PeerTable(stockOnly).ToMarkdown());
            return 0;
        }
        var report = ThroughputBenchmark.Run(data, models, epochs, threads, Console.WriteLine);
        if (kernels == BenchKernels.Paired)
            report = report with { Peer = PeerBenchmark.Run(data, models, kernels, pairs, report.Threads, Console.WriteLine) };

        var table = Table(report);
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown());
        Console.WriteLine(WhereTable(report).ToMarkdown());
        Console.WriteLine(LoopTable(report).ToMarkdown());
        if (report.Peer is { } peer)
            Console.WriteLine(PeerTable(peer).ToMarkdown());
        Console.WriteLine(BenchmarkTargets.Table(report).ToMarkdown());
        Directory.CreateDirectory(outDir);
        bool rows = data.TimeSteps == RunKey.DefaultTimeSteps;
        var json = Path.Combine(outDir, rows ? "results.json" : $"results-steps{data.TimeSteps}.json");
        File.WriteAllText(json, JsonSerializer.Serialize(report, ResultsStore.Json) + "\n");
        var markdown = Path.Combine(outDir, "RESULTS.md");
        var existing = File.Exists(markdown) ? File.ReadAllText(markdown) : "";
        var block = rows ? Block : new GeneratedBlock($"<!-- bench:start steps{data.TimeSteps} (generated by `bench --steps {data.TimeSteps}`) -->", $"<!-- bench:end steps{data.TimeSteps} -->", "bench/RESULTS.md");
        var generated = (rows ? "" : $"{data.TimeSteps} time steps of {data.Features} feature(s), {data.TrainCount:N0} training images.\n\n") + Generated(report, table);
        File.WriteAllText(markdown, block.IsIn(existing) ? block.Replace(existing, generated)
            : existing.Length > 0 ? existing.TrimEnd() + "\n\n" + block.Wrap(generated) : "# Benchmark results\n\n" + block.Wrap(generated));
        Console.WriteLine($"wrote {json} and {markdown}");
        return 0;
    }

    public static TextTable Table(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        return new TextTable($"Training throughput, {report.Threads} thread(s), SGEMM peak {report.SgemmPeakGflops.ToString("F1", inv)} GFLOP/s",
            ["model", "s / epoch (median)", "samples / s", "eval s", "GFLOP / epoch", "GFLOP/s", "% of SGEMM peak", "RSS after epochs (MB)", "peak RSS MB", "test acc % (last epoch)", "ms per batch: data / forward (kernels) / backward (kernels) / step / other"],
            report.Models.Select(m => (IReadOnlyList<string>)
            [
                m.Model, m.MedianEpochSeconds.ToString("F2", inv), m.SamplesPerSecond.ToString("N0", inv), m.EvalSeconds.ToString("F2", inv),
                (m.TrainFlopsPerEpoch / 1e9).ToString("F1", inv), m.AchievedGflops.ToString("F1", inv), (100 * m.ShareOfSgemmPeak).ToString("F1", inv),
                string.Join(" / ", m.RssAfterEpochMegabytes.Select(r => r.ToString("N0", inv))), m.PeakRssMegabytes.ToString("N0", inv),
                (100 * m.FinalTestAccuracy).ToString("F2", inv),
                $"{m.Profile.Data.ToString("F2", inv)} / {m.Profile.Forward.ToString("F2", inv)} ({m.Profile.RecurrenceForward.ToString("F2", inv)}) / " +
                $"{m.Profile.Backward.ToString("F2", inv)} ({m.Profile.RecurrenceBackward.ToString("F2", inv)}) / {m.Profile.Step.ToString("F2", inv)} / {m.Profile.Bookkeeping.ToString("F2", inv)}",
            ]).ToList());
    }

    private static readonly GeneratedBlock Block = new("<!-- bench:start (generated by `bench`) -->", "<!-- bench:end -->", "bench/RESULTS.md");

    /// <summary>
    /// Where a training step's time goes, in ms per batch of the profiled batches: the batch gather, the head and the rest
    /// of the forward and backward passes outside the recurrent kernels (batch normalisation, dense layer and loss in one
    /// pass each way; the step's tensors, the moving averages, the gradients handed over), the fused kernels split into the
    /// cell's element-wise maths (mean per row block) and the rest (matrix products, waiting for the slower block), and the
    /// optimiser; last, one step's matrix products alone on one core against libtorch's SGEMM peak on one thread, and the
    /// same products on every core of the run at once, in all and as a multiple of one core's figure.
    /// </summary>
    public static TextTable WhereTable(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => v.ToString("F2", inv);
        // One core's products against libtorch's SGEMM on one thread: the same kind of figure (older reports lack it).
        double perCore = report.SgemmPeakOneThreadGflops > 0 ? report.SgemmPeakOneThreadGflops : report.SgemmPeakGflops / report.Threads;
        return new TextTable($"Where a training step goes (ms per batch); SGEMM peak on one thread {perCore.ToString("F1", inv)} GFLOP/s",
            ["model", "step", "data", "head and rest forward", "head and rest backward", "cell maths forward", "products and waits forward",
             "cell maths backward", "products and waits backward", "optimiser and rest", "one step's products, one core (GFLOP/s)",
             "the same on every row block's core at once (GFLOP/s in all)"],
            report.Models.Select(m =>
            {
                var p = m.Profile;
                return (IReadOnlyList<string>)
                [
                    m.Model, F(p.Total), F(p.Data), F(p.Forward - p.RecurrenceForward), F(p.Backward - p.RecurrenceBackward),
                    F(p.CellForward), F(p.RecurrenceForward - p.CellForward), F(p.CellBackward), F(p.RecurrenceBackward - p.CellBackward),
                    F(p.Step + p.Bookkeeping),
                    $"{m.StepProductsGflopsPerCore.ToString("F1", inv)} ({(100 * m.StepProductsGflopsPerCore / perCore).ToString("F0", inv)}% of the one-thread peak)",
                    m.StepProductsGflopsAllCores > 0 && m.StepProductsGflopsPerCore > 0
                        ? $"{m.StepProductsGflopsAllCores.ToString("F1", inv)} ({(m.StepProductsGflopsAllCores / m.StepProductsGflopsPerCore).ToString("F2", inv)} × one core)"
                        : "",
                ];
            }).ToList());
    }

    /// <summary>
    /// Inside the time loop, per row block (mean over the blocks, which run at once), ms per batch: each matrix product
    /// with the GFLOP/s it reached there, the bias sums, the cell maths, and what is left of the kernels' wall time
    /// (<see cref="BatchProfile.KernelRest"/>: serial work before and after the blocks, forking, joining, waiting). Set against the previous table's one-core figure for one
    /// step's forward products alone, it shows how much of that rate the products keep inside the loop.
    /// </summary>
    public static TextTable LoopTable(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        string Part(double ms, double gflops) => gflops > 0 ? $"{ms.ToString("F2", inv)} ({gflops.ToString("F0", inv)})" : ms.ToString("F2", inv);
        return new TextTable("Inside the time loop (ms per batch, per row block but the last column; in brackets, GFLOP/s of that product there)",
            ["model", "x_t W_ihᵀ", "h_{t−1} W_hhᵀ", "cell maths forward", "dL/dh_{t−1}", "weight gradients", "bias gradients", "cell maths backward",
             "rest of the kernels' time: serial work, fork, join, waits"],
            report.Models.Select(m =>
            {
                var p = m.Profile;
                return (IReadOnlyList<string>)
                [
                    m.Model, Part(p.InputProjection, p.InputProjectionGflops), Part(p.HiddenProjection, p.HiddenProjectionGflops),
                    p.CellForward.ToString("F2", inv), Part(p.StateGradient, p.StateGradientGflops), Part(p.WeightGradients, p.WeightGradientsGflops),
                    p.BiasGradients.ToString("F2", inv), p.CellBackward.ToString("F2", inv), p.KernelRest.ToString("F2", inv),
                ];
            }).ToList());
    }

    /// <summary>
    /// The libtorch comparison: seconds per training epoch (no evaluation) of each side, pair by pair, and the fused ÷ libtorch
    /// time ratio (below 0.5: the fused kernels at least twice as fast).
    /// </summary>
    public static TextTable PeerTable(PeerReport peer)
    {
        var inv = CultureInfo.InvariantCulture;
        string Seconds(IReadOnlyList<double> s) => s.Count == 0 ? "" : string.Join(" / ", s.Select(v => v.ToString("F2", inv)));
        string Loss(double? v) => v is { } x ? x.ToString("F4", inv) : "";
        string allocator = peer.KeepsFreedMemory ? ", glibc keeping freed memory" : "";
        return new TextTable($"Against libtorch's own modules, {peer.Threads} thread(s) each, {peer.Pairs} epoch(s) each side in turn{allocator}",
            ["model", "fused s / epoch", "libtorch s / epoch", "fused ÷ libtorch per pair", "median ratio",
             "median ms per batch, fused / libtorch", "s in slow batches, fused / libtorch", "train loss of the last epoch (fused / libtorch)"],
            peer.Models.Select(m => (IReadOnlyList<string>)
            [
                m.Model, Seconds(m.FusedSeconds), Seconds(m.StockSeconds), string.Join(" / ", m.Ratios.Select(r => r.ToString("F3", inv))),
                m.MedianRatio is { } r ? r.ToString("F3", inv) : "",
                Sides(m.FusedBatchMedians, m.StockBatchMedians), Sides(m.FusedSlowSeconds, m.StockSlowSeconds),
                $"{Loss(m.FusedLastLoss)} / {Loss(m.StockLastLoss)}",
            ]).ToList());

        // Pair by pair, "fused / libtorch", with a dash for a side that did not run.
        string Sides(IReadOnlyList<double>? fused, IReadOnlyList<double>? stock)
        {
            if (fused is null || stock is null)
                return "";
            string Figure(IReadOnlyList<double> side, int pair) => pair < side.Count ? side[pair].ToString("F2", inv) : "–";
            return string.Join("; ", Enumerable.Range(0, Math.Max(fused.Count, stock.Count)).Select(pair => $"{Figure(fused, pair)} / {Figure(stock, pair)}"));
        }
    }

    /// <summary>The generated text: throughput, the libtorch comparison when it ran, and the targets.</summary>
    private static string Generated(BenchmarkReport report, TextTable table)
    {
        var sb = new StringBuilder();
        string lanes = report.VectorFloats > 0 ? $", kernels on vectors of {report.VectorFloats} floats" : "";
        sb.AppendLine($"Run of {report.StartedAt:yyyy-MM-dd HH:mm} on {report.Cpu}, TorchSharp {report.TorchSharpVersion}, {report.Threads} thread(s){lanes}; " +
                      $"all models {report.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s in total for {report.Models[0].Epochs} epoch(s) each.");
        sb.AppendLine();
        sb.Append(table.ToMarkdown());
        sb.AppendLine();
        sb.Append(WhereTable(report).ToMarkdown());
        sb.AppendLine();
        sb.Append(LoopTable(report).ToMarkdown());
        if (report.Peer is { } peer)
        {
            sb.AppendLine();
            sb.Append(PeerTable(peer).ToMarkdown());
        }
        sb.AppendLine();
        sb.Append(BenchmarkTargets.Table(report).ToMarkdown());
        return sb.ToString();
    }
}
