namespace RnnHelpers.Native;

/// <summary>TorchSharp's native libraries cannot be loaded as this TorchSharp needs them; the message names the folder and the version.</summary>
public sealed class TorchNativeException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
