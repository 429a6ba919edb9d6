using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Results;
using static RnnHelpers.Charts.SequenceCharts;

namespace RnnHelpers.Studies;

/// <summary>Tables and computed statements of the long-sequence study, from its stored runs and gradient-flow records.</summary>
public static class LongSequenceFindings
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Median test accuracy (%) and the range over seeds, [smallest, largest], per model and T, for each variant.</summary>
    public static TextTable AccuracyTable(IEnumerable<SequenceRun> runs)
    {
        var all = runs.ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var setting in all.GroupBy(r => (r.Point.Variant, r.Point.TimeSteps)).OrderBy(g => g.Key.Variant).ThenBy(g => g.Key.TimeSteps))
        {
            var row = new List<string> { VariantName(setting.Key.Variant), setting.Key.TimeSteps.ToString(Inv), (784 / setting.Key.TimeSteps).ToString(Inv) };
            foreach (var kind in RecurrentKinds.All)
            {
                var accuracies = setting.Where(r => r.Point.Kind == kind).Select(r => 100 * r.Accuracy).ToList();
                row.Add(accuracies.Count == 0 ? "" : $"{Median(accuracies).ToString("F1", Inv)} [{accuracies.Min().ToString("F1", Inv)}, {accuracies.Max().ToString("F1", Inv)}] (n={accuracies.Count})");
            }
            rows.Add(row);
        }
        return new TextTable("Test accuracy %: median [smallest, largest] over seeds", ["pixel order", "T", "pixels per step", "simple-rnn", "lstm", "gru"], rows);
    }

    /// <summary>Applies the rule of <see cref="LongSequenceVerdict.Rule"/> with the given threshold to the row-major runs.</summary>
    public static LongSequenceVerdict Verdict(IEnumerable<SequenceRun> runs, double thresholdPoints = 5)
    {
        var rowMajor = runs.Where(r => r.Point.Variant == SequenceVariant.RowMajor).ToList();
        var gaps = new List<GapAtSteps>();
        foreach (var atSteps in rowMajor.GroupBy(r => r.Point.TimeSteps).OrderBy(g => g.Key))
        {
            var simple = atSteps.Where(r => r.Point.Kind == RecurrentKind.SimpleRnn).ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy);
            var gated = new[] { RecurrentKind.Lstm, RecurrentKind.Gru }
                .Select(k => (Kind: k, Runs: atSteps.Where(r => r.Point.Kind == k).ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy)))
                .Where(g => g.Runs.Count > 0).ToList();
            if (simple.Count == 0 || gated.Count == 0)
                continue;
            var better = gated.MaxBy(g => Median(g.Runs.Values))!;
            var paired = simple.Keys.Intersect(better.Runs.Keys).Select(seed => better.Runs[seed] - simple[seed]).ToList();
            if (paired.Count == 0)
                continue;
            double median = Median(paired);
            gaps.Add(new GapAtSteps(atSteps.Key, better.Kind, Median(simple.Values), Median(better.Runs.Values), median, paired.Min(), paired.Max(), paired.Count,
                Behind: median >= thresholdPoints && paired.All(d => d > 0)));
        }
        int? from = null;
        for (int i = gaps.Count - 1; i >= 0 && gaps[i].Behind; i--)
            from = gaps[i].TimeSteps;
        return new LongSequenceVerdict(thresholdPoints, gaps, from);
    }

    /// <summary>The permuted task against the row-major one at the same T, per model: medians and paired differences, in one sentence each.</summary>
    public static string PermutedSummary(IEnumerable<SequenceRun> runs)
    {
        var all = runs.ToList();
        var permuted = all.Where(r => r.Point.Variant == SequenceVariant.Permuted).ToList();
        if (permuted.Count == 0)
            return "No permuted runs.";
        int steps = permuted[0].Point.TimeSteps;
        var parts = new List<string>();
        foreach (var kind in RecurrentKinds.All)
        {
            var p = permuted.Where(r => r.Point.Kind == kind).ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy);
            var o = all.Where(r => r.Point.Kind == kind && r.Point.Variant == SequenceVariant.RowMajor && r.Point.TimeSteps == steps)
                .ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy);
            if (p.Count == 0) continue;
            var d = p.Keys.Intersect(o.Keys).Select(s => p[s] - o[s]).ToList();
            parts.Add($"{kind.Id()} {Median(p.Values).ToString("F1", Inv)}% permuted" +
                (d.Count == 0 ? "" : $" against {Median(o.Values).ToString("F1", Inv)}% in row order (paired difference: median {Signed(Median(d))}, from {Signed(d.Min())} to {Signed(d.Max())} points)"));
        }
        return $"At T = {steps}, median test accuracy: " + string.Join("; ", parts) + ".";
    }

    /// <summary>LSTM with against without the forget-gate bias of 1 at each T where both were trained: medians and the paired difference.</summary>
    public static TextTable ForgetBiasTable(IEnumerable<SequenceRun> runs)
    {
        var all = runs.ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var without in all.Where(r => r.Point.Variant == SequenceVariant.NoForgetBias).GroupBy(r => r.Point.TimeSteps).OrderBy(g => g.Key))
        {
            var w = all.Where(r => r.Point.Kind == RecurrentKind.Lstm && r.Point.Variant == SequenceVariant.RowMajor && r.Point.TimeSteps == without.Key)
                .ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy);
            var n = without.ToDictionary(r => r.Point.Seed, r => 100 * r.Accuracy);
            var d = w.Keys.Intersect(n.Keys).Select(s => w[s] - n[s]).ToList();
            rows.Add([without.Key.ToString(Inv),
                w.Count == 0 ? "" : Median(w.Values).ToString("F1", Inv), Median(n.Values).ToString("F1", Inv),
                d.Count == 0 ? "" : Signed(Median(d)), d.Count == 0 ? "" : $"{Signed(d.Min())} to {Signed(d.Max())}",
                d.Count == 0 ? "" : $"{d.Count(x => x > 0)} of {d.Count}"]);
        }
        return new TextTable("LSTM: forget-gate bias 1 against 0 (test accuracy %, differences in points, paired by seed)",
            ["T", "bias 1: median", "bias 0: median", "difference: median", "difference: range", "seeds where bias 1 is ahead"], rows);
    }

    /// <summary>Per model: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialisation and trained, and the step from which back the norm is under 1% of its value at T.</summary>
    public static TextTable GradientTable(IEnumerable<GradientFlowRecord> flows) => new(
        "Gradient reaching the first step, relative to the last (mean ‖∂L/∂h_1‖ / mean ‖∂L/∂h_T‖)",
        ["model", "T", "images", "ratio at initialisation", "ratio trained", "steps back to 1% (initialisation)", "steps back to 1% (trained)", "trained test accuracy %"],
        flows.OrderBy(f => RecurrentKinds.SortOrder(f.Model)).Select(f => (IReadOnlyList<string>)[
            f.Model, f.TimeSteps.ToString(Inv), f.Images.ToString(Inv),
            GradientFlowRecord.FirstToLast(f.Initial).ToString("0.00E+0", Inv), GradientFlowRecord.FirstToLast(f.Trained).ToString("0.00E+0", Inv),
            StepsBackTo(f.Initial, 0.01), StepsBackTo(f.Trained, 0.01), (100 * f.TrainedTestAccuracy).ToString("F1", Inv)]).ToList());

    /// <summary>Seconds per training epoch, median over the runs of each model and setting (each run's epochs after the first, which includes warm-up).</summary>
    public static TextTable TimingTable(IEnumerable<SequenceRun> runs)
    {
        var all = runs.ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var setting in all.GroupBy(r => (r.Point.Variant, r.Point.TimeSteps)).OrderBy(g => g.Key.Variant).ThenBy(g => g.Key.TimeSteps))
        {
            var row = new List<string> { VariantName(setting.Key.Variant), setting.Key.TimeSteps.ToString(Inv) };
            foreach (var kind in RecurrentKinds.All)
            {
                var seconds = setting.Where(r => r.Point.Kind == kind).Select(r => EpochSeconds(r.Record)).ToList();
                row.Add(seconds.Count == 0 ? "" : Median(seconds).ToString("F2", Inv));
            }
            rows.Add(row);
        }
        var images = all.Select(r => r.Record.TrainCount).DefaultIfEmpty(0).Max();
        return new TextTable($"Seconds per training epoch of {images:N0} images (median over seeds)", ["pixel order", "T", "simple-rnn", "lstm", "gru"], rows);
    }

    /// <summary>Median seconds of a run's epochs after the first (all of them when there is only one).</summary>
    public static double EpochSeconds(RunRecord run) =>
        Median((run.History.Count > 1 ? run.History.Skip(1) : run.History).Select(e => e.Seconds));

    /// <summary>How many steps back from T the mean norm first falls below <paramref name="fraction"/> of its value at T ("none" if never).</summary>
    public static string StepsBackTo(double[] norms, double fraction)
    {
        for (int t = norms.Length - 1; t >= 0; t--)
            if (norms[t] < fraction * norms[^1])
                return (norms.Length - 1 - t).ToString(Inv);
        return "never";
    }

    private static string VariantName(SequenceVariant variant) => variant switch
    {
        SequenceVariant.Permuted => "permuted",
        SequenceVariant.NoForgetBias => "row-major, LSTM forget-gate bias 0",
        _ => "row-major",
    };

    private static string Signed(double points) => points.ToString("+0.0;-0.0;0.0", Inv);
}
