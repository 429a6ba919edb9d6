namespace RnnHelpers.Training;

/// <summary>What a checkpoint records besides the weights.</summary>
public sealed record CheckpointState(string Run, int Epoch, string WeightsFile, string WeightsSha256, IReadOnlyList<EpochRecord> History);
