using System.Globalization;

namespace RnnHelpers.Studies;

/// <summary>
/// The training budget every run of a study gets, the same for every setting: <see cref="Epochs"/> epochs over the first
/// <see cref="TrainLimit"/> training images (null: all of them), evaluated on the first <see cref="TestLimit"/> test
/// images (null: all of them).
/// </summary>
public sealed record StudyBudget(int Epochs, int? TrainLimit, int? TestLimit)
{
    /// <summary>
    /// This budget, no larger than a notebook profile's: each figure is the smaller of the two (null counts as no limit).
    /// The smoke profile (1 epoch, 2,000 / 500 images) shrinks a study to a quick check; the full profile, whose
    /// article setting is larger than a study's budget, leaves it as it is.
    /// </summary>
    public StudyBudget CappedBy(int epochs, int? trainLimit, int? testLimit) =>
        new(Math.Min(Epochs, epochs), Smaller(TrainLimit, trainLimit), Smaller(TestLimit, testLimit));

    /// <summary>e.g. "3 epochs on the first 20,000 training images, every test image".</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        string train = TrainLimit is int n ? $"the first {n.ToString("N0", inv)} training images" : "every training image";
        string test = TestLimit is int t ? $"the first {t.ToString("N0", inv)} test images" : "every test image";
        return $"{Epochs} epoch{(Epochs == 1 ? "" : "s")} on {train}, evaluated on {test}";
    }

    private static int? Smaller(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
