using System.Globalization;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Training;

namespace RnnHelpers.Studies;

/// <summary>
/// Is the article's ranking an artefact of its one setting? The grid that asks it: the three models under plain SGD at
/// several learning rates, under SGD with momentum and Adam at their usual rates, and at widths that give every model
/// about the LSTM's and about the GRU's parameter count; each at <see cref="Seeds"/>, all with one <see cref="Budget"/>
/// and one thread (so a stored run reproduces whatever the machine's core count). The notebook <c>08-sensitivity</c> and the CLI verb
/// <c>study</c> both walk this grid, so they look up and store the same run keys.
/// </summary>
public sealed record SensitivityStudy(string Dataset, StudyBudget Budget, IReadOnlyList<int> Seeds, IReadOnlyList<StudySetting> Settings)
{
    /// <summary>Threads of every run: one, as in every notebook, so committed runs reproduce whatever the machine's core count.</summary>
    public const int Threads = 1;

    /// <summary>Learning rates of plain SGD in the study (the article's is 0.01).</summary>
    public static IReadOnlyList<double> LearningRates { get; } = [0.003, 0.01, 0.03, 0.1];

    /// <summary>
    /// The study's budget: 3 epochs on the first 20,000 training images (939 steps of 64), every test image. Chosen, before
    /// any run was timed, to keep the whole grid (22 distinct runs per seed, 3 seeds) short on one core (each run records
    /// its seconds per epoch). It is a tenth of the article's
    /// 10 epochs on 60,000 images, so it measures the models early in training, where the article measured them after
    /// 9,380 steps.
    /// </summary>
    public static StudyBudget StandardBudget { get; } = new(3, 20_000, null);

    /// <summary>Seeds of every setting: three, the fewest that show a spread.</summary>
    public static IReadOnlyList<int> StandardSeeds { get; } = [1, 2, 3];

    /// <summary>The whole study on <paramref name="dataset"/> (mnist or fashion).</summary>
    public static SensitivityStudy Standard(string dataset = "mnist") => new(dataset, StandardBudget, StandardSeeds, AllSettings());

    /// <summary>
    /// The study a notebook profile asks for: the standard budget capped by the profile's epochs and limits
    /// (<see cref="StudyBudget.CappedBy"/>). When the cap shrinks the budget (the smoke profile) the grid shrinks too, to
    /// <see cref="SmokeSettings"/>; the full profile gives <see cref="Standard"/>.
    /// </summary>
    public static SensitivityStudy ForProfile(int epochs, int? trainLimit, int? testLimit, string dataset = "mnist")
    {
        var budget = StandardBudget.CappedBy(epochs, trainLimit, testLimit);
        return budget == StandardBudget ? Standard(dataset) : new SensitivityStudy(dataset, budget, StandardSeeds, SmokeSettings());
    }

    /// <summary>
    /// The settings, in the order of the tables' columns: plain SGD at each of <see cref="LearningRates"/>; momentum 0.9 and
    /// Adam at <see cref="Optimizers.UsualLearningRate"/>; then every model at the width nearest the LSTM's and the GRU's
    /// 64-unit parameter counts (<see cref="ParameterArithmetic.MatchedWidth"/>, plain SGD at 0.01).
    /// <paramref name="features"/> is the input width per time step (28 for rows of 28 pixels).
    /// </summary>
    public static IReadOnlyList<StudySetting> AllSettings(int features = 784 / RunKey.DefaultTimeSteps)
    {
        var settings = LearningRates.Select(lr => Sgd(lr)).ToList();
        foreach (var optimizer in new[] { OptimizerKind.Momentum, OptimizerKind.Adam })
        {
            double lr = optimizer.UsualLearningRate();
            settings.Add(new StudySetting(optimizer.Id(), $"{(optimizer == OptimizerKind.Momentum ? "momentum" : "Adam")} {Rate(lr)}", $"{(optimizer == OptimizerKind.Momentum ? "SGD + momentum 0.9" : "Adam")}, lr {Rate(lr)}",
                SettingGroup.Optimizer, optimizer, lr, Widths(_ => Article.HiddenUnits)));
        }
        settings.Add(Matched(RecurrentKind.Lstm, features));
        settings.Add(Matched(RecurrentKind.Gru, features));
        return settings;
    }

    /// <summary>The smoke profile's grid, one setting of each group: the article's, Adam, and the LSTM-sized widths.</summary>
    public static IReadOnlyList<StudySetting> SmokeSettings(int features = 784 / RunKey.DefaultTimeSteps) =>
        AllSettings(features).Where(s => s.IsArticleSetting || s.Optimizer == OptimizerKind.Adam
            || s.TargetParameters == ParameterArithmetic.Total(RecurrentKind.Lstm, features, Article.HiddenUnits)).ToList();

    /// <summary>Every planned run, seed by seed (so an interrupted grid leaves whole seeds), setting by setting, model by model.</summary>
    public IReadOnlyList<StudyRun> Runs =>
        Seeds.SelectMany(seed => Settings.SelectMany(setting => RecurrentKinds.All.Select(kind =>
            new StudyRun(setting, kind, seed, setting.OptionsFor(kind, Budget, seed, Threads))))).ToList();

    /// <summary>Runs with distinct keys: settings share runs (the article's setting, and the 64-unit model of each matched setting).</summary>
    public int DistinctRuns => Runs.Select(r => Experiment.KeyOf(r.Kind, DatasetCatalog.Get(DatasetCatalog.Parse(Dataset)).FolderName, DataOptions, r.Options)).Distinct().Count();

    /// <summary>The data options of the budget: its training and test limits, rows of 28 pixels.</summary>
    public DataOptions DataOptions => new() { TrainLimit = Budget.TrainLimit, TestLimit = Budget.TestLimit };

    /// <summary>Loads (acquiring if needed) the study's dataset cut to the budget's limits.</summary>
    public DigitData LoadData(string dataDir = "../data") => DigitData.Load(DatasetCatalog.Parse(Dataset), dataDir, DataOptions);

    /// <summary>
    /// Every planned run: the stored one from <paramref name="referenceDir"/> (only read) or <paramref name="scratchDir"/>
    /// when there is one, otherwise trained into <paramref name="scratchDir"/> (<see cref="Experiment.LoadOrRun"/>). A run
    /// that diverges is kept as an outcome without a record. <paramref name="data"/> must be <see cref="LoadData"/>'s
    /// (its limits are part of every key); <see cref="ArgumentException"/> otherwise. <paramref name="onDone"/> hears of each
    /// run as it is found or finished.
    /// </summary>
    public IReadOnlyList<StudyOutcome> LoadOrTrain(DigitData data, string scratchDir, string? referenceDir = null,
        Func<StudyRun, IProgress<TrainingProgress>?>? progressFor = null, Action<StudyOutcome, bool>? onDone = null, CancellationToken ct = default)
    {
        if (data.Options.TrainLimit != Budget.TrainLimit || data.Options.TestLimit != Budget.TestLimit || data.Info.Name != DatasetCatalog.Parse(Dataset))
            throw new ArgumentException($"The data ({data.Info.DisplayName}, train limit {data.Options.TrainLimit}, test limit {data.Options.TestLimit}) " +
                $"is not this study's ({Dataset}, {Budget}); load it with LoadData.", nameof(data));
        var outcomes = new List<StudyOutcome>();
        var diverged = new Dictionary<RunKey, string>();
        foreach (var run in Runs)
        {
            ct.ThrowIfCancellationRequested();
            var key = Experiment.KeyOf(run.Kind, data, run.Options);
            if (diverged.TryGetValue(key, out var failure))
            {
                outcomes.Add(new StudyOutcome(run, null, failure));
                continue;
            }
            StudyOutcome outcome;
            bool trained;
            try
            {
                var result = Experiment.LoadOrRun(run.Kind, data, run.Options, scratchDir, referenceDir, progressFor?.Invoke(run), ct);
                result.Training?.Model.Dispose();
                outcome = new StudyOutcome(run, result.Record);
                trained = !result.LoadedFromStore;
            }
            catch (TrainingDivergedException e)
            {
                diverged[key] = e.Message;
                outcome = new StudyOutcome(run, null, e.Message);
                trained = true;
            }
            outcomes.Add(outcome);
            onDone?.Invoke(outcome, trained);
        }
        return outcomes;
    }

    /// <summary>The grid as a table: each setting's optimiser, rate, and every model's width and parameter count.</summary>
    public TextTable Describe(int features = 784 / RunKey.DefaultTimeSteps)
    {
        var inv = CultureInfo.InvariantCulture;
        var headers = new List<string> { "setting", "optimiser", "learning rate" };
        headers.AddRange(RecurrentKinds.All.Select(k => $"{k.DisplayName()} units (parameters)"));
        var rows = Settings.Select(s => (IReadOnlyList<string>)new List<string> { s.Label, s.Optimizer.Id(), Rate(s.LearningRate) }
            .Concat(RecurrentKinds.All.Select(k => $"{s.HiddenUnits[k]} ({ParameterArithmetic.Total(k, features, s.HiddenUnits[k]).ToString("N0", inv)})"))
            .ToList()).ToList();
        return new TextTable($"The grid: {Settings.Count} settings × {RecurrentKinds.All.Count} models × {Seeds.Count} seeds " +
            $"({DistinctRuns} distinct runs), each {Budget}, {Threads} thread", headers, rows);
    }

    private static readonly TrainingOptions Article = new();

    private static StudySetting Sgd(double lr) => new(
        $"sgd-{Rate(lr)}",
        $"SGD {Rate(lr)}{(lr == Article.LearningRate ? "*" : "")}",
        $"SGD, lr {Rate(lr)}{(lr == Article.LearningRate ? " (article)" : "")}",
        SettingGroup.LearningRate, OptimizerKind.Sgd, lr, Widths(_ => Article.HiddenUnits));

    private static StudySetting Matched(RecurrentKind reference, int features)
    {
        long target = ParameterArithmetic.Total(reference, features, Article.HiddenUnits);
        return new StudySetting($"params-{reference.Id()}", $"≈{(target / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)}k params", $"≈{target.ToString("N0", CultureInfo.InvariantCulture)} parameters ({reference.DisplayName()}-64 size), SGD lr {Rate(Article.LearningRate)}",
            SettingGroup.MatchedParameters, OptimizerKind.Sgd, Article.LearningRate,
            Widths(k => ParameterArithmetic.MatchedWidth(k, target, features)), target);
    }

    private static IReadOnlyDictionary<RecurrentKind, int> Widths(Func<RecurrentKind, int> width) =>
        RecurrentKinds.All.ToDictionary(k => k, width);

    private static string Rate(double lr) => lr.ToString("R", CultureInfo.InvariantCulture);
}
