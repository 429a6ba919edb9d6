using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Benchmarks;

/// <summary>
/// The performance targets of the project, checked against a <see cref="BenchmarkReport"/>: a share of the SGEMM
/// peak per model (measured in the same run), the article setting (3 models × 10 epochs) within a minute, at least twice the
/// throughput of libtorch's own modules in paired runs, and flat memory under 800 MB. The PyTorch 1.13 peer
/// (bench/peers/paired.sh) is checked in its own table.
/// </summary>
public static class BenchmarkTargets
{
    /// <summary>Seconds the article setting may take: 3 models × 10 epochs with evaluation, estimated from median epochs.</summary>
    public const double ProtocolSeconds = 60;

    /// <summary>Largest peak resident set size of the process, MB.</summary>
    public const double PeakRssMegabytes = 800;

    /// <summary>Largest change of RSS from after epoch 2 to after the last epoch, as a fraction (flat memory).</summary>
    public const double RssDrift = 0.10;

    /// <summary>Largest fused ÷ stock time ratio: the fused kernels at least twice as fast as libtorch's modules.</summary>
    public const double PeerRatio = 0.5;

    /// <summary>Share of the SGEMM peak every model should reach when images are read other than as the article's 28 rows (e.g. 784 steps of one pixel).</summary>
    public const double LongSequenceShare = 0.40;

    /// <summary>
    /// Share of the SGEMM peak a model should reach in the article setting (28 time steps): the LSTM has four gates' worth
    /// of matrix products per step to amortise its element-wise work over, the GRU three, the SimpleRNN one.
    /// </summary>
    public static double PeakShare(RecurrentKind kind) => Shares[kind];

    private static readonly IReadOnlyDictionary<RecurrentKind, double> Shares = new Dictionary<RecurrentKind, double>
    {
        [RecurrentKind.SimpleRnn] = 0.40,
        [RecurrentKind.Lstm] = 0.60,
        [RecurrentKind.Gru] = 0.55,
    };

    /// <summary>10 epochs of every model with evaluation, seconds, estimated from the run's median epochs.</summary>
    public static double ProtocolEstimate(BenchmarkReport report) => report.Models.Sum(m => 10 * (m.MedianEpochSeconds + m.EvalSeconds));

    /// <summary>Every target that applies to <paramref name="report"/>: what it asks, the measured figure, and whether it is met.</summary>
    public static IReadOnlyList<TargetCheck> Check(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var checks = new List<TargetCheck>();
        bool article = report.TimeSteps == RunKey.DefaultTimeSteps;
        foreach (var m in report.Models)
        {
            double share = !article ? LongSequenceShare : RecurrentKinds.TryParse(m.Model) is { } kind ? PeakShare(kind) : LongSequenceShare;
            checks.Add(new($"{m.Model}: at least {share * 100:F0}% of the SGEMM peak", $"{(100 * m.ShareOfSgemmPeak).ToString("F1", inv)}%", m.ShareOfSgemmPeak >= share));
        }
        foreach (var p in report.Peer?.Models.Where(p => p.Ratios.Count > 0) ?? [])
            checks.Add(new($"{p.Model}: fused ÷ libtorch time at most {PeerRatio.ToString("0.0#", inv)} in every pair (worst of {p.Ratios.Count} shown)",
                p.Ratios.Max().ToString("F2", inv), p.Ratios.All(r => r <= PeerRatio)));
        if (article && report.Models.Count == 3)
        {
            double protocol = ProtocolEstimate(report);
            checks.Add(new($"article setting (3 models × 10 epochs, with evaluation) within {ProtocolSeconds:F0} s", $"{protocol.ToString("F0", inv)} s (estimate)", protocol <= ProtocolSeconds));
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

    /// <summary><see cref="Check"/> as a table: target, measured, met.</summary>
    public static TextTable Table(BenchmarkReport report) =>
        new("Targets", ["target", "measured", "met"],
            Check(report).Select(c => (IReadOnlyList<string>)[c.Target, c.Measured, c.Met ? "yes" : "no"]).ToList());
}
