using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnHelpers.Native;

/// <summary>
/// Direct access to the elements of a contiguous CPU tensor (float32 or int64), for loops that would otherwise
/// make a native call per element or per check. A pointer stays valid while the tensor lives and keeps its storage
/// (in-place updates such as an optimiser's <c>add_</c> keep it).
/// </summary>
internal static unsafe class TensorMemory
{
    /// <summary>Whether <paramref name="tensor"/> can be read as one span of <typeparamref name="T"/> (float or long).</summary>
    public static bool IsFlat<T>(Tensor tensor) where T : unmanaged =>
        tensor.dtype == TypeOf<T>() && tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    /// <summary>The first element of a contiguous CPU tensor of <typeparamref name="T"/>; valid while the tensor lives.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous, not of <typeparamref name="T"/>, or not on the CPU.</exception>
    public static T* Pointer<T>(Tensor tensor) where T : unmanaged
    {
        if (!IsFlat<T>(tensor))
            throw new InvalidOperationException($"Expected a contiguous {TypeOf<T>()} CPU tensor; got {tensor.dtype} on {tensor.device_type}, contiguous: {tensor.is_contiguous()}.");
        // The tensor's own byte view (with its storage offset): a few native calls and nothing left behind. TorchSharp's
        // storage<T>() makes an alias of the tensor that its Dispose leaves alive on the current dispose scope, holding the
        // tensor's memory until that scope ends; the view is limited to 2 GB, so larger tensors take that way, in a scope
        // of their own.
        if (tensor.numel() * sizeof(T) <= int.MaxValue)
            return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
        using var scope = NewDisposeScope();
        using var storage = tensor.storage<T>();
        return (T*)storage.data_ptr() + tensor.storage_offset();
    }

    /// <summary>The first element of a contiguous float32 CPU tensor.</summary>
    public static float* Pointer(Tensor tensor) => Pointer<float>(tensor);

    /// <summary>The tensor's elements in memory order.</summary>
    public static ReadOnlySpan<T> Span<T>(Tensor tensor) where T : unmanaged => new(Pointer<T>(tensor), checked((int)tensor.numel()));

    private static ScalarType TypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : throw new NotSupportedException($"TensorMemory reads float and long, not {typeof(T).Name}.");
}
