using RnnHelpers.Statistics;
using RnnHelpers.Results;
using RnnHelpers.Models;

namespace RnnHelpers.Studies;

/// <summary>
/// Model <see cref="A"/> minus model <see cref="B"/> in one setting, paired by seed (the same seed gives both the same
/// data order), in accuracy fractions. The rule this workbook applies: a difference counts only when every paired
/// difference has the same sign (<see cref="Consistent"/>); <see cref="P"/> is the exact two-sided sign-flip p-value.
/// </summary>
public sealed record PairedSeedComparison(RecurrentKind A, RecurrentKind B, AccuracyMeasure Measure, IReadOnlyDictionary<int, double> Differences)
{
    /// <summary>Number of seeds paired.</summary>
    public int Pairs => Differences.Count;

    /// <summary>Median of the paired differences A − B (fraction); NaN for none.</summary>
    public double MedianDifference => Pairs == 0 ? double.NaN : MathNet.Numerics.Statistics.Statistics.Median(Differences.Values);

    /// <summary>Every paired difference has the same sign (and none is zero); false with no pairs.</summary>
    public bool Consistent => Pairs > 0 && (Differences.Values.All(d => d > 0) || Differences.Values.All(d => d < 0));

    /// <summary>+1 when A was above B in every pair, −1 when below in every pair, 0 otherwise.</summary>
    public int ConsistentSign => !Consistent ? 0 : Differences.Values.First() > 0 ? 1 : -1;

    /// <summary>Exact two-sided sign-flip p-value (<see cref="SignFlipTest"/>); <see cref="ArgumentException"/> for no pairs.</summary>
    public double P => SignFlipTest.PValue(Differences.Values.ToList());
}
