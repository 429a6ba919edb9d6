using Plotly.NET;
using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using CS = Plotly.NET.CSharp;

namespace RnnHelpers.Charts;

/// <summary>Charts of the images themselves: samples, class balance, an image read as a sequence.</summary>
public static class DigitCharts
{
    /// <summary>One image as a grey heatmap (ink dark on white), rows top to bottom.</summary>
    public static GenericChart Digit(float[,] image, string? name = null)
    {
        int rows = image.GetLength(0), cols = image.GetLength(1);
        var z = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => (double)image[r, c]).ToArray()).ToArray();
        return CS.Chart.Heatmap<double, int, int, string>(z, Name: name ?? "", ShowScale: false,
            ColorScale: StyleParam.Colorscale.Greys, ReverseScale: true, ReverseYAxis: true).Bare();
    }

    /// <summary>A grid with <paramref name="perClass"/> examples of every class (columns are classes).</summary>
    public static GenericChart SampleGrid(DigitData data, Split split = Split.Train, int perClass = 3)
    {
        var firsts = data.FirstIndexOfEachClass(split, perClass); // class-major: perClass per class
        int classes = data.ClassNames.Count;
        var charts = new List<GenericChart>();
        var titles = new List<string>();
        for (int row = 0; row < perClass; row++)
            for (int c = 0; c < classes; c++)
            {
                int index = firsts[c * perClass + row];
                charts.Add(index < 0 ? Digit(new float[28, 28]) : Digit(data.Image(split, index), $"#{index}"));
                titles.Add(row == 0 ? data.ClassNames[c] : "");
            }
        return CS.Chart.Grid(charts, perClass, classes, SubPlotTitles: titles, XGap: 0.05, YGap: 0.05)
            .Titled($"{data.Info.DisplayName}: the first {perClass} {split.ToString().ToLowerInvariant()} images of each class")
            .Sized(100 * classes, 110 * perClass + 80);
    }

    /// <summary>Images per class in both splits.</summary>
    public static GenericChart ClassBalance(DigitData data)
    {
        var train = data.ClassCounts(Split.Train);
        var test = data.ClassCounts(Split.Test);
        return CS.Chart.Combine(
            [
                CS.Chart.Column<int, string, string>(train, Keys: ChartStyle.Some(data.ClassNames), Name: $"train ({data.TrainCount:N0})"),
                CS.Chart.Column<int, string, string>(test, Keys: ChartStyle.Some(data.ClassNames), Name: $"test ({data.TestCount:N0})"),
            ])
            .Titled($"{data.Info.DisplayName}: images per class")
            .Axes("class", "images")
            .Sized(800, 400);
    }

    /// <summary>One image with its rows labelled as the time steps the network reads.</summary>
    public static GenericChart AsSequence(DigitData data, Split split, int index)
    {
        var image = data.Image(split, index);
        int rows = image.GetLength(0), cols = image.GetLength(1);
        var z = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => (double)image[r, c]).ToArray()).ToArray();
        return CS.Chart.Heatmap<double, int, int, string>(z, X: ChartStyle.Some(Enumerable.Range(0, cols)), Y: ChartStyle.Some(Enumerable.Range(1, rows)),
                ColorScale: StyleParam.Colorscale.Greys, ReverseScale: true, ReverseYAxis: true)
            .Titled($"Image #{index} (label {data.ClassNames[data.Label(split, index)]}) read as {rows} time steps of {cols} features")
            .Axes("feature (pixel column within the row)", "time step (row)")
            .Sized(560, 520);
    }

    /// <summary>Misclassified images titled with the true label, the prediction and its probability.</summary>
    public static GenericChart Mistakes(DigitData data, IReadOnlyList<Mistake> mistakes, int columns = 6)
    {
        if (mistakes.Count == 0)
            return CS.Chart.Point<int, int, string>([0], [0], Name: "no mistakes").Titled("No misclassified images");
        int rows = (mistakes.Count + columns - 1) / columns;
        var charts = mistakes.Select(m => Digit(data.Image(Split.Test, m.Index), $"#{m.Index}")).ToList();
        var titles = mistakes.Select(m => $"{data.ClassNames[m.TrueLabel]} → {data.ClassNames[m.PredictedLabel]} ({m.Probability:P0})").ToList();
        while (charts.Count < rows * columns)
        {
            charts.Add(CS.Chart.Point<int, int, string>([], [], Name: "").Bare());
            titles.Add("");
        }
        return CS.Chart.Grid(charts, rows, columns, SubPlotTitles: titles, XGap: 0.1, YGap: 0.2)
            .Titled("Most confident mistakes on the test set: true → predicted (probability)")
            .Sized(140 * columns, 170 * rows + 80);
    }
}
