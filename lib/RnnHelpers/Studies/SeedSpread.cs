using MathNet.Numerics.Statistics;

namespace RnnHelpers.Studies;

/// <summary>
/// One model's accuracy in one setting over seeds (fractions in [0, 1]): the value of each finished seed, their median
/// and their range. <see cref="Diverged"/> counts seeds whose training diverged (no value). The range is the whole
/// spread of the seeds, not an interval for the mean: with three seeds it is the honest summary.
/// </summary>
public sealed record SeedSpread(IReadOnlyDictionary<int, double> BySeed, int Diverged)
{
    /// <summary>Seeds with a finished run.</summary>
    public int Count => BySeed.Count;
    /// <summary>Median over seeds (fraction); NaN for none.</summary>
    public double Median => Count == 0 ? double.NaN : BySeed.Values.Median();
    /// <summary>Lowest over seeds (fraction); NaN for none.</summary>
    public double Min => Count == 0 ? double.NaN : BySeed.Values.Min();
    /// <summary>Highest over seeds (fraction); NaN for none.</summary>
    public double Max => Count == 0 ? double.NaN : BySeed.Values.Max();
}
