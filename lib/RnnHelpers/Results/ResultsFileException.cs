namespace RnnHelpers.Results;

/// <summary>A result file that cannot be read as a run: named, never silently used.</summary>
public sealed class ResultsFileException(string filePath, string problem, Exception? inner = null)
    : Exception($"{filePath}: {problem}", inner)
{
    /// <summary>The results file or folder concerned.</summary>
    public string FilePath { get; } = filePath;
}
