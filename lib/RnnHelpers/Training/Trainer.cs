using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>A trained model with its per-epoch history.</summary>
public sealed class TrainingResult(RecurrentKind kind, TrainingOptions options, RecurrentClassifier model, IReadOnlyList<EpochRecord> history, int threads)
{
    public RecurrentKind Kind { get; } = kind;
    public TrainingOptions Options { get; } = options;
    public RecurrentClassifier Model { get; } = model;
    public IReadOnlyList<EpochRecord> History { get; } = history;
    public int Threads { get; } = threads;

    public EpochRecord Final => History[^1];
    public EpochRecord Best => History.MaxBy(e => e.TestAccuracy)!;
}

/// <summary>Trains a <see cref="RecurrentClassifier"/> under the article protocol.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains from scratch, or, when <paramref name="checkpoints"/> holds a checkpoint of this run,
    /// continues after its last completed epoch; the history is the same either way.
    /// </summary>
    public static TrainingResult Train(RecurrentKind kind, DigitData data, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, Checkpoints? checkpoints = null)
    {
        options = (options ?? new TrainingOptions()).Validate();
        TorchRuntime.EnsureInitialized(options.Threads);
        int threads = TorchRuntime.Threads; // the row blocks of the kernels; libtorch itself runs on one thread

        manual_seed(options.Seed);
        var model = new RecurrentClassifier(kind, options.HiddenUnits, data.Features);
        var history = new List<EpochRecord>(checkpoints?.TryRestore(model) ?? []);
        if (history.Count > options.Epochs)
            throw new CheckpointException(checkpoints!.Directory, $"holds {history.Count} epochs of {checkpoints.Run}, more than the {options.Epochs} asked for");
        foreach (var done in history)
            progress?.Report(new TrainingProgress(ProgressKind.Epoch, done.Epoch, options.Epochs, 1, 1, done.TrainLoss, done.TrainAccuracy, done));
        using var optimizer = new PlainSgd(model.TrainableParameters, options.LearningRate);
        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            history.Add(RunEpoch(model, optimizer, data, options, epoch, progress, ct));
            checkpoints?.Save(model, history);
        }
        return new TrainingResult(kind, options, model, history, threads);
    }

    /// <summary>One epoch of SGD over the shuffled training split, then a test-set evaluation.</summary>
    public static EpochRecord RunEpoch(RecurrentClassifier model, PlainSgd optimizer, DigitData data, TrainingOptions options,
        int epoch, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        int count = data.TrainCount, batches = Batches.Count(count, options.BatchSize);
        var order = Batches.EpochOrder(count, options.Seed, epoch);
        double lossSum = 0;
        long correct = 0, seen = 0;
        int batch = 0;
        model.train();
        using var threading = model.ThreadScope();
        foreach (var (xBatch, yBatch) in Batches.Enumerate(data.TrainImages, data.TrainLabels, options.BatchSize, order))
        {
            using var x = xBatch;
            using var y = yBatch;
            batch++;
            using (var scope = NewDisposeScope())
            {
                optimizer.ZeroGrad();
                var logits = model.call(x);
                var loss = nn.functional.cross_entropy(logits, y);
                double lossValue = loss.item<float>();
                if (!double.IsFinite(lossValue))
                    throw new TrainingDivergedException(epoch, batch, lossValue);
                FusedRecurrentLayer.Backward(loss);
                optimizer.Step();

                long size = y.shape[0];
                lossSum += lossValue * size;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += size;
            }
            progress?.Report(new TrainingProgress(ProgressKind.Batch, epoch, options.Epochs, batch, batches, lossSum / seen, correct / (double)seen, null));
            ct.ThrowIfCancellationRequested();
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var evalClock = Stopwatch.StartNew();
        var test = Evaluator.Predict(model, data.TestImages, data.TestLabels, options.EvalBatchSize);
        double evalSeconds = evalClock.Elapsed.TotalSeconds;

        var record = new EpochRecord(epoch, lossSum / seen, correct / (double)seen, test.Loss, test.Accuracy,
            trainSeconds, seen / trainSeconds, evalSeconds, ProcessMemory.RssMegabytes());
        progress?.Report(new TrainingProgress(ProgressKind.Epoch, epoch, options.Epochs, batches, batches, record.TrainLoss, record.TrainAccuracy, record));
        return record;
    }
}
