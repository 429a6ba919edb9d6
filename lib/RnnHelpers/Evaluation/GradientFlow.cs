using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Evaluation;

/// <summary>
/// How far the training signal reaches back in time: for each step t = 1 … T, the mean over sequences of the Euclidean
/// norm of ∂L_b/∂h_t, the derivative of sequence b's cross-entropy loss with respect to the recurrent layer's hidden
/// state after step t (total derivative, through every later step). A curve that falls steeply from t = T towards t = 1
/// is the vanishing gradient of Hochreiter (1991) and Bengio, Simard and Frasconi (1994); the gated cells (LSTM, GRU) were
/// designed to keep it flat. The norms come from the fused backward pass itself (<see cref="HiddenGradientRecorder"/>).
/// </summary>
public static class GradientFlow
{
    /// <summary>
    /// Mean ‖∂L_b/∂h_t‖ over the <c>N</c> sequences of <paramref name="images"/> [N, T, features] (float32) with
    /// <paramref name="labels"/> [N] (int64): an array of T values, entry t − 1 for step t (dimensionless: loss in nats per
    /// unit of hidden state). The model runs in inference mode (batch normalisation with its moving averages), so each
    /// sequence's loss depends on that sequence alone and the batching does not change the numbers beyond rounding; its
    /// mode, its parameters' gradients and its layer's recorder are left as they were. Sequences go through in chunks of
    /// <paramref name="batchSize"/>, which bounds the memory of the saved activations (T × batch × gates × hidden floats).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit the model, no sequences, or a batch size below 1.</exception>
    public static double[] Measure(RecurrentClassifier model, Tensor images, Tensor labels, int batchSize = 100)
    {
        if (images.dim() != 3 || images.shape[2] != model.Features || images.shape[0] < 1 || images.shape[1] < 1)
            throw new ArgumentException($"Expected images [N ≥ 1, time steps ≥ 1, {model.Features}], got [{string.Join(", ", images.shape)}].", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"Expected labels [{images.shape[0]}], got [{string.Join(", ", labels.shape)}].", nameof(labels));
        if (batchSize < 1)
            throw new ArgumentException($"Batch size must be at least 1; got {batchSize}.", nameof(batchSize));

        int count = (int)images.shape[0], steps = (int)images.shape[1];
        var sums = new double[steps];
        var layer = model.RecurrentLayer;
        var previousRecorder = layer.GradientRecorder;
        bool wasTraining = model.training;
        var recorder = new HiddenGradientRecorder();
        try
        {
            layer.GradientRecorder = recorder;
            model.eval();
            using var threads = model.ThreadScope();
            using var gradients = enable_grad();
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(batchSize, count - start);
                // The gradient is taken with respect to the input, not accumulated into the parameters: the fused backward
                // pass runs (and records) all the same, and a model being trained keeps its own gradients untouched.
                var x = images.narrow(0, start, rows).detach().contiguous().requires_grad_(true);
                var loss = nn.functional.cross_entropy(model.call(x), labels.narrow(0, start, rows), reduction: nn.Reduction.Sum);
                FusedRecurrentLayer.TakeBackwardError();
                try
                {
                    autograd.grad([loss], [x]);
                }
                catch (System.Runtime.InteropServices.ExternalException) when (FusedRecurrentLayer.TakeBackwardError() is { } reason)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(reason);
                }
                var norms = recorder.Norms();
                for (int b = 0; b < rows; b++)
                    for (int t = 0; t < steps; t++)
                        sums[t] += norms[(long)b * steps + t];
            }
        }
        finally
        {
            layer.GradientRecorder = previousRecorder;
            model.train(wasTraining);
        }
        return sums.Select(s => s / count).ToArray();
    }
}
