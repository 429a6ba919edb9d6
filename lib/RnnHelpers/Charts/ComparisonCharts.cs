using Plotly.NET;
using RnnHelpers.Models;
using RnnHelpers.Results;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts that compare models across runs and seeds.</summary>
public static class ComparisonCharts
{
    /// <summary>
    /// Test accuracy per epoch for each model: the mean over seeds as a line, a band of ±1 standard
    /// deviation when there are several seeds, and each seed's final accuracy as a dot.
    /// </summary>
    public static GenericChart AccuracyPerEpoch(IEnumerable<RunRecord> runs, string? title = null)
    {
        var charts = new List<GenericChart>();
        foreach (var group in runs.GroupBy(r => r.Model).OrderBy(g => RecurrentKinds.SortOrder(g.Key)))
        {
            var colour = ChartStyle.ColourOf(group.Key);
            int epochs = group.Min(r => r.History.Count);
            var x = Enumerable.Range(1, epochs).ToArray();
            var perEpoch = x.Select(e => Estimate.Of(group.Select(r => 100 * r.History[e - 1].TestAccuracy))).ToArray();
            var mean = perEpoch.Select(p => p.Mean).ToArray();
            string name = $"{group.Key} (n={group.Count()})";
            if (group.Count() > 1)
            {
                var upper = perEpoch.Select(p => p.Mean + p.StandardDeviation).ToArray();
                var lower = perEpoch.Select(p => p.Mean - p.StandardDeviation).ToArray();
                var band = Color.fromString(ChartStyle.ModelColours.GetValueOrDefault(group.Key, "#7f7f7f") + "33");
                // The band: an invisible lower edge, then the upper edge filled down to it; neither in the legend.
                charts.Add(CS.Chart.Line<int, double, string>(x, lower, ShowLegend: false, LineColor: band, LineWidth: 0.0));
                charts.Add(CS.Chart.Line<int, double, string>(x, upper, ShowLegend: false, LineColor: band, LineWidth: 0.0,
                    Fill: StyleParam.Fill.ToNext_y, FillColor: band));
                charts.Add(CS.Chart.Line<int, double, string>(x, mean, Name: name, ShowMarkers: true, LineColor: colour));
                var seedsX = group.Select(r => r.Epochs + 0.25).ToArray();
                var seedsY = group.Select(r => 100 * r.Summary.FinalTestAccuracy).ToArray();
                charts.Add(CS.Chart.Point<double, double, string>(seedsX, seedsY, Name: $"{group.Key}: each seed's final", MarkerColor: colour, Opacity: 0.7));
            }
            else
            {
                charts.Add(CS.Chart.Line<int, double, string>(x, mean, Name: name, ShowMarkers: true, LineColor: colour));
            }
        }
        return CS.Chart.Combine(charts)
            .Titled(title ?? "Test accuracy per epoch (mean ± 1 sd over seeds)")
            .Axes("epoch", "test accuracy (%)")
            .Sized(900, 500);
    }

    /// <summary>Final test accuracy against parameter count, one point per model (mean over seeds).</summary>
    public static GenericChart AccuracyAgainstParameters(RunStatistics stats)
    {
        var charts = stats.Models.Select(m =>
            CS.Chart.Point<long, double, string>([m.Parameters], [100 * m.FinalAccuracy.Mean], Name: m.Model,
                MarkerColor: ChartStyle.ColourOf(m.Model), Text: $"{m.Model}: {m.Parameters:N0} parameters"))
            .ToList();
        return CS.Chart.Combine(charts)
            .Titled("Final test accuracy against parameter count")
            .Axes("parameters (Keras count)", "final test accuracy (%)")
            .Sized(700, 450);
    }
}
