using RnnHelpers.Results;
using RnnHelpers.Training;

namespace RnnHelpers.Tests;

/// <summary>Each rule of <see cref="ArticleClaims"/> pinned on small hand-made records.</summary>
public class ClaimsTests
{
    /// <summary>A run whose moving-average and recomputed test accuracies per epoch are given.</summary>
    private static RunRecord Run(string model, int seed, double[] moving, double[]? recomputed = null)
    {
        recomputed ??= moving;
        var history = moving.Select((a, i) => new EpochRecord(i + 1, 0.5, 0.9, 0.4, a, 0.3, recomputed[i], a, recomputed[i], 3, 20_000, 0.2, 600)).ToList();
        long parameters = model switch { "simple-rnn" => 6858, "lstm" => 24714, _ => 18954 };
        return new RunRecord(RunRecord.CurrentSchema, "mnist", model, seed, history.Count, 64, 0.01, 64, "sgd", true, 28, false, null, null, null, 1,
            60_000, 10_000, parameters, 10_000, history, RunRecord.Summarise(history),
            new RunProvenance("0.1.0", "0.107.0", "Linux", "cpu", 1, null, DateTimeOffset.UnixEpoch, 30));
    }

    [Fact]
    public void A_tie_with_the_last_epoch_is_not_an_early_peak()
    {
        // As mnist-lstm-seed5 in the first committed grid: 96.19% in epochs 6 and 10.
        var run = Run("lstm", 5, [0.90, 0.93, 0.94, 0.95, 0.955, 0.9619, 0.95, 0.958, 0.96, 0.9619]);
        var m = RunMeasures.Of(run, AccuracyMeasure.MovingAverages)!;
        Assert.False(m.PeakedEarly);
        Assert.Equal(6, m.BestEpoch); // the earliest best epoch
        Assert.True(RunMeasures.Of(Run("lstm", 5, [0.9, 0.95, 0.94]), AccuracyMeasure.MovingAverages)!.PeakedEarly);
        Assert.False(RunMeasures.Of(Run("lstm", 5, [0.9]), AccuracyMeasure.MovingAverages)!.PeakedEarly);
    }

    private static ModelStatistics Lstm(params double[] finals) =>
        RunStatistics.Compute(finals.Select((a, i) => Run("lstm", i + 1, [a])).ToList()).Of("lstm")!;

    [Fact]
    public void Roughly_is_consistent_when_most_single_runs_land_in_the_band()
    {
        // 20 runs, 19 within 96 ± 1.5: share 95% [75, 100], prediction interval around 96.
        var finals = Enumerable.Range(0, 19).Select(i => 0.955 + 0.0005 * (i % 5)).Append(0.93).ToArray();
        var v = ArticleClaims.Roughly(Lstm(finals), AccuracyMeasure.MovingAverages);
        Assert.Equal("consistent", v.Outcome);
        Assert.Contains("19 of 20 runs in the band", v.Evidence);
    }

    [Fact]
    public void Roughly_is_inconsistent_when_single_runs_miss_the_band()
    {
        var finals = Enumerable.Range(0, 10).Select(i => 0.90 + 0.001 * i).ToArray();
        Assert.Equal("inconsistent", ArticleClaims.Roughly(Lstm(finals), AccuracyMeasure.MovingAverages).Outcome);
    }

    [Fact]
    public void Roughly_is_inconclusive_when_runs_split_around_the_band()
    {
        // 6 of 10 in the band: share 60% [26, 88] straddles one half.
        var finals = new[] { 0.96, 0.955, 0.965, 0.95, 0.97, 0.958, 0.92, 0.93, 0.91, 0.935 };
        Assert.Equal("inconclusive", ArticleClaims.Roughly(Lstm(finals), AccuracyMeasure.MovingAverages).Outcome);
    }

    [Fact]
    public void Gru_lower_holds_only_when_both_exact_tests_put_it_below()
    {
        var runs = new List<RunRecord>();
        for (int seed = 1; seed <= 6; seed++)
        {
            runs.Add(Run("gru", seed, [0.95 + 0.001 * seed]));
            runs.Add(Run("lstm", seed, [0.96 + 0.001 * seed + 0.0001 * (seed % 2)]));
            runs.Add(Run("simple-rnn", seed, [0.955 + 0.001 * seed]));
        }
        var holds = ArticleClaims.GruLower(RunStatistics.Compute(runs))!;
        Assert.Equal("holds", holds.Outcome); // 6 positive pairs each: p = 2/64
        Assert.Contains("sign-flip p = 0.0312", holds.Evidence); // 2/64
        Assert.Contains("detectable with 80% power", holds.Evidence);

        // With 5 seeds the smallest exact p is 2/32 = 0.0625: never below 0.05, so never "holds".
        var five = ArticleClaims.GruLower(RunStatistics.Compute(runs.Where(r => r.Seed <= 5).ToList()))!;
        Assert.Equal("not supported", five.Outcome);

        var reversed = runs.Select(r => r.Model == "gru" ? Run("gru", r.Seed, [0.99]) : r).ToList();
        Assert.Equal("does not hold", ArticleClaims.GruLower(RunStatistics.Compute(reversed))!.Outcome);
    }

    [Fact]
    public void Early_peaks_are_typical_atypical_or_inconclusive_by_their_exact_interval()
    {
        List<RunRecord> Runs(int early, int late) =>
            Enumerable.Range(1, early).Select(s => Run("lstm", s, [0.96, 0.95]))
                .Concat(Enumerable.Range(early + 1, late).Select(s => Run("lstm", s, [0.95, 0.96]))).ToList();
        Assert.Equal("typical", ArticleClaims.PeaksEarly(RunStatistics.Compute(Runs(18, 2))).Outcome);
        Assert.Equal("atypical", ArticleClaims.PeaksEarly(RunStatistics.Compute(Runs(2, 18))).Outcome);
        var split = ArticleClaims.PeaksEarly(RunStatistics.Compute(Runs(10, 10)));
        Assert.Equal("inconclusive", split.Outcome);
        Assert.Contains("10 of 20 runs peaked early", split.Evidence);
        Assert.Matches(@"all 3 of 3: 1[23]% \[\d+, \d+\]%", split.Evidence); // 0.5³ = 12.5%
    }

    [Fact]
    public void Each_claim_is_judged_under_both_measures()
    {
        var runs = new List<RunRecord>();
        foreach (var model in new[] { "simple-rnn", "lstm", "gru" })
            for (int seed = 1; seed <= 3; seed++)
                runs.Add(Run(model, seed, [0.90, 0.95], [0.93, 0.96]));
        var verdicts = ArticleClaims.Evaluate(runs);
        Assert.Equal("holds", verdicts[0].Outcome); // parameter counts
        Assert.Null(verdicts[0].Measure);
        foreach (var measure in AccuracyMeasures.All)
            Assert.Equal(5, verdicts.Count(v => v.Measure == measure)); // three "roughly", GRU lower, early peaks
        Assert.All(verdicts, v => Assert.False(string.IsNullOrWhiteSpace(v.Rule)));
    }
}
