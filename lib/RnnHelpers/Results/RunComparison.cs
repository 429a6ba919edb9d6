using RnnHelpers.Training;

namespace RnnHelpers.Results;

/// <summary>
/// Whether two runs of one key agree number for number: every loss and accuracy of every epoch (timings, memory and
/// provenance are ignored, they describe the machine, not the run). <see cref="LargestDifference"/> is in the units of
/// the field (accuracies are fractions).
/// </summary>
public sealed record RunComparison(bool Identical, double LargestDifference, string? Field, int? Epoch)
{
    /// <summary>The fields compared, by name, with their value in an epoch.</summary>
    public static IReadOnlyList<(string Name, Func<EpochRecord, double?> Value)> Fields { get; } =
    [
        ("trainLoss", e => e.TrainLoss),
        ("trainAccuracy", e => e.TrainAccuracy),
        ("testLoss", e => e.TestLoss),
        ("testAccuracy", e => e.TestAccuracy),
        ("testLossRecomputedBn", e => e.TestLossRecomputedBn),
        ("testAccuracyRecomputedBn", e => e.TestAccuracyRecomputedBn),
        ("trainSubsetAccuracy", e => e.TrainSubsetAccuracy),
        ("trainSubsetAccuracyRecomputedBn", e => e.TrainSubsetAccuracyRecomputedBn),
    ];

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
            foreach (var (name, value) in Fields)
            {
                double? x = value(a.History[i]), y = value(b.History[i]);
                if (x == y || (x is double p && y is double q && double.IsNaN(p) && double.IsNaN(q)))
                    continue;
                double difference = x is double u && y is double v ? Math.Abs(u - v) : double.PositiveInfinity;
                if (identical || difference > largest)
                    (largest, field, epoch) = (difference, name, a.History[i].Epoch);
                identical = false;
            }
        return new RunComparison(identical, largest, field, epoch);
    }

    public override string ToString() => Identical
        ? "identical in every epoch"
        : $"differs: largest difference {LargestDifference:G4} in {Field} at epoch {Epoch}";
}
