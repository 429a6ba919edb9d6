using System.Text.Json.Serialization;
using RnnHelpers.Training;

namespace RnnHelpers.Results;

/// <summary>
/// One training run as stored in the results folder: one JSON file per run, named by its <see cref="RunKey"/>.
/// Schema 2 added the recomputed-statistics measures to every epoch, the sequence view (time steps, permuted),
/// the optimiser, the forget-gate bias and the thread count to the key; schema-1 files still load (see
/// <see cref="ResultsStore.Load"/>), with those fields at the values they were trained with.
/// </summary>
public sealed record RunRecord(
    int SchemaVersion,
    string Dataset,
    string Model,
    int Seed,
    int Epochs,
    int BatchSize,
    double LearningRate,
    int HiddenUnits,
    string? Optimizer,
    bool? UnitForgetBias,
    int? TimeSteps,
    bool? Permuted,
    int? TrainLimit,
    int? TestLimit,
    int? PerClass,
    int? Threads,
    int TrainCount,
    int TestCount,
    long Parameters,
    int? PopulationStatisticsImages,
    IReadOnlyList<EpochRecord> History,
    RunSummary Summary,
    RunProvenance Provenance)
{
    /// <summary>The schema version written now; 2 added the recomputed-statistics figures, version 1 files are still read.</summary>
    public const int CurrentSchema = 2;

    /// <summary>The store's key for this run.</summary>
    [JsonIgnore]
    public RunKey Key => new(Dataset, Model, Seed, Epochs, BatchSize, LearningRate, HiddenUnits,
        Optimizer ?? OptimizerKind.Sgd.Id(), UnitForgetBias ?? true, TimeSteps ?? RunKey.DefaultTimeSteps, Permuted ?? false,
        TrainLimit, TestLimit, PerClass, Threads ?? Provenance.Threads);

    /// <summary>True when every epoch holds the recomputed-statistics measures (runs stored from schema 2 on).</summary>
    [JsonIgnore]
    public bool HasRecomputedBn => History.All(e => e.TestAccuracyRecomputedBn is not null);

    /// <summary>Summary numbers recomputed from a history: final, best (earliest on ties) and mean epoch time.</summary>
    public static RunSummary Summarise(IReadOnlyList<EpochRecord> history)
    {
        if (history.Count == 0)
            throw new ArgumentException("A run needs at least one epoch.", nameof(history));
        var best = history.OrderByDescending(e => e.TestAccuracy).ThenBy(e => e.Epoch).First();
        bool recomputed = history.All(e => e.TestAccuracyRecomputedBn is not null);
        var bestRecomputed = recomputed ? history.OrderByDescending(e => e.TestAccuracyRecomputedBn).ThenBy(e => e.Epoch).First() : null;
        return new RunSummary(history[^1].TestAccuracy, best.TestAccuracy, best.Epoch, history[^1].TestLoss, history.Average(e => e.Seconds),
            history[^1].TestAccuracyRecomputedBn, bestRecomputed?.TestAccuracyRecomputedBn, bestRecomputed?.Epoch);
    }
}
