using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Native;
using RnnHelpers.Results;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Studies;

/// <summary>
/// The long-sequence study: each MNIST image read as T steps of 784/T pixels for every T in <see cref="TimeSteps"/>
/// (T = 784 is one pixel per step, the sequential-MNIST task of Le, Jaitly and Hinton 2015), the three models trained
/// under one fixed budget with several seeds, plus the permuted-pixel task at <see cref="PermutedSteps"/> and the LSTM
/// without its forget-gate bias of 1 at <see cref="NoForgetBiasSteps"/>; and the gradient flow
/// (<see cref="GradientFlow"/>) of each model at <see cref="GradientFlowSteps"/>, at initialisation and trained.
/// <see cref="Standard"/> is the committed study; <see cref="Reduced"/> a cut-down grid for quick checks. The notebook and
/// the CLI (<c>study long-sequences</c>) train the same grid, so they look up the same run keys.
/// </summary>
public sealed record LongSequenceStudy
{
    /// <summary>Dataset name as the CLI reads it (mnist or fashion).</summary>
    public string Dataset { get; init; } = "mnist";
    /// <summary>The grid of time steps T; each divides 784 (features = 784 / T).</summary>
    public IReadOnlyList<int> TimeSteps { get; init; } = [28, 56, 112, 196, 392, 784];
    /// <summary>Seeds run at every point.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];

    /// <summary>Training images per run (the first N of the training split) and test images it is scored on.</summary>
    public int TrainLimit { get; init; } = 1500;
    /// <summary>Test images each run is scored on (the first N).</summary>
    public int TestLimit { get; init; } = 500;
    /// <summary>Epochs per run.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>
    /// Keras' Adam at its default learning rate 0.001. With this budget (under a hundred updates) the article's plain SGD
    /// at 0.01 leaves every model near chance at long T, which would say nothing about the models.
    /// </summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Adam's learning rate (Keras' usual 0.001).</summary>
    public double LearningRate { get; init; } = 0.001;
    /// <summary>Hidden units H of every model.</summary>
    public int HiddenUnits { get; init; } = 64;

    /// <summary>One kernel thread, so the committed runs reproduce bit for bit whatever the machine's core count (see docs/notation.md, Threads).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>T of the permuted-pixel runs.</summary>
    public int PermutedSteps { get; init; } = 784;
    /// <summary>T of the LSTM runs without the forget-gate bias of 1.</summary>
    public IReadOnlyList<int> NoForgetBiasSteps { get; init; } = [392, 784];

    /// <summary>Gradient flow: time steps, the seed of the run whose model is measured, and test images averaged over.</summary>
    public int GradientFlowSteps { get; init; } = 784;
    /// <summary>Seed of the run whose model gradient flow is measured on.</summary>
    public int GradientFlowSeed { get; init; } = 1;
    /// <summary>Test images the gradient norms are averaged over.</summary>
    public int GradientFlowImages { get; init; } = 200;

    /// <summary>The committed study's grid and budget.</summary>
    public static LongSequenceStudy Standard { get; } = new();

    /// <summary>
    /// A cut-down grid for quick checks (the notebooks' smoke profile): T ∈ {28, 112}, two seeds, the permuted and
    /// no-forget-bias variants at T = 112, on at most 300 training and 200 test images.
    /// </summary>
    public static LongSequenceStudy Reduced(int epochs, int trainLimit, int testLimit) => new()
    {
        TimeSteps = [28, 112],
        Seeds = [1, 2],
        TrainLimit = Math.Min(trainLimit, 300),
        TestLimit = Math.Min(testLimit, 200),
        Epochs = epochs,
        PermutedSteps = 112,
        NoForgetBiasSteps = [112],
        GradientFlowSteps = 112,
        GradientFlowImages = 50,
    };

    /// <summary>Every run of the grid, in the order they are trained (short sequences first).</summary>
    public IEnumerable<SequencePoint> Points()
    {
        foreach (var steps in TimeSteps)
            foreach (var seed in Seeds)
                foreach (var kind in RecurrentKinds.All)
                    yield return new SequencePoint(kind, steps, SequenceVariant.RowMajor, seed);
        foreach (var seed in Seeds)
            foreach (var kind in RecurrentKinds.All)
                yield return new SequencePoint(kind, PermutedSteps, SequenceVariant.Permuted, seed);
        foreach (var steps in NoForgetBiasSteps)
            foreach (var seed in Seeds)
                yield return new SequencePoint(RecurrentKind.Lstm, steps, SequenceVariant.NoForgetBias, seed);
    }

    /// <summary>The data options of one point of the grid.</summary>
    public DataOptions DataOf(SequencePoint point) => new()
    {
        TrainLimit = TrainLimit,
        TestLimit = TestLimit,
        TimeSteps = point.TimeSteps,
        Permuted = point.Variant == SequenceVariant.Permuted,
    };

    /// <summary>The training protocol of one point of the grid.</summary>
    public TrainingOptions OptionsOf(SequencePoint point) => new()
    {
        Epochs = Epochs,
        Seed = point.Seed,
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        HiddenUnits = HiddenUnits,
        Threads = Threads,
        UnitForgetBias = point.Variant != SequenceVariant.NoForgetBias,
    };

    /// <summary>The run key of one point of the grid.</summary>
    public RunKey KeyOf(SequencePoint point) =>
        Experiment.KeyOf(point.Kind, DatasetCatalog.Get(DatasetCatalog.Parse(Dataset)).FolderName, DataOf(point), OptionsOf(point));

    /// <summary>One line of the budget, for prose: e.g. "3 epochs of Adam (learning rate 0.001) on the first 2,000 training images …".</summary>
    public string Budget =>
        $"{Epochs} epoch{(Epochs == 1 ? "" : "s")} of {(Optimizer == OptimizerKind.Adam ? "Adam" : Optimizer.Id())} (learning rate {LearningRate:0.####}, batches of {new TrainingOptions().BatchSize}) " +
        $"on the first {TrainLimit:N0} training images, scored on the first {TestLimit:N0} test images, seeds {string.Join(", ", Seeds)}, {HiddenUnits} hidden units, {Threads} kernel thread{(Threads == 1 ? "" : "s")}";

    /// <summary>
    /// The stored run of every point, from <paramref name="referenceDir"/> (read only) or <paramref name="scratchDir"/>;
    /// points with no stored run are trained into <paramref name="scratchDir"/>. When the gradient-flow run of a model is
    /// trained here, its gradient flow is measured and stored beside it. <paramref name="log"/> receives one line per run.
    /// </summary>
    public IReadOnlyList<SequenceRun> LoadOrTrain(string scratchDir, string? referenceDir = null, string dataDir = "../data",
        Action<string>? log = null, CancellationToken ct = default)
    {
        var runs = new List<SequenceRun>();
        foreach (var view in Points().GroupBy(p => (p.TimeSteps, p.Variant == SequenceVariant.Permuted)))
        {
            DigitData? data = null;
            try
            {
                foreach (var point in view)
                {
                    var key = KeyOf(point);
                    var stored = Stored(key, scratchDir, referenceDir);
                    if (stored is not null)
                    {
                        runs.Add(new SequenceRun(point, stored));
                        continue;
                    }
                    data ??= Load(dataDir, view.Key.TimeSteps, view.Key.Item2);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var run = Experiment.Run(point.Kind, data, OptionsOf(point), scratchDir, ct: ct);
                    log?.Invoke($"trained {key.FileName}: test accuracy {Tables.Percent(new SequenceRun(point, run.Record).Accuracy)}% ({clock.Elapsed.TotalSeconds:F0} s)");
                    if (IsGradientFlowPoint(point) && GradientFlowRecord.TryLoad(scratchDir, key.FileName) is null)
                        MeasureFlow(point, data, run.Record, run.Training!.Model).Save(scratchDir, replace: true);
                    run.Training?.Model.Dispose();
                    runs.Add(new SequenceRun(point, run.Record));
                }
            }
            finally
            {
                data?.Dispose();
            }
        }
        return runs;
    }

    /// <summary>
    /// The gradient flow of each model (<see cref="GradientFlowSteps"/>, row-major, seed <see cref="GradientFlowSeed"/>):
    /// stored in the reference or the scratch store, or measured now, retraining the run's model with its stored key's
    /// settings (training is deterministic, so it is the stored run's model) and saving the record to the scratch store.
    /// </summary>
    public IReadOnlyList<GradientFlowRecord> LoadOrMeasureGradientFlow(string scratchDir, string? referenceDir = null, string dataDir = "../data",
        Action<string>? log = null)
    {
        var records = new List<GradientFlowRecord>();
        DigitData? data = null;
        try
        {
            foreach (var kind in RecurrentKinds.All)
            {
                var point = new SequencePoint(kind, GradientFlowSteps, SequenceVariant.RowMajor, GradientFlowSeed);
                var key = KeyOf(point);
                var stored = new[] { referenceDir, scratchDir }.OfType<string>().Select(d => GradientFlowRecord.TryLoad(d, key.FileName)).FirstOrDefault(r => r is not null);
                if (stored is not null)
                {
                    records.Add(stored);
                    continue;
                }
                data ??= Load(dataDir, GradientFlowSteps, permuted: false);
                var options = OptionsOf(point);
                var training = Trainer.Train(kind, data, options);
                var record = Experiment.ToRecord(training, data, DateTimeOffset.Now, 0);
                var flow = MeasureFlow(point, data, record, training.Model);
                training.Model.Dispose();
                flow.Save(scratchDir, replace: true);
                log?.Invoke($"measured the gradient flow of {key.FileName}");
                records.Add(flow);
            }
        }
        finally
        {
            data?.Dispose();
        }
        return records;
    }

    private bool IsGradientFlowPoint(SequencePoint point) =>
        point.TimeSteps == GradientFlowSteps && point.Variant == SequenceVariant.RowMajor && point.Seed == GradientFlowSeed;

    /// <summary>The model at initialisation is rebuilt as <see cref="Trainer.Train"/> builds it: same seed, then the same constructor.</summary>
    private GradientFlowRecord MeasureFlow(SequencePoint point, DigitData data, RunRecord record, RecurrentClassifier trained)
    {
        var options = OptionsOf(point);
        TorchRuntime.EnsureInitialized(options.ResolvedThreads);
        int images = Math.Min(GradientFlowImages, data.TestCount);
        using var x = data.TestImages.narrow(0, 0, images);
        using var y = data.TestLabels.narrow(0, 0, images);
        manual_seed(options.Seed);
        using var initial = new RecurrentClassifier(point.Kind, options.HiddenUnits, data.Features, options.UnitForgetBias);
        var before = GradientFlow.Measure(initial, x, y);
        var after = GradientFlow.Measure(trained, x, y);
        return new GradientFlowRecord(record.Dataset, record.Model, point.TimeSteps, Permuted: false, point.Seed, record.Key.FileName, images,
            before, after, new SequenceRun(point, record).Accuracy);
    }

    private DigitData Load(string dataDir, int steps, bool permuted) =>
        DigitData.Load(DatasetCatalog.Parse(Dataset), dataDir, new DataOptions { TrainLimit = TrainLimit, TestLimit = TestLimit, TimeSteps = steps, Permuted = permuted });

    private static RunRecord? Stored(RunKey key, string scratchDir, string? referenceDir) =>
        new[] { referenceDir, scratchDir }.OfType<string>().Select(d => new ResultsStore(d).TryLoad(key)).FirstOrDefault(r => r is not null);
}
