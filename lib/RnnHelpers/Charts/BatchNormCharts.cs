using Plotly.NET;
using RnnHelpers.Results;
using RnnHelpers.Studies;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts of notebook 06: how batch normalisation's moving averages and the population statistics part.</summary>
public static class BatchNormCharts
{
    /// <summary>Test accuracy every few batches under both evaluations, against training steps.</summary>
    public static GenericChart AccuracyAlongTraining(IReadOnlyList<ProbePoint> points, string model)
    {
        var steps = points.Select(p => p.Step).ToArray();
        return CS.Chart.Combine(
            [
                CS.Chart.Line<int, double, string>(steps, points.Select(p => 100 * p.TestAccuracyMoving), Name: "moving averages (the article's)", ShowMarkers: true),
                CS.Chart.Line<int, double, string>(steps, points.Select(p => 100 * p.TestAccuracyRecomputed), Name: "recomputed population statistics", ShowMarkers: true),
            ])
            .Titled($"{model}: test accuracy during training, measured every {(points.Count > 1 ? points[1].Step - points[0].Step : 0)} batches")
            .Axes("training step (batches)", "test accuracy (%)")
            .Sized(900, 450);
    }

    /// <summary>
    /// log2 of moving variance / population variance for every hidden unit (rows) at every probe (columns): 0 (white) where
    /// the moving average is right, +1 (red) where it is twice the population's, −1 (blue) where half; clipped to
    /// ±<paramref name="clip"/> so that the first steps, where the moving variance still holds its initial 1, do not wash
    /// out the rest of training.
    /// </summary>
    public static GenericChart VarianceRatio(IReadOnlyList<ProbePoint> points, string model, double clip = 2)
    {
        if (points.Count == 0)
            return CS.Chart.Point<int, int, string>([], [], Name: "").Titled($"{model}: no measurements (train longer or probe more often)");
        int units = points[0].MovingVariance.Length;
        var z = Enumerable.Range(0, units)
            .Select(u => points.Select(p => Math.Clamp(Math.Log2(p.MovingVariance[u] / Math.Max(p.PopulationVariance[u], 1e-12)), -clip, clip)).ToArray())
            .ToArray();
        var steps = points.Select(p => p.Step.ToString()).ToArray();
        var unitNames = Enumerable.Range(0, units).Select(u => $"unit {u}").ToArray();
        return CS.Chart.Heatmap<double, string, string, string>(z, X: ChartStyle.Some(steps), Y: ChartStyle.Some(unitNames),
                ColorScale: StyleParam.Colorscale.RdBu, ReverseScale: false, ZSmooth: StyleParam.SmoothAlg.False)
            .ColourRange(-clip, clip)
            .Titled($"{model}: log2(moving variance / population variance) per hidden unit, clipped to ±{clip:0.#}")
            .Axes("training step (batches)", "hidden unit")
            .Sized(900, 620);
    }

    /// <summary>
    /// Distribution of h_T values (all units pooled) over the training subset and over the test set, as densities over
    /// <paramref name="bins"/> equal bins of [−1, 1] (h_T is a tanh output, or an output gate times one): binned here so
    /// the chart carries 2 × bins numbers, not every value.
    /// </summary>
    public static GenericChart HiddenStateDistribution(float[] train, float[] test, string model, int bins = 80)
    {
        double width = 2.0 / bins;
        var centres = Enumerable.Range(0, bins).Select(b => -1 + (b + 0.5) * width).ToArray();
        double[] Density(float[] values)
        {
            var counts = new double[bins];
            foreach (var v in values)
                counts[Math.Clamp((int)Math.Floor((v + 1) / width), 0, bins - 1)]++;
            return counts.Select(c => values.Length == 0 ? 0 : c / (values.Length * width)).ToArray();
        }
        return CS.Chart.Combine(
            [
                CS.Chart.Line<double, double, string>(centres, Density(train), Name: $"training subset ({train.Length:N0} values)"),
                CS.Chart.Line<double, double, string>(centres, Density(test), Name: $"test set ({test.Length:N0} values)"),
            ])
            .Titled($"{model}: h_T after training, all hidden units pooled")
            .Axes("h_T value", "density")
            .Sized(800, 420);
    }

    /// <summary>Per model: median epoch-to-epoch swing of test accuracy under both measures (percentage points).</summary>
    public static GenericChart SwingByModel(IReadOnlyList<SwingStatistics> swings)
    {
        var models = swings.Select(s => s.Model).ToArray();
        return CS.Chart.Combine(
            [
                CS.Chart.Column<double, string, string>(swings.Select(s => 100 * s.MedianSwingMoving), Keys: ChartStyle.Some(models), Name: "moving averages"),
                CS.Chart.Column<double, string, string>(swings.Select(s => 100 * s.MedianSwingRecomputed), Keys: ChartStyle.Some(models), Name: "recomputed BN"),
            ])
            .Titled("Median over runs of the mean absolute change of test accuracy from one epoch to the next")
            .Axes("model", "swing (percentage points)")
            .Sized(700, 420);
    }
}
