using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Training;

namespace RnnHelpers;

/// <summary>A finished run: the stored record and, when it was trained in this process, the model.</summary>
public sealed record ExperimentRun(RunRecord Record, TrainingResult? Training, bool LoadedFromStore);

/// <summary>The workbook's entry points: train one model under the protocol and keep the result.</summary>
public static class Experiment
{
    /// <summary>
    /// Trains <paramref name="kind"/> on <paramref name="data"/> and saves the run to <paramref name="resultsDir"/>.
    /// Checkpoints go to <c>resultsDir/checkpoints</c> after every epoch; an interrupted run continues from
    /// its last one when this is called again, and the checkpoint is removed once the run is stored.
    /// </summary>
    public static ExperimentRun Run(RecurrentKind kind, DigitData data, TrainingOptions options, string resultsDir,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, bool resume = true)
    {
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var key = KeyOf(kind, data, options);
        var checkpoints = new Checkpoints(Path.Combine(resultsDir, "checkpoints"), Path.GetFileNameWithoutExtension(key.FileName));
        if (!resume)
            checkpoints.Delete();
        var result = Trainer.Train(kind, data, options, progress, ct, checkpoints);
        var record = ToRecord(result, data, started, clock.Elapsed.TotalSeconds);
        new ResultsStore(resultsDir).Save(record);
        checkpoints.Delete();
        return new ExperimentRun(record, result, LoadedFromStore: false);
    }

    /// <summary>The stored run for this protocol if there is one, otherwise trains and stores it.</summary>
    public static ExperimentRun LoadOrRun(RecurrentKind kind, DigitData data, TrainingOptions options, string resultsDir,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var stored = new ResultsStore(resultsDir).TryLoad(KeyOf(kind, data, options));
        return stored is not null ? new ExperimentRun(stored, null, LoadedFromStore: true) : Run(kind, data, options, resultsDir, progress, ct);
    }

    /// <summary>
    /// Every stored run of this dataset and protocol, plus a freshly trained run for each model
    /// that has none for the options' Seed. Used by the comparison notebook.
    /// </summary>
    public static IReadOnlyList<RunRecord> LoadOrTrainAll(DigitData data, TrainingOptions options, string resultsDir,
        Func<RecurrentKind, IProgress<TrainingProgress>?>? progressFor = null, CancellationToken ct = default)
    {
        foreach (var kind in RecurrentKinds.All)
            LoadOrRun(kind, data, options, resultsDir, progressFor?.Invoke(kind), ct);
        var protocol = KeyOf(RecurrentKind.Lstm, data, options);
        return new ResultsStore(resultsDir).LoadAll(r => r.Key with { Model = protocol.Model, Seed = protocol.Seed } == protocol);
    }

    /// <summary>Loads a dataset (acquiring it if needed) with the notebooks' parameters.</summary>
    public static DigitData LoadData(string dataset, int? trainLimit, int? testLimit, string dataDir = "../data") =>
        DigitData.Load(DatasetCatalog.Parse(dataset), dataDir, new DataOptions { TrainLimit = trainLimit, TestLimit = testLimit });

    public static RunKey KeyOf(RecurrentKind kind, DigitData data, TrainingOptions options) =>
        KeyOf(kind, data.Info.FolderName, data.Options, options);

    public static RunKey KeyOf(RecurrentKind kind, string datasetFolder, DataOptions data, TrainingOptions options) =>
        new(datasetFolder, kind.Id(), options.Seed, options.Epochs, options.BatchSize, options.LearningRate,
            options.HiddenUnits, data.TrainLimit, data.TestLimit, data.PerClass);

    public static RunRecord ToRecord(TrainingResult result, DigitData data, DateTimeOffset started, double wallSeconds)
    {
        var key = KeyOf(result.Kind, data, result.Options);
        return new RunRecord(
            RunRecord.CurrentSchema, key.Dataset, key.Model, key.Seed, key.Epochs, key.BatchSize, key.LearningRate, key.HiddenUnits,
            key.TrainLimit, key.TestLimit, key.PerClass, data.TrainCount, data.TestCount,
            ModelSummary.Of(result.Model).Total,
            result.History,
            RunRecord.Summarise(result.History),
            Provenance.Capture(result.Threads, started, wallSeconds));
    }
}
