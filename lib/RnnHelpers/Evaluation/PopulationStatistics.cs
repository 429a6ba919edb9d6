using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Evaluation;

/// <summary>
/// Batch normalisation's input statistics over a whole set of images with the weights frozen: the mean and the
/// (biased) variance of h_T per hidden unit, each [hidden units]. Used in place of the moving averages, this is the
/// inference rule of Ioffe and Szegedy (2015), "Batch Normalization", Algorithm 2 (population statistics; with
/// 10,000 images the n/(n−1) factor it applies changes the variance by 0.01%).
/// </summary>
public sealed record PopulationStatistics(float[] Mean, float[] Variance, int Images)
{
    /// <summary>Runs the recurrent layer over images [N, time steps, features] (N ≥ 1) in inference mode and returns the statistics of h_T.</summary>
    public static PopulationStatistics Compute(RecurrentClassifier model, Tensor images, int batchSize = 2000)
    {
        using var hidden = Evaluator.LastHiddenStates(model, images, batchSize);
        return FromLastHiddenStates(hidden);
    }

    /// <summary>Statistics of h_T [N ≥ 1, hidden units]. Throws <see cref="ArgumentException"/> for an empty set.</summary>
    public static PopulationStatistics FromLastHiddenStates(Tensor lastHiddenStates)
    {
        if (lastHiddenStates.dim() != 2 || lastHiddenStates.shape[0] < 1)
            throw new ArgumentException($"Population statistics need h_T [N >= 1, hidden units]; got [{string.Join(", ", lastHiddenStates.shape)}].", nameof(lastHiddenStates));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Accumulated in float64 so that 10,000 rows add up without float32 rounding.
        var h = lastHiddenStates.to_type(ScalarType.Float64);
        var mean = h.mean([0L]);
        var variance = h.var(0L, unbiased: false);
        return new PopulationStatistics(
            mean.to_type(ScalarType.Float32).data<float>().ToArray(),
            variance.to_type(ScalarType.Float32).data<float>().ToArray(),
            (int)lastHiddenStates.shape[0]);
    }
}
