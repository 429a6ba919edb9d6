namespace RnnHelpers.Results;

/// <summary>
/// One run's test accuracy under one measure: per epoch, final, best (the earliest of equal best epochs), and whether the
/// run peaked early. A run peaks early only if the best of epochs 1..E−1 is strictly above epoch E: a tie with the last
/// epoch is not early.
/// </summary>
public sealed record RunMeasures(RunRecord Run, AccuracyMeasure Measure, IReadOnlyList<double> Accuracy)
{
    /// <summary>Test accuracy after the last epoch (fraction).</summary>
    public double Final => Accuracy[^1];
    /// <summary>Highest test accuracy over the epochs (fraction).</summary>
    public double Best => Accuracy.Max();
    /// <summary>The first epoch (1-based) that reached <see cref="Best"/>.</summary>
    public int BestEpoch => Accuracy.Select((a, i) => (a, i)).First(p => p.a == Best).i + 1;
    /// <summary>True when an epoch before the last had strictly higher accuracy than the last.</summary>
    public bool PeakedEarly => Accuracy.Count > 1 && Accuracy.Take(Accuracy.Count - 1).Max() > Final;

    /// <summary>Null when the run does not hold the measure (runs stored before schema 2 lack the recomputed one).</summary>
    public static RunMeasures? Of(RunRecord run, AccuracyMeasure measure)
    {
        var values = run.History.Select(e => measure.TestAccuracy(e)).ToList();
        return values.Any(v => v is null) ? null : new RunMeasures(run, measure, values.Select(v => v!.Value).ToList());
    }
}
