namespace RnnHelpers.Training;

/// <summary>Whether a progress report is about a batch or a finished epoch.</summary>
public enum ProgressKind
{
    Batch,
    Epoch,
}
