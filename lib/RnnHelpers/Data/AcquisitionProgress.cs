namespace RnnHelpers.Data;

/// <summary>Progress of one file's acquisition: bytes so far and, when known, the total.</summary>
public sealed record AcquisitionProgress(string File, string Source, long Bytes, long? TotalBytes, string Stage);
