namespace RnnHelpers.Results;

/// <summary>Where and how a run was made, so a number can be traced to its machine and code.</summary>
public sealed record RunProvenance(
    string LibraryVersion,
    string TorchSharpVersion,
    string OperatingSystem,
    string Cpu,
    int Threads,
    string? GitCommit,
    DateTimeOffset StartedAt,
    double WallSeconds);
