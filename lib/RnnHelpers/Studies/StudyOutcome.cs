using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>
/// What became of a planned run: its stored <see cref="Record"/>, or, when training diverged (a non-finite loss or
/// parameter), no record and the <see cref="Failure"/> message. Diverged runs are not stored.
/// </summary>
public sealed record StudyOutcome(StudyRun Run, RunRecord? Record, string? Failure = null)
{
    /// <summary>True when the run diverged and left no record.</summary>
    public bool Diverged => Record is null;
}
