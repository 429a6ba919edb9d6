namespace RnnHelpers.Data;

/// <summary>One IDX file of a dataset with the SHA-256 and size of its decompressed content.</summary>
public sealed record DatasetFile(string Name, string Sha256, long Size);
