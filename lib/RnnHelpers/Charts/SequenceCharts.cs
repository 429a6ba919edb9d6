using Plotly.NET;
using RnnHelpers.Models;
using RnnHelpers.Studies;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts of the long-sequence study: gradient flow through time, and test accuracy against sequence length.</summary>
public static class SequenceCharts
{
    /// <summary>
    /// Mean ‖∂L/∂h_t‖ against the step t (log scale) for each model: dashed at initialisation, solid after training.
    /// A line falling towards t = 1 is the gradient vanishing on its way back through time.
    /// </summary>
    public static GenericChart GradientFlow(IEnumerable<GradientFlowRecord> records)
    {
        var charts = new List<GenericChart>();
        int steps = 0;
        foreach (var record in records.OrderBy(r => RecurrentKinds.SortOrder(r.Model)))
        {
            steps = Math.Max(steps, record.TimeSteps);
            var colour = ChartStyle.ColourOf(record.Model);
            var t = Enumerable.Range(1, record.TimeSteps).ToArray();
            charts.Add(CS.Chart.Line<int, double, string>(t, record.Initial, Name: $"{record.Model}, initialisation",
                LineColor: colour, LineDash: StyleParam.DrawingStyle.Dash, LineWidth: 1.5));
            charts.Add(CS.Chart.Line<int, double, string>(t, record.Trained, Name: $"{record.Model}, trained",
                LineColor: colour, LineWidth: 2.5));
        }
        var y = new Plotly.NET.LayoutObjects.LinearAxis();
        var yTitle = new Plotly.NET.Title();
        yTitle.SetProperty("text", "mean ‖∂L/∂h_t‖ (log scale)");
        y.SetProperty("title", yTitle);
        y.SetProperty("type", "log");
        y.SetProperty("exponentformat", "power"); // 10⁻²⁰, not SI prefixes (1µ, 1n, 1p …)
        return Plotly.NET.Chart.withYAxis(y, Microsoft.FSharp.Core.FSharpOption<StyleParam.SubPlotId>.None).Invoke(CS.Chart.Combine(charts))
            .Titled($"How much gradient reaches step t of {steps} (dashed: at initialisation, solid: trained)")
            .Sized(900, 500)
            .WithX("time step t");
    }

    /// <summary>
    /// Test accuracy against the number of time steps T (log scale) for each model: every seed a thin line with dots,
    /// the median over seeds a thick line; the permuted task as open diamonds (each seed) at its T, with its median as a
    /// large diamond; chance (1 / classes) as a dotted line.
    /// </summary>
    public static GenericChart AccuracyAgainstSteps(IEnumerable<SequenceRun> runs, double chance = 0.1)
    {
        var all = runs.ToList();
        var charts = new List<GenericChart>();
        var rowMajor = all.Where(r => r.Point.Variant == SequenceVariant.RowMajor).ToList();
        foreach (var model in rowMajor.GroupBy(r => r.Point.Kind).OrderBy(g => g.Key))
        {
            var colour = ChartStyle.ColourOf(model.Key.Id());
            foreach (var seed in model.GroupBy(r => r.Point.Seed).OrderBy(g => g.Key))
            {
                var line = seed.OrderBy(r => r.Point.TimeSteps).ToList();
                charts.Add(CS.Chart.Line<int, double, string>(line.Select(r => r.Point.TimeSteps), line.Select(r => 100 * r.Accuracy),
                    ShowMarkers: true, ShowLegend: false, LineColor: colour, LineWidth: 0.75, Opacity: 0.45,
                    Text: $"{model.Key.Id()}, seed {seed.Key}"));
            }
            var medians = model.GroupBy(r => r.Point.TimeSteps).OrderBy(g => g.Key).ToList();
            charts.Add(CS.Chart.Line<int, double, string>(medians.Select(g => g.Key), medians.Select(g => 100 * Median(g.Select(r => r.Accuracy))),
                Name: $"{model.Key.Id()}: median of {model.Select(r => r.Point.Seed).Distinct().Count()} seeds", ShowMarkers: true, LineColor: colour, LineWidth: 3));
        }
        foreach (var model in all.Where(r => r.Point.Variant == SequenceVariant.Permuted).GroupBy(r => r.Point.Kind).OrderBy(g => g.Key))
        {
            var colour = ChartStyle.ColourOf(model.Key.Id());
            int permutedSteps = model.First().Point.TimeSteps;
            charts.Add(CS.Chart.Point<int, double, string>(model.Select(r => r.Point.TimeSteps), model.Select(r => 100 * r.Accuracy),
                ShowLegend: false, MarkerColor: colour, MarkerSymbol: StyleParam.MarkerSymbol.NewModified(StyleParam.MarkerSymbol.Diamond, StyleParam.SymbolStyle.Open), Opacity: 0.7));
            charts.Add(CS.Chart.Point<int, double, string>([permutedSteps], [100 * Median(model.Select(r => r.Accuracy))],
                Name: $"{model.Key.Id()}: permuted, median", MarkerColor: colour, MarkerSymbol: StyleParam.MarkerSymbol.Diamond));
        }
        charts.Add(ChanceLine(all.Select(r => r.Point.TimeSteps), chance));
        var steps = all.Select(r => r.Point.TimeSteps).Distinct().Order().ToArray();
        return CS.Chart.Combine(charts)
            .WithLogSteps("time steps T (log scale; 784 / T pixels per step)", steps)
            .Titled("Test accuracy against sequence length (thin: each seed; thick: median; diamonds: permuted pixels)")
            .WithY("test accuracy (%)")
            .Sized(900, 520);
    }

    /// <summary>The LSTM with its forget-gate bias started at 1 (Keras' default) and at 0: each seed a dot, the median a line, per T.</summary>
    public static GenericChart ForgetBias(IEnumerable<SequenceRun> runs, double chance = 0.1)
    {
        var all = runs.ToList();
        var withoutBias = all.Where(r => r.Point.Variant == SequenceVariant.NoForgetBias).ToList();
        var steps = withoutBias.Select(r => r.Point.TimeSteps).Distinct().Order().ToArray();
        var withBias = all.Where(r => r.Point.Kind == RecurrentKind.Lstm && r.Point.Variant == SequenceVariant.RowMajor && steps.Contains(r.Point.TimeSteps)).ToList();
        var charts = new List<GenericChart>();
        foreach (var (group, name, colour) in new[] { (withBias, "forget-gate bias 1 (Keras)", "#d62728"), (withoutBias, "forget-gate bias 0", "#9467bd") })
        {
            var c = Color.fromString(colour);
            charts.Add(CS.Chart.Point<int, double, string>(group.Select(r => r.Point.TimeSteps), group.Select(r => 100 * r.Accuracy),
                ShowLegend: false, MarkerColor: c, Opacity: 0.6));
            var medians = group.GroupBy(r => r.Point.TimeSteps).OrderBy(g => g.Key).ToList();
            charts.Add(CS.Chart.Line<int, double, string>(medians.Select(g => g.Key), medians.Select(g => 100 * Median(g.Select(r => r.Accuracy))),
                Name: $"LSTM, {name}: median", ShowMarkers: true, LineColor: c, LineWidth: 3));
        }
        charts.Add(ChanceLine(steps, chance));
        return CS.Chart.Combine(charts)
            .WithLogSteps("time steps T (log scale)", steps)
            .Titled("LSTM with and without the forget-gate bias of 1 (dots: each seed; line: median)")
            .WithY("test accuracy (%)")
            .Sized(800, 450);
    }

    /// <summary>The median of a non-empty sequence (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static GenericChart ChanceLine(IEnumerable<int> steps, double chance)
    {
        var range = steps.DefaultIfEmpty(1).ToArray();
        return CS.Chart.Line<int, double, string>([range.Min(), range.Max()], [100 * chance, 100 * chance], Name: "chance",
            LineColor: Color.fromString("#7f7f7f"), LineDash: StyleParam.DrawingStyle.Dot, LineWidth: 1.0);
    }

    private static GenericChart WithX(this GenericChart chart, string title) =>
        CS.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: title);

    private static GenericChart WithY(this GenericChart chart, string title) =>
        CS.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: title);

    /// <summary>A log-scale x axis with ticks exactly at the grid's T values (a log axis would otherwise label powers of ten).</summary>
    private static GenericChart WithLogSteps(this GenericChart chart, string title, int[] steps)
    {
        var axis = new Plotly.NET.LayoutObjects.LinearAxis();
        var text = new Plotly.NET.Title();
        text.SetProperty("text", title);
        axis.SetProperty("title", text);
        axis.SetProperty("tickvals", steps);
        axis.SetProperty("ticktext", steps.Select(s => s.ToString()).ToArray());
        axis.SetProperty("type", "log");
        return Plotly.NET.Chart.withXAxis(axis, Microsoft.FSharp.Core.FSharpOption<StyleParam.SubPlotId>.None).Invoke(chart);
    }
}
