using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Evaluation;

/// <summary>Runs a model over a split without gradients, in large batches, in inference mode.</summary>
public static class Evaluator
{
    /// <summary>
    /// Predictions for images [N, time steps, features] with labels [N] (int64). Batch normalisation uses its moving
    /// averages, or <paramref name="statistics"/> when given (see <see cref="PopulationStatistics"/>).
    /// Throws <see cref="ArgumentException"/> for a batch size below 1.
    /// </summary>
    public static Predictions Predict(RecurrentClassifier model, Tensor images, Tensor labels, int batchSize = 2000,
        PopulationStatistics? statistics = null)
    {
        using var hidden = LastHiddenStates(model, images, batchSize);
        return Classify(model, hidden, labels, statistics);
    }

    /// <summary>h_T for every image: [N, time steps, features] -> [N, hidden units], in inference mode, model state untouched.</summary>
    public static Tensor LastHiddenStates(RecurrentClassifier model, Tensor images, int batchSize = 2000)
    {
        if (batchSize < 1) throw new ArgumentException($"BatchSize must be at least 1; got {batchSize}.", nameof(batchSize));
        int count = (int)images.shape[0];
        bool wasTraining = model.training;
        model.eval();
        using var threading = model.ThreadScope();
        try
        {
            using var noGrad = no_grad();
            var parts = new List<Tensor>();
            using var scope = NewDisposeScope();
            for (int start = 0; start < count; start += batchSize)
                parts.Add(model.LastHiddenState(images.narrow(0, start, Math.Min(batchSize, count - start))));
            return (parts.Count == 0 ? zeros(0, model.HiddenUnits) : cat(parts, 0)).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Predictions from h_T [N, hidden units] and labels [N], with the moving averages or the given statistics.</summary>
    public static Predictions Classify(RecurrentClassifier model, Tensor lastHiddenStates, Tensor labels, PopulationStatistics? statistics = null)
    {
        int count = (int)lastHiddenStates.shape[0];
        var actual = labels.data<long>().Select(l => (int)l).ToArray();
        var predicted = new int[count];
        var probability = new float[count];
        if (count == 0)
            return new Predictions(actual, predicted, probability, 0, RecurrentClassifier.Classes);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var logits = statistics is null
                ? model.Dense.call(model.BatchNormalization.call(lastHiddenStates))
                : model.Classify(lastHiddenStates, tensor(statistics.Mean), tensor(statistics.Variance));
            double loss = nn.functional.cross_entropy(logits, labels).item<float>();
            var (top, index) = nn.functional.softmax(logits, 1).max(1);
            top.data<float>().CopyTo(probability);
            var idx = index.data<long>();
            for (int i = 0; i < count; i++) predicted[i] = (int)idx[i];
            return new Predictions(actual, predicted, probability, loss, RecurrentClassifier.Classes);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// The end-of-epoch measurements: test loss and accuracy with the moving averages (the article's measure) and
    /// with population statistics recomputed over <paramref name="statisticsImages"/> (the fixed training subset),
    /// and the inference-mode accuracy on that subset under both. Weights and moving averages are not changed.
    /// </summary>
    public static EpochEvaluation EvaluateEpoch(RecurrentClassifier model, Tensor testImages, Tensor testLabels,
        Tensor statisticsImages, Tensor statisticsLabels, int batchSize = 2000)
    {
        using var test = LastHiddenStates(model, testImages, batchSize);
        using var train = LastHiddenStates(model, statisticsImages, batchSize);
        var population = PopulationStatistics.FromLastHiddenStates(train);
        var testMoving = Classify(model, test, testLabels);
        var testRecomputed = Classify(model, test, testLabels, population);
        var trainMoving = Classify(model, train, statisticsLabels);
        var trainRecomputed = Classify(model, train, statisticsLabels, population);
        return new EpochEvaluation(testMoving.Loss, testMoving.Accuracy, testRecomputed.Loss, testRecomputed.Accuracy,
            trainMoving.Accuracy, trainRecomputed.Accuracy, population);
    }
}
