using System.Globalization;
using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Statistics;

namespace RnnHelpers.Results;

/// <summary>The workbook's tables, built from stored runs so every number is computed, never typed.</summary>
public static class Tables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A fraction as a percentage with <paramref name="decimals"/> decimals (invariant culture), "–" for NaN.</summary>
    public static string Percent(double fraction, int decimals = 2) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("F" + decimals, Inv);

    /// <summary>"12/20 = 60% [36, 81]": a rate with its Clopper-Pearson 95% interval, in percent.</summary>
    public static string Rate(BinomialRate r) =>
        $"{r.Successes}/{r.Trials} = {Percent(r.Rate, 0)}% [{Percent(r.Low, 0)}, {Percent(r.High, 0)}]";

    /// <summary>Percentage points with a sign: "+1.23".</summary>
    public static string Points(double fraction) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("+0.00;-0.00;0.00", Inv);

    /// <summary>"lstm − gru +1.20 [+0.40, +2.00] points, p = 0.0021, detectable 0.85": a paired comparison in one phrase.</summary>
    public static string Describe(PairedComparison c) =>
        $"{c.ModelA} − {c.ModelB} {Points(c.Mean)} [{Points(c.Low)}, {Points(c.High)}] points over {c.Pairs} seeds, sign-flip p {(c.PValue < 1e-4 ? "" : "= ")}{PValue(c.PValue)}, " +
        $"detectable with 80% power: {(100 * c.DetectableDifference).ToString("F2", Inv)}";

    /// <summary>A p-value to three significant digits, or "&lt; 0.0001".</summary>
    public static string PValue(double p) => double.IsNaN(p) ? "–" : p < 1e-4 ? "< 0.0001" : p.ToString("G3", Inv);

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

    /// <summary>One row per epoch of a run, with test accuracy under both measures.</summary>
    public static TextTable Epochs(RunRecord run) => new(
        $"{run.Model} on {run.Dataset}, seed {run.Seed}: {run.TrainCount:N0} training and {run.TestCount:N0} test images. Train figures are running " +
        "means over the epoch's batches (training mode); test accuracy with BN's moving averages (the article's) and with recomputed population statistics",
        ["epoch", "train loss", "train acc %", "test loss", "test acc %", "test acc % (recomputed BN)", "seconds", "samples/s", "RSS MB"],
        run.History.Select(e => (IReadOnlyList<string>)
        [
            e.Epoch.ToString(Inv), e.TrainLoss.ToString("F4", Inv), Percent(e.TrainAccuracy), e.TestLoss.ToString("F4", Inv),
            Percent(e.TestAccuracy), e.TestAccuracyRecomputedBn is double r ? Percent(r) : "–",
            e.Seconds.ToString("F1", Inv), e.SamplesPerSecond.ToString("N0", Inv), e.RssMegabytes.ToString("N0", Inv),
        ]).ToList());

    /// <summary>Final and best accuracy of a single run under both measures, with the epoch of the best.</summary>
    public static TextTable Headline(RunRecord run) => new(
        $"{run.Model}: test accuracy in the last epoch and at its best (the earliest best epoch on ties)",
        ["measure", $"final (epoch {run.Epochs}) %", "best %", "best epoch", "peaked early"],
        AccuracyMeasures.All.Select(m => RunMeasures.Of(run, m)).OfType<RunMeasures>().Select(r => (IReadOnlyList<string>)
            [r.Measure.ShortName(), Percent(r.Final), Percent(r.Best), r.BestEpoch.ToString(Inv), r.PeakedEarly ? "yes" : "no"]).ToList());

    /// <summary>The comparison: per model under one measure, what the final-epoch accuracy of its runs looks like.</summary>
    public static TextTable Comparison(RunStatistics stats) => new(
        $"Per model, {stats.Measure.Description()}, in the last epoch over seeds: mean with a 95% percentile-bootstrap interval; " +
        "median and range; a 95% prediction interval for one more run (logit-scale t); the best epoch as median and range; " +
        "runs whose best epoch came strictly before the last (Clopper-Pearson 95% interval); median seconds per training epoch",
        ["model", "parameters", "article parameters", "runs", "mean % [95% CI]", "median % (range)", "one run: 95% PI", "best epoch median (range)", "peaked early", "s / epoch"],
        stats.Models.Select(m => (IReadOnlyList<string>)
        [
            m.Model, m.Parameters.ToString("N0", Inv), RecurrentKinds.TryParse(m.Model)?.ArticleParameterCount().ToString("N0", Inv) ?? "–", m.Runs.ToString(Inv),
            m.Runs > 1 ? $"{Percent(m.FinalMean)} [{Percent(m.FinalMeanInterval.Low)}, {Percent(m.FinalMeanInterval.High)}]" : Percent(m.FinalMean),
            $"{Percent(m.FinalMedian)} ({Percent(m.Final.Min())}–{Percent(m.Final.Max())})",
            m.Runs > 1 ? $"[{Percent(m.FinalPrediction.Low)}, {Percent(m.FinalPrediction.High)}]" : "–",
            $"{m.BestEpochMedian.ToString("0.#", Inv)} ({m.BestEpochs.Min()}–{m.BestEpochs.Max()})",
            Rate(m.PeakedEarly),
            m.MedianSecondsPerEpoch.ToString("F1", Inv),
        ]).ToList());

    /// <summary>Paired differences of final accuracy (percentage points) with intervals, exact tests and detectable differences.</summary>
    public static TextTable Differences(RunStatistics stats) => new(
        $"Paired by seed, {stats.Measure.Description()}, last epoch: difference in percentage points, mean with 95% t-interval; " +
        "exact two-sided sign-flip p-value; the smallest true difference a paired t-test at 5% would detect with 80% power given this spread and number of seeds",
        ["difference", "pairs", "mean [95% CI]", "sign-flip p", "detectable (80% power)"],
        stats.Comparisons.Select(c => (IReadOnlyList<string>)
        [
            $"{c.ModelA} − {c.ModelB}", c.Pairs.ToString(Inv), c.Pairs > 1 ? $"{Points(c.Mean)} [{Points(c.Low)}, {Points(c.High)}]" : Points(c.Mean),
            PValue(c.PValue), c.Pairs > 1 ? (100 * c.DetectableDifference).ToString("F2", Inv) : "–",
        ]).ToList());
}
