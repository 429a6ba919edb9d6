namespace RnnHelpers.Data;

/// <summary>Base of every data error: names the file (or directory) involved.</summary>
public class DatasetException : Exception
{
    public DatasetException(string filePath, string message, Exception? inner = null)
        : base($"{filePath}: {message}", inner) => FilePath = filePath;

    /// <summary>The file or directory the error is about.</summary>
    public string FilePath { get; }
}

/// <summary>An IDX file whose header or payload is not what the workbook expects.</summary>
public sealed class IdxFormatException : DatasetException
{
    public IdxFormatException(string filePath, string field, long offset, string problem, Exception? inner = null)
        : base(filePath, $"{field} at byte offset {offset}: {problem}", inner)
    {
        Field = field;
        Offset = offset;
    }

    /// <summary>The header field or region that is wrong ("magic", "item count", "rows", "payload", ...).</summary>
    public string Field { get; }

    /// <summary>Byte offset of <see cref="Field"/> in the (decompressed) IDX stream.</summary>
    public long Offset { get; }
}

/// <summary>A downloaded or copied file whose decompressed SHA-256 is not the published one.</summary>
public sealed class ChecksumMismatchException : DatasetException
{
    public ChecksumMismatchException(string filePath, string expected, string actual)
        : base(filePath, $"SHA-256 of the decompressed content is {actual}, expected {expected}")
    {
        Expected = expected;
        Actual = actual;
    }

    public string Expected { get; }
    public string Actual { get; }
}

/// <summary>Every acquisition source failed; the message lists what was tried and how to place the files by hand.</summary>
public sealed class DatasetUnavailableException : DatasetException
{
    public DatasetUnavailableException(string directory, IReadOnlyList<string> attempts, string instructions)
        : base(directory, "the dataset could not be acquired.\nTried:\n  - " + string.Join("\n  - ", attempts) + "\n" + instructions)
        => Attempts = attempts;

    public IReadOnlyList<string> Attempts { get; }
}

/// <summary>A tar archive entry that would be written outside the extraction folder.</summary>
public sealed class UnsafeArchiveEntryException : DatasetException
{
    public UnsafeArchiveEntryException(string archivePath, string entryName)
        : base(archivePath, $"archive entry '{entryName}' points outside the extraction folder; refusing to extract it")
        => EntryName = entryName;

    public string EntryName { get; }
}
