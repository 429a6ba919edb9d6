using MathNet.Numerics.Distributions;

namespace RnnHelpers.Statistics;

/// <summary>
/// A 95% prediction interval for one more run's accuracy (a fraction in (0, 1)) from n ≥ 2 runs: the Student-t interval
/// m ± t(0.975, n−1)·s·√(1 + 1/n) computed on the logit scale, log(a/(1−a)), and mapped back, so it never leaves (0, 1)
/// and is asymmetric where accuracy is near a bound. Accuracies of exactly 0 or 1 are clipped to 1e-6 from the bound.
/// </summary>
public sealed record PredictionInterval(int Runs, double Low, double High)
{
    /// <summary>The interval for accuracies given as fractions; NaN bounds for fewer than two runs.</summary>
    public static PredictionInterval ForAccuracy(IReadOnlyList<double> accuracies, double confidence = 0.95)
    {
        int n = accuracies.Count;
        if (n < 2)
            return new PredictionInterval(n, double.NaN, double.NaN);
        var logits = accuracies.Select(a => Logit(Math.Clamp(a, 1e-6, 1 - 1e-6))).ToArray();
        double mean = logits.Average();
        double sd = Math.Sqrt(logits.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double half = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - confidence) / 2) * sd * Math.Sqrt(1 + 1.0 / n);
        return new PredictionInterval(n, Logistic(mean - half), Logistic(mean + half));
    }

    /// <summary>True when <paramref name="value"/> (a fraction) lies within [Low, High].</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    private static double Logit(double p) => Math.Log(p / (1 - p));
    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
