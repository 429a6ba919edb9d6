namespace RnnHelpers.Data;

/// <summary>Everything needed to acquire and label a dataset.</summary>
public sealed record DatasetInfo(
    DatasetName Name,
    string FolderName,
    string DisplayName,
    IReadOnlyList<string> ClassNames,
    DatasetFile TrainImages,
    DatasetFile TrainLabels,
    DatasetFile TestImages,
    DatasetFile TestLabels,
    IReadOnlyList<string> Mirrors)
{
    /// <summary>The four files: training images and labels, then test images and labels.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}
