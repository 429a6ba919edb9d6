using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Native;

/// <summary>Direct access to the floats of a contiguous float32 CPU tensor, for loops that would otherwise make a native call per element or per check.</summary>
internal static unsafe class TensorMemory
{
    /// <summary>Whether <paramref name="tensor"/> can be read as one span of floats.</summary>
    public static bool IsFlatFloat(Tensor tensor) =>
        tensor.dtype == ScalarType.Float32 && tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    /// <summary>The first element of a contiguous float32 CPU tensor; valid while the tensor lives.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous, not float32, or not on the CPU.</exception>
    public static float* Pointer(Tensor tensor)
    {
        if (!IsFlatFloat(tensor))
            throw new InvalidOperationException($"Expected a contiguous float32 CPU tensor; got {tensor.dtype} on {tensor.device_type}, contiguous: {tensor.is_contiguous()}.");
        using var storage = tensor.storage<float>();
        return (float*)storage.data_ptr() + tensor.storage_offset();
    }

    /// <summary>The tensor's elements in memory order; valid while the tensor lives and keeps its storage.</summary>
    public static ReadOnlySpan<float> Span(Tensor tensor) => new(Pointer(tensor), checked((int)tensor.numel()));
}
