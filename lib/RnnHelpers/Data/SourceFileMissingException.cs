namespace RnnHelpers.Data;

/// <summary>
/// A source that works but does not hold one file (a folder without it, a mirror answering 404). Unlike other
/// failures it does not take the source out of the rest of the fetch.
/// </summary>
public sealed class SourceFileMissingException(string location, string message) : DatasetException(location, message);
