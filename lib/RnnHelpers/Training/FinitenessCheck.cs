using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using RnnHelpers.Models;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Training;

/// <summary>
/// After each training step, every parameter and buffer (moving mean and variance) must still be finite; the first
/// that is not ends training with <see cref="TrainingDivergedException"/> naming it. The tensors' memory is located
/// once (steps update them in place) and read from C#: a few tens of thousands of floats a batch, instead of three
/// native calls per tensor. The addresses hold for one epoch because every optimiser and probe updates the tensors
/// in place (<see cref="IOptimizer"/>); a new check is made for each epoch.
/// </summary>
internal sealed unsafe class FinitenessCheck
{
    private readonly List<(string Name, Tensor Tensor, nint Data, int Length)> entries = [];

    public FinitenessCheck(RecurrentClassifier model)
    {
        foreach (var (name, tensor) in model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers()))
            entries.Add(TensorMemory.IsFlat<float>(tensor)
                ? (name, tensor, (nint)TensorMemory.Pointer(tensor), checked((int)tensor.numel()))
                : (name, tensor, 0, 0));
    }

    /// <exception cref="TrainingDivergedException">A parameter or buffer holds NaN or an infinity: its name, the epoch, the batch and the value.</exception>
    public void ThrowIfNotFinite(int epoch, int batch)
    {
        foreach (var (name, tensor, data, length) in entries)
        {
            if (data != 0)
            {
                var span = new ReadOnlySpan<float>((float*)data, length);
                if (TensorPrimitives.IsFiniteAll(span))
                    continue;
                foreach (float value in span)
                    if (!float.IsFinite(value))
                        throw new TrainingDivergedException(epoch, batch, name, value);
            }
            using var noGrad = no_grad();
            using var finite = tensor.isfinite().all();
            if (finite.item<bool>())
                continue;
            using var flat = tensor.reshape(-1);
            using var bad = flat.isfinite().logical_not().nonzero();
            throw new TrainingDivergedException(epoch, batch, name, flat[bad[0, 0].item<long>()].item<float>());
        }
    }
}
