using System.Runtime.InteropServices;
using TorchSharp;

namespace RnnHelpers.Native;

/// <summary>Makes TorchSharp's native libraries loadable and loaded before the first torch call.</summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>
    /// The thread count of the run under way (<see cref="Training.TrainingOptions.ResolvedThreads"/>, set by
    /// <see cref="EnsureInitialized"/>): the row blocks the fused recurrent kernels split a batch into, and libtorch's
    /// thread count outside training and evaluation. See docs/notation.md, "Threads".
    /// </summary>
    public static int Threads { get; private set; } = Environment.ProcessorCount;

    /// <summary>Where the natives were loaded from (after <see cref="EnsureInitialized"/>).</summary>
    public static string? NativeDirectory { get; private set; }

    /// <summary>
    /// Idempotent. On Linux: applies the GLIBCXX_3.4.32 fix to the libLibTorchSharp.so that will
    /// be loaded (if the system libstdc++ needs it), then loads TorchSharp's own libtorch by
    /// absolute path so a system libtorch (e.g. Debian's python3-torch) is never picked up.
    /// Sets <see cref="Threads"/> and libtorch's thread count to <paramref name="threads"/>; null keeps the current count
    /// (all cores after the first call).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
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

    /// <summary>
    /// Sets libtorch's own thread count (not <see cref="Threads"/>) until the result is disposed, then restores the
    /// previous count; <see cref="Models.RecurrentClassifier.ThreadScope"/> uses it to run libtorch single-threaded.
    /// </summary>
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
        var native = Path.Combine(packageDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(native))
            return (null, null);
        var packagesRoot = Path.GetFullPath(Path.Combine(packageDir, "..", ".."));
        return (native, LibTorchDirectory(packagesRoot, Path.GetFileName(packageDir)));
    }

    private const string LibTorchPackage = "libtorch-cpu-linux-x64";

    /// <summary>
    /// The native folder of exactly the libtorch-cpu-linux-x64 version TorchSharp <paramref name="torchSharpVersion"/>
    /// needs, in a NuGet package cache. Other versions in the cache (another project's TorchSharp) are never used:
    /// version folders sorted as text put "2.5.1" above "2.10.0". Null when no libtorch is in the cache at all (then
    /// TorchSharp's own probing reports it). Throws <see cref="TorchNativeException"/> when the needed version is
    /// missing, or cannot be told and several are present.
    /// </summary>
    internal static string? LibTorchDirectory(string packagesRoot, string torchSharpVersion)
    {
        var root = Path.Combine(packagesRoot, LibTorchPackage);
        static string NativeDir(string versionDir) => Path.Combine(versionDir, "runtimes", "linux-x64", "native");
        var present = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(v => File.Exists(Path.Combine(NativeDir(v), "libtorch_cpu.so"))).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        var required = RequiredLibTorchVersion(packagesRoot, torchSharpVersion);
        if (required is null)
        {
            if (present.Count == 0)
                return null;
            if (present.Count == 1)
                return NativeDir(Path.Combine(root, present[0]));
            throw new TorchNativeException(
                $"{root}: holds libtorch versions {string.Join(", ", present)}, and the package metadata of TorchSharp {torchSharpVersion} " +
                $"(torchsharp-cpu/{torchSharpVersion}/torchsharp-cpu.nuspec or torchsharp/{torchSharpVersion}/torchsharp.nuspec in {packagesRoot}) " +
                "does not say which one it needs; restore the TorchSharp-cpu package again.");
        }
        var match = present.FirstOrDefault(v => string.Equals(v, required, StringComparison.OrdinalIgnoreCase));
        if (match is null)
            throw new TorchNativeException(
                $"{root}: TorchSharp {torchSharpVersion} needs {LibTorchPackage} {required}, which is not there" +
                (present.Count > 0 ? $" (found {string.Join(", ", present)}, which it cannot use)" : "") +
                $"; restore it with a project referencing TorchSharp-cpu {torchSharpVersion} (e.g. `dotnet build` at the repository root).");
        return NativeDir(Path.Combine(root, match));
    }

    /// <summary>
    /// The libtorch-cpu-linux-x64 version TorchSharp's own dependency metadata names, as a NuGet cache folder name:
    /// torchsharp-cpu's .nuspec → libtorch-cpu's .nuspec → libtorch-cpu-linux-x64; else the version TorchSharp's
    /// .nuspec description states ("Requires ... libtorch-cpu ... version 2.10.0.0"). Null when neither is there.
    /// </summary>
    internal static string? RequiredLibTorchVersion(string packagesRoot, string torchSharpVersion)
    {
        var cpu = DependencyVersion(Path.Combine(packagesRoot, "torchsharp-cpu", torchSharpVersion, "torchsharp-cpu.nuspec"), "libtorch-cpu");
        if (cpu is not null)
            return DependencyVersion(Path.Combine(packagesRoot, "libtorch-cpu", cpu, "libtorch-cpu.nuspec"), LibTorchPackage) ?? cpu;
        var nuspec = Path.Combine(packagesRoot, "torchsharp", torchSharpVersion, "torchsharp.nuspec");
        if (!File.Exists(nuspec))
            return null;
        var description = Metadata(nuspec)?.Elements().FirstOrDefault(e => e.Name.LocalName == "description")?.Value ?? "";
        var stated = System.Text.RegularExpressions.Regex.Match(description, @"libtorch-cpu\b.*?\bversion (\d+\.\d+\.\d+(?:\.\d+)?)");
        return stated.Success ? NuGetFolderName(stated.Groups[1].Value) : null;
    }

    private static string? DependencyVersion(string nuspec, string id)
    {
        if (!File.Exists(nuspec))
            return null;
        var version = Metadata(nuspec)?.Descendants().FirstOrDefault(e => e.Name.LocalName == "dependency" &&
            string.Equals((string?)e.Attribute("id"), id, StringComparison.OrdinalIgnoreCase))?.Attribute("version")?.Value;
        // An exact pin may be written as a range "[2.10.0]" or "[2.10.0, )": its lower bound is the version restored.
        version = version?.Trim('[', '(', ' ').Split(',')[0].TrimEnd(']', ')', ' ');
        return string.IsNullOrEmpty(version) ? null : NuGetFolderName(version);
    }

    private static System.Xml.Linq.XElement? Metadata(string nuspec)
    {
        try
        {
            return System.Xml.Linq.XDocument.Load(nuspec).Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "metadata");
        }
        catch (System.Xml.XmlException e)
        {
            throw new TorchNativeException($"{nuspec}: is not a valid .nuspec ({e.Message}); restore the package again.", e);
        }
    }

    /// <summary>NuGet's normalised folder name: lower case, a fourth component of 0 dropped ("2.10.0.0" → "2.10.0").</summary>
    private static string NuGetFolderName(string version)
    {
        var parts = version.ToLowerInvariant().Split('.');
        return parts.Length == 4 && parts[3] == "0" ? string.Join('.', parts[..3]) : string.Join('.', parts);
    }
}
