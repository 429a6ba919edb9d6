using System.Security.Cryptography;
using System.Text.Json;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Training;

/// <summary>
/// Saves the model and history after every epoch so a stopped run continues where it was.
/// The weights go to a new file first; the small JSON that names them (with their SHA-256)
/// is renamed into place last, so a crash at any moment leaves the previous checkpoint intact.
/// The optimiser (plain SGD) has no state, and each epoch's shuffle is derived from (seed,
/// epoch), so weights, history and the epoch number are all a resumed run needs.
/// </summary>
public sealed class Checkpoints(string directory, string run)
{
    /// <summary>The checkpoint folder, absolute.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);
    /// <summary>The run's file name without extension; its checkpoint files start with it.</summary>
    public string Run { get; } = run;
    private string StatePath => Path.Combine(Directory, Run + ".checkpoint.json");

    /// <summary>
    /// Writes the checkpoint whole or not at all: weights and state go to temporary files first, and only when both
    /// are complete are they renamed into place; on any failure both temporary files are removed.
    /// </summary>
    public void Save(RecurrentClassifier model, IReadOnlyList<EpochRecord> history)
    {
        System.IO.Directory.CreateDirectory(Directory);
        int epoch = history.Count;
        var weights = Path.Combine(Directory, $"{Run}.epoch{epoch}.weights");
        var tempWeights = weights + $".{Guid.NewGuid():N}.tmp";
        var tempState = StatePath + $".{Guid.NewGuid():N}.tmp";
        CheckpointState state;
        try
        {
            model.save(tempWeights);
            state = new CheckpointState(Run, epoch, Path.GetFileName(weights), Sha256(tempWeights), history);
            File.WriteAllText(tempState, JsonSerializer.Serialize(state, ResultsStore.Json));
            File.Move(tempWeights, weights, overwrite: true);
            File.Move(tempState, StatePath, overwrite: true);
        }
        finally
        {
            foreach (var temp in new[] { tempWeights, tempState })
                if (File.Exists(temp))
                    File.Delete(temp);
        }

        foreach (var old in System.IO.Directory.GetFiles(Directory, $"{Run}.epoch*.weights"))
            if (Path.GetFileName(old) != state.WeightsFile)
                File.Delete(old);
    }

    /// <summary>Restores the latest checkpoint into <paramref name="model"/> and returns its history, or null when there is none.</summary>
    public IReadOnlyList<EpochRecord>? TryRestore(RecurrentClassifier model)
    {
        if (!File.Exists(StatePath))
            return null;
        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(StatePath), ResultsStore.Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(StatePath, $"is not a valid checkpoint: {e.Message}", e);
        }
        if (state is null || state.Run != Run || state.History is null || state.History.Count != state.Epoch)
            throw new CheckpointException(StatePath, "does not describe this run or its history is incomplete");
        var weights = Path.Combine(Directory, state.WeightsFile);
        if (!File.Exists(weights) || Sha256(weights) != state.WeightsSha256)
            throw new CheckpointException(weights, "is missing or its SHA-256 does not match the checkpoint");
        model.load(weights);
        return state.History;
    }

    /// <summary>Removes the checkpoint once the run is stored as a result.</summary>
    public void Delete()
    {
        if (!System.IO.Directory.Exists(Directory))
            return;
        foreach (var file in System.IO.Directory.GetFiles(Directory, Run + ".*"))
            File.Delete(file);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
