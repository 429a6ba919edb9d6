using MathNet.Numerics.Distributions;
using RnnHelpers.Models;

namespace RnnHelpers.Results;

/// <summary>Mean, standard deviation and a two-sided 95% Student-t interval of a sample.</summary>
public sealed record Estimate(int Count, double Mean, double StandardDeviation, double Low, double High)
{
    public static Estimate Of(IEnumerable<double> values)
    {
        var x = values.ToArray();
        if (x.Length == 0)
            return new Estimate(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = x.Average();
        if (x.Length == 1)
            return new Estimate(1, mean, double.NaN, double.NaN, double.NaN);
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        double half = StudentT.InvCDF(0, 1, x.Length - 1, 0.975) * sd / Math.Sqrt(x.Length);
        return new Estimate(x.Length, mean, sd, mean - half, mean + half);
    }

    /// <summary>Whether the interval excludes zero (a difference that is not explained by seed noise at 95%).</summary>
    public bool ExcludesZero => Count > 1 && (Low > 0 || High < 0);
}

/// <summary>Per-model statistics over seeds.</summary>
public sealed record ModelStatistics(
    string Model,
    long Parameters,
    int Runs,
    Estimate FinalAccuracy,
    Estimate BestAccuracy,
    Estimate BestEpoch,
    Estimate SecondsPerEpoch,
    int RunsPeakingBeforeLastEpoch,
    IReadOnlyList<int> Seeds)
{
    public double SharePeakingBeforeLastEpoch => Runs == 0 ? double.NaN : RunsPeakingBeforeLastEpoch / (double)Runs;
}

/// <summary>Difference of final test accuracy between two models, paired by seed.</summary>
public sealed record PairedDifference(string ModelA, string ModelB, IReadOnlyList<int> Seeds, Estimate Difference);

/// <summary>Statistics of a set of runs that share dataset and protocol.</summary>
public sealed record RunStatistics(IReadOnlyList<ModelStatistics> Models, IReadOnlyList<PairedDifference> Differences)
{
    /// <summary>The model pairs the comparison reports (first minus second).</summary>
    public static readonly IReadOnlyList<(string A, string B)> Pairs = [("lstm", "gru"), ("lstm", "simple-rnn"), ("gru", "simple-rnn")];

    public static RunStatistics Compute(IEnumerable<RunRecord> runs)
    {
        var list = runs.ToList();
        var protocols = list.Select(r => (r.Dataset, r.Epochs, r.BatchSize, r.LearningRate, r.HiddenUnits, r.TrainLimit, r.TestLimit, r.PerClass)).Distinct().Count();
        if (protocols > 1)
            throw new ArgumentException("Runs mix datasets or protocols; filter them to one before computing statistics.", nameof(runs));

        var models = list.GroupBy(r => r.Model)
            .OrderBy(g => RecurrentKinds.SortOrder(g.Key))
            .Select(g => new ModelStatistics(
                g.Key,
                g.First().Parameters,
                g.Count(),
                Estimate.Of(g.Select(r => r.Summary.FinalTestAccuracy)),
                Estimate.Of(g.Select(r => r.Summary.BestTestAccuracy)),
                Estimate.Of(g.Select(r => (double)r.Summary.BestEpoch)),
                Estimate.Of(g.Select(r => r.Summary.MeanEpochSeconds)),
                g.Count(r => r.Summary.BestEpoch < r.Epochs),
                g.Select(r => r.Seed).Order().ToList()))
            .ToList();

        var bySeed = list.ToLookup(r => r.Model);
        var differences = new List<PairedDifference>();
        foreach (var (a, b) in Pairs)
        {
            var runsB = bySeed[b].ToDictionary(r => r.Seed);
            var pairs = bySeed[a].Where(r => runsB.ContainsKey(r.Seed)).OrderBy(r => r.Seed).ToList();
            if (pairs.Count == 0)
                continue;
            differences.Add(new PairedDifference(a, b, pairs.Select(r => r.Seed).ToList(),
                Estimate.Of(pairs.Select(r => r.Summary.FinalTestAccuracy - runsB[r.Seed].Summary.FinalTestAccuracy))));
        }
        return new RunStatistics(models, differences);
    }
}
