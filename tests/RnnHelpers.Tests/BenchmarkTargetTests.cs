using RnnHelpers.Benchmarks;

namespace RnnHelpers.Tests;

public class BenchmarkTargetTests
{
    private static ModelBenchmark Model(string name, double epochSeconds, double share, params double[] rss) =>
        new(name, rss.Length, [epochSeconds], epochSeconds, 60_000 / epochSeconds, 0.2, rss, rss.Max(), 1e11, 100, share, 0.9,
            new BatchProfile(10, 0.1, 1, 1, 0.1, 0));

    private static BenchmarkReport Report(params ModelBenchmark[] models) =>
        new(DateTimeOffset.UnixEpoch, "test CPU", 2, "0", 160, models, 60);

    [Fact]
    public void Each_target_is_checked_against_the_measured_figures()
    {
        var report = Report(
            Model("simple-rnn", 1.0, 0.45, 600, 600, 610),
            Model("lstm", 2.0, 0.59, 600, 600, 600),   // just under its 60%
            Model("gru", 1.5, 0.55, 600, 600, 700));  // memory grows by a sixth

        var checks = BenchmarkTargets.Check(report).ToDictionary(c => c.Target);

        Assert.True(checks["simple-rnn: at least 40% of the SGEMM peak"].Met);
        Assert.False(checks["lstm: at least 60% of the SGEMM peak"].Met);
        Assert.Equal("59.0%", checks["lstm: at least 60% of the SGEMM peak"].Measured);
        Assert.True(checks["gru: at least 55% of the SGEMM peak"].Met);
        var protocol = checks.Single(c => c.Key.StartsWith("article setting")).Value;
        Assert.Equal(10 * (1.0 + 2.0 + 1.5 + 3 * 0.2), BenchmarkTargets.ProtocolEstimate(report), 9);
        Assert.True(protocol.Met);
        Assert.True(checks["peak RSS at most 800 MB"].Met);
        Assert.True(checks["simple-rnn: RSS after the last epoch within 10% of that after epoch 2"].Met);
        Assert.False(checks["gru: RSS after the last epoch within 10% of that after epoch 2"].Met);
        Assert.Contains("| no |", BenchmarkTargets.Table(report).ToMarkdown());
    }

    [Fact]
    public void A_slow_protocol_and_a_large_peak_fail()
    {
        var report = Report(
            Model("simple-rnn", 3.0, 0.30, 900, 900, 900),
            Model("lstm", 4.0, 0.50, 600, 600, 600),
            Model("gru", 3.0, 0.45, 600, 600, 600));
        var checks = BenchmarkTargets.Check(report);
        Assert.False(checks.Single(c => c.Target.StartsWith("article setting")).Met);
        Assert.False(checks.Single(c => c.Target.StartsWith("peak RSS")).Met);
    }

    [Fact]
    public void Long_sequences_ask_40_percent_of_every_model_and_no_protocol_time()
    {
        var report = Report(
            Model("simple-rnn", 1.0, 0.41, 300, 300, 300),
            Model("lstm", 2.0, 0.39, 300, 300, 300),
            Model("gru", 1.5, 0.62, 300, 300, 300)) with { TimeSteps = 784 };
        var checks = BenchmarkTargets.Check(report).ToDictionary(c => c.Target);
        Assert.True(checks["simple-rnn: at least 40% of the SGEMM peak"].Met);
        Assert.False(checks["lstm: at least 40% of the SGEMM peak"].Met);
        Assert.True(checks["gru: at least 40% of the SGEMM peak"].Met);
        Assert.DoesNotContain(checks.Keys, k => k.StartsWith("article setting"));
    }

    [Fact]
    public void Every_pair_against_libtorch_must_be_at_most_half_the_time()
    {
        var peer = new PeerReport(BenchKernels.Paired, 2, 3,
        [
            new PeerModelResult("lstm", [1.0, 1.0, 1.0], [2.5, 2.5, 2.5], [0.4, 0.4, 0.4], 0.4, 0.5, 0.5),
            new PeerModelResult("gru", [1.0, 1.0, 1.0], [2.5, 2.5, 1.8], [0.4, 0.4, 0.55], 0.4, 0.5, 0.5), // one pair over
        ]);
        var report = Report(Model("lstm", 2.0, 0.6, 600, 600, 600), Model("gru", 1.5, 0.6, 600, 600, 600)) with { Peer = peer };
        var checks = BenchmarkTargets.Check(report).Where(c => c.Target.Contains("libtorch")).ToDictionary(c => c.Target[..c.Target.IndexOf(':')]);
        Assert.True(checks["lstm"].Met);
        Assert.Equal("0.40", checks["lstm"].Measured);
        Assert.False(checks["gru"].Met);
        Assert.Equal("0.55", checks["gru"].Measured); // the worst pair, which the target judges
    }

    // The profile's "cores at once" figure: a thread count below one is refused before any work, and two threads meet at
    // the barrier, finish and report a finite rate within the deadline instead of hanging or throwing.
    [Fact]
    public void Step_products_refuse_zero_threads_and_measure_on_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ThroughputBenchmark.MeasureStepProducts(RnnHelpers.Models.RecurrentKind.Lstm, 28, 64, 64, threads: 0));
        double one = ThroughputBenchmark.MeasureStepProducts(RnnHelpers.Models.RecurrentKind.Lstm, 28, 64, 64, threads: 1, seconds: 0.05);
        double two = ThroughputBenchmark.MeasureStepProducts(RnnHelpers.Models.RecurrentKind.Lstm, 28, 64, 64, threads: 2, seconds: 0.05);
        Assert.True(one > 0 && two > 0 && double.IsFinite(two), $"one thread {one}, two {two} GFLOP/s");
    }
}
