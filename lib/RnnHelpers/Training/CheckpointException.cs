namespace RnnHelpers.Training;

/// <summary>A checkpoint that cannot be used: named, never silently trusted.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null) : Exception($"{path}: {problem}", inner)
{
    /// <summary>The checkpoint file concerned.</summary>
    public string FilePath { get; } = path;
}
