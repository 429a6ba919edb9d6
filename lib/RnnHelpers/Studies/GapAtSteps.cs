using RnnHelpers.Models;

namespace RnnHelpers.Studies;

/// <summary>
/// At one T: the better gated model (higher median accuracy), the medians, and the paired gap gated − simple RNN in
/// percentage points over the seeds both have (median, smallest, largest); <see cref="Behind"/> applies the verdict's rule.
/// </summary>
public sealed record GapAtSteps(int TimeSteps, RecurrentKind BetterGated, double SimpleRnnMedian, double GatedMedian,
    double MedianGap, double SmallestGap, double LargestGap, int Seeds, bool Behind);
