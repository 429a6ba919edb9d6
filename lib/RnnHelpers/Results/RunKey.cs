using System.Globalization;
using System.Text.Json.Serialization;
using RnnHelpers.Training;

namespace RnnHelpers.Results;

/// <summary>
/// Identifies a run by everything that changes its numbers (not by when or where it ran): dataset, model, seed, the
/// training settings, the sequence view, the data subset and the thread count (the kernels' row blocks, whose partial
/// gradients are summed in a fixed order that depends on it). Model and optimiser are identifiers (lstm, sgd).
/// </summary>
public sealed record RunKey(string Dataset, string Model, int Seed, int Epochs, int BatchSize, double LearningRate, int HiddenUnits,
    string Optimizer, bool UnitForgetBias, int TimeSteps, bool Permuted, int? TrainLimit, int? TestLimit, int? PerClass, int Threads)
{
    /// <summary>The article's time steps: one 28-pixel row per step.</summary>
    public const int DefaultTimeSteps = 28;

    /// <summary>
    /// e.g. <c>mnist-lstm-seed1-e10-t2.json</c>: settings that differ from the article's setting add suffixes
    /// (-b batch size, -lr learning rate, -h hidden units, the optimiser, -nofb without the forget-gate bias of 1,
    /// -steps time steps, -perm permuted, -train/-test limits, -perclass), and -t the thread count ends every name.
    /// </summary>
    [JsonIgnore]
    public string FileName => NameWithoutThreads + $"-t{Threads}.json";

    /// <summary>The name a schema-1 file of this run had (before the thread count joined the key).</summary>
    [JsonIgnore]
    public string LegacyFileName => NameWithoutThreads + ".json";

    private string NameWithoutThreads
    {
        get
        {
            var name = $"{Dataset}-{Model}-seed{Seed}-e{Epochs}";
            var defaults = new TrainingOptions();
            if (BatchSize != defaults.BatchSize) name += $"-b{BatchSize}";
            if (LearningRate != defaults.LearningRate) name += $"-lr{LearningRate.ToString("R", CultureInfo.InvariantCulture)}";
            if (HiddenUnits != defaults.HiddenUnits) name += $"-h{HiddenUnits}";
            if (Optimizer != defaults.Optimizer.Id()) name += $"-{Optimizer}";
            if (!UnitForgetBias) name += "-nofb";
            if (TimeSteps != DefaultTimeSteps) name += $"-steps{TimeSteps}";
            if (Permuted) name += "-perm";
            if (TrainLimit is int tr) name += $"-train{tr}";
            if (TestLimit is int te) name += $"-test{te}";
            if (PerClass is int pc) name += $"-perclass{pc}";
            return name;
        }
    }

    /// <summary>This key with the seed and thread count left out: runs that differ only in these are samples of one setting.</summary>
    [JsonIgnore]
    public RunKey Setting => this with { Seed = 0, Threads = 0 };
}
