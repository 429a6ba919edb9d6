using MathNet.Numerics.Distributions;

namespace RnnHelpers.Results;

/// <summary>Mean, standard deviation and a two-sided 95% Student-t interval of a sample (for unbounded quantities such as differences and seconds).</summary>
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
}
