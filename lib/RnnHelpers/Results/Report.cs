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
        var s = run.Summary;
        string peak = s.BestEpoch < run.Epochs
            ? $"its best test accuracy, {Tables.Percent(s.BestTestAccuracy)}%, came in epoch {s.BestEpoch}, before the last"
            : "its best test accuracy came in the last epoch";
        return $"{kind.DisplayName()} ({run.Parameters.ToString("N0", Inv)} parameters) reached {Tables.Percent(s.FinalTestAccuracy)}% test accuracy " +
               $"after {run.Epochs} epoch(s) on {run.TrainCount.ToString("N0", Inv)} training images; {peak}. " +
               $"Mean time per epoch: {s.MeanEpochSeconds.ToString("F1", Inv)} s. " +
               $"The article reports {kind.ArticleParameterCount().ToString("N0", Inv)} parameters and roughly {kind.ArticleAccuracyPercent():F0}% after 10 epochs.";
    }

    public static string ComparisonSummary(RunStatistics stats)
    {
        var ordered = stats.Models.OrderByDescending(m => m.FinalAccuracy.Mean).ToList();
        var ranking = string.Join(", then ", ordered.Select(m => $"{RecurrentKinds.Parse(m.Model).DisplayName()} ({Tables.PercentEstimate(m.FinalAccuracy)}%)"));
        int runs = stats.Models.Sum(m => m.Runs);
        int early = stats.Models.Sum(m => m.RunsPeakingBeforeLastEpoch);
        return $"By mean final test accuracy over {runs} run(s): {ranking}. " +
               $"The article ranked SimpleRNN and LSTM at roughly 96% and the GRU at roughly 95%. " +
               $"{early} of {runs} runs reached their best test accuracy before the last epoch.";
    }
}
