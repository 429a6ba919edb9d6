using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Training;

namespace RnnHelpers;

/// <summary>
/// A finished run: the stored record and, when it was trained in this process, the model. <see cref="Reference"/> is
/// the committed run of the same key when one exists, and <see cref="Reproduction"/> says whether the fresh run
/// repeated it number for number.
/// </summary>
public sealed record ExperimentRun(RunRecord Record, TrainingResult? Training, bool LoadedFromStore,
    RunRecord? Reference = null, RunComparison? Reproduction = null);

/// <summary>
/// The workbook's entry points: train one model under a training protocol (<see cref="TrainingOptions"/>) and keep the result. Notebooks train into a
/// scratch store (default <c>out/results</c>) and read the committed runs (<c>results/</c>) without ever writing them;
/// only the CLI's <c>train</c> verb writes the committed store, and it never overwrites a stored run.
/// </summary>
public static class Experiment
{
    /// <summary>
    /// Trains <paramref name="kind"/> on <paramref name="data"/> and saves the run to <paramref name="resultsDir"/>.
    /// Checkpoints go to <c>resultsDir/checkpoints</c> after every epoch; an interrupted run continues from
    /// its last one when this is called again, and the checkpoint is removed once the run is stored.
    /// <paramref name="replace"/> allows replacing a stored run of the same key (for scratch stores only).
    /// </summary>
    /// <exception cref="ResultsFileException">The store holds the run already and <paramref name="replace"/> is false.</exception>
    /// <exception cref="TrainingDivergedException">The loss, a parameter or a moving statistic stopped being finite.</exception>
    public static ExperimentRun Run(RecurrentKind kind, DigitData data, TrainingOptions options, string resultsDir,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, bool resume = true, bool replace = false,
        BatchProbe? probe = null)
    {
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var key = KeyOf(kind, data, options);
        var store = new ResultsStore(resultsDir);
        if (!replace && store.Contains(key))
            throw new ResultsFileException(store.PathOf(key), "exists already; stored runs are never overwritten (delete the file to train it again)");
        var checkpoints = new Checkpoints(Path.Combine(resultsDir, "checkpoints"), Path.GetFileNameWithoutExtension(key.FileName));
        if (!resume)
            checkpoints.Delete();
        var result = Trainer.Train(kind, data, options, progress, ct, checkpoints, probe);
        var record = ToRecord(result, data, started, clock.Elapsed.TotalSeconds);
        store.Save(record, replace);
        checkpoints.Delete();
        return new ExperimentRun(record, result, LoadedFromStore: false);
    }

    /// <summary>
    /// What the model notebooks do: trains the run afresh into the scratch store <paramref name="scratchDir"/>
    /// (replacing an earlier scratch run of the key), then compares it with the committed run of the same key in
    /// <paramref name="referenceDir"/>, which is only read.
    /// </summary>
    public static ExperimentRun Rerun(RecurrentKind kind, DigitData data, TrainingOptions options, string scratchDir, string referenceDir,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var run = Run(kind, data, options, scratchDir, progress, ct, resume: false, replace: true);
        if (SameFolder(scratchDir, referenceDir))
            return run;
        var reference = new ResultsStore(referenceDir).TryLoad(run.Record.Key);
        return reference is null ? run : run with { Reference = reference, Reproduction = RunComparison.Of(run.Record, reference) };
    }

    /// <summary>The stored run of these settings in the reference or the scratch store if there is one, otherwise trains it into the scratch store.</summary>
    public static ExperimentRun LoadOrRun(RecurrentKind kind, DigitData data, TrainingOptions options, string scratchDir, string? referenceDir = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var key = KeyOf(kind, data, options);
        foreach (var dir in new[] { referenceDir, scratchDir }.OfType<string>())
            if (new ResultsStore(dir).TryLoad(key) is { } stored)
                return new ExperimentRun(stored, null, LoadedFromStore: true);
        return Run(kind, data, options, scratchDir, progress, ct);
    }

    /// <summary>
    /// Every stored run of this dataset and setting (any seed, any thread count) in the reference store, plus, for each
    /// model with no run of the options' seed there, the scratch store's run, trained if missing. Used by the comparison notebook.
    /// </summary>
    public static IReadOnlyList<RunRecord> LoadOrTrainAll(DigitData data, TrainingOptions options, string scratchDir, string? referenceDir = null,
        Func<RecurrentKind, IProgress<TrainingProgress>?>? progressFor = null, CancellationToken ct = default)
    {
        var reference = referenceDir is null ? [] : LoadSetting(referenceDir, data, options);
        foreach (var kind in RecurrentKinds.All)
            if (!reference.Any(r => r.Model == kind.Id() && r.Seed == options.Seed))
                LoadOrRun(kind, data, options, scratchDir, null, progressFor?.Invoke(kind), ct);
        return LoadSetting(scratchDir, referenceDir, data, options);
    }

    /// <summary>
    /// Every run of this setting in the reference store, plus the scratch store's runs of models and seeds the reference
    /// lacks (a committed run always wins over a scratch run of the same model and seed).
    /// </summary>
    public static IReadOnlyList<RunRecord> LoadSetting(string scratchDir, string? referenceDir, DigitData data, TrainingOptions options)
    {
        var reference = referenceDir is null ? [] : LoadSetting(referenceDir, data, options);
        var scratch = SameFolder(scratchDir, referenceDir) ? [] : LoadSetting(scratchDir, data, options)
            .Where(s => !reference.Any(r => r.Model == s.Model && r.Seed == s.Seed)).ToList();
        return reference.Concat(scratch).ToList();
    }

    /// <summary>Every run in a store with the setting of these options and data (any model, seed and thread count).</summary>
    public static IReadOnlyList<RunRecord> LoadSetting(string resultsDir, DigitData data, TrainingOptions options)
    {
        var setting = KeyOf(RecurrentKind.Lstm, data, options).Setting;
        return new ResultsStore(resultsDir).LoadAll(r => r.Key.Setting with { Model = setting.Model } == setting);
    }

    private static bool SameFolder(string a, string? b) =>
        b is not null && string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>Loads a dataset (acquiring it if needed) with the notebooks' parameters.</summary>
    /// <param name="dataset">mnist or fashion.</param>
    /// <param name="trainLimit">Keep only the first N training images (null: all 60,000).</param>
    /// <param name="testLimit">Keep only the first N test images (null: all 10,000).</param>
    /// <param name="dataDir">The data folder, relative to the working directory (notebooks run in notebooks/).</param>
    /// <param name="timeSteps">Time steps each image is read as (<see cref="DataOptions.TimeSteps"/>; 28 rows by default).</param>
    /// <param name="permuted">Read the pixels in the fixed permuted order (<see cref="DataOptions.Permuted"/>).</param>
    public static DigitData LoadData(string dataset, int? trainLimit, int? testLimit, string dataDir = "../data", int timeSteps = RunKey.DefaultTimeSteps, bool permuted = false) =>
        DigitData.Load(DatasetCatalog.Parse(dataset), dataDir, new DataOptions { TrainLimit = trainLimit, TestLimit = testLimit, TimeSteps = timeSteps, Permuted = permuted });

    /// <summary>The key of the run these settings make on this machine: the model, the loaded data's dataset and options, and the training options (thread count resolved).</summary>
    public static RunKey KeyOf(RecurrentKind kind, DigitData data, TrainingOptions options) =>
        KeyOf(kind, data.Info.FolderName, data.Options, options);

    /// <summary>The key of the run these settings make on this machine (the thread count resolved as training resolves it).</summary>
    public static RunKey KeyOf(RecurrentKind kind, string datasetFolder, DataOptions data, TrainingOptions options) =>
        new(datasetFolder, kind.Id(), options.Seed, options.Epochs, options.BatchSize, options.LearningRate,
            options.HiddenUnits, options.Optimizer.Id(), options.UnitForgetBias, data.TimeSteps, data.Permuted,
            data.TrainLimit, data.TestLimit, data.PerClass, options.ResolvedThreads);

    /// <summary>The record stored for a finished run: its key, the data's image counts, the parameter count (Keras' way), the history, summary and provenance; <paramref name="wallSeconds"/> is the run's wall time in seconds.</summary>
    public static RunRecord ToRecord(TrainingResult result, DigitData data, DateTimeOffset started, double wallSeconds)
    {
        var key = KeyOf(result.Kind, data, result.Options);
        return new RunRecord(
            RunRecord.CurrentSchema, key.Dataset, key.Model, key.Seed, key.Epochs, key.BatchSize, key.LearningRate, key.HiddenUnits,
            key.Optimizer, key.UnitForgetBias, key.TimeSteps, key.Permuted,
            key.TrainLimit, key.TestLimit, key.PerClass, key.Threads, data.TrainCount, data.TestCount,
            ModelSummary.Of(result.Model).Total, Math.Min(Trainer.PopulationStatisticsImages, data.TrainCount),
            result.History,
            RunRecord.Summarise(result.History),
            Provenance.Capture(result.Threads, started, wallSeconds));
    }
}
