using System.Globalization;
using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;

namespace RnnHelpers.Results;

/// <summary>The workbook's tables, built from stored runs so every number is computed, never typed.</summary>
public static class Tables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Percent(double fraction, int decimals = 2) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("F" + decimals, Inv);

    /// <summary>"96.61 ± 0.12" (percent, mean ± sd) or just the mean for one run.</summary>
    public static string PercentEstimate(Estimate e) =>
        e.Count > 1 ? $"{Percent(e.Mean)} ± {Percent(e.StandardDeviation)}" : Percent(e.Mean);

    public static string Interval(Estimate e, bool percent = true)
    {
        string F(double v) => percent ? (100 * v).ToString("+0.00;-0.00", Inv) : v.ToString("F2", Inv);
        return e.Count > 1 ? $"{F(e.Mean)} [{F(e.Low)}, {F(e.High)}]" : F(e.Mean);
    }

    /// <summary>Images per split and per class, counted from the loaded tensors.</summary>
    public static TextTable DatasetCounts(DigitData data)
    {
        var train = data.ClassCounts(Split.Train);
        var test = data.ClassCounts(Split.Test);
        var rows = data.ClassNames.Select((name, c) => (IReadOnlyList<string>)
            [name, train[c].ToString("N0", Inv), Percent(train[c] / (double)data.TrainCount, 1), test[c].ToString("N0", Inv), Percent(test[c] / (double)data.TestCount, 1)]).ToList();
        rows.Add(["all", data.TrainCount.ToString("N0", Inv), "100.0", data.TestCount.ToString("N0", Inv), "100.0"]);
        return new TextTable($"{data.Info.DisplayName}: images per class", ["class", "train", "train %", "test", "test %"], rows);
    }

    /// <summary>Accuracy of each class and the class it is most often mistaken for.</summary>
    public static TextTable PerClass(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        var accuracy = matrix.PerClassAccuracy();
        return new TextTable("Test accuracy per class", ["class", "images", "accuracy %", "most often predicted instead", "times"],
            Enumerable.Range(0, matrix.Classes).Select(t =>
            {
                int images = Enumerable.Range(0, matrix.Classes).Sum(p => matrix.Counts[t, p]);
                var worst = Enumerable.Range(0, matrix.Classes).Where(p => p != t).MaxBy(p => matrix.Counts[t, p]);
                return (IReadOnlyList<string>)[classNames[t], images.ToString("N0", Inv), Percent(accuracy[t]),
                    matrix.Counts[t, worst] > 0 ? classNames[worst] : "–", matrix.Counts[t, worst].ToString(Inv)];
            }).ToList());
    }

    /// <summary>One row per epoch of a run.</summary>
    public static TextTable Epochs(RunRecord run) => new(
        $"{run.Model} on {run.Dataset}, seed {run.Seed}: {run.TrainCount:N0} training and {run.TestCount:N0} test images",
        ["epoch", "train loss", "train acc %", "test loss", "test acc %", "seconds", "samples/s", "RSS MB"],
        run.History.Select(e => (IReadOnlyList<string>)
        [
            e.Epoch.ToString(Inv), e.TrainLoss.ToString("F4", Inv), Percent(e.TrainAccuracy), e.TestLoss.ToString("F4", Inv),
            Percent(e.TestAccuracy), e.Seconds.ToString("F1", Inv), e.SamplesPerSecond.ToString("N0", Inv), e.RssMegabytes.ToString("N0", Inv),
        ]).ToList());

    /// <summary>Final and best accuracy of a single run, with the epoch of the best.</summary>
    public static TextTable Headline(RunRecord run) => new(
        $"{run.Model}: test accuracy",
        ["final (epoch " + run.Epochs + ") %", "best %", "best epoch", "mean seconds per epoch"],
        [[Percent(run.Summary.FinalTestAccuracy), Percent(run.Summary.BestTestAccuracy), run.Summary.BestEpoch.ToString(Inv), run.Summary.MeanEpochSeconds.ToString("F1", Inv)]]);

    /// <summary>The comparison: per model, parameters and accuracies (mean ± sd over seeds when there are several).</summary>
    public static TextTable Comparison(RunStatistics stats) => new(
        "Models compared" + (stats.Models.Any(m => m.Runs > 1) ? " (mean ± sd over seeds)" : ""),
        ["model", "parameters", "article parameters", "runs", "final test acc %", "best test acc %", "best epoch", "seconds / epoch"],
        stats.Models.Select(m => (IReadOnlyList<string>)
        [
            m.Model, m.Parameters.ToString("N0", Inv), RecurrentKinds.TryParse(m.Model)?.ArticleParameterCount().ToString("N0", Inv) ?? "–", m.Runs.ToString(Inv),
            PercentEstimate(m.FinalAccuracy), PercentEstimate(m.BestAccuracy),
            m.BestEpoch.Count > 1 ? $"{m.BestEpoch.Mean.ToString("F1", Inv)} ± {m.BestEpoch.StandardDeviation.ToString("F1", Inv)}" : m.BestEpoch.Mean.ToString("F0", Inv),
            m.SecondsPerEpoch.Mean.ToString("F1", Inv),
        ]).ToList());

    /// <summary>Per model: mean, sd and 95% t-interval of final accuracy, best accuracy and best epoch.</summary>
    public static TextTable Intervals(RunStatistics stats) => new(
        "95% t-intervals over seeds",
        ["model", "runs", "final acc % [95% CI]", "best acc % [95% CI]", "best epoch [95% CI]", "runs peaking before the last epoch"],
        stats.Models.Select(m => (IReadOnlyList<string>)
        [
            m.Model, m.Runs.ToString(Inv), Ci(m.FinalAccuracy, 100), Ci(m.BestAccuracy, 100), Ci(m.BestEpoch, 1),
            $"{m.RunsPeakingBeforeLastEpoch}/{m.Runs}",
        ]).ToList());

    /// <summary>Paired differences of final accuracy (percentage points) with 95% intervals.</summary>
    public static TextTable Differences(RunStatistics stats) => new(
        "Paired differences of final test accuracy by seed (percentage points)",
        ["difference", "pairs", "mean [95% CI]", "interval excludes 0"],
        stats.Differences.Select(d => (IReadOnlyList<string>)
        [
            $"{d.ModelA} − {d.ModelB}", d.Seeds.Count.ToString(Inv), Interval(d.Difference), d.Difference.Count > 1 ? (d.Difference.ExcludesZero ? "yes" : "no") : "–",
        ]).ToList());

    private static string Ci(Estimate e, double scale) =>
        e.Count > 1
            ? $"{(scale * e.Mean).ToString("F2", Inv)} [{(scale * e.Low).ToString("F2", Inv)}, {(scale * e.High).ToString("F2", Inv)}]"
            : (scale * e.Mean).ToString("F2", Inv);
}
