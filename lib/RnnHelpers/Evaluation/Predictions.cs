namespace RnnHelpers.Evaluation;

/// <summary>A model's predictions on a split, with the softmax probability of each predicted class.</summary>
public sealed class Predictions
{
    public Predictions(int[] actual, int[] predicted, float[] probability, double loss, int classes)
    {
        if (actual.Length != predicted.Length || actual.Length != probability.Length)
            throw new ArgumentException("actual, predicted and probability must have the same length.");
        Actual = actual;
        Predicted = predicted;
        Probability = probability;
        Loss = loss;
        Classes = classes;
    }

    public int[] Actual { get; }
    public int[] Predicted { get; }
    public float[] Probability { get; }

    /// <summary>Mean cross-entropy over the split.</summary>
    public double Loss { get; }
    public int Classes { get; }
    public int Count => Actual.Length;

    public double Accuracy => Count == 0 ? 0 : Actual.Zip(Predicted).Count(p => p.First == p.Second) / (double)Count;

    public ConfusionMatrix Confusion() => ConfusionMatrix.From(Actual, Predicted, Classes);

    /// <summary>The k mistakes the model was most sure of, most confident first.</summary>
    public IReadOnlyList<Mistake> MostConfidentMistakes(int k)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 0.");
        return Enumerable.Range(0, Count)
            .Where(i => Actual[i] != Predicted[i])
            .OrderByDescending(i => Probability[i]).ThenBy(i => i)
            .Take(k)
            .Select(i => new Mistake(i, Actual[i], Predicted[i], Probability[i]))
            .ToList();
    }
}
