using System.Runtime.InteropServices;
using TorchSharp;

namespace RnnHelpers.Native;

/// <summary>Makes TorchSharp's native libraries loadable and loaded before the first torch call.</summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>Cores a run uses: libtorch's thread count, or the row blocks of the fused recurrent kernels.</summary>
    public static int Threads { get; private set; } = Environment.ProcessorCount;

    /// <summary>Where the natives were loaded from (after <see cref="EnsureInitialized"/>).</summary>
    public static string? NativeDirectory { get; private set; }

    /// <summary>
    /// Idempotent. On Linux: applies the GLIBCXX_3.4.32 fix to the libLibTorchSharp.so that will
    /// be loaded (if the system libstdc++ needs it), then loads TorchSharp's own libtorch by
    /// absolute path so a system libtorch (e.g. Debian's python3-torch) is never picked up.
    /// Sets the torch thread count to <paramref name="threads"/>; null keeps the current count
    /// (all cores after the first call).
    /// </summary>
    public static void EnsureInitialized(int? threads = null)
    {
        if (threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "Threads must be at least 1.");
        lock (Gate)
        {
            if (!_initialized)
            {
                if (OperatingSystem.IsLinux())
                    PreloadLinuxNatives();
                torch.InitializeDeviceType(DeviceType.CPU);
                threads ??= Environment.ProcessorCount;
                _initialized = true;
            }
            if (threads is int wanted)
            {
                Threads = wanted;
                if (torch.get_num_threads() != wanted)
                    torch.set_num_threads(wanted);
            }
        }
    }

    /// <summary>Sets libtorch's thread count until the result is disposed, then restores the previous count.</summary>
    public static IDisposable LibTorchThreads(int count)
    {
        EnsureInitialized();
        int previous = torch.get_num_threads();
        if (previous != count)
            torch.set_num_threads(count);
        return new RestoreThreads(previous);
    }

    private sealed class RestoreThreads(int previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed)
                return;
            disposed = true;
            if (torch.get_num_threads() != previous)
                torch.set_num_threads(previous);
        }
    }

    private static void PreloadLinuxNatives()
    {
        var (torchSharpNative, libtorchDir) = LocateNatives();
        if (torchSharpNative is null || libtorchDir is null)
            return; // Let TorchSharp's own probing report what is missing.

        var libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
        if (libstdcxx is not null && !ElfVersionPatcher.LibraryDefinesVersion(libstdcxx, ElfVersionPatcher.TorchSharpRequirement))
            ElfVersionPatcher.MarkRequirementWeak(torchSharpNative, ElfVersionPatcher.LibStdCxx,
                ElfVersionPatcher.TorchSharpRequirement, ElfVersionPatcher.TorchSharpAllowedSymbols);

        // Order matters: dependencies first, so the sonames resolve to these copies.
        foreach (var name in new[] { "libgomp-98b21ff3.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            var path = Path.Combine(libtorchDir, name);
            if (File.Exists(path))
                NativeLibrary.Load(path);
        }
        NativeLibrary.Load(torchSharpNative);
        NativeDirectory = libtorchDir;
    }

    /// <summary>Build outputs hold the natives beside the assemblies; a notebook kernel finds them in the NuGet cache.</summary>
    private static (string? TorchSharpNative, string? LibTorchDir) LocateNatives()
    {
        foreach (var dir in new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") })
        {
            var candidate = Path.Combine(dir, "libLibTorchSharp.so");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir, "libtorch_cpu.so")))
                return (candidate, dir);
        }

        // TorchSharp.dll lives at <root>/torchsharp/<version>/lib/net8.0/TorchSharp.dll.
        var torchSharpDll = typeof(torch).Assembly.Location;
        if (string.IsNullOrEmpty(torchSharpDll))
            return (null, null);
        var packageDir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(torchSharpDll)!, "..", ".."));
        var packagesRoot = Path.GetFullPath(Path.Combine(packageDir, "..", ".."));
        var native = Path.Combine(packageDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var libtorchRoot = Path.Combine(packagesRoot, "libtorch-cpu-linux-x64");
        if (!File.Exists(native) || !Directory.Exists(libtorchRoot))
            return (null, null);
        var libtorchDir = Directory.GetDirectories(libtorchRoot)
            .Select(v => Path.Combine(v, "runtimes", "linux-x64", "native"))
            .Where(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
        return (native, libtorchDir);
    }
}
