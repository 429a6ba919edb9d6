namespace RnnHelpers.Results;

/// <summary>Two stores hold different records under one key (one file name): the merge is refused.</summary>
public sealed class StoreConflictException(string fileName, string existingPath, string incomingPath, string difference)
    : Exception($"{incomingPath}: conflicts with {existingPath}: {difference}; nothing was merged")
{
    /// <summary>The run's file name (its key).</summary>
    public string FileName { get; } = fileName;

    /// <summary>The file already held for the run.</summary>
    public string ExistingPath { get; } = existingPath;

    /// <summary>The file whose numbers differ from it.</summary>
    public string IncomingPath { get; } = incomingPath;

    /// <summary>The first differing field and both values, e.g. <c>history[2].testAccuracy: 0.91 vs 0.92</c>.</summary>
    public string Difference { get; } = difference;
}
