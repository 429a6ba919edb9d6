using Plotly.NET;
using RnnHelpers.Evaluation;
using RnnHelpers.Results;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts of one run: learning curves and the confusion matrix.</summary>
public static class TrainingCharts
{
    /// <summary>Loss and accuracy per epoch, train and test, side by side.</summary>
    public static GenericChart Curves(RunRecord run)
    {
        var epochs = run.History.Select(e => e.Epoch).ToArray();
        var loss = CS.Chart.Combine(
        [
            CS.Chart.Line<int, double, string>(epochs, run.History.Select(e => e.TrainLoss), Name: "train loss", ShowMarkers: true),
            CS.Chart.Line<int, double, string>(epochs, run.History.Select(e => e.TestLoss), Name: "test loss", ShowMarkers: true),
        ]).Axes("epoch", "cross-entropy");
        var accuracy = CS.Chart.Combine(
        [
            CS.Chart.Line<int, double, string>(epochs, run.History.Select(e => 100 * e.TrainAccuracy), Name: "train accuracy %", ShowMarkers: true),
            CS.Chart.Line<int, double, string>(epochs, run.History.Select(e => 100 * e.TestAccuracy), Name: "test accuracy %", ShowMarkers: true),
        ]).Axes("epoch", "accuracy (%)");
        return CS.Chart.Grid([loss, accuracy], 1, 2, SubPlotTitles: new[] { "Loss", "Accuracy" }, XGap: 0.15)
            .Titled($"{run.Model} on {run.Dataset}: learning curves (seed {run.Seed})")
            .Sized(1000, 420);
    }

    /// <summary>Counts of true (rows) against predicted (columns) classes.</summary>
    public static GenericChart Confusion(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string title)
    {
        int n = matrix.Classes;
        var z = Enumerable.Range(0, n).Select(t => Enumerable.Range(0, n).Select(p => matrix.Counts[t, p]).ToArray()).ToArray();
        var text = z.Select(row => row.Select(v => v.ToString()).ToArray()).ToArray();
        // White to a mid blue, not a dark end: the counts are printed in the chart's dark font on
        // every cell, and on the diagonal's darkest colour they could not be read.
        var scale = StyleParam.Colorscale.NewCustom(new[] { Tuple.Create(0.0, Color.fromString("#ffffff")), Tuple.Create(0.02, Color.fromString("#e3eef9")), Tuple.Create(1.0, Color.fromString("#6baed6")) });
        return CS.Chart.AnnotatedHeatmap<int, string, string, string>(z, text, X: ChartStyle.Some(classNames), Y: ChartStyle.Some(classNames),
                ColorScale: scale, ReverseYAxis: true)
            .Titled(title)
            .Axes("predicted", "true")
            .Sized(620, 560);
    }
}
