using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Benchmarks;

/// <summary>
/// The performance targets of the project (share of the SGEMM peak per model, the whole article protocol
/// in 90 s, flat memory under 1.2 GB) checked against a <see cref="BenchmarkReport"/>. The comparison
/// with PyTorch needs the paired runs of bench/peers/paired.sh and is checked there.
/// </summary>
public static class BenchmarkTargets
{
    public const double ProtocolSeconds = 90;
    public const double PeakRssMegabytes = 1200;
    public const double RssDrift = 0.10;

    /// <summary>Share of the SGEMM peak a model should reach: the LSTM has four gates' worth of GEMM per step, the others less.</summary>
    public static double PeakShare(RecurrentKind kind) => kind == RecurrentKind.Lstm ? 0.40 : 0.25;

    /// <summary>10 epochs of every model with evaluation, estimated from the run's median epochs.</summary>
    public static double ProtocolEstimate(BenchmarkReport report) => report.Models.Sum(m => 10 * (m.MedianEpochSeconds + m.EvalSeconds));

    public static IReadOnlyList<TargetCheck> Check(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var checks = new List<TargetCheck>();
        foreach (var m in report.Models)
        {
            double share = RecurrentKinds.TryParse(m.Model) is { } kind ? PeakShare(kind) : 0.25;
            checks.Add(new($"{m.Model}: at least {share * 100:F0}% of the SGEMM peak", $"{(100 * m.ShareOfSgemmPeak).ToString("F1", inv)}%", m.ShareOfSgemmPeak >= share));
        }
        if (report.Models.Count == 3)
        {
            double protocol = ProtocolEstimate(report);
            checks.Add(new($"article protocol (3 models × 10 epochs, with evaluation) within {ProtocolSeconds:F0} s", $"{protocol.ToString("F0", inv)} s (estimate)", protocol <= ProtocolSeconds));
        }
        double peak = report.Models.Max(m => m.PeakRssMegabytes);
        checks.Add(new($"peak RSS at most {PeakRssMegabytes.ToString("N0", inv)} MB", $"{peak.ToString("N0", inv)} MB", peak <= PeakRssMegabytes));
        foreach (var m in report.Models.Where(m => m.RssAfterEpochMegabytes.Count >= 3))
        {
            double second = m.RssAfterEpochMegabytes[1], last = m.RssAfterEpochMegabytes[^1];
            double drift = (last - second) / second;
            checks.Add(new($"{m.Model}: RSS after the last epoch within {RssDrift * 100:F0}% of that after epoch 2",
                $"{Math.Round(100 * drift, 1).ToString("+0.0;-0.0;0.0", inv)}%", Math.Abs(drift) <= RssDrift));
        }
        return checks;
    }

    public static TextTable Table(BenchmarkReport report) =>
        new("Targets", ["target", "measured", "met"],
            Check(report).Select(c => (IReadOnlyList<string>)[c.Target, c.Measured, c.Met ? "yes" : "no"]).ToList());
}
