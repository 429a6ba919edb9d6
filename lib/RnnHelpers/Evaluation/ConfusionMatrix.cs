namespace RnnHelpers.Evaluation;

/// <summary>Counts[true, predicted] over a split, with overall and per-class accuracy.</summary>
public sealed class ConfusionMatrix
{
    private ConfusionMatrix(int[,] counts) => Counts = counts;

    /// <summary>Rows: true class; columns: predicted class.</summary>
    public int[,] Counts { get; }

    /// <summary>Number of classes (rows and columns).</summary>
    public int Classes => Counts.GetLength(0);

    /// <summary>Number of examples counted.</summary>
    public int Total => Counts.Cast<int>().Sum();

    /// <summary>Share of examples on the diagonal, a fraction in [0, 1]; 0 for none.</summary>
    public double Accuracy => Total == 0 ? 0 : Enumerable.Range(0, Classes).Sum(c => Counts[c, c]) / (double)Total;

    /// <summary>Counts pairs of true and predicted class indices.</summary>
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside 0..<paramref name="classes"/> − 1.</exception>
    public static ConfusionMatrix From(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classes)
    {
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"actual has {actual.Count} labels but predicted has {predicted.Count}.");
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Count; i++)
        {
            if ((uint)actual[i] >= classes || (uint)predicted[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(actual), $"Label pair ({actual[i]}, {predicted[i]}) at {i} is outside 0..{classes - 1}.");
            counts[actual[i], predicted[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    /// <summary>Recall of each class: correct / all examples of that class (NaN for an absent class).</summary>
    public double[] PerClassAccuracy() => Enumerable.Range(0, Classes).Select(c =>
    {
        int row = Enumerable.Range(0, Classes).Sum(p => Counts[c, p]);
        return row == 0 ? double.NaN : Counts[c, c] / (double)row;
    }).ToArray();

    /// <summary>The off-diagonal cells, most frequent first.</summary>
    public IReadOnlyList<(int True, int Predicted, int Count)> MostConfusedPairs(int k) =>
        (from t in Enumerable.Range(0, Classes)
         from p in Enumerable.Range(0, Classes)
         where t != p && Counts[t, p] > 0
         orderby Counts[t, p] descending, t, p
         select (t, p, Counts[t, p])).Take(k).ToList();
}
