using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>Trains a <see cref="RecurrentClassifier"/> under a training protocol (<see cref="TrainingOptions"/>; the article's by default).</summary>
public static class Trainer
{
    /// <summary>Training images whose h_T give the recomputed population statistics after each epoch: the first this many.</summary>
    public const int PopulationStatisticsImages = 10_000;

    /// <summary>
    /// Trains from scratch, or, when <paramref name="checkpoints"/> holds a checkpoint of this run,
    /// continues after its last completed epoch; the history is the same either way.
    /// Throws <see cref="TrainingDivergedException"/> when the loss, a parameter or a moving statistic stops being finite.
    /// </summary>
    public static TrainingResult Train(RecurrentKind kind, DigitData data, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, Checkpoints? checkpoints = null,
        BatchProbe? probe = null)
    {
        options = (options ?? new TrainingOptions()).Validate();
        int threads = options.ResolvedThreads; // the row blocks of the kernels; libtorch itself runs on one thread
        TorchRuntime.EnsureInitialized(threads);

        manual_seed(options.Seed);
        var model = new RecurrentClassifier(kind, options.HiddenUnits, data.Features, options.UnitForgetBias);
        var history = new List<EpochRecord>(checkpoints?.TryRestore(model) ?? []);
        if (history.Count > options.Epochs)
            throw new CheckpointException(checkpoints!.Directory, $"holds {history.Count} epochs of {checkpoints.Run}, more than the {options.Epochs} asked for");
        foreach (var done in history)
            progress?.Report(new TrainingProgress(ProgressKind.Epoch, done.Epoch, options.Epochs, 1, 1, done.TrainLoss, done.TrainAccuracy, done));
        using var optimizer = Optimizers.Create(options.Optimizer, model.TrainableParameters, options.LearningRate);
        if (history.Count > 0 && optimizer.HasState)
            throw new CheckpointException(checkpoints!.Directory, $"{checkpoints.Run} uses {options.Optimizer}, whose state checkpoints do not keep; delete the checkpoint or train without resuming");
        int statisticsImages = Math.Min(PopulationStatisticsImages, data.TrainCount);
        using var statisticsX = data.TrainImages.narrow(0, 0, statisticsImages);
        using var statisticsY = data.TrainLabels.narrow(0, 0, statisticsImages);
        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            history.Add(RunEpoch(model, optimizer, data, options, epoch, progress, ct, probe, statisticsX, statisticsY));
            checkpoints?.Save(model, history);
        }
        return new TrainingResult(kind, options, model, history, threads);
    }

    /// <summary>
    /// One epoch over the shuffled training split, then the end-of-epoch evaluation (<see cref="Evaluator.EvaluateEpoch"/>)
    /// with population statistics from <paramref name="statisticsImages"/> (default: the first
    /// <see cref="PopulationStatisticsImages"/> training images).
    /// </summary>
    public static EpochRecord RunEpoch(RecurrentClassifier model, IOptimizer optimizer, DigitData data, TrainingOptions options,
        int epoch, IProgress<TrainingProgress>? progress, CancellationToken ct, BatchProbe? probe = null,
        Tensor? statisticsImages = null, Tensor? statisticsLabels = null)
    {
        using var scope = NewDisposeScope();
        int subset = Math.Min(PopulationStatisticsImages, data.TrainCount);
        statisticsImages ??= data.TrainImages.narrow(0, 0, subset);
        statisticsLabels ??= data.TrainLabels.narrow(0, 0, subset);
        var clock = Stopwatch.StartNew();
        int count = data.TrainCount, batches = Batches.Count(count, options.BatchSize);
        var order = Batches.EpochOrder(count, options.Seed, epoch);
        double lossSum = 0;
        long correct = 0, seen = 0;
        int batch = 0;
        model.train();
        var finiteness = new FinitenessCheck(model);
        using (var threading = model.ThreadScope())
        {
            foreach (var (xBatch, yBatch) in Batches.Enumerate(data.TrainImages, data.TrainLabels, options.BatchSize, order))
            {
                using var x = xBatch;
                using var y = yBatch;
                batch++;
                using (var batchScope = NewDisposeScope())
                {
                    optimizer.ZeroGrad();
                    // Forward and backward in one call (the moving averages move with the forward pass, as before); the
                    // optimiser steps only once the loss is known to be finite.
                    var (loss, logits) = model.TrainingStep(x, y);
                    double lossValue = loss.item<float>();
                    if (!double.IsFinite(lossValue))
                        throw new TrainingDivergedException(epoch, batch, "loss", lossValue);
                    optimizer.Step();
                    finiteness.ThrowIfNotFinite(epoch, batch);

                    long size = y.shape[0];
                    lossSum += lossValue * size;
                    correct += CorrectCount(logits, y);
                    seen += size;
                }
                progress?.Report(new TrainingProgress(ProgressKind.Batch, epoch, options.Epochs, batch, batches, lossSum / seen, correct / (double)seen, null));
                probe?.Invoke(model, epoch, batch);
                ct.ThrowIfCancellationRequested();
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var evalClock = Stopwatch.StartNew();
        var evaluation = Evaluator.EvaluateEpoch(model, data.TestImages, data.TestLabels, statisticsImages, statisticsLabels, options.EvalBatchSize);
        double evalSeconds = evalClock.Elapsed.TotalSeconds;

        var record = new EpochRecord(epoch, lossSum / seen, correct / (double)seen, evaluation.TestLoss, evaluation.TestAccuracy,
            evaluation.TestLossRecomputedBn, evaluation.TestAccuracyRecomputedBn, evaluation.TrainSubsetAccuracy, evaluation.TrainSubsetAccuracyRecomputedBn,
            trainSeconds, seen / trainSeconds, evalSeconds, ProcessMemory.RssMegabytes());
        progress?.Report(new TrainingProgress(ProgressKind.Epoch, epoch, options.Epochs, batches, batches, record.TrainLoss, record.TrainAccuracy, record));
        return record;
    }

    /// <summary>
    /// How many rows of <paramref name="logits"/> [batch, classes] have their largest logit at the label: the first
    /// largest, as libtorch's argmax, read in place (the loss was finite, so no logit is NaN).
    /// </summary>
    private static unsafe long CorrectCount(Tensor logits, Tensor labels)
    {
        if (!TensorMemory.IsFlat<float>(logits) || !TensorMemory.IsFlat<long>(labels) || logits.dim() != 2)
            return logits.argmax(1).eq(labels).sum().item<long>();
        var scores = TensorMemory.Span<float>(logits);
        var truth = TensorMemory.Span<long>(labels);
        int classes = (int)logits.shape[1];
        long correct = 0;
        for (int row = 0; row < truth.Length; row++)
        {
            var r = scores.Slice(row * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (r[c] > r[best])
                    best = c;
            if (best == truth[row])
                correct++;
        }
        return correct;
    }
}
