using RnnHelpers.Training;

namespace RnnHelpers.Results;

/// <summary>Where and how a run was made, so a number can be traced to its machine and code.</summary>
public sealed record RunProvenance(
    string LibraryVersion,
    string TorchSharpVersion,
    string OperatingSystem,
    string Cpu,
    int Threads,
    string? GitCommit,
    DateTimeOffset StartedAt,
    double WallSeconds);

/// <summary>Headline numbers of a run (accuracies are fractions in [0,1]).</summary>
public sealed record RunSummary(
    double FinalTestAccuracy,
    double BestTestAccuracy,
    int BestEpoch,
    double FinalTestLoss,
    double MeanEpochSeconds);

/// <summary>One training run as stored in the results folder: one JSON file per run.</summary>
public sealed record RunRecord(
    int SchemaVersion,
    string Dataset,
    string Model,
    int Seed,
    int Epochs,
    int BatchSize,
    double LearningRate,
    int HiddenUnits,
    int? TrainLimit,
    int? TestLimit,
    int? PerClass,
    int TrainCount,
    int TestCount,
    long Parameters,
    IReadOnlyList<EpochRecord> History,
    RunSummary Summary,
    RunProvenance Provenance)
{
    public const int CurrentSchema = 1;

    /// <summary>The store's key for this run.</summary>
    public RunKey Key => new(Dataset, Model, Seed, Epochs, BatchSize, LearningRate, HiddenUnits, TrainLimit, TestLimit, PerClass);

    /// <summary>Summary numbers recomputed from a history: final, best (earliest on ties) and mean epoch time.</summary>
    public static RunSummary Summarise(IReadOnlyList<EpochRecord> history)
    {
        if (history.Count == 0)
            throw new ArgumentException("A run needs at least one epoch.", nameof(history));
        var best = history.OrderByDescending(e => e.TestAccuracy).ThenBy(e => e.Epoch).First();
        return new RunSummary(history[^1].TestAccuracy, best.TestAccuracy, best.Epoch, history[^1].TestLoss, history.Average(e => e.Seconds));
    }
}

/// <summary>Identifies a run by everything that changes its numbers (not by when or where it ran).</summary>
public sealed record RunKey(string Dataset, string Model, int Seed, int Epochs, int BatchSize, double LearningRate, int HiddenUnits, int? TrainLimit, int? TestLimit, int? PerClass)
{
    /// <summary>e.g. <c>mnist-lstm-seed1-e10.json</c>; subsets and non-default options add suffixes.</summary>
    public string FileName
    {
        get
        {
            var name = $"{Dataset}-{Model}-seed{Seed}-e{Epochs}";
            var defaults = new TrainingOptions();
            if (BatchSize != defaults.BatchSize) name += $"-b{BatchSize}";
            if (LearningRate != defaults.LearningRate) name += $"-lr{LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
            if (HiddenUnits != defaults.HiddenUnits) name += $"-h{HiddenUnits}";
            if (TrainLimit is int tr) name += $"-train{tr}";
            if (TestLimit is int te) name += $"-test{te}";
            if (PerClass is int pc) name += $"-perclass{pc}";
            return name + ".json";
        }
    }
}
