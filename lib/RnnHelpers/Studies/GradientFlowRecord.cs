using System.Text.Json;
using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>
/// Stored gradient flow of one model (see <see cref="Evaluation.GradientFlow"/>): mean ‖∂L_b/∂h_t‖ for t = 1 … T over the
/// first <see cref="Images"/> test images of the view, at initialisation and after training under the study's budget.
/// <see cref="Run"/> names the stored run whose settings trained the model (same key, so the same weights).
/// Files live in <c>&lt;results&gt;/gradient-flow/</c>, beside the runs and never read as runs.
/// </summary>
public sealed record GradientFlowRecord(string Dataset, string Model, int TimeSteps, bool Permuted, int Seed, string Run, int Images,
    double[] Initial, double[] Trained, double TrainedTestAccuracy)
{
    /// <summary>Subfolder of a results store that holds gradient-flow records.</summary>
    public const string Folder = "gradient-flow";

    /// <summary>‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the signal at the last step reaches the first (1 = none lost).</summary>
    public static double FirstToLast(double[] norms) => norms[0] / norms[^1];

    /// <summary>Where the record of run <paramref name="runFileName"/> lives in <paramref name="resultsDir"/>.</summary>
    public static string PathIn(string resultsDir, string runFileName) => Path.Combine(resultsDir, Folder, runFileName);

    /// <summary>The record stored for this run file name, or null; a corrupt file throws <see cref="ResultsFileException"/>.</summary>
    public static GradientFlowRecord? TryLoad(string resultsDir, string runFileName)
    {
        var path = PathIn(resultsDir, runFileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<GradientFlowRecord>(File.ReadAllText(path), ResultsStore.Json)
                ?? throw new ResultsFileException(path, "is empty");
        }
        catch (JsonException e)
        {
            throw new ResultsFileException(path, "is not a gradient-flow record", e);
        }
    }

    /// <summary>Writes the record (atomically: a temporary file renamed into place); an existing one is replaced only when asked.</summary>
    public string Save(string resultsDir, bool replace = false)
    {
        var path = PathIn(resultsDir, Run);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!replace && File.Exists(path))
            throw new ResultsFileException(path, "exists already; stored records are never overwritten");
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, ResultsStore.Json));
        File.Move(temp, path, overwrite: replace);
        return path;
    }
}
