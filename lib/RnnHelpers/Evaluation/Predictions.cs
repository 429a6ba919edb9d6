namespace RnnHelpers.Evaluation;

/// <summary>A model's predictions on a split, with the softmax probability of each predicted class.</summary>
public sealed class Predictions
{
    /// <summary>One entry per image of the split, in split order.</summary>
    /// <exception cref="ArgumentException">The three arrays differ in length.</exception>
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

    /// <summary>True class index (0..<see cref="Classes"/> − 1) of each image.</summary>
    public int[] Actual { get; }
    /// <summary>Predicted class index: the arg-max of the logits.</summary>
    public int[] Predicted { get; }
    /// <summary>Softmax probability of the predicted class, in (0, 1].</summary>
    public float[] Probability { get; }

    /// <summary>Mean cross-entropy over the split.</summary>
    public double Loss { get; }
    /// <summary>Number of classes (10).</summary>
    public int Classes { get; }
    /// <summary>Number of images.</summary>
    public int Count => Actual.Length;

    /// <summary>Share of images classified correctly, a fraction in [0, 1]; 0 for none.</summary>
    public double Accuracy => Count == 0 ? 0 : Actual.Zip(Predicted).Count(p => p.First == p.Second) / (double)Count;

    /// <summary>The confusion matrix of these predictions.</summary>
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
