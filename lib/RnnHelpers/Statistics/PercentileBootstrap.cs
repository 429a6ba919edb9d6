namespace RnnHelpers.Statistics;

/// <summary>
/// Percentile bootstrap interval of a sample's mean (Efron and Tibshirani 1993, ch. 13): resample the values with
/// replacement <see cref="Resamples"/> times with a fixed generator seed, take the 2.5th and 97.5th percentiles of the
/// resampled means. It stays inside the range of the data, so it never crosses a bound the data respect.
/// </summary>
public static class PercentileBootstrap
{
    /// <summary>Bootstrap resamples per interval.</summary>
    public const int Resamples = 10_000;
    /// <summary>Seed of the resampling generator, so an interval is the same on every run.</summary>
    public const int Seed = 20_260_101;

    /// <summary>(low, high) of the interval; NaN for fewer than two values.</summary>
    public static (double Low, double High) MeanInterval(IReadOnlyList<double> values, double confidence = 0.95)
    {
        int n = values.Count;
        if (n < 2)
            return (double.NaN, double.NaN);
        var random = new Random(Seed);
        var means = new double[Resamples];
        for (int b = 0; b < Resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += values[random.Next(n)];
            means[b] = sum / n;
        }
        Array.Sort(means);
        double tail = (1 - confidence) / 2;
        return (Quantile(means, tail), Quantile(means, 1 - tail));
    }

    /// <summary>Linear-interpolation quantile (type 7) of sorted values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
