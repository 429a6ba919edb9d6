namespace RnnHelpers.Data;

/// <summary>How much of a dataset to load and in which shape.</summary>
public sealed record DataOptions
{
    /// <summary>Keep only the first N training images (null: all).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Keep only the first N test images (null: all).</summary>
    public int? TestLimit { get; init; }

    /// <summary>Keep only the first N images of each class in both splits, applied before the limits (null: all).</summary>
    public int? PerClass { get; init; }

    /// <summary>
    /// Time steps T each image is read as: its 784 pixels in row-major order, cut into T chunks of 784/T pixels
    /// (features). 28 is the article's view (one row per step); 784 is one pixel per step (Le, Jaitly and Hinton 2015).
    /// Must divide 784: 1, 2, 4, 7, 8, 14, 16, 28, 49, 56, 98, 112, 196, 392, 784.
    /// </summary>
    public int TimeSteps { get; init; } = 28;

    /// <summary>
    /// Shuffle the 784 pixels with one fixed permutation (<see cref="PixelPermutation"/>) before cutting them into time
    /// steps: the "permuted MNIST" task, where neighbouring steps are no longer neighbouring pixels.
    /// </summary>
    public bool Permuted { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option: a limit below 1, or time steps that do not divide 784.</summary>
    public void Validate()
    {
        if (TrainLimit is < 1) throw new ArgumentException($"TrainLimit must be at least 1 (or null for all); got {TrainLimit}.", nameof(TrainLimit));
        if (TestLimit is < 1) throw new ArgumentException($"TestLimit must be at least 1 (or null for all); got {TestLimit}.", nameof(TestLimit));
        if (PerClass is < 1) throw new ArgumentException($"PerClass must be at least 1 (or null for all); got {PerClass}.", nameof(PerClass));
        if (TimeSteps < 1 || PixelPermutation.Pixels % TimeSteps != 0)
            throw new ArgumentException($"TimeSteps must divide {PixelPermutation.Pixels} (e.g. 28, 56, 112, 196, 392, 784); got {TimeSteps}.", nameof(TimeSteps));
    }
}
