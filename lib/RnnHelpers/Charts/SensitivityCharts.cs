using RnnHelpers.Statistics;
using System.Globalization;
using Microsoft.FSharp.Core;
using Plotly.NET;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Studies;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts of the sensitivity study.</summary>
public static class SensitivityCharts
{
    /// <summary>Colour scale floor: a model this many points (or more) behind its setting's best median is drawn darkest.</summary>
    public const double FloorPoints = 5;

    /// <summary>
    /// Model × setting at a glance, one panel per accuracy measure: each cell shows the model's median final test accuracy
    /// over seeds (percent) and the seeds' range; its colour is how far the median lies behind the best median of that
    /// setting (0: the setting's leader; darker down to <see cref="FloorPoints"/> points or more behind). Colour compares
    /// models within a column, the numbers compare across columns.
    /// </summary>
    public static GenericChart Heatmap(SensitivityAnalysis analysis)
    {
        var inv = CultureInfo.InvariantCulture;
        var x = analysis.Settings.Select(s => s.Setting.Short).ToArray();
        // Plotly draws the first category at the bottom: list the models in reverse so SimpleRNN heads the panel.
        var kinds = RecurrentKinds.All.Reverse().ToArray();
        var y = kinds.Select(k => k.DisplayName()).ToArray();
        var panels = new List<GenericChart>();
        foreach (var measure in SensitivityAnalysis.Measures)
        {
            var z = new double?[y.Length][];
            var text = new string[y.Length][];
            for (int row = 0; row < y.Length; row++)
            {
                var kind = kinds[row];
                z[row] = new double?[x.Length];
                text[row] = new string[x.Length];
                for (int col = 0; col < x.Length; col++)
                {
                    var setting = analysis.Settings[col];
                    var spread = setting.Cell(kind).Accuracy(measure);
                    double best = setting.Cells.Max(c => double.IsNaN(c.Accuracy(measure).Median) ? double.NegativeInfinity : c.Accuracy(measure).Median);
                    // Clipped so one collapsed model does not wash out the differences among the others.
                    z[row][col] = spread.Count == 0 ? null : Math.Max(-FloorPoints, 100 * (spread.Median - best));
                    text[row][col] = spread.Count == 0 ? "diverged"
                        : $"<b>{Tables.Percent(spread.Median, 1)}</b><br>{Tables.Percent(spread.Min, 1)}–{Tables.Percent(spread.Max, 1)}";
                }
            }
            var trace = new Trace2D("heatmap");
            trace.SetProperty("x", x);
            trace.SetProperty("y", y);
            trace.SetProperty("z", z);
            trace.SetProperty("text", text);
            trace.SetProperty("texttemplate", "%{text}");
            trace.SetProperty("textfont", new Dictionary<string, object> { ["size"] = 12 });
            trace.SetProperty("hovertemplate", "%{y}, %{x}: median %{text}<extra></extra>");
            trace.SetProperty("zmin", -FloorPoints);
            trace.SetProperty("zmax", 0.0);
            trace.SetProperty("colorscale", new object[] { new object[] { 0.0, "#b2182b" }, new object[] { 0.6, "#f4a582" }, new object[] { 1.0, "#f7f7f7" } });
            trace.SetProperty("xgap", 2);
            trace.SetProperty("ygap", 2);
            if (measure == AccuracyMeasure.MovingAverages)
            {
                var bar = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "points behind<br>the setting's<br>best median" }, ["len"] = 0.9 };
                trace.SetProperty("colorbar", bar);
            }
            else
                trace.SetProperty("showscale", false);
            panels.Add(GenericChart.ofTraceObject(true, trace));
        }
        return CS.Chart.Grid(panels, 2, 1,
                SubPlotTitles: new[] { "Final test accuracy %, moving-average batch norm (the article's measure)", "Final test accuracy %, recomputed batch-norm statistics" },
                YGap: 0.18)
            .Titled($"Median final test accuracy % over {analysis.Study.Seeds.Count} seeds (bold) and the seeds' range; * the article's setting<br><sub>{analysis.Study.Budget}</sub>")
            .Sized(1100, 680);
    }
}
