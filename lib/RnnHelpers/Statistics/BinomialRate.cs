using MathNet.Numerics.Distributions;

namespace RnnHelpers.Statistics;

/// <summary>
/// A rate k/n with its exact (Clopper-Pearson) two-sided interval: the Beta quantiles
/// [Beta(α/2; k, n−k+1), Beta(1−α/2; k+1, n−k)], 0 and 1 at the ends. Never leaves [0, 1].
/// Clopper and Pearson (1934), Biometrika 26(4).
/// </summary>
public sealed record BinomialRate(int Successes, int Trials, double Low, double High)
{
    /// <summary>k / n, a fraction; NaN for no trials.</summary>
    public double Rate => Trials == 0 ? double.NaN : Successes / (double)Trials;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ k ≤ n and 0 &lt; confidence &lt; 1.</summary>
    public static BinomialRate Of(int successes, int trials, double confidence = 0.95)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"Need 0 <= successes <= trials; got {successes} of {trials}.");
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in (0, 1).");
        if (trials == 0)
            return new BinomialRate(0, 0, 0, 1);
        double alpha = 1 - confidence;
        double low = successes == 0 ? 0 : Beta.InvCDF(successes, trials - successes + 1, alpha / 2);
        double high = successes == trials ? 1 : Beta.InvCDF(successes + 1, trials - successes, 1 - alpha / 2);
        return new BinomialRate(successes, trials, low, high);
    }
}
