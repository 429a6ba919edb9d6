using RnnHelpers.Models;
using RnnHelpers.Statistics;

namespace RnnHelpers.Results;

/// <summary>Statistics of a set of runs that share dataset and setting, under one accuracy measure.</summary>
public sealed record RunStatistics(AccuracyMeasure Measure, int Epochs, IReadOnlyList<ModelStatistics> Models, IReadOnlyList<PairedComparison> Comparisons)
{
    /// <summary>The model pairs compared (first minus second): each against the GRU, then LSTM against SimpleRNN.</summary>
    public static readonly IReadOnlyList<(string A, string B)> Pairs = [("lstm", "gru"), ("simple-rnn", "gru"), ("lstm", "simple-rnn")];

    /// <summary>The statistics of one model id (e.g. <c>lstm</c>), or null without runs of it.</summary>
    public ModelStatistics? Of(string model) => Models.FirstOrDefault(m => m.Model == model);
    /// <summary>The paired comparison of model ids <paramref name="a"/> − <paramref name="b"/>, or null when not computed.</summary>
    public PairedComparison? Comparison(string a, string b) => Comparisons.FirstOrDefault(c => c.ModelA == a && c.ModelB == b);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the runs mix settings (other than seed and thread count) or epochs.
    /// Runs that lack the measure (stored before schema 2, for the recomputed one) are left out.
    /// </summary>
    public static RunStatistics Compute(IEnumerable<RunRecord> runs, AccuracyMeasure measure = AccuracyMeasure.MovingAverages)
    {
        var list = runs.ToList();
        if (list.Select(r => r.Key.Setting with { Model = "" }).Distinct().Count() > 1)
            throw new ArgumentException("Runs mix datasets or settings; filter them to one before computing statistics.", nameof(runs));
        var measured = list.Select(r => RunMeasures.Of(r, measure)).OfType<RunMeasures>().ToList();

        var models = measured.GroupBy(r => r.Run.Model)
            .OrderBy(g => RecurrentKinds.SortOrder(g.Key))
            .Select(g =>
            {
                var runsOfModel = g.OrderBy(r => r.Run.Seed).ToList();
                var final = runsOfModel.Select(r => r.Final).ToList();
                double mean = final.Average();
                double sd = final.Count > 1 ? Math.Sqrt(final.Sum(v => (v - mean) * (v - mean)) / (final.Count - 1)) : double.NaN;
                return new ModelStatistics(
                    g.Key,
                    runsOfModel[0].Run.Parameters,
                    runsOfModel.Select(r => r.Run.Seed).ToList(),
                    final, mean, sd,
                    PercentileBootstrap.MeanInterval(final),
                    Median(final),
                    PredictionInterval.ForAccuracy(final),
                    runsOfModel.Select(r => r.Best).ToList(),
                    Median(runsOfModel.Select(r => r.Best)),
                    runsOfModel.Select(r => r.BestEpoch).ToList(),
                    Median(runsOfModel.Select(r => (double)r.BestEpoch)),
                    BinomialRate.Of(runsOfModel.Count(r => r.PeakedEarly), runsOfModel.Count),
                    Median(runsOfModel.Select(r => r.Run.Summary.MeanEpochSeconds)));
            })
            .ToList();

        var byModel = measured.ToLookup(r => r.Run.Model);
        var comparisons = new List<PairedComparison>();
        foreach (var (a, b) in Pairs)
        {
            var runsB = byModel[b].ToDictionary(r => r.Run.Seed);
            var pairs = byModel[a].Where(r => runsB.ContainsKey(r.Run.Seed)).OrderBy(r => r.Run.Seed).ToList();
            if (pairs.Count > 0)
                comparisons.Add(PairedComparison.Of(a, b, pairs.Select(r => r.Run.Seed).ToList(),
                    pairs.Select(r => r.Final - runsB[r.Run.Seed].Final).ToList()));
        }
        return new RunStatistics(measure, list.Count == 0 ? 0 : list[0].Epochs, models, comparisons);
    }

    /// <summary>Median (the mean of the middle two for an even count); NaN for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
