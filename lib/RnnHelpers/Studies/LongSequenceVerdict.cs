using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>
/// Whether and from which T the simple RNN falls behind the gated models, by the rule in <see cref="Rule"/>, applied to
/// the gaps in <see cref="Gaps"/> (one per T of the row-major grid). <see cref="FromSteps"/> is the smallest T from which
/// it is behind at every longer T of the grid, or null.
/// </summary>
public sealed record LongSequenceVerdict(double ThresholdPoints, IReadOnlyList<GapAtSteps> Gaps, int? FromSteps)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The rule, stated before it is applied.</summary>
    public string Rule =>
        $"At each T, take the gated model (LSTM or GRU) with the higher median test accuracy, and for every seed the gap " +
        $"gated − SimpleRNN in percentage points (same seed, same data). The simple RNN falls behind at T when the median gap " +
        $"is at least {ThresholdPoints.ToString("0.#", Inv)} points and the gap is positive for every seed. It falls behind from T on " +
        $"when that holds at T and at every longer T of the grid.";

    /// <summary>The verdict as a table, one row per T.</summary>
    public TextTable ToTable() => new(
        "SimpleRNN against the better gated model, per T (percentage points; gaps paired by seed)",
        ["T", "better gated model", "SimpleRNN median %", "gated median %", "median gap", "smallest gap", "largest gap", "seeds", "behind"],
        Gaps.Select(g => (IReadOnlyList<string>)[
            g.TimeSteps.ToString(Inv), g.BetterGated.Id(), g.SimpleRnnMedian.ToString("F1", Inv), g.GatedMedian.ToString("F1", Inv),
            Signed(g.MedianGap), Signed(g.SmallestGap), Signed(g.LargestGap), g.Seeds.ToString(Inv), g.Behind ? "yes" : "no"]).ToList());

    /// <summary>The conclusion in one paragraph, every number computed from the runs.</summary>
    public string Prose
    {
        get
        {
            if (Gaps.Count == 0)
                return "No row-major runs to compare.";
            var behind = Gaps.Where(g => g.Behind).ToList();
            var longest = Gaps[^1];
            var largest = Gaps.MaxBy(g => g.MedianGap)!;
            if (FromSteps is int from)
            {
                var first = Gaps.First(g => g.TimeSteps == from);
                return $"By this rule the simple RNN falls behind from T = {from} on: there the better gated model ({first.BetterGated.Id()}) leads by a median of " +
                    $"{Points(first.MedianGap)} (seeds: {Points(first.SmallestGap)} to {Points(first.LargestGap)}), and at the longest T = {longest.TimeSteps} " +
                    $"{longest.BetterGated.Id()} leads by {Points(longest.MedianGap)} ({Points(longest.SmallestGap)} to {Points(longest.LargestGap)}); " +
                    $"the largest median gap is {Points(largest.MedianGap)} at T = {largest.TimeSteps}.";
            }
            if (behind.Count > 0)
                return $"By this rule the simple RNN falls behind at T = {string.Join(", ", behind.Select(g => g.TimeSteps))}, but not from any T on: " +
                    $"{string.Join("; ", Gaps.Where(g => !g.Behind && g.TimeSteps > behind[0].TimeSteps).Select(Why))}. " +
                    $"The largest median gap is {Points(largest.MedianGap)} at T = {largest.TimeSteps}.";
            return $"By this rule the simple RNN does not fall behind at any T of the grid under this budget: the largest median gap in favour of a gated model " +
                $"is {Points(largest.MedianGap)} at T = {largest.TimeSteps} (seeds {Points(largest.SmallestGap)} to {Points(largest.LargestGap)}).";
        }
    }

    /// <summary>Why the rule does not hold at a T: the median gap is too small, or a seed disagrees.</summary>
    private string Why(GapAtSteps g) => g.MedianGap < ThresholdPoints
        ? $"at T = {g.TimeSteps} the median gap is {Points(g.MedianGap)}"
        : $"at T = {g.TimeSteps} the median gap is {Points(g.MedianGap)} but not every seed agrees (smallest {Points(g.SmallestGap)})";

    private static string Signed(double points) => points.ToString("+0.0;-0.0;0.0", Inv);

    private static string Points(double points) => Signed(points) + " points";
}
