using MathNet.Numerics.Distributions;

namespace RnnHelpers.Statistics;

/// <summary>
/// Model A against model B, paired by seed (the same seed gives both the same data order): the differences A − B
/// (fractions of accuracy), their mean with a 95% Student-t interval, the exact sign-flip p-value, and the smallest
/// true mean difference a two-sided paired t-test at α = 0.05 detects with 80% power given the observed spread,
/// (t(0.975, n−1) + t(0.80, n−1))·s/√n (the usual approximation to the noncentral-t power calculation).
/// </summary>
public sealed record PairedComparison(string ModelA, string ModelB, IReadOnlyList<int> Seeds, IReadOnlyList<double> Differences,
    double Mean, double StandardDeviation, double Low, double High, double PValue, double DetectableDifference)
{
    /// <summary>Number of seeds paired, n.</summary>
    public int Pairs => Differences.Count;

    /// <summary>Throws <see cref="ArgumentException"/> when seeds and differences differ in length or there are none.</summary>
    public static PairedComparison Of(string modelA, string modelB, IReadOnlyList<int> seeds, IReadOnlyList<double> differences)
    {
        int n = differences.Count;
        if (n == 0 || seeds.Count != n)
            throw new ArgumentException($"Need one seed per difference and at least one pair; got {seeds.Count} seeds and {n} differences.", nameof(differences));
        double mean = differences.Average();
        if (n == 1)
            return new PairedComparison(modelA, modelB, seeds, differences, mean, double.NaN, double.NaN, double.NaN, 1, double.NaN);
        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        double t = StudentT.InvCDF(0, 1, n - 1, 0.975);
        double half = t * sd / Math.Sqrt(n);
        double detectable = (t + StudentT.InvCDF(0, 1, n - 1, 0.80)) * sd / Math.Sqrt(n);
        double p = n <= SignFlipTest.MaxPairs ? SignFlipTest.PValue(differences) : double.NaN;
        return new PairedComparison(modelA, modelB, seeds, differences, mean, sd, mean - half, mean + half, p, detectable);
    }
}
