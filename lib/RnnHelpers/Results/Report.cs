using System.Globalization;
using RnnHelpers.Models;

namespace RnnHelpers.Results;

/// <summary>Sentences for the notebooks, with every number computed from the runs.</summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string RunSummary(RunRecord run)
    {
        var kind = RecurrentKinds.Parse(run.Model);
        var moving = RunMeasures.Of(run, AccuracyMeasure.MovingAverages)!;
        var recomputed = RunMeasures.Of(run, AccuracyMeasure.RecomputedBn);
        string peak = moving.PeakedEarly
            ? $"its best test accuracy, {Tables.Percent(moving.Best)}%, came in epoch {moving.BestEpoch}, before the last"
            : "no earlier epoch beat the last one";
        string other = recomputed is null ? "" :
            $" With batch-normalisation statistics recomputed over the training subset instead of the moving averages, the last epoch scores " +
            $"{Tables.Percent(recomputed.Final)}% ({Tables.Points(recomputed.Final - moving.Final)} points) and " +
            (recomputed.PeakedEarly ? $"the best epoch is {recomputed.BestEpoch}." : "no earlier epoch beats the last.");
        return $"{kind.DisplayName()} ({run.Parameters.ToString("N0", Inv)} parameters) reached {Tables.Percent(moving.Final)}% test accuracy " +
               $"after {run.Epochs} epoch(s) on {run.TrainCount.ToString("N0", Inv)} training images; {peak}.{other} " +
               $"Median time per training epoch: {RunStatistics.Median(run.History.Select(e => e.Seconds)).ToString("F1", Inv)} s. " +
               $"The article reports {kind.ArticleParameterCount().ToString("N0", Inv)} parameters and roughly {kind.ArticleAccuracyPercent():F0}% after 10 epochs.";
    }

    /// <summary>Whether a fresh run repeated the committed one, in a sentence.</summary>
    public static string Reproduction(ExperimentRun run) => run.Reproduction switch
    {
        null => $"No committed run of this key ({run.Record.Key.FileName}) to compare with: the fresh run is in the scratch store only.",
        { Identical: true } => $"The fresh run reproduces the committed one ({run.Record.Key.FileName}): identical losses and accuracies in every epoch.",
        var c => $"The fresh run does not reproduce the committed one ({run.Record.Key.FileName}): the largest difference is {c.LargestDifference:G4} in {c.Field} at epoch {c.Epoch}.",
    };

    /// <summary>One quotable sentence per verdict: the claim, the measure, the outcome and its evidence.</summary>
    public static string Conclusions(IReadOnlyList<Verdict> verdicts) => string.Join("\n\n", verdicts.Select(v =>
        $"- **{v.Claim}** ({v.Measure?.ShortName() ?? "no accuracy measure"}): **{v.Outcome}**. {v.Evidence}."));
}
