using RnnHelpers.Results;
using RnnHelpers.Statistics;

namespace RnnHelpers.Tests;

public class StatisticsTests
{
    [Theory]
    // Clopper-Pearson 95% limits: k = 0 and k = n have closed forms, 1 − (α/2)^(1/n) and (α/2)^(1/n); the others found
    // independently by bisection on the binomial CDF, P(X ≤ k | p_U) = 0.025 and P(X ≥ k | p_L) = 0.025.
    [InlineData(0, 20, 0.0, 0.168433)]
    [InlineData(20, 20, 0.831567, 1.0)]
    [InlineData(12, 20, 0.360543, 0.808810)]
    [InlineData(1, 3, 0.008404, 0.905701)]
    public void Clopper_Pearson_limits_match_the_beta_quantiles(int k, int n, double low, double high)
    {
        var r = BinomialRate.Of(k, n);
        Assert.Equal(low, r.Low, 5);
        Assert.Equal(high, r.High, 5);
        Assert.InRange(r.Low, 0, r.Rate);
        Assert.InRange(r.High, r.Rate, 1);
    }

    [Fact]
    public void Bad_counts_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BinomialRate.Of(4, 3));
        Assert.Contains("4 of 3", e.Message);
    }

    [Fact]
    public void Sign_flip_p_values_are_exact()
    {
        Assert.Equal(0.25, SignFlipTest.PValue([1, 2, 3]));           // only all-plus and all-minus reach |6|
        Assert.Equal(1.0, SignFlipTest.PValue([1, -1]));               // |sum| = 0: every pattern is as extreme
        Assert.Equal(0.75, SignFlipTest.PValue([1, -1, 2]));           // |sums| 4, 2, 2, 0 and negatives: 6 of 8 reach 2
        Assert.Equal(2.0 / 32, SignFlipTest.PValue([0.5, 0.1, 0.2, 0.3, 0.4]));
        Assert.Equal(2.0 / 16, SignFlipTest.PValue([3, 1, 1, 1]));   // |±3 ± 1 ± 1 ± 1| reaches 6 only with all signs alike
        Assert.Equal(2.0 / 32, SignFlipTest.SmallestPValue(5));
        Assert.Equal(0.25, SignFlipTest.SmallestPValue(3));
        Assert.Throws<ArgumentException>(() => SignFlipTest.PValue([]));
        Assert.Throws<ArgumentException>(() => SignFlipTest.PValue([double.NaN]));
    }

    [Fact]
    public void A_prediction_interval_for_accuracy_never_leaves_0_to_1()
    {
        var pi = PredictionInterval.ForAccuracy([0.999, 0.95, 0.60, 0.99]);
        Assert.InRange(pi.Low, 0, 0.60);
        Assert.InRange(pi.High, 0.999, 1);
        Assert.True(pi.High < 1);
        // On the logit scale it is the usual t interval with √(1 + 1/n).
        var x = new[] { 0.9, 0.92, 0.94 };
        var logits = x.Select(a => Math.Log(a / (1 - a))).ToArray();
        double m = logits.Average(), s = Math.Sqrt(logits.Sum(v => (v - m) * (v - m)) / 2), half = 4.302653 * s * Math.Sqrt(1 + 1 / 3.0);
        var p = PredictionInterval.ForAccuracy(x);
        Assert.Equal(1 / (1 + Math.Exp(-(m - half))), p.Low, 5);
        Assert.Equal(1 / (1 + Math.Exp(-(m + half))), p.High, 5);
    }

    [Fact]
    public void Bootstrap_interval_of_a_mean_stays_inside_the_data()
    {
        var values = new[] { 0.96, 0.95, 0.86, 0.97, 0.96 };
        var (low, high) = PercentileBootstrap.MeanInterval(values);
        Assert.InRange(low, values.Min(), values.Average());
        Assert.InRange(high, values.Average(), values.Max());
        Assert.Equal((low, high), PercentileBootstrap.MeanInterval(values)); // fixed generator seed
    }

    [Fact]
    public void Paired_comparison_matches_hand_computed_values()
    {
        // differences 0.01, 0.02, 0.00: mean 0.01, sd 0.01, t(0.975, 2) = 4.302653, t(0.80, 2) = 1.060660
        var c = PairedComparison.Of("lstm", "gru", [1, 2, 3], [0.01, 0.02, 0.00]);
        Assert.Equal(0.01, c.Mean, 12);
        Assert.Equal(0.01, c.StandardDeviation, 12);
        Assert.Equal(0.01 - 4.302653 * 0.01 / Math.Sqrt(3), c.Low, 6);
        Assert.Equal((4.302653 + 1.060660) * 0.01 / Math.Sqrt(3), c.DetectableDifference, 5);
        Assert.Equal(0.5, c.PValue); // |±0.01 ± 0.02 ± 0| reaches 0.03 in 4 of 8 patterns (the zero's sign is free)
    }
}
