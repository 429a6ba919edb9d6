using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Evaluation;

/// <summary>A misclassified example: its index in the split, the true and predicted labels, and the predicted class's probability.</summary>
public sealed record Mistake(int Index, int TrueLabel, int PredictedLabel, double Probability);

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

/// <summary>Runs a model over a split without gradients, in large batches.</summary>
public static class Evaluator
{
    public static Predictions Predict(RecurrentClassifier model, Tensor images, Tensor labels, int batchSize = 2000)
    {
        if (batchSize < 1) throw new ArgumentException($"BatchSize must be at least 1; got {batchSize}.", nameof(batchSize));
        int count = (int)images.shape[0];
        var predicted = new int[count];
        var probability = new float[count];
        var actual = labels.data<long>().Select(l => (int)l).ToArray();
        double lossSum = 0;
        bool wasTraining = model.training;
        model.eval();
        using var threading = model.ThreadScope();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int size = Math.Min(batchSize, count - start);
                var logits = model.call(images.narrow(0, start, size));
                var y = labels.narrow(0, start, size);
                lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                var (top, index) = nn.functional.softmax(logits, 1).max(1);
                top.data<float>().CopyTo(probability.AsSpan(start, size));
                var idx = index.data<long>();
                for (int i = 0; i < size; i++) predicted[start + i] = (int)idx[i];
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return new Predictions(actual, predicted, probability, count == 0 ? 0 : lossSum / count, RecurrentClassifier.Classes);
    }
}
