using System.Globalization;
using RnnHelpers.Models;

namespace RnnHelpers.Results;

/// <summary>Sentences for the notebooks, with every number computed from the runs.</summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One paragraph on a stored run: final test accuracy (percent) and whether an earlier epoch beat it, under each measure; median seconds per training epoch; the article's figures beside them.</summary>
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

    /// <summary>How many runs a comparison rests on, per model, without naming any folder of this machine.</summary>
    public static string StoreSummary(IReadOnlyList<RunRecord> runs) =>
        $"{runs.Count} runs of this setting: " + string.Join(", ", runs.GroupBy(r => r.Model).OrderBy(g => RecurrentKinds.SortOrder(g.Key))
            .Select(g => $"{g.Key} {g.Count()} (seeds {ResultsMarkdown.Seeds(g.Select(r => r.Seed).Order().ToList())})")) + ".";

    /// <summary>Whether a fresh run repeated the committed one, in a sentence.</summary>
    public static string Reproduction(ExperimentRun run) => run.Reproduction switch
    {
        null => $"No committed run of this key ({run.Record.Key.FileName}) to compare with: the fresh run is in the scratch store only.",
        { Identical: true } => $"The fresh run reproduces the committed one ({run.Record.Key.FileName}): identical losses and accuracies in every epoch.",
        var c => $"The fresh run does not reproduce the committed one ({run.Record.Key.FileName}): the largest difference is {c.LargestDifference:G4} in {c.Field} at epoch {c.Epoch}.",
    };

    /// <summary>One quotable sentence per verdict: the claim, the measure, the outcome and its evidence.</summary>
    public static string Conclusions(IReadOnlyList<Verdict> verdicts) => string.Join("\n\n", verdicts.Select(v =>
        $"• {v.Claim} ({v.Measure?.ShortName() ?? "no accuracy measure"}): {v.Outcome.ToUpperInvariant()}. {v.Evidence}."));

    /// <summary>What the probe saw while one model trained: both curves' lowest points, how often they fell, and how far the moving variance strayed.</summary>
    public static string ProbeSummary(IReadOnlyList<Studies.ProbePoint> points, string model)
    {
        if (points.Count < 2)
            return $"{model}: fewer than two measurements; train longer or probe more often.";
        int Drops(Func<Studies.ProbePoint, double> f) => points.Zip(points.Skip(1), (a, b) => f(b) - f(a)).Count(d => d < -SwingStatistics.DropPoints / 100);
        double worstRatio = points.SelectMany(p => p.MovingVariance.Zip(p.PopulationVariance, (m, v) => Math.Abs(Math.Log2(m / Math.Max(v, 1e-12))))).Max();
        var last = points[^1];
        int higher = points.Count(p => p.TestAccuracyRecomputed > p.TestAccuracyMoving);
        return $"Over {points.Count} measurements, one every {points[1].Step - points[0].Step} batches, {model}'s test accuracy with the moving averages " +
               $"ranged {Tables.Percent(points.Min(p => p.TestAccuracyMoving))}–{Tables.Percent(points.Max(p => p.TestAccuracyMoving))}% and fell by more than " +
               $"{SwingStatistics.DropPoints.ToString("F0", Inv)} point between consecutive measurements {Drops(p => p.TestAccuracyMoving)} times; with recomputed " +
               $"population statistics it ranged {Tables.Percent(points.Min(p => p.TestAccuracyRecomputed))}–{Tables.Percent(points.Max(p => p.TestAccuracyRecomputed))}% " +
               $"and fell that far {Drops(p => p.TestAccuracyRecomputed)} times. The recomputed measure was the higher one in {higher} of {points.Count} measurements. " +
               $"At the last measurement the two read {Tables.Percent(last.TestAccuracyMoving)}% and {Tables.Percent(last.TestAccuracyRecomputed)}%. " +
               $"The furthest any hidden unit's moving variance strayed from its population variance was a factor of {Math.Pow(2, worstRatio).ToString("F1", Inv)}.";
    }

    /// <summary>The computed conclusion of notebook 06 over all stored runs: how much of the swing the recomputed statistics remove, per model.</summary>
    public static string SwingConclusion(IReadOnlyList<SwingStatistics> swings)
    {
        if (swings.Count == 0)
            return "No stored runs hold both measures yet.";
        var lines = swings.Select(s =>
            $"• {s.Model} ({s.Runs} runs): median swing {(100 * s.MedianSwingMoving).ToString("F2", Inv)} points with the moving averages, " +
            $"{(100 * s.MedianSwingRecomputed).ToString("F2", Inv)} with recomputed statistics ({(double.IsNaN(s.ShareRemoved) ? "–" : Tables.Percent(s.ShareRemoved, 0) + "%")} of it removed); " +
            $"drops of more than {SwingStatistics.DropPoints.ToString("F0", Inv)} point: {s.DropsMoving} against {s.DropsRecomputed} of {s.Epochs} epoch-to-epoch steps; " +
            $"largest drop {(100 * s.LargestDropMoving).ToString("F2", Inv)} against {(100 * s.LargestDropRecomputed).ToString("F2", Inv)} points; " +
            $"per run, moving − recomputed swing {Tables.Points(s.Paired.Mean)} [{Tables.Points(s.Paired.Low)}, {Tables.Points(s.Paired.High)}] points, sign-flip p {(s.Paired.PValue < 1e-4 ? "" : "= ")}{Tables.PValue(s.Paired.PValue)}.");
        bool all = swings.All(s => s.Paired.Mean > 0 && s.Paired.PValue < ArticleClaims.Alpha);
        string verdict = all
            ? "For every model the recomputed statistics reduce the swing, each by an exact test at the 5% level: much of what looks like instability of the architectures is the moving averages lagging behind the weights."
            : "The recomputed statistics do not reduce the swing significantly (exact test at 5%) for every model; see the lines above for which.";
        return "Rule: a run's swing is the mean absolute change of its test accuracy from one epoch to the next; per model, the swings under the two measures are compared run by run with an exact sign-flip test.\n\n" +
               string.Join("\n", lines) + "\n\n" + verdict;
    }
}
