using Microsoft.FSharp.Core;
using Plotly.NET;
using RnnHelpers.Models;
using RnnHelpers.Results;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts that compare models across runs and seeds.</summary>
public static class ComparisonCharts
{
    /// <summary>
    /// Test accuracy per epoch under one measure: each seed as a thin, faint line, and the median over seeds as a thick
    /// line with markers on top (a median stays within the data, unlike a mean ± sd band on a bounded quantity).
    /// </summary>
    public static GenericChart AccuracyPerEpoch(IEnumerable<RunRecord> runs, AccuracyMeasure measure = AccuracyMeasure.MovingAverages, string? title = null)
    {
        var charts = new List<GenericChart>();
        var measured = runs.Select(r => RunMeasures.Of(r, measure)).OfType<RunMeasures>().ToList();
        foreach (var group in measured.GroupBy(r => r.Run.Model).OrderBy(g => RecurrentKinds.SortOrder(g.Key)))
        {
            var colour = ChartStyle.ColourOf(group.Key);
            var faint = Color.fromString(ChartStyle.HexOf(group.Key) + "40");
            int epochs = group.Min(r => r.Accuracy.Count);
            var x = Enumerable.Range(1, epochs).ToArray();
            foreach (var run in group.OrderBy(r => r.Run.Seed))
                charts.Add(CS.Chart.Line<int, double, string>(x, run.Accuracy.Take(epochs).Select(a => 100 * a).ToArray(),
                    ShowLegend: false, LineColor: faint, LineWidth: 1.0, Name: $"{group.Key} seed {run.Run.Seed}"));
            var median = x.Select(e => 100 * RunStatistics.Median(group.Select(r => r.Accuracy[e - 1]))).ToArray();
            charts.Add(CS.Chart.Line<int, double, string>(x, median, Name: $"{group.Key}: median of {group.Count()} seeds", ShowMarkers: true,
                LineColor: colour, LineWidth: 3.0));
        }
        return CS.Chart.Combine(charts)
            .Titled(title ?? $"Test accuracy per epoch, {measure.ShortName()}: each seed thin, median thick")
            .Axes("epoch", "test accuracy (%)")
            .Sized(900, 500);
    }

    /// <summary>Final test accuracy against parameter count: per model the median over seeds, with the range as an error bar.</summary>
    public static GenericChart AccuracyAgainstParameters(RunStatistics stats)
    {
        var charts = stats.Models.Select(m =>
        {
            double median = 100 * m.FinalMedian;
            var chart = CS.Chart.Point<long, double, string>([m.Parameters], [median], Name: m.Model,
                MarkerColor: ChartStyle.ColourOf(m.Model), Text: $"{m.Model}: {m.Parameters:N0} parameters");
            // F# optional parameters: null is None.
            var error = Plotly.NET.TraceObjects.Error.init<double, double>(
                FSharpOption<bool>.Some(true), FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data), FSharpOption<bool>.Some(false),
                FSharpOption<IEnumerable<double>>.Some([100 * m.Final.Max() - median]), FSharpOption<IEnumerable<double>>.Some([median - 100 * m.Final.Min()]),
                null, null, null, null, null, null, null, null, null, null);
            return Plotly.NET.Chart.withYError(error).Invoke(chart);
        }).ToList();
        return CS.Chart.Combine(charts)
            .Titled($"Final test accuracy ({stats.Measure.ShortName()}) against parameter count: median, bar = range over seeds")
            .Axes("parameters (Keras count)", "final test accuracy (%)")
            .Sized(700, 450);
    }
}
