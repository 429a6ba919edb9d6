namespace RnnHelpers.Data;

/// <summary>A place a dataset file can come from. It hands back a local candidate (raw or gzip) that is verified afterwards.</summary>
public interface IDatasetSource
{
    /// <summary>Human-readable description used in progress and error messages.</summary>
    string Description { get; }

    /// <summary>
    /// Returns a local path to a candidate for <paramref name="file"/>, or throws with the reason it is not available
    /// (<see cref="SourceFileMissingException"/> when the source works but lacks this file). <paramref name="stagingDir"/>
    /// is a fresh, empty folder for this attempt alone, deleted once the candidate is verified or rejected; its parent
    /// is the fetch's staging root, deleted when the fetch ends, where a source may keep data across files.
    /// <paramref name="ct"/> also carries the source's deadline.
    /// </summary>
    Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct);
}
