using RnnHelpers.Models;
using RnnHelpers.Statistics;

namespace RnnHelpers.Results;

/// <summary>
/// How much test accuracy swings from epoch to epoch, per model, under both measures. A run's swing is the mean absolute
/// change of test accuracy between consecutive epochs (fractions), and its drops are the epochs where accuracy fell by
/// more than <see cref="DropPoints"/> points. The share removed is 1 − swing(recomputed) / swing(moving averages) of the
/// model's median swings; the paired comparison (moving − recomputed, by run) carries an exact sign-flip test.
/// </summary>
public sealed record SwingStatistics(string Model, int Runs, double MedianSwingMoving, double MedianSwingRecomputed,
    double LargestDropMoving, double LargestDropRecomputed, int DropsMoving, int DropsRecomputed, int Epochs, PairedComparison Paired)
{
    /// <summary>A fall of test accuracy between two epochs counts as a drop from this many percentage points.</summary>
    public const double DropPoints = 1.0;

    /// <summary>1 − median swing with recomputed statistics / median swing with moving averages.</summary>
    public double ShareRemoved => MedianSwingMoving == 0 ? double.NaN : 1 - MedianSwingRecomputed / MedianSwingMoving;

    /// <summary>Per model, over the runs that hold both measures (at least two epochs each); null entries are left out.</summary>
    public static IReadOnlyList<SwingStatistics> Compute(IEnumerable<RunRecord> runs) =>
        runs.Where(r => r.HasRecomputedBn && r.History.Count > 1)
            .GroupBy(r => r.Model)
            .OrderBy(g => RecurrentKinds.SortOrder(g.Key))
            .Select(g =>
            {
                var list = g.OrderBy(r => r.Seed).ToList();
                var moving = list.Select(r => Changes(r, AccuracyMeasure.MovingAverages)).ToList();
                var recomputed = list.Select(r => Changes(r, AccuracyMeasure.RecomputedBn)).ToList();
                var swingMoving = moving.Select(c => c.Average(Math.Abs)).ToList();
                var swingRecomputed = recomputed.Select(c => c.Average(Math.Abs)).ToList();
                var paired = PairedComparison.Of("moving averages", "recomputed BN", list.Select(r => r.Seed).ToList(),
                    swingMoving.Zip(swingRecomputed, (a, b) => a - b).ToList());
                return new SwingStatistics(g.Key, list.Count,
                    RunStatistics.Median(swingMoving), RunStatistics.Median(swingRecomputed),
                    -moving.SelectMany(c => c).Min(), -recomputed.SelectMany(c => c).Min(),
                    moving.Sum(c => c.Count(d => d < -DropPoints / 100)), recomputed.Sum(c => c.Count(d => d < -DropPoints / 100)),
                    list.Sum(r => r.History.Count - 1), paired);
            })
            .ToList();

    /// <summary>Changes of test accuracy from one epoch to the next (fractions; negative is a drop).</summary>
    public static IReadOnlyList<double> Changes(RunRecord run, AccuracyMeasure measure)
    {
        var a = RunMeasures.Of(run, measure)!.Accuracy;
        return Enumerable.Range(1, a.Count - 1).Select(i => a[i] - a[i - 1]).ToList();
    }
}
