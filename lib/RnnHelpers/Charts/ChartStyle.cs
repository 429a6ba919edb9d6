using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using RnnHelpers.Models;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Small C# wrappers over Plotly.NET's F# styling functions.</summary>
public static class ChartStyle
{
    /// <summary>Colours used for the three models on every chart, by model id (from <see cref="ModelFacts.ChartColour"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> ModelColours = ModelFacts.All.ToDictionary(f => f.Id, f => f.ChartColour);

    /// <summary>Sets the chart's title.</summary>
    public static GenericChart Titled(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);

    /// <summary>Names the x and y axes.</summary>
    public static GenericChart Axes(this GenericChart chart, string x, string y) =>
        CS.GenericChartExtensions.WithYAxisStyle<double, double, string>(
            CS.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: x), TitleText: y);

    /// <summary>Plotly.NET.CSharp's optional wrapper for a sequence (its implicit conversion does not apply to interfaces).</summary>
    public static CS.Optional<IEnumerable<T>> Some<T>(IEnumerable<T> values) => new(values, true);

    /// <summary>Sets the chart's size in pixels.</summary>
    public static GenericChart Sized(this GenericChart chart, int width, int height) =>
        CS.GenericChartExtensions.WithSize(chart, width, height);

    /// <summary>Fixes a heat map's colour range (zmin, zmax), e.g. symmetric about 0 for a diverging scale.</summary>
    public static GenericChart ColourRange(this GenericChart chart, double min, double max) =>
        GenericChart.mapTrace(FSharpFunc<Trace, Trace>.FromConverter(trace =>
        {
            trace.SetProperty("zmin", min);
            trace.SetProperty("zmax", max);
            return trace;
        }), chart);

    /// <summary>Hides ticks and grid on both axes (for images).</summary>
    public static GenericChart Bare(this GenericChart chart)
    {
        var axis = new LinearAxis();
        axis.SetProperty("showticklabels", false);
        axis.SetProperty("showgrid", false);
        axis.SetProperty("zeroline", false);
        axis.SetProperty("ticks", "");
        chart = Plotly.NET.Chart.withXAxis(axis, FSharpOption<StyleParam.SubPlotId>.None).Invoke(chart);
        return Plotly.NET.Chart.withYAxis(axis, FSharpOption<StyleParam.SubPlotId>.None).Invoke(chart);
    }

    /// <summary>The chart colour of a model id, grey for an id the workbook does not know.</summary>
    public static Color ColourOf(string modelId) => Color.fromString(HexOf(modelId));

    /// <summary>The #rrggbb colour of a model id, <see cref="ModelFacts.UnknownColour"/> for an id the workbook does not know.</summary>
    public static string HexOf(string modelId) => ModelColours.GetValueOrDefault(modelId, ModelFacts.UnknownColour);

    /// <summary>A standalone HTML page with plotly.js inlined, so it renders offline.</summary>
    public static string ToStandaloneHtml(this GenericChart chart)
    {
        // F# optional parameters: null is None.
        var options = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full));
        var config = new Config();
        config.SetProperty("displayModeBar", false); // a static export has no use for the zoom buttons
        chart = Plotly.NET.Chart.withConfig(config).Invoke(chart);
        return GenericChart.toEmbeddedHTML(Plotly.NET.Chart.withDisplayOptions(options).Invoke(chart));
    }
}
