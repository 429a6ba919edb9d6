namespace RnnHelpers.Results;

/// <summary>
/// Whether two runs of one key agree number for number: every stored field of every epoch (losses, accuracies), walked
/// by <see cref="RecordDifferences"/>, which skips timings and memory because they describe the machine, not the run.
/// <see cref="LargestDifference"/> is in the units of the field (losses in nats, accuracies as fractions); +∞ when a
/// value is missing on one side or the runs have different numbers of epochs. <see cref="Field"/> is the JSON name
/// (e.g. <c>testAccuracy</c>) and <see cref="Epoch"/> the 1-based epoch where the largest difference lies.
/// </summary>
public sealed record RunComparison(bool Identical, double LargestDifference, string? Field, int? Epoch)
{
    /// <summary>Compares two histories epoch by epoch; runs of different lengths are never identical.</summary>
    public static RunComparison Of(RunRecord a, RunRecord b)
    {
        if (a.History.Count != b.History.Count)
            return new RunComparison(false, double.PositiveInfinity, "epochs", Math.Min(a.History.Count, b.History.Count) + 1);
        double largest = 0;
        string? field = null;
        int? epoch = null;
        bool identical = true;
        for (int i = 0; i < a.History.Count; i++)
            foreach (var difference in RecordDifferences.Of(a.History[i], b.History[i]))
            {
                if (identical || difference.Size > largest)
                    (largest, field, epoch) = (difference.Size, difference.Path, a.History[i].Epoch);
                identical = false;
            }
        return new RunComparison(identical, largest, field, epoch);
    }

    /// <summary>"identical in every epoch", or the largest difference with its field and epoch.</summary>
    public override string ToString() => Identical
        ? "identical in every epoch"
        : $"differs: largest difference {LargestDifference:G4} in {Field} at epoch {Epoch}";
}
