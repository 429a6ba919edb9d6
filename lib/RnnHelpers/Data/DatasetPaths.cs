namespace RnnHelpers.Data;

/// <summary>Paths of a dataset's four verified IDX files.</summary>
public sealed record DatasetPaths(DatasetInfo Info, string Directory, string TrainImages, string TrainLabels, string TestImages, string TestLabels);
