using RnnHelpers.Data;
using RnnHelpers.Evaluation;
using RnnHelpers.Models;
using RnnHelpers.Training;
using static TorchSharp.torch;

namespace RnnHelpers.Studies;

/// <summary>
/// A <see cref="BatchProbe"/> that, every <see cref="Every"/> training steps, evaluates the model on the test set twice
/// (moving averages; population statistics of h_T over the first <see cref="Trainer.PopulationStatisticsImages"/>
/// training images) and records both sets of statistics. It changes neither weights nor moving averages, and puts the
/// model back in training mode. Used by notebook 06 (why test accuracy swings).
/// </summary>
public sealed class BatchNormProbe(DigitData data, int every = 50, int batchSize = 2000)
{
    private readonly List<ProbePoint> _points = [];
    private int _step;

    /// <summary>Steps (batches) between two measurements.</summary>
    public int Every { get; } = every >= 1 ? every : throw new ArgumentException($"Every must be at least 1; got {every}.", nameof(every));

    /// <summary>The measurements so far, in training order.</summary>
    public IReadOnlyList<ProbePoint> Points => _points;

    /// <summary>
    /// A probe that measures every <paramref name="every"/> batches, or more often where an epoch has fewer than
    /// <see cref="MinimumPerEpoch"/> times that many batches (the small subsets of the smoke profile).
    /// </summary>
    public static BatchNormProbe For(DigitData data, int batchSize, int every = 50) =>
        new(data, Math.Min(every, Math.Max(1, data.TrainCount / batchSize / MinimumPerEpoch)));

    /// <summary>Measurements an epoch that <see cref="For"/> keeps at least.</summary>
    public const int MinimumPerEpoch = 8;

    /// <summary>The method to pass as <see cref="BatchProbe"/>.</summary>
    public void Probe(RecurrentClassifier model, int epoch, int batch)
    {
        _step++;
        if (_step % Every != 0)
            return;
        int subset = Math.Min(Trainer.PopulationStatisticsImages, data.TrainCount);
        using var scope = NewDisposeScope();
        using var test = Evaluator.LastHiddenStates(model, data.TestImages, batchSize);
        using var train = Evaluator.LastHiddenStates(model, data.TrainImages.narrow(0, 0, subset), batchSize);
        var population = PopulationStatistics.FromLastHiddenStates(train);
        var moving = Evaluator.Classify(model, test, data.TestLabels);
        var recomputed = Evaluator.Classify(model, test, data.TestLabels, population);
        var bn = model.BatchNormalization;
        _points.Add(new ProbePoint(epoch, batch, _step, moving.Accuracy, recomputed.Accuracy,
            bn.MovingMean.data<float>().ToArray(), bn.MovingVariance.data<float>().ToArray(), population.Mean, population.Variance));
        model.train();
    }
}
