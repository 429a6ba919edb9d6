namespace RnnHelpers.Data;

/// <summary>Base of every data error: names the file (or directory) involved.</summary>
public class DatasetException : Exception
{
    /// <summary><paramref name="filePath"/> is the file, folder or URL concerned.</summary>
    public DatasetException(string filePath, string message, Exception? inner = null)
        : base($"{filePath}: {message}", inner) => FilePath = filePath;

    /// <summary>The file or directory the error is about.</summary>
    public string FilePath { get; }
}

/// <summary>An IDX file whose header or payload is not what the workbook expects.</summary>
public sealed class IdxFormatException : DatasetException
{
    /// <summary><paramref name="field"/> at byte <paramref name="offset"/> of <paramref name="filePath"/> is invalid.</summary>
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
    /// <summary>The SHA-256 of <paramref name="filePath"/> (lower-case hex) is <paramref name="actual"/>, not <paramref name="expected"/>.</summary>
    public ChecksumMismatchException(string filePath, string expected, string actual)
        : base(filePath, $"SHA-256 of the decompressed content is {actual}, expected {expected}")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The published SHA-256.</summary>
    public string Expected { get; }
    /// <summary>The file's SHA-256.</summary>
    public string Actual { get; }
}

/// <summary>Every acquisition source failed; the message lists what was tried and how to place the files by hand.</summary>
public sealed class DatasetUnavailableException : DatasetException
{
    /// <summary>No source could supply the files for <paramref name="directory"/>.</summary>
    public DatasetUnavailableException(string directory, IReadOnlyList<string> attempts, string instructions)
        : base(directory, "the dataset could not be acquired.\nTried:\n  - " + string.Join("\n  - ", attempts) + "\n" + instructions)
        => Attempts = attempts;

    /// <summary>Each source tried and why it failed.</summary>
    public IReadOnlyList<string> Attempts { get; }
}

/// <summary>A tar archive entry that would be written outside the extraction folder.</summary>
public sealed class UnsafeArchiveEntryException : DatasetException
{
    /// <summary><paramref name="entryName"/> in <paramref name="archivePath"/> would land outside the destination.</summary>
    public UnsafeArchiveEntryException(string archivePath, string entryName)
        : base(archivePath, $"archive entry '{entryName}' points outside the extraction folder; refusing to extract it")
        => EntryName = entryName;

    /// <summary>The refused entry.</summary>
    public string EntryName { get; }
}
