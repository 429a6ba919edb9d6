namespace RnnHelpers.Data;

/// <summary>
/// A folder holding the files raw or as <c>.gz</c> (a user folder, Debian's dataset package, or the dataset's own
/// folder where files were placed by hand). Also accepts the names common unzip tools give the files
/// (<c>train-images.idx3-ubyte</c>, a dot instead of the dash); every candidate is verified by checksum anyway.
/// </summary>
public sealed class DirectorySource(string directory, string description) : IDatasetSource
{
    /// <summary>What the source is, for messages.</summary>
    public string Description { get; } = $"{description} ({directory})";

    /// <summary>The folder searched.</summary>
    public string Folder { get; } = Path.GetFullPath(directory);

    /// <summary>The names looked for, in order: the published name, then the dotted one, each raw or <c>.gz</c>.</summary>
    public static IReadOnlyList<string> CandidateNames(DatasetFile file)
    {
        var dotted = file.Name.Replace("-idx", ".idx", StringComparison.Ordinal);
        return dotted == file.Name ? [file.Name, file.Name + ".gz"] : [file.Name, file.Name + ".gz", dotted, dotted + ".gz"];
    }

    /// <summary>The first candidate file present in the folder; <see cref="SourceFileMissingException"/> when none is, <see cref="DatasetException"/> when the folder does not exist.</summary>
    public Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
            throw new DatasetException(directory, "folder does not exist");
        foreach (var candidate in CandidateNames(file))
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return Task.FromResult(path);
        }
        throw new SourceFileMissingException(directory, $"holds none of {string.Join(", ", CandidateNames(file))}");
    }
}
