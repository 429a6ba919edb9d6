namespace RnnHelpers.Results;

/// <summary>Where and how a run was made, so a number can be traced to its machine and code.</summary>
/// <param name="LibraryVersion">RnnHelpers' informational version.</param>
/// <param name="TorchSharpVersion">TorchSharp's version.</param>
/// <param name="OperatingSystem">The OS description .NET reports.</param>
/// <param name="Cpu">CPU model and logical core count (<see cref="Provenance.CpuModel"/>).</param>
/// <param name="Threads">The run's thread count (docs/notation.md, "Threads").</param>
/// <param name="GitCommit">The checked-out commit of the repository, or null when it could not be read.</param>
/// <param name="StartedAt">When the run started (local time with offset).</param>
/// <param name="WallSeconds">The whole run's wall time in seconds, evaluation and checkpoints included.</param>
public sealed record RunProvenance(
    string LibraryVersion,
    string TorchSharpVersion,
    string OperatingSystem,
    string Cpu,
    int Threads,
    string? GitCommit,
    DateTimeOffset StartedAt,
    double WallSeconds);
