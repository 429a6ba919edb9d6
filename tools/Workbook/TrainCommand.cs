using System.CommandLine;
using System.Diagnostics;
using RnnHelpers;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Training;

namespace Workbook;

/// <summary><c>train --model M --seeds 1-5</c>: the model × seed grid under the article's setting unless told otherwise, resumable.</summary>
public static class TrainCommand
{
    /// <summary>The <c>train</c> verb.</summary>
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var seeds = new Option<string>("--seeds") { Description = "Seeds: a range (1-5) or a list (1,2,7).", DefaultValueFactory = _ => "1-5" };
        var dataset = SharedOptions.Dataset();
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 10 };
        var results = new Option<string>("--results") { Description = "Results folder.", DefaultValueFactory = _ => RepoLayout.Results };
        var threads = SharedOptions.Threads();
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from its last checkpoint (results/checkpoints) instead of starting it again." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Learning rate (default: 0.01, or 0.001 with --optimizer adam)." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (plain, the article's), momentum (0.9) or adam (Keras' defaults).", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "momentum", "adam");
        var hiddenUnits = new Option<int>("--hidden-units") { Description = "Hidden units of the recurrent layer.", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Time steps each image is read as (784 pixels in row-major chunks; must divide 784).", DefaultValueFactory = _ => 28 };
        var permuted = new Option<bool>("--permuted") { Description = "Shuffle the pixels with the fixed stored permutation before cutting them into time steps." };
        var noForgetBias = new Option<bool>("--no-unit-forget-bias") { Description = "LSTM: start the forget gate's bias at 0 instead of Keras' 1." };
        var shard = new Option<string?>("--shard") { Description = "Train only shard i of n (i/n, 0 <= i < n; e.g. a Slurm array task's SLURM_ARRAY_TASK_ID/count): n shards together train each run of the grid once." };
        var listRuns = new Option<bool>("--list-runs") { Description = "Print the file names of the grid's runs (of the shard, with --shard), one a line, and train nothing: the grid file `results check --grid` reads." };
        var command = new Command("train", "Train a model × seed grid (the article's setting unless told otherwise); runs already stored are skipped, never overwritten.")
        {
            model, seeds, dataset, epochs, results, threads, trainLimit, testLimit, resume, learningRate, optimizer, hiddenUnits, steps, permuted, noForgetBias, shard, listRuns,
        };
        command.SetAction((r, ct) =>
        {
            var optimizerKind = Optimizers.Parse(r.GetValue(optimizer)!);
            var template = new TrainingOptions
            {
                Epochs = r.GetValue(epochs),
                Threads = r.GetValue(threads),
                Optimizer = optimizerKind,
                LearningRate = r.GetValue(learningRate) ?? optimizerKind.UsualLearningRate(),
                HiddenUnits = r.GetValue(hiddenUnits),
                UnitForgetBias = !r.GetValue(noForgetBias),
            };
            var data = new DataOptions { TrainLimit = r.GetValue(trainLimit), TestLimit = r.GetValue(testLimit), TimeSteps = r.GetValue(steps), Permuted = r.GetValue(permuted) };
            return Task.FromResult(Run(r.GetValue(model)!, r.GetValue(seeds)!, r.GetValue(dataset)!, template, r.GetValue(results)!, data, r.GetValue(resume),
                r.GetValue(shard), r.GetValue(listRuns), ct));
        });
        return command;
    }

    /// <summary>Reads seeds as <c>1-5</c>, <c>1,3,7</c> or a mix; <see cref="ArgumentException"/> for anything else.</summary>
    public static IReadOnlyList<int> ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', 2);
            if (range.Length == 2 && int.TryParse(range[0], out var a) && int.TryParse(range[1], out var b) && a <= b)
                seeds.AddRange(Enumerable.Range(a, b - a + 1));
            else if (int.TryParse(part, out var single))
                seeds.Add(single);
            else
                throw new ArgumentException($"--seeds: '{part}' is neither a number nor a range like 1-5.", "seeds");
        }
        if (seeds.Count == 0)
            throw new ArgumentException("--seeds: no seeds given.", "seeds");
        return seeds.Distinct().ToList();
    }

    private static int Run(string modelText, string seedsText, string datasetText, TrainingOptions template, string resultsDir,
        DataOptions dataOptions, bool resume, string? shardText, bool listRuns, CancellationToken ct)
    {
        IReadOnlyList<int> seeds;
        Shard shard;
        try
        {
            shard = shardText is null ? Shard.All : Shard.Parse(shardText);
            seeds = ParseSeeds(seedsText);
            template.Validate();
            dataOptions.Validate();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(shardText is not null && e.Message.StartsWith("shard") ? "--" + e.Message : e.Message);
            return 2;
        }
        var models = SharedOptions.Models(modelText);
        var dataset = DatasetCatalog.Parse(datasetText);

        // The grid (seed x model), then this process's shard of it: the one place --shard filters.
        var planned = (from seed in seeds
                       from kind in models
                       let options = template with { Seed = seed }
                       select (Kind: kind, Options: options, Key: Experiment.KeyOf(kind, DatasetCatalog.Get(dataset).FolderName, dataOptions, options))).ToList();
        var inShard = RunGrid.Of(planned.Select(p => p.Key)).ShardOf(shard);
        if (listRuns)
        {
            foreach (var name in inShard)
                Console.WriteLine(name);
            return 0;
        }
        var mine = inShard.ToHashSet(StringComparer.Ordinal);
        if (shard.Count > 1)
            Console.WriteLine($"shard {shard}: {mine.Count} of {planned.Count} runs");

        var store = new ResultsStore(resultsDir);
        DigitData? data = null;
        var grid = new List<RunRecord>();
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var (kind, options, key) in planned.Where(p => mine.Contains(p.Key.FileName)))
            {
                if (store.TryLoad(key) is { } stored)
                {
                    Console.WriteLine($"found    {key.FileName}  final {Tables.Percent(stored.Summary.FinalTestAccuracy)}%");
                    grid.Add(stored);
                    continue;
                }
                data ??= DigitData.Load(dataset, RepoLayout.Data, dataOptions, progress: DataCommands.ConsoleProgress());
                Console.WriteLine($"training {key.FileName}");
                var progress = new SyncProgress<TrainingProgress>(p =>
                {
                    if (p.Completed is { } e)
                        Console.WriteLine($"  epoch {e.Epoch,2}/{p.Epochs}: train loss {e.TrainLoss:F4}, test accuracy {100 * e.TestAccuracy:F2}% (recomputed BN {100 * e.TestAccuracyRecomputedBn:F2}%), {e.Seconds:F1} s, RSS {e.RssMegabytes:N0} MB");
                });
                var run = Experiment.Run(kind, data, options, resultsDir, progress, ct, resume);
                grid.Add(run.Record);
                run.Training?.Model.Dispose();
            }
        }
        catch (Exception e) when (e is ResultsFileException or CheckpointException or DatasetException or TrainingDivergedException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            data?.Dispose();
        }

        Console.WriteLine();
        if (grid.Count == 0)
        {
            Console.WriteLine($"shard {shard} holds no runs of this grid");
            return 0;
        }
        Console.WriteLine($"{grid.Count} runs ({clock.Elapsed.TotalSeconds:F0} s)");
        foreach (var setting in grid.GroupBy(r => r.Key.Setting with { Model = "" }))
            foreach (var measure in AccuracyMeasures.All)
            {
                var stats = RunStatistics.Compute(setting, measure);
                if (stats.Models.Count == 0)
                    continue;
                Console.WriteLine(Tables.Comparison(stats).ToMarkdown());
                if (stats.Comparisons.Count > 0)
                    Console.WriteLine(Tables.Differences(stats).ToMarkdown());
            }
        return 0;
    }
}
